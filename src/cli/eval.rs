//! `nomen eval`: P/R/F1 per label (exact spans) of `nomen extract` on brat and CoNLL corpora.
//!
//! Brat documents are scored as they are. CoNLL files are scored on their development tenth
//! (or whole, with `--all`): the documents are rebuilt as text (tokens joined by spaces) and
//! written as brat files to `--brat-dir` (a temporary directory by default), so that the same
//! files can be given to other systems (`bench/tagger/compare.sh` gives them to spaCy).
//! After the totals come the errors sorted by kind and, with several inputs, a row per CoNLL
//! file or directory; `--misses N` lists errors with what was predicted instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::train::{GoldDoc, expand, is_brat, load};
use crate::eval::{EvalReport, HEADLINE, SeenForms, evaluate_brat};
use crate::extract::Lang;
use crate::pipeline::{Extractor, WorkspaceModel};
use crate::tagger::{Model, Tagger};

/// Options of `nomen eval`.
pub struct EvalOptions {
    pub lang: Lang,
    /// Score the rules alone, without the tagger.
    pub rules: bool,
    /// A model file to use instead of the embedded one.
    pub model: Option<PathBuf>,
    /// Score all of each CoNLL file, not only its development tenth.
    pub all: bool,
    /// The tenth of each CoNLL file scored (`conll::DEV_FOLD` normally).
    pub fold: usize,
    pub brat_dir: Option<PathBuf>,
    /// Print this many misses.
    pub misses: usize,
    /// The corpora the model was trained on (brat documents whole, CoNLL files without the
    /// scored tenth): recall is also reported on gold forms their gold never has.
    pub seen: Vec<PathBuf>,
    /// Training corpora trained on whole (`nomen train --whole`).
    pub seen_whole: Vec<PathBuf>,
    pub inputs: Vec<PathBuf>,
    /// Score each document with a model learnt from the documents before it only.
    pub learned: Option<super::learn::CurveOptions>,
    /// A workspace model file to use instead of the nearest `.nomen/`'s.
    pub workspace_model: Option<PathBuf>,
}

