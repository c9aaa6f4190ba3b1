//! Scores the extractor on brat corpora: `cargo run --release --example eval -- DIR_OR_FILES...`.
//!
//! Options: `--lang fr|en` fixes the language (default: detected per document), `--misses N`
//! prints up to N disagreements per kind, `--speed` also times the extractor alone,
//! `--evidence` splits the extractor's precision by label and evidence (whole documents);
//! with `NOMEN_DUMP=Guess` (or `Lexicon`, `Context`) it also lists those mentions.

use std::path::{Path, PathBuf};
use std::time::Instant;

use nomen::eval::brat::parse_ann;
use nomen::eval::{collect_brat, evaluate_brat};
use nomen::extract::{Evidence, Lang};
use nomen::pipeline::Extractor;

fn main() -> anyhow::Result<()> {
    let mut language = None;
    let mut misses = 0;
    let mut speed = false;
    let mut evidence = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => language = args.next().as_deref().and_then(Lang::from_code),
            "--misses" => misses = args.next().and_then(|n| n.parse().ok()).unwrap_or(50),
            "--speed" => speed = true,
            "--evidence" => evidence = true,
            path => collect_brat(Path::new(path), &mut files)?,
        }
    }
    files.sort();
    // The fastest of a few builds, as other processes share the machine.
    let mut fastest = f64::MAX;
    let mut extractor = Extractor::new();
    for _ in 0..5 {
        let started = Instant::now();
        extractor = Extractor::new();
        fastest = fastest.min(started.elapsed().as_secs_f64() * 1e3);
    }
    let keys = extractor.lexicon_size();
    eprintln!("Extractor::new: {fastest:.1} ms (fastest of 5), {keys} lexicon keys");
    let report = evaluate_brat(&files, &extractor, language, None)?;
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
    if evidence {
        evidence_table(&extractor, &files, language.unwrap_or(Lang::Fr))?;
        if let Ok(evidence) = std::env::var("NOMEN_DUMP") {
            dump(&extractor, &files, language.unwrap_or(Lang::Fr), &evidence)?;
        }
    }
    if speed {
        measure_speed(&extractor, &files, language.unwrap_or(Lang::Fr))?;
    }
    Ok(())
}

/// Adds the `.ann` files under `path` (or `path` itself) to `files`.
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

/// Precision of the raw extractor per (label, evidence), to see which rules to trust.
fn evidence_table(extractor: &Extractor, files: &[PathBuf], lang: Lang) -> anyhow::Result<()> {
    let mut table = std::collections::BTreeMap::<(&str, Evidence), (usize, usize)>::new();
    for f in files {
        let text = std::fs::read_to_string(f.with_extension("txt"))?;
        let gold = parse_ann(&text, &std::fs::read_to_string(f)?).mentions;
        for m in extractor.extract(&text, lang) {
            let hit = gold
                .iter()
                .any(|g| g.range == m.range && g.label == m.label);
            let cell = table.entry((m.label.tag(), m.evidence)).or_default();
            cell.0 += usize::from(hit);
            cell.1 += 1;
        }
    }
    for ((label, evidence), (hits, all)) in table {
        println!(
            "{label:<5} {evidence:<8?} {hits:>6} / {all:<6} {:.3}",
            hits as f64 / all as f64
        );
    }
    Ok(())
}

/// Prints the mentions of one evidence (`Guess`, `Lexicon`, `Context`, as in `NOMEN_DUMP`)
/// with the gold label at the same span (or `-`), for error analysis.
fn dump(
    extractor: &Extractor,
    files: &[PathBuf],
    lang: Lang,
    evidence: &str,
) -> anyhow::Result<()> {
    for f in files {
        let text = std::fs::read_to_string(f.with_extension("txt"))?;
        let gold = parse_ann(&text, &std::fs::read_to_string(f)?).mentions;
        for m in extractor
            .extract(&text, lang)
            .into_iter()
            .filter(|m| format!("{:?}", m.evidence) == evidence)
        {
            let g = gold
                .iter()
                .find(|g| g.range == m.range)
                .map_or("-", |g| g.label.tag());
            let start = usize::from(m.range.start());
            let before = &text[text[..start]
                .char_indices()
                .rev()
                .nth(15)
                .map_or(0, |(i, _)| i)..start];
            println!(
                "DUMP\t{}\t{}\t{}\t{}",
                m.label.tag(),
                g,
                &text[m.range],
                before.replace('\n', " ")
            );
        }
    }
    Ok(())
}
