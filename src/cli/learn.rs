//! `nomen learn DIR`: learns `DIR/.nomen/`'s workspace model from every annotated document under
//! DIR (or removes it, `--reset`); and the extractor that a folder's workspace model gives
//! `check`, `extract` and `eval`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::analysis::{Annotated, DocOptions, extract_document, learn_document};
use crate::eval::brat::{self, GoldMention};
use crate::eval::{Counts, EvalReport, HEADLINE};
use crate::extract::Lang;
use crate::files::learned::{self, Loaded};
use crate::pipeline::{Extractor, WorkspaceModel};
use crate::tagger::LearnConfig;

/// `nomen learn DIR` and `nomen learn --reset DIR`.
pub fn run(dir: &Path, reset: bool) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!("{}: not a folder", dir.display());
    }
    if reset {
        let path = learned::path(dir);
        match learned::remove(dir)? {
            true => eprintln!("nomen learn: removed {}", path.display()),
            false => eprintln!("nomen learn: {}: there was none", path.display()),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let extractor = Extractor::new();
    let (model, stats) = rebuild_and_save(dir, &extractor)?;
    let path = learned::path(dir);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    eprintln!(
        "nomen learn: {} documents, {} annotations, {} updates; {} features changed; \
         wrote {} ({size} bytes) in {:.2} s",
        stats.documents,
        stats.annotations,
        stats.updates,
        features_changed(&model),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn features_changed(model: &WorkspaceModel) -> usize {
    [crate::extract::Lang::Fr, crate::extract::Lang::En]
        .iter()
        .filter_map(|&l| model.delta(l))
        .map(|d| d.rows())
        .sum()
}

/// Learns `dir`'s workspace model again from its annotations and writes it.
fn rebuild_and_save(
    dir: &Path,
    extractor: &Extractor,
) -> Result<(WorkspaceModel, learned::Rebuilt)> {
    let (model, stats) = learned::rebuild(dir, extractor, LearnConfig::default(), |e| {
        eprintln!("nomen: {e:#}; skipped");
    })?;
    learned::save(dir, &model)?;
    Ok((model, stats))
}

/// The shipped extractor with the workspace model of `folder` (one that holds `.nomen/`): none
/// when there is no model file; a model learnt over another shipped model is learnt again
/// (and written); a file that cannot be read is reported on stderr and not used.
pub(crate) fn extractor_for_folder(folder: &Path) -> Extractor {
    let base = Extractor::new();
    match learned::load(folder, &base) {
        Ok(Loaded::Missing) => base,
        Ok(Loaded::Ready(model)) => base.with_workspace_model(&model),
        Ok(Loaded::Stale) => {
            eprintln!(
                "nomen: {}: learnt over another model; learning it again",
                learned::path(folder).display()
            );
            match rebuild_and_save(folder, &base) {
                Ok((model, _)) => base.with_workspace_model(&model),
                Err(e) => {
                    eprintln!("nomen: {e:#}; the workspace model is not used");
                    base
                }
            }
        }
        Err(e) => {
            eprintln!("nomen: {e:#}; not used");
            base
        }
    }
}

/// A document of `nomen eval --learned`: its `.ann` path, text and gold mentions.
pub struct EvalDoc {
    pub ann: PathBuf,
    pub text: String,
    pub gold: Vec<GoldMention>,
}

impl EvalDoc {
    /// Reads the brat document of `ann` (its `.txt` beside it).
    pub fn read(ann: &Path) -> Result<EvalDoc> {
        let text = super::read_text(&ann.with_extension("txt"))?;
        let annotations = super::read_text(ann)?;
        let mut gold = brat::parse_ann(&text, &annotations).reported(ann);
        gold.sort();
        Ok(EvalDoc {
            ann: ann.to_path_buf(),
            text,
            gold,
        })
    }
}

/// How `nomen eval --learned` runs.
pub struct CurveOptions {
    pub lang: Lang,
    /// After this many documents, score the rest with the model learnt so far and with none.
    pub at: Vec<usize>,
    pub config: LearnConfig,
    /// Where to write the model learnt from the first `max(at)` documents (all without `at`).
    pub save: Option<PathBuf>,
    /// Learn each document as completely annotated (what is not annotated is no entity), not
    /// as an annotator's partial work with the wrong suggestions rejected.
    pub complete: bool,
}

/// `nomen eval --learned`: the documents in order, each scored with the model learnt from the
/// documents before it only, then learnt from as an annotator would leave it: its gold
/// mentions, and the model's suggestions that are not among them rejected. With `at`, the
/// documents after each point are also scored with the model of that point and without it.
pub fn curve(base: &Extractor, docs: &[EvalDoc], options: &CurveOptions) -> Result<EvalReport> {
    let doc_options = DocOptions {
        language: Some(options.lang),
        ..DocOptions::default()
    };
    let predict = |extractor: &Extractor, doc: &EvalDoc| -> Vec<GoldMention> {
        GoldMention::sorted_from(&extract_document(extractor, &doc.text, &doc_options).mentions)
    };
    let score = |doc: &EvalDoc, predicted: &[GoldMention]| {
        let mut report = EvalReport::default();
        report.score(&doc.ann, &doc.text, &doc.gold, predicted);
        report.micro(HEADLINE)
    };
    let base_counts: Vec<Counts> = if options.at.is_empty() {
        Vec::new()
    } else {
        docs.iter().map(|d| score(d, &predict(base, d))).collect()
    };
    let last = options.at.iter().copied().max().unwrap_or(docs.len());
    let mut model = WorkspaceModel::default();
    let mut report = EvalReport::default();
    let mut rows = Vec::new();
    let mut learn_time = std::time::Duration::ZERO;
    for (i, doc) in docs.iter().enumerate() {
        if options.at.contains(&i) {
            rows.push(point(
                base,
                &model,
                &docs[i..],
                &base_counts[i..],
                &predict,
                &score,
                i,
            ));
        }
        if i == last {
            save(options, &model)?;
        }
        let extractor = base.clone().with_workspace_model(&model);
        let predicted = predict(&extractor, doc);
        report.score(&doc.ann, &doc.text, &doc.gold, &predicted);
        let gold: Vec<_> = doc.gold.iter().map(|g| (g.range, g.label)).collect();
        let rejected: Vec<_> = predicted
            .iter()
            .filter(|p| doc.gold.binary_search(p).is_err())
            .map(|p| (p.range, p.label))
            .collect();
        let annotated = Annotated {
            text: &doc.text,
            gold: &gold,
            rejected: &rejected,
            complete: options.complete,
        };
        let started = Instant::now();
        learn_document(base, &mut model, &annotated, &doc_options, options.config);
        learn_time += started.elapsed();
    }
    if last >= docs.len() {
        save(options, &model)?;
    }
    eprintln!(
        "nomen eval --learned: {} documents learnt in {:.2} s",
        docs.len(),
        learn_time.as_secs_f64()
    );
    if !rows.is_empty() {
        println!("learning curve, micro PER+LOC+ORG F1 on the documents after the first N:");
        println!(
            "{:>5} {:>6} {:>8} {:>8} {:>7}",
            "N", "rest", "base", "learnt", "gain"
        );
        for row in rows {
            println!("{row}");
        }
    }
    Ok(report)
}

fn save(options: &CurveOptions, model: &WorkspaceModel) -> Result<()> {
    if let Some(path) = &options.save {
        crate::files::write_atomic(path, &model.to_bytes())?;
    }
    Ok(())
}

/// One row of the curve: after `n` documents, the rest scored with and without the model.
fn point(
    base: &Extractor,
    model: &WorkspaceModel,
    rest: &[EvalDoc],
    base_counts: &[Counts],
    predict: &impl Fn(&Extractor, &EvalDoc) -> Vec<GoldMention>,
    score: &impl Fn(&EvalDoc, &[GoldMention]) -> Counts,
    n: usize,
) -> String {
    let extractor = base.clone().with_workspace_model(model);
    let sum = |counts: &mut dyn Iterator<Item = Counts>| {
        counts.fold(Counts::default(), |a, c| Counts {
            tp: a.tp + c.tp,
            fp: a.fp + c.fp,
            fn_: a.fn_ + c.fn_,
        })
    };
    let learnt = sum(&mut rest.iter().map(|d| score(d, &predict(&extractor, d))));
    let before = sum(&mut base_counts.iter().copied());
    format!(
        "{n:>5} {:>6} {:>8.3} {:>8.3} {:>+7.3}",
        rest.len(),
        before.f1(),
        learnt.f1(),
        learnt.f1() - before.f1()
    )
}

/// `nomen bench learn DIR`: the time to learn DIR's workspace model from scratch, then, for
/// each annotated document, to learn it into that model and write the model, as on save.
pub fn bench(dir: &Path) -> Result<()> {
    let extractor = Extractor::new();
    let config = LearnConfig::default();
    let started = Instant::now();
    let (model, stats) = learned::rebuild(dir, &extractor, config, |e| eprintln!("nomen: {e:#}"))?;
    let rebuild = started.elapsed();
    let bytes = model.to_bytes();
    println!(
        "rebuild: {} documents, {} annotations, {:.2} s (reading included); model {} bytes",
        stats.documents,
        stats.annotations,
        rebuild.as_secs_f64(),
        bytes.len()
    );
    let scratch = tempfile::tempdir()?;
    let mut saves: Vec<(usize, std::time::Duration, PathBuf)> = Vec::new();
    for document in learned::annotated_documents(dir)? {
        let text = super::read_text(&document)?;
        let ann = super::read_text(&document.with_extension("ann"))?;
        let started = Instant::now();
        let gold: Vec<_> = brat::parse_ann(&text, &ann)
            .mentions
            .into_iter()
            .map(|m| (m.range, m.label))
            .collect();
        let mut updated = model.clone();
        let annotated = Annotated {
            text: &text,
            gold: &gold,
            rejected: &[],
            complete: false,
        };
        let options = DocOptions {
            format: crate::analysis::Format::guess(&document.to_string_lossy()),
            language: None,
        };
        learn_document(&extractor, &mut updated, &annotated, &options, config);
        learned::save(scratch.path(), &updated)?;
        saves.push((text.split_whitespace().count(), started.elapsed(), document));
    }
    saves.sort_by_key(|&(_, time, _)| time);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    if let Some(median) = saves.get(saves.len() / 2) {
        println!(
            "on save (the document learnt into the model, the model written): median {:.1} ms \
             ({} words), slowest {:.1} ms",
            ms(median.1),
            median.0,
            saves.last().map_or(0.0, |s| ms(s.1))
        );
    }
    saves.sort_by_key(|&(words, _, _)| std::cmp::Reverse(words));
    for (words, time, path) in saves.iter().take(3) {
        println!("  {words} words: {:.1} ms  {}", ms(*time), path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::brat::parse_ann;

    fn doc(dir: &Path, name: &str, text: &str, ann: &str) -> EvalDoc {
        let path = dir.join(format!("{name}.ann"));
        std::fs::write(path.with_extension("txt"), text).unwrap();
        std::fs::write(&path, ann).unwrap();
        EvalDoc::read(&path).unwrap()
    }

    #[test]
    fn eval_learned_scores_a_document_before_learning_it() {
        let dir = tempfile::tempdir().unwrap();
        // The same document twice: the first is scored with nothing learnt, the second with
        // what the first taught.
        let text = "Le collectif Brume Salée manifeste à Kerbaliou, où Brume Salée proteste.\n";
        let ann = "T1\tOrganization 13 24\tBrume Salée\nT2\tLocation 37 46\tKerbaliou\n\
                   T3\tOrganization 51 62\tBrume Salée\n";
        assert_eq!(parse_ann(text, ann).mentions.len(), 3);
        let docs = [
            doc(dir.path(), "a", text, ann),
            doc(dir.path(), "b", text, ann),
        ];
        let base = Extractor::new();
        let options = CurveOptions {
            lang: Lang::Fr,
            at: Vec::new(),
            // Steps large enough that one document is learnt whole in three passes.
            config: LearnConfig {
                step: 1000,
                ..LearnConfig::default()
            },
            save: None,
            complete: false,
        };
        let alone = curve(&base, &docs[..1], &options).unwrap();
        let mut shipped = EvalReport::default();
        let predicted = GoldMention::sorted_from(
            &extract_document(
                &base,
                text,
                &DocOptions {
                    language: Some(Lang::Fr),
                    ..DocOptions::default()
                },
            )
            .mentions,
        );
        shipped.score(&docs[0].ann, text, &docs[0].gold, &predicted);
        // The first document's score is the shipped model's: its own annotations were not
        // in the model that scored it.
        assert_eq!(alone.micro(HEADLINE), shipped.micro(HEADLINE));
        let both = curve(&base, &docs, &options).unwrap();
        let second = both.micro(HEADLINE).tp - alone.micro(HEADLINE).tp;
        assert_eq!(second, 3, "the second copy is found whole");
        assert!(
            alone.micro(HEADLINE).tp < 3,
            "the test needs names the shipped model misses"
        );
    }
}
