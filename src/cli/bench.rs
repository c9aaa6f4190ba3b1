//! `nomen bench`: the speed and memory figures of the README, measured on text nomen writes.
//!
//! - `edit`: the cost of bringing the analysis up to date after a one-character edit, on
//!   documents of several sizes (the target: under 1 ms median, and within 3x between a
//!   10,000-word and a 1,000,000-word document).
//! - `server`: a real `nomen lsp` child process: the time to answer `initialize`, and the time
//!   and peak memory to open and analyse a large document.
//! - `worst`: generated worst cases, at a size and at half of it (a linear cost doubles): a
//!   paragraph of capitalised words with no punctuation, analysed and checked as `nomen check`
//!   does; a knowledge file in which every entity is an error, parsed.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use serde_json::{Value, json};

use crate::analysis::{DocOptions, analyze};
use crate::pipeline::Extractor;
use crate::text::{Edit, Text, TextRange, TextSize};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Median cost of a one-character edit, per document size.
    Edit {
        /// Document sizes in words.
        #[arg(long, value_delimiter = ',', default_value = "10000,1000000")]
        words: Vec<usize>,
        /// Edits measured per size.
        #[arg(long, default_value_t = 400)]
        edits: usize,
    },
    /// Time to build the workspace index of a folder (every text and Markdown file under it).
    Workspace {
        /// The folder to index.
        dir: std::path::PathBuf,
    },
    /// Generated worst cases, each at `--words`/`--errors` and at half of it.
    Worst {
        /// Capitalised words in the one paragraph with no punctuation.
        #[arg(long, default_value_t = 50_000)]
        words: usize,
        /// Errors in the generated knowledge file.
        #[arg(long, default_value_t = 16_000)]
        errors: usize,
    },
    /// Annotations: a one-character edit's `apply_edit` (median), parse and re-anchor of a
    /// `.ann` with that many lines.
    Annotations {
        #[arg(long, default_value_t = 100_000)]
        annotations: usize,
        /// Edits measured (each an insertion and a deletion).
        #[arg(long, default_value_t = 500)]
        edits: usize,
    },
    /// `initialize` latency, and time and peak memory to open a large document in the server.
    Server {
        /// Size of the opened document in megabytes.
        #[arg(long, default_value_t = 10)]
        mb: usize,
        /// The whole document on one line, one paragraph (as a file with no line breaks).
        #[arg(long)]
        one_line: bool,
    },
    /// Learning from annotations: `nomen learn` of a folder (rebuild), and learning one of its
    /// documents into the folder's model, as on save (per document, the largest reported).
    Learn {
        /// A folder of annotated documents (`.ann` beside `.txt` or `.md`).
        dir: std::path::PathBuf,
    },
}

pub fn run(command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Edit { words, edits } => edit(&words, edits),
        BenchCommand::Server { mb, one_line } => server(mb, one_line),
        BenchCommand::Workspace { dir } => workspace(&dir),
        BenchCommand::Worst { words, errors } => worst(words, errors),
        BenchCommand::Learn { dir } => super::learn::bench(&dir),
        BenchCommand::Annotations { annotations, edits } => {
            super::bench_annotations::run(annotations, edits)
        }
    }
}

/// A paragraph of `words` capitalised words (first names and surnames, so many persons) with
/// no punctuation at all.
pub fn capitalised_paragraph(words: usize) -> String {
    const FIRST: &[&str] = &["Jean", "Marie", "Pierre", "Anne", "Louis", "Claire", "Paul"];
    const LAST: &[&str] = &["Dupont", "Martin", "Bernard", "Moreau", "Laurent", "Girard"];
    let mut state: u64 = 7;
    let mut out = String::with_capacity(words * 8);
    for i in 0..words {
        let list = if i % 2 == 0 { FIRST } else { LAST };
        if i > 0 {
            out.push(' ');
        }
        out.push_str(list[(next(&mut state) % list.len() as u64) as usize]);
    }
    out.push('\n');
    out
}

/// A knowledge file of `errors` entities, each of an unknown kind.
pub fn broken_knowledge(errors: usize) -> String {
    (0..errors)
        .map(|i| format!("[[entity]]\nname = \"Entité {i}\"\nkind = \"planet\"\n\n"))
        .collect()
}