/// `nomen eval`.
pub fn run(options: &EvalOptions) -> Result<ExitCode> {
    let mut extractor = if options.rules {
        Extractor::rules_only()
    } else {
        Extractor::new()
    };
    if let Some(path) = &options.model {
        let bytes = std::fs::read(path)?;
        // Kept for the whole run, so that the extractor's clones share it.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let model = Model::from_bytes(bytes.into())
            .map_err(|_| anyhow::anyhow!("{}: not a nomen model", path.display()))?;
        extractor = extractor.with_tagger(options.lang, Tagger::new(model));
    }
    if options.learned.is_none() {
        extractor = with_workspace_model(extractor, options)?;
    }
    let _tmp;
    let dir = match &options.brat_dir {
        // Numbered files of an earlier run would mix with this run's.
        Some(dir) if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) => {
            anyhow::bail!(
                "{}: --brat-dir must be a new or empty directory",
                dir.display()
            )
        }
        Some(dir) => dir.clone(),
        None => {
            let tmp = tempfile::tempdir()?;
            let dir = tmp.path().to_owned();
            _tmp = tmp;
            dir
        }
    };
    let seen = if options.seen.is_empty() && options.seen_whole.is_empty() {
        None
    } else {
        let corpus = load(&options.seen, &options.seen_whole, &[], options.fold)?;
        let forms = SeenForms::from_gold(
            corpus
                .train
                .iter()
                .flat_map(|d| d.gold.iter().map(|(range, _)| &d.text[*range])),
        );
        eprintln!(
            "nomen eval: {} gold forms in {} training documents",
            forms.len(),
            corpus.train.len()
        );
        Some(forms)
    };
    // Each CoNLL file and each directory is scored on its own, for the per-input table, and
    // added to the total; brat files named one by one make one group.
    let (files, others): (Vec<PathBuf>, Vec<PathBuf>) = options
        .inputs
        .iter()
        .cloned()
        .partition(|p| !p.is_dir() && is_brat(p));
    let mut groups: Vec<(String, Vec<PathBuf>)> = others
        .into_iter()
        .map(|p| (p.display().to_string(), vec![p]))
        .collect();
    if !files.is_empty() {
        groups.insert(0, (format!("{} brat files", files.len()), files));
    }
    let mut report = EvalReport::default();
    let mut rows = Vec::new();
    let mut written = 0;
    let mut in_order = Vec::new();
    for (name, inputs) in groups {
        let paths: Vec<PathBuf> = if inputs[0].is_dir() || is_brat(&inputs[0]) {
            expand(&inputs)?
        } else {
            let corpus = load(&inputs, &[], &[], options.fold)?;
            let mut docs = corpus.dev;
            if options.all {
                docs.extend(corpus.train);
            }
            let paths = write_brat(&dir, written, &docs)?;
            written += docs.len();
            paths
        };
        if options.learned.is_some() {
            in_order.extend(paths);
            continue;
        }
        let part = evaluate_brat(&paths, &extractor, Some(options.lang), seen.as_ref())?;
        rows.push((name, part.documents, part.micro(HEADLINE)));
        report.merge(part);
    }
    if let Some(curve) = &options.learned {
        let docs = in_order
            .iter()
            .map(|p| super::learn::EvalDoc::read(p))
            .collect::<Result<Vec<_>>>()?;
        report = super::learn::curve(&extractor, &docs, curve)?;
    }
    print!("{report}");
    if rows.len() > 1 {
        println!("per input, micro PER+LOC+ORG:");
        for (name, documents, c) in &rows {
            println!(
                "{:>7.3} F1  {:>6} docs  P {:.3}  R {:.3}  {name}",
                c.f1(),
                documents,
                c.precision(),
                c.recall()
            );
        }
    }
    for miss in report.misses.iter().take(options.misses) {
        let kind = if miss.spurious { "spurious" } else { "missed" };
        let mut line = format!("{kind:<9} {:<5} {}", miss.label.tag(), miss.text);
        for (label, text) in &miss.instead {
            let _ = write!(line, "  <- {} {}", label.tag(), text);
        }
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The extractor with the workspace model of `--workspace-model`, else of the nearest `.nomen/`
/// of the first input, if it has one.
fn with_workspace_model(extractor: Extractor, options: &EvalOptions) -> Result<Extractor> {
    use crate::files::learned::{self, Loaded};
    let model = match &options.workspace_model {
        Some(path) => {
            let bytes = crate::files::read_bytes(path, learned::MAX_MODEL_BYTES)?;
            let model = WorkspaceModel::from_bytes(&bytes)
                .map_err(|_| anyhow::anyhow!("{}: not a nomen workspace model", path.display()))?;
            if !model.fits(&extractor) {
                anyhow::bail!("{}: learnt over another model", path.display());
            }
            model
        }
        None => {
            let folder = options
                .inputs
                .first()
                .and_then(|p| crate::files::knowledge::folder_for(p));
            let Some(folder) = folder else {
                return Ok(extractor);
            };
            match learned::load(&folder, &extractor)? {
                Loaded::Ready(model) => {
                    eprintln!(
                        "nomen eval: with the workspace model {}",
                        learned::path(&folder).display()
                    );
                    let elsewhere = options
                        .inputs
                        .iter()
                        .find(|p| crate::files::knowledge::folder_for(p).as_ref() != Some(&folder));
                    if let Some(other) = elsewhere {
                        eprintln!(
                            "nomen eval: {} is not under {}, but is scored with its model too (one model scores every input; --workspace-model chooses it)",
                            other.display(),
                            folder.display()
                        );
                    }
                    model
                }
                Loaded::Stale => {
                    eprintln!(
                        "nomen eval: {} was learnt over another model; not used (run nomen learn)",
                        learned::path(&folder).display()
                    );
                    return Ok(extractor);
                }
                Loaded::Missing => return Ok(extractor),
            }
        }
    };
    Ok(extractor.with_workspace_model(&model))
}

/// Writes each document as `NNNNN.txt` and `NNNNN.ann` in `dir`, numbered from `first`;
/// returns the `.ann` paths.
pub fn write_brat(dir: &Path, first: usize, docs: &[GoldDoc]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let i = first + i;
        let stem = dir.join(format!("{i:05}"));
        std::fs::write(stem.with_extension("txt"), &doc.text)?;
        let mut ann = String::new();
        for (n, (range, label)) in doc.gold.iter().enumerate() {
            // brat counts code points.
            let start = doc.text[..usize::from(range.start())].chars().count();
            let len = doc.text[*range].chars().count();
            let _ = writeln!(
                ann,
                "T{}\t{} {} {}\t{}",
                n + 1,
                label.tag(),
                start,
                start + len,
                &doc.text[*range]
            );
        }
        let path = stem.with_extension("ann");
        std::fs::write(&path, ann)?;
        out.push(path);
    }
    Ok(out)
}
