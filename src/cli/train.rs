//! `nomen train`: reads annotated corpora, trains the tagger and writes the model file.
//!
//! Inputs are brat documents (`.ann` beside `.txt`, or directories of them) and CoNLL files.
//! Brat documents given after `--dev` are the development set; every tenth document of each
//! CoNLL file is held out as development data (see `tagger::conll::is_dev`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use text_size::TextRange;

use crate::eval::brat;
use crate::extract::{Label, Lang, tokenize};
use crate::pipeline::Extractor;
use crate::tagger::{self, Example, Model, Tagger, TrainConfig, TrainStats, conll};

/// A document with gold mentions, from either format.
pub struct GoldDoc {
    pub name: String,
    /// The corpus: the name of the folder the file is in.
    pub corpus: String,
    pub text: String,
    pub gold: Vec<(TextRange, Label)>,
}

/// Training and development documents.
#[derive(Default)]
pub struct Corpus {
    pub train: Vec<GoldDoc>,
    pub dev: Vec<GoldDoc>,
}

/// Reads `inputs` (training, except held-out tenth `fold` of CoNLL files), `whole` (training,
/// every document: a corpus whose own development split is another file) and `dev`
/// (development only). Directories are walked in sorted order.
pub fn load(inputs: &[PathBuf], whole: &[PathBuf], dev: &[PathBuf], fold: usize) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    for (paths, is_dev, split) in [
        (inputs, false, true),
        (whole, false, false),
        (dev, true, false),
    ] {
        for path in expand(paths)? {
            if is_brat(&path) {
                let doc = read_brat(&path)?;
                if is_dev {
                    corpus.dev.push(doc);
                } else {
                    corpus.train.push(doc);
                }
                continue;
            }
            let text = super::read_text(&path)?;
            let (docs, problems) = conll::parse_reporting(&text);
            for problem in problems {
                eprintln!("nomen: {}: {problem}; skipped", path.display());
            }
            for (i, d) in docs.into_iter().enumerate() {
                let doc = GoldDoc {
                    name: format!("{}#{i}", path.display()),
                    corpus: corpus_of(&path),
                    text: d.text,
                    gold: d.gold,
                };
                if is_dev || (split && conll::is_dev(i, fold)) {
                    corpus.dev.push(doc);
                } else {
                    corpus.train.push(doc);
                }
            }
        }
    }
    Ok(corpus)
}

/// A corpus is named by the folder its file is in (`btc`, `winer-fr/2016`'s `2016`...).
fn corpus_of(path: &Path) -> String {
    path.parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Files under `paths`: a directory gives its `.ann` files (recursively, sorted).
pub(super) fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?
    {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            out.push(path);
        }
    }
    Ok(())
}

pub(super) fn is_brat(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ann") || path.with_extension("ann").is_file()
}

fn read_brat(path: &Path) -> Result<GoldDoc> {
    let text = super::read_text(&path.with_extension("txt"))?;
    let ann = super::read_text(&path.with_extension("ann"))?;
    let gold = brat::parse_ann(&text, &ann)
        .reported(&path.with_extension("ann"))
        .into_iter()
        .map(|m| (m.range, m.label))
        .collect();
    Ok(GoldDoc {
        name: path.display().to_string(),
        corpus: corpus_of(path),
        text,
        gold,
    })
}

/// Options of `nomen train`.
pub struct TrainOptions {
    pub lang: Lang,
    pub out: PathBuf,
    pub dev: Vec<PathBuf>,
    pub inputs: Vec<PathBuf>,
    /// CoNLL files trained on whole (no tenth held out).
    pub whole: Vec<PathBuf>,
    pub config: TrainConfig,
    /// Whether the rules' mentions are features. A model trained without them ignores them.
    pub rule_features: bool,
    /// Copies of each paragraph with names swapped ([`tagger::augment`]); 0 for none.
    pub substitute: u32,
    /// The tenth of each CoNLL file held out (`conll::DEV_FOLD` normally).
    pub fold: usize,
}

