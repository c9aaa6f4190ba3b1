//! `nomen convert` (brat, JSON Lines, CoNLL IOB2, saying what each conversion loses) and
//! `nomen agree` (pairwise F1 of two annotators, with the places they disagree).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use serde_json::{Value, json};

use crate::annotate::AnnDoc;
use crate::annotate::agree::{self, Agreement, Disagreement, LabelScores, Scores, Side};
use crate::annotate::convert::{self, Annotated};
use crate::files::annotations as sidecar;
use crate::text::{Encoding, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AnnFormat {
    Brat,
    Jsonl,
    Conll,
}

/// A `.ann`'s document and annotations, re-anchored; problems on stderr.
fn read_brat(ann_path: &Path) -> Result<(PathBuf, Annotated)> {
    let document = sidecar::document_of(ann_path);
    let text = super::read_text(&document)?;
    let ann = sidecar::read_ann(ann_path)?.unwrap_or_default();
    let mut ann = AnnDoc::parse(&ann, &text);
    ann.reanchor(&text);
    for p in ann.problems() {
        eprintln!(
            "nomen: {}:{}: {}",
            ann_path.display(),
            p.line + 1,
            p.message
        );
    }
    Ok((document, Annotated { text, ann }))
}

/// The documents of an input file, each with the name its outputs take.
fn read_input(path: &Path) -> Result<Vec<(String, Annotated)>> {
    let stem = path
        .file_stem()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let docs: Vec<Annotated> = match ext {
        "ann" => vec![read_brat(path)?.1],
        "txt" | "md" => vec![read_brat(&path.with_extension("ann"))?.1],
        "jsonl" | "json" => {
            let text = crate::files::read_text(path, crate::files::MAX_KNOWLEDGE_BYTES)?;
            let mut docs = Vec::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                match convert::read_jsonl(line) {
                    Ok(doc) => docs.push(doc),
                    Err(e) => eprintln!("nomen: {}:{}: {e}; skipped", path.display(), i + 1),
                }
            }
            docs
        }
        "conll" | "iob" | "iob2" | "bio" => {
            let text = crate::files::read_text(path, crate::files::MAX_KNOWLEDGE_BYTES)?;
            let (docs, problems) = convert::read_conll(&text);
            for p in problems {
                eprintln!("nomen: {}: {p}", path.display());
            }
            docs
        }
        _ => bail!(
            "{}: not .ann, .txt, .md, .jsonl or .conll: cannot tell its format",
            path.display()
        ),
    };
    let many = docs.len() > 1;
    Ok((docs.into_iter().enumerate())
        .map(|(i, d)| match many {
            true => (format!("{stem}-{}", i + 1), d),
            false => (stem.clone(), d),
        })
        .collect())
}

