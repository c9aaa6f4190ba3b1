//! Scores the extractor on brat corpora: `cargo run --release --example eval -- DIR_OR_FILES...`.
//!
//! Options: `--lang fr|en` fixes the language (default: detected per document), `--misses N`
//! prints up to N disagreements per kind, `--speed` also times the extractor alone.

use std::path::{Path, PathBuf};
use std::time::Instant;

use nomen::eval::evaluate_brat;
use nomen::extract::{Extractor, Lang};

fn main() -> anyhow::Result<()> {
    let mut language = None;
    let mut misses = 0;
    let mut speed = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => language = args.next().as_deref().and_then(Lang::from_code),
            "--misses" => misses = args.next().and_then(|n| n.parse().ok()).unwrap_or(50),
            "--speed" => speed = true,
            path => collect(Path::new(path), &mut files)?,
        }
    }
    files.sort();
    let started = Instant::now();
    let extractor = Extractor::new();
    eprintln!(
        "Extractor::new: {:.1} ms, {} lexicon keys",
        started.elapsed().as_secs_f64() * 1e3,
        extractor.lexicon_size()
    );
    let report = evaluate_brat(&files, &extractor, language)?;
    print!("{report}");
    for spurious in [true, false] {
        let kind = if spurious { "spurious" } else { "missed" };
        for m in report
            .misses
            .iter()
            .filter(|m| m.spurious == spurious)
            .take(misses)
        {
            println!(
                "{kind}\t{}\t{}\t{}",
                m.label.tag(),
                m.text,
                m.file.display()
            );
        }
    }
    if speed {
        measure_speed(&extractor, &files, language.unwrap_or(Lang::Fr))?;
    }
    Ok(())
}

/// Adds the `.ann` files under `path` (or `path` itself) to `files`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            collect(&entry?.path(), files)?;
        }
    } else if path.extension().is_some_and(|e| e == "ann") {
        files.push(path.to_owned());
    }
    Ok(())
}

/// Times `Extractor::extract` alone on the documents' paragraphs, several rounds.
fn measure_speed(extractor: &Extractor, files: &[PathBuf], lang: Lang) -> anyhow::Result<()> {
    let mut texts = Vec::new();
    for f in files {
        texts.push(std::fs::read_to_string(f.with_extension("txt"))?);
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 10;
    let started = Instant::now();
    let mut mentions = 0;
    for _ in 0..rounds {
        for text in &texts {
            for paragraph in text.split('\n') {
                mentions += extractor.extract(paragraph, lang).len();
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "speed: {mb:.1} MB in {secs:.3} s = {:.1} MB/s ({mentions} mentions)",
        mb / secs
    );
    Ok(())
}