/// `nomen train`.
pub fn run(options: &TrainOptions) -> Result<ExitCode> {
    let corpus = load(&options.inputs, &options.whole, &options.dev, options.fold)?;
    let examples: Vec<Example> = corpus
        .train
        .iter()
        .flat_map(|d| {
            let domain = tagger::features::part(&d.corpus);
            tagger::examples(&d.text, &d.gold)
                .into_iter()
                .map(move |ex| Example { domain, ..ex })
        })
        .collect();
    eprintln!(
        "nomen train: {} training documents ({} paragraphs), {} development documents",
        corpus.train.len(),
        examples.len(),
        corpus.dev.len()
    );
    if examples.is_empty() {
        // An empty model would load, and find nothing: say so instead of writing it.
        anyhow::bail!(
            "no training documents in {} (brat .txt/.ann pairs or CoNLL files)",
            options
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let extractor = Extractor::rules_only();
    let lexicon = extractor.lexicon();
    let mut examples = examples;
    if options.substitute > 0 {
        let names = tagger::augment::Names::from_lexicon(lexicon);
        let copies = tagger::augment::substituted(
            &examples,
            &names,
            options.substitute,
            options.config.seed,
        );
        eprintln!(
            "nomen train: {} paragraphs with names swapped (first names, surnames, places, organisations to draw from: {:?})",
            copies.len(),
            names.len()
        );
        examples.extend(copies);
    }
    let mut stats = TrainStats::default();
    let started = Instant::now();
    let bytes = tagger::train::train(
        &examples,
        options.lang,
        lexicon,
        |text, tokens, keys| {
            if options.rule_features {
                extractor.rule_mentions(text, tokens, keys, options.lang)
            } else {
                Vec::new()
            }
        },
        options.config,
        &mut stats,
        |epoch, model| {
            if corpus.dev.is_empty() {
                eprintln!("epoch {epoch}: {:.1} s", started.elapsed().as_secs_f64());
                return;
            }
            let score = dev_score(model, &corpus.dev, &extractor, options.lang);
            eprintln!(
                "epoch {epoch}: {:.1} s, dev (tagger alone) {score}",
                started.elapsed().as_secs_f64()
            );
        },
    );
    eprintln!(
        "nomen train: {} tokens, {} mentions ({} not on token boundaries), {} features, {} kept, \
         {:.1} s; {} bytes to {}",
        stats.tokens,
        stats.mentions,
        stats.misaligned,
        stats.features,
        Model::from_bytes(bytes.clone().into()).map_or(0, |m| m.rows()),
        started.elapsed().as_secs_f64(),
        bytes.len(),
        options.out.display()
    );
    if let Some(dir) = options.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    super::write_atomic(&options.out, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// Micro P/R/F1 of the tagger alone (no document-level pass) over PER, LOC and ORG.
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        write!(f, "PER+LOC+ORG P {p:.3} R {r:.3} F1 {f1:.3}")
    }
}

fn dev_score(model: &Model, dev: &[GoldDoc], extractor: &Extractor, lang: Lang) -> Score {
    let tagger = Tagger::new(model.clone());
    let scored = |l: &Label| *l != Label::Misc;
    let mut score = Score {
        tp: 0,
        fp: 0,
        fn_: 0,
    };
    for doc in dev {
        for ex in tagger::examples(&doc.text, &doc.gold) {
            let tokens = tokenize(&ex.text);
            let keys = extractor.keys(&ex.text, &tokens);
            let hints = extractor.rule_mentions(&ex.text, &tokens, &keys, lang);
            let predicted = tagger.tag(&ex.text, &tokens, &keys, extractor.lexicon(), lang, &hints);
            let gold: Vec<_> = ex.gold.iter().filter(|(_, l)| scored(l)).collect();
            let predicted: Vec<_> = predicted.iter().filter(|(_, l)| scored(l)).collect();
            let tp = predicted.iter().filter(|p| gold.contains(p)).count();
            score.tp += tp;
            score.fp += predicted.len() - tp;
            score.fn_ += gold.len() - tp;
        }
    }
    score
}