fn worst(words: usize, errors: usize) -> Result<()> {
    let extractor = Extractor::new();
    println!("capitalised words, no punctuation: analyse + diagnostics + checks");
    println!(
        "{:>10} {:>10} {:>10} {:>10}",
        "words", "analyse ms", "diag ms", "checks ms"
    );
    for n in [words / 2, words] {
        let source = capitalised_paragraph(n);
        let text = Text::new(&source);
        let started = Instant::now();
        let analysis = analyze(&extractor, &text, &DocOptions::default());
        let analysed = started.elapsed();
        let started = Instant::now();
        let diagnostics = analysis.diagnostics(&crate::analysis::DiagnosticsConfig::default());
        let diagnosed = started.elapsed();
        let started = Instant::now();
        let checks = analysis.checks(&text, &crate::analysis::ChecksConfig::default());
        let checked = started.elapsed();
        println!(
            "{n:>10} {:>10.0} {:>10.0} {:>10.0}   ({} diagnostics, {} checks)",
            micros(analysed) / 1000.0,
            micros(diagnosed) / 1000.0,
            micros(checked) / 1000.0,
            diagnostics.len(),
            checks.len()
        );
    }
    println!("knowledge file with errors: parse");
    println!("{:>10} {:>10}", "errors", "parse ms");
    for n in [errors / 2, errors] {
        let source = broken_knowledge(n);
        let started = Instant::now();
        let found = crate::kb::parse_toml(&source).err().map_or(0, |e| e.len());
        println!("{found:>10} {:>10.0}", micros(started.elapsed()) / 1000.0);
    }
    Ok(())
}

/// Sentences of the project's own writing, mixed into articles of any length.
const SENTENCES: &[&str] = &[
    "Le président Emmanuel Macron a reçu mardi à Paris la chancelière Angela Merkel.",
    "Selon l’agence Reuters, les discussions ont porté sur l’Ukraine et la Russie.",
    "Merkel a rappelé que l’Union européenne restait unie face à Moscou.",
    "À Bruxelles, la Commission européenne prépare un nouveau plan d’aide.",
    "Le ministre des Affaires étrangères, Jean-Yves Le Drian, s’est rendu à Tunis.",
    "Le Drian a rencontré son homologue tunisien avant de repartir pour Alger.",
    "Les négociations de Genève, sous l’égide de l’Organisation des Nations unies, reprendront lundi.",
    "Le groupe Renault a annoncé une usine au Maroc, près de Tanger.",
    "The spokesman for the European Commission said talks would resume in Geneva.",
    "Macron a salué un accord « historique » entre la France et l’Allemagne.",
    "Dans un communiqué, le Kremlin a dénoncé une ingérence 😀 inacceptable.",
    "Le général Pierre de Villiers, ancien chef d’état-major, a publié un livre.",
];

/// A deterministic article of about `words` words, in paragraphs of three to six sentences.
pub fn article(words: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    while count < words {
        let sentences = 3 + (next(&mut state) % 4) as usize;
        for i in 0..sentences {
            let s = SENTENCES[(next(&mut state) % SENTENCES.len() as u64) as usize];
            if i > 0 {
                out.push(' ');
            }
            out.push_str(s);
            count += s.split_whitespace().count();
        }
        out.push_str("\n\n");
    }
    out
}

fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