/// `nomen convert`: each input to `to`, beside it or in `out_dir`. Returns 2 when an input
/// could not be converted.
pub fn convert(inputs: &[PathBuf], to: AnnFormat, out_dir: Option<&Path>) -> Result<ExitCode> {
    let mut failed = false;
    for input in inputs {
        if let Err(e) = convert_one(input, to, out_dir) {
            eprintln!("nomen: {e:#}");
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn convert_one(input: &Path, to: AnnFormat, out_dir: Option<&Path>) -> Result<()> {
    let docs = read_input(input)?;
    let dir = match out_dir {
        Some(dir) => dir.to_path_buf(),
        None => input.parent().map_or_else(PathBuf::new, Path::to_path_buf),
    };
    let stem = input
        .file_stem()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let say_lost = |name: &str, lost: Vec<String>| {
        for l in lost {
            eprintln!("nomen: {} ({name}): lost: {l}", input.display());
        }
    };
    let written = |path: &Path, contents: &str| -> Result<()> {
        let changed = sidecar::write_if_changed(path, contents)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        let what = if changed { "wrote" } else { "unchanged:" };
        eprintln!("nomen: {what} {}", path.display());
        Ok(())
    };
    match to {
        AnnFormat::Brat => {
            for (name, doc) in &docs {
                let text_path = dir.join(format!("{name}.txt"));
                let md = input.extension().is_some_and(|e| e == "md");
                let text_path = if md {
                    text_path.with_extension("md")
                } else {
                    text_path
                };
                written(&text_path, &doc.text)?;
                written(&dir.join(format!("{name}.ann")), &doc.ann.render(&doc.text))?;
            }
        }
        AnnFormat::Jsonl => {
            let mut out = String::new();
            for (name, doc) in &docs {
                let (line, lost) = convert::write_jsonl(doc);
                say_lost(name, lost);
                out.push_str(&line);
            }
            written(&dir.join(format!("{stem}.jsonl")), &out)?;
        }
        AnnFormat::Conll => {
            let mut out = String::new();
            for (name, doc) in &docs {
                let (conll, lost) = convert::write_conll(doc);
                say_lost(name, lost);
                if docs.len() > 1 {
                    out.push_str("-DOCSTART- O\n\n");
                }
                out.push_str(&conll);
            }
            written(&dir.join(format!("{stem}.conll")), &out)?;
        }
    }
    Ok(())
}

/// The `.ann` files under `dir`, by their path relative to it, sorted.
fn ann_files(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(relative))
        .with_context(|| format!("{}: cannot list", dir.join(relative).display()))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let rel = relative.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() && !entry.file_name().to_string_lossy().starts_with('.') {
            ann_files(dir, &rel, out)?;
        } else if kind.is_file() && rel.extension().is_some_and(|e| e == "ann") {
            out.push(rel);
        }
    }
    Ok(())
}

/// The pairs of `.ann` files to compare: the two files, or the files of two folders paired by
/// relative path (one missing on a side counts as no annotations there).
fn pairs(a: &Path, b: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    match (a.is_dir(), b.is_dir()) {
        (false, false) => Ok(vec![(a.to_path_buf(), b.to_path_buf())]),
        (true, true) => {
            let (mut left, mut right) = (Vec::new(), Vec::new());
            ann_files(a, Path::new(""), &mut left)?;
            ann_files(b, Path::new(""), &mut right)?;
            left.extend(right);
            left.sort();
            left.dedup();
            Ok(left
                .into_iter()
                .map(|rel| (a.join(&rel), b.join(rel)))
                .collect())
        }
        _ => bail!("give two .ann files or two folders"),
    }
}

/// One side of a pair: its annotations against `text` (none when the file is missing).
fn side(path: &Path, text: &str) -> Result<AnnDoc> {
    let ann = sidecar::read_ann(path)?.unwrap_or_default();
    let mut doc = AnnDoc::parse(&ann, text);
    doc.reanchor(text);
    for p in doc.problems() {
        eprintln!("nomen: {}:{}: {}", path.display(), p.line + 1, p.message);
    }
    Ok(doc)
}

/// A disagreement placed in its document, for printing.
struct Placed {
    path: PathBuf,
    line: u32,
    column: u32,
    text_a: Option<String>,
    text_b: Option<String>,
    d: Disagreement,
}

/// `nomen agree A B`: the agreement of B with A, as a table or as JSON.
pub fn agree(a: &Path, b: &Path, as_json: bool) -> Result<ExitCode> {
    let mut total = Agreement::default();
    let mut placed = Vec::new();
    for (pa, pb) in pairs(a, b)? {
        let document = [&pa, &pb]
            .iter()
            .map(|p| sidecar::document_of(p))
            .find(|d| d.is_file())
            .with_context(|| format!("{}: no .txt or .md beside it", pa.display()))?;
        let text = super::read_text(&document)?;
        let (da, db) = (side(&pa, &text)?, side(&pb, &text)?);
        let result = agree::agree(da.entities(), db.entities());
        total.absorb(&result);
        let t = Text::new(&text);
        let show = |s: &Option<Side>| s.as_ref().map(|s| text[s.range].to_string());
        for d in result.disagreements {
            let lc = t.line_col(d.start(), Encoding::Utf32);
            placed.push(Placed {
                path: document.clone(),
                line: lc.line + 1,
                column: lc.col + 1,
                text_a: show(&d.a),
                text_b: show(&d.b),
                d,
            });
        }
    }
    let out = if as_json {
        to_json(&total, &placed)
    } else {
        to_table(&total, &placed)
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn scores_json(s: &Scores) -> Value {
    let r = |x: f64| (x * 10_000.0).round() / 10_000.0;
    json!({"p": r(s.precision()), "r": r(s.recall()), "f1": r(s.f1()),
        "matched": s.matched, "a": s.a, "b": s.b})
}

fn label_json(s: &LabelScores) -> Value {
    json!({"exact": scores_json(&s.exact), "overlap": scores_json(&s.overlap)})
}

fn kind_name(d: &Disagreement) -> &'static str {
    match d.kind {
        agree::DisagreementKind::Label => "label",
        agree::DisagreementKind::Bounds => "bounds",
        agree::DisagreementKind::LabelAndBounds => "label and bounds",
        agree::DisagreementKind::OnlyA => "only in A",
        agree::DisagreementKind::OnlyB => "only in B",
    }
}

fn to_json(total: &Agreement, placed: &[Placed]) -> String {
    let per_label: serde_json::Map<String, Value> = (total.per_label.iter())
        .map(|(l, s)| (l.clone(), label_json(s)))
        .collect();
    let confusion: Vec<Value> = (total.confusion.iter())
        .map(|((a, b), n)| json!({"a": a, "b": b, "count": n}))
        .collect();
    let side = |s: &Option<Side>, text: &Option<String>| {
        s.as_ref()
            .map(|s| json!({"id": s.id, "label": s.label, "text": text}))
    };
    let disagreements: Vec<Value> = (placed.iter())
        .map(|p| {
            json!({"path": p.path.display().to_string(), "line": p.line, "column": p.column,
                "kind": kind_name(&p.d), "a": side(&p.d.a, &p.text_a), "b": side(&p.d.b, &p.text_b)})
        })
        .collect();
    let value = json!({"micro": label_json(&total.micro), "per_label": per_label,
        "confusion": confusion, "disagreements": disagreements});
    format!("{value}\n")
}

fn to_table(total: &Agreement, placed: &[Placed]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<14} {:>5} {:>5}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}\n",
        "label", "A", "B", "ex.P", "ex.R", "ex.F1", "ov.P", "ov.R", "ov.F1"
    ));
    let row = |name: &str, s: &LabelScores| {
        let (e, o) = (s.exact, s.overlap);
        format!(
            "{name:<14} {:>5} {:>5}  {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}\n",
            e.a,
            e.b,
            e.precision(),
            e.recall(),
            e.f1(),
            o.precision(),
            o.recall(),
            o.f1()
        )
    };
    for (label, s) in &total.per_label {
        out.push_str(&row(label, s));
    }
    out.push_str(&row("micro", &total.micro));
    out.push_str("\nconfusion (A -> B, paired by overlap):\n");
    for ((a, b), n) in &total.confusion {
        let name = |l: &Option<String>| l.clone().unwrap_or_else(|| "(none)".into());
        out.push_str(&format!("  {} -> {}: {n}\n", name(a), name(b)));
    }
    out.push_str(&format!("\n{} disagreement(s):\n", placed.len()));
    for p in placed {
        let side = |s: &Option<Side>, t: &Option<String>| match (s, t) {
            (Some(s), Some(t)) => format!("{} {} “{t}”", s.id, s.label),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "{}:{}:{}: {}: A {} / B {}\n",
            p.path.display(),
            p.line,
            p.column,
            kind_name(&p.d),
            side(&p.d.a, &p.text_a),
            side(&p.d.b, &p.text_b)
        ));
    }
    out
}
