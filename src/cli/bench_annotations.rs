//! `nomen bench annotations`: a generated document with many annotations (names with accents
//! and an astral character, CRLF line breaks): the median cost of following a one-character
//! edit (`AnnDoc::apply_edit`), and the time to parse and re-anchor its `.ann`, then render it.

use std::time::{Duration, Instant};

use crate::annotate::AnnDoc;
use crate::text::{TextRange, TextSize};

/// The document and its `.ann`: `n` names, each annotated, ten to a line.
pub fn document(n: usize) -> (String, String) {
    const NAMES: &[(&str, &str)] = &[
        ("Hélène Varga", "Person"),
        ("Port-Aubry", "Location"),
        ("Coopérative Lune 🌙", "Organization"),
        ("Tomasz Ek", "Person"),
    ];
    let mut text = String::with_capacity(n * 24);
    let mut ann = String::with_capacity(n * 40);
    let mut cp = 0;
    for i in 0..n {
        let (name, label) = NAMES[i % NAMES.len()];
        text.push_str("met ");
        cp += 4;
        let len = name.chars().count();
        ann.push_str(&format!("T{}\t{label} {cp} {}\t{name}\n", i + 1, cp + len));
        text.push_str(name);
        cp += len;
        let sep = if i % 10 == 9 { ".\r\n" } else { ", " };
        text.push_str(sep);
        cp += sep.chars().count();
    }
    (text, ann)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

pub fn run(annotations: usize, edits: usize) -> anyhow::Result<()> {
    let (text, ann) = document(annotations);
    println!(
        "{annotations} annotations, a document of {} KB, a .ann of {} KB",
        text.len() >> 10,
        ann.len() >> 10
    );
    let mut parse = Vec::new();
    let mut render = Vec::new();
    let mut doc = AnnDoc::empty();
    for _ in 0..5 {
        // The previous document is dropped before the clock starts: parsing is timed, not
        // freeing.
        drop(std::mem::replace(&mut doc, AnnDoc::empty()));
        let started = Instant::now();
        doc = AnnDoc::parse(&ann, &text);
        doc.reanchor(&text);
        parse.push(started.elapsed());
        let started = Instant::now();
        let out = doc.render(&text);
        render.push(started.elapsed());
        anyhow::ensure!(out == ann, "the .ann did not round-trip");
    }
    anyhow::ensure!(
        doc.len() == annotations && doc.problems().is_empty(),
        "bad parse"
    );
    // One-character insertions then deletions, at places spread over the document, each
    // followed by its undo so that the document stays the same size.
    let mut times = Vec::with_capacity(edits * 2);
    let mut state: u64 = 11;
    for _ in 0..edits {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = (state >> 33) as usize % text.len();
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let at = TextSize::new(at as u32);
        let started = Instant::now();
        doc.apply_edit(TextRange::empty(at), TextSize::new(1));
        times.push(started.elapsed());
        let started = Instant::now();
        doc.apply_edit(TextRange::at(at, TextSize::new(1)), TextSize::new(0));
        times.push(started.elapsed());
    }
    anyhow::ensure!(doc.len() == annotations, "an edit removed an annotation");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "apply_edit, one character (median of {}): {:.3} ms",
        times.len(),
        ms(median(times))
    );
    println!(
        "parse + reanchor of the .ann (median of 5): {:.1} ms",
        ms(median(parse))
    );
    println!(
        "render of the unchanged .ann (median of 5): {:.1} ms",
        ms(median(render))
    );
    // A save after an edit at the very top: every T line is written anew.
    doc.apply_edit(TextRange::empty(TextSize::new(0)), TextSize::new(1));
    let edited = format!("x{text}");
    let started = Instant::now();
    let out = doc.render(&edited);
    println!(
        "render after an edit at the top (every line rewritten): {:.1} ms ({} KB)",
        ms(started.elapsed()),
        out.len() >> 10
    );
    // An outside edit at the top: every annotation must be found again, nearby.
    let moved = format!("Preface.\r\n{text}");
    let started = Instant::now();
    let mut doc = AnnDoc::parse(&ann, &moved);
    doc.reanchor(&moved);
    println!(
        "parse + reanchor after a line added at the top (every annotation moved): {:.1} ms ({} not found)",
        ms(started.elapsed()),
        doc.unanchored().count()
    );
    // The worst case: the .ann bound to a text where none of its names is (a file renamed
    // over another). Every annotation is looked for in one pass, not one pass each.
    let elsewhere = text.replace(['é', 'a', 'o'], "u");
    let started = Instant::now();
    let mut doc = AnnDoc::parse(&ann, &elsewhere);
    doc.reanchor(&elsewhere);
    println!(
        "parse + reanchor against a text where no name is (worst case): {:.1} ms ({} not found)",
        ms(started.elapsed()),
        doc.unanchored().count()
    );
    Ok(())
}