fn edit(sizes: &[usize], edits: usize) -> Result<()> {
    let extractor = Extractor::new();
    println!(
        "one-character edits, analysis brought up to date after each (plan + extract + install)"
    );
    println!(
        "{:>10} {:>10} {:>10} {:>12} {:>12} {:>12}",
        "words", "bytes", "open ms", "median µs", "p90 µs", "max µs"
    );
    let mut medians = Vec::new();
    for &words in sizes {
        let source = article(words);
        let mut text = Text::new(&source);
        let started = Instant::now();
        let mut analysis = analyze(&extractor, &text, &DocOptions::default());
        let open = started.elapsed();
        let mut state = words as u64;
        let mut times = Vec::with_capacity(edits);
        let mut typed = None;
        for _ in 0..edits {
            // Type a letter somewhere, then take it back, so the document keeps its size.
            let edit = match typed.take() {
                None => {
                    let at = text.clamp(TextSize::new(
                        (next(&mut state) % u64::from(u32::from(text.len()))) as u32,
                    ));
                    typed = Some(at);
                    Edit {
                        range: TextRange::empty(at),
                        insert: "é".into(),
                    }
                }
                Some(at) => Edit {
                    range: TextRange::at(at, TextSize::of("é")),
                    insert: String::new(),
                },
            };
            let started = Instant::now();
            text.apply(&edit);
            let batch = analysis.plan(std::slice::from_ref(&edit), &text);
            let more = analysis.install(batch.run(&extractor));
            times.push(started.elapsed());
            if more || !analysis.is_ready() {
                bail!("the analysis was not up to date after an edit");
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        let p90 = times[times.len() * 9 / 10];
        let max = times[times.len() - 1];
        println!(
            "{words:>10} {:>10} {:>10.1} {:>12.1} {:>12.1} {:>12.1}",
            source.len(),
            open.as_secs_f64() * 1e3,
            micros(median),
            micros(p90),
            micros(max)
        );
        medians.push((words, median));
    }
    if let (Some(first), Some(last)) = (medians.first(), medians.last()) {
        if medians.len() > 1 {
            let ratio = micros(last.1) / micros(first.1).max(1e-3);
            println!(
                "median ratio {} words / {} words: {ratio:.2}x",
                last.0, first.0
            );
        }
    }
    Ok(())
}

fn workspace(dir: &std::path::Path) -> Result<()> {
    use crate::workspace::{WorkspaceIndex, index_file, prose_files};
    let started = Instant::now();
    let extractor = Extractor::new();
    let knowledge = crate::analysis::default_knowledge();
    let files = prose_files(&[dir.to_path_buf()]);
    let listed = started.elapsed();
    let mut index = WorkspaceIndex::default();
    let mut bytes = 0;
    for path in &files {
        bytes += std::fs::metadata(path).map_or(0, |m| m.len());
        if let Some(entities) = index_file(path, &extractor, &knowledge, None, u64::MAX) {
            index.insert(path.clone(), entities);
        }
    }
    let total = started.elapsed();
    let entities = index.entities().count();
    println!(
        "indexed {} files ({:.1} MB, {entities} entities) in {:.0} ms ({:.0} ms listing); one core",
        index.len(),
        bytes as f64 / 1e6,
        total.as_secs_f64() * 1e3,
        listed.as_secs_f64() * 1e3
    );
    Ok(())
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A minimal LSP client over a child's pipes.
struct Child {
    process: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Child {
    fn send(&mut self, message: Value) -> Result<()> {
        let body = serde_json::to_string(&message)?;
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.stdin.flush()?;
        Ok(())
    }

    fn receive(&mut self) -> Result<Value> {
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line)? == 0 {
                bail!("the server closed its output");
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = Some(v.parse::<usize>()?);
            }
        }
        let mut body = vec![0; length.context("a message without Content-Length")?];
        self.stdout.read_exact(&mut body)?;
        Ok(serde_json::from_slice(&body)?)
    }

    /// Reads messages until one satisfies `done`.
    fn until(&mut self, done: impl Fn(&Value) -> bool) -> Result<Value> {
        loop {
            let message = self.receive()?;
            if done(&message) {
                return Ok(message);
            }
        }
    }

    fn status(&self, field: &str) -> Option<String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with(field))
            .map(|l| l[field.len()..].trim().to_string())
    }
}

fn server(mb: usize, one_line: bool) -> Result<()> {
    let exe = std::env::current_exe()?;
    let mut process = Command::new(exe)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting nomen lsp")?;
    let stdin = process.stdin.take().context("no stdin")?;
    let stdout = BufReader::new(process.stdout.take().context("no stdout")?);
    let mut child = Child {
        process,
        stdin,
        stdout,
    };
    let started = Instant::now();
    child.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
            "initializationOptions": {"maxDocumentBytes": (mb as u64 + 1) * 2 * 1024 * 1024}
        }}),
    )?;
    child.until(|m| m["id"] == 1)?;
    let initialize = started.elapsed();
    child.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
    let mut text = article(mb * 1024 * 1024 / 7);
    if one_line {
        text = text.replace("\n\n", " ");
    }
    let uri = "file:///bench/large.txt";
    let started = Instant::now();
    child.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "plaintext", "version": 1, "text": text}}}),
    )?;
    let published = child
        .until(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)?;
    let opened = started.elapsed();
    let diagnostics = published["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    let peak = child.status("VmHWM:").unwrap_or_else(|| "unknown".into());
    let rss = child.status("VmRSS:").unwrap_or_else(|| "unknown".into());
    child.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))?;
    child.until(|m| m["id"] == 2)?;
    child.send(json!({"jsonrpc": "2.0", "method": "exit"}))?;
    let status = child.process.wait()?;
    println!(
        "initialize answered in {:.1} ms",
        initialize.as_secs_f64() * 1e3
    );
    println!(
        "opened a {:.1} MB document{}: first diagnostics ({diagnostics}) after {:.0} ms",
        text.len() as f64 / 1e6,
        if one_line { " on one line" } else { "" },
        opened.as_secs_f64() * 1e3
    );
    println!("server memory: peak {peak}, resident after analysis {rss}; exit {status}");
    Ok(())
}
