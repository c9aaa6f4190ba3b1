//! The shell around the pure core: reading files, printing results, running the server.

mod annotated;
pub mod annotations;
mod bench;
mod bench_annotations;
pub mod eval;
mod export;
pub mod learn;
mod stdin;
pub mod train;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustc_hash::FxHashMap;

pub use annotations::AnnFormat;
pub use bench::BenchCommand;
pub use export::ExtractFormat;

use crate::analysis::{self, DocOptions, Format};
use crate::extract::Lang;
use crate::files::{self, knowledge, write_atomic};
use crate::kb::KnowledgeBase;
use crate::pipeline::Extractor;
use crate::text::Text;

/// `nomen lsp`: serves until `exit` or until stdin closes.
pub fn lsp() -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let clean = runtime.block_on(crate::lsp::run_stdio());
    // Extraction left on blocking threads has nobody to report to any more.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    // The protocol: 0 after `shutdown`, 1 for an `exit` (or an end of input) without it.
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Reads a document as UTF-8 text (a regular file under the documents' cap), with an error
/// that names it.
pub fn read_text(path: &Path) -> Result<String> {
    Ok(files::read_text(path, files::MAX_DOCUMENT_BYTES)?)
}

fn options_for(path: &Path, language: Option<Lang>) -> DocOptions {
    DocOptions {
        format: Format::guess(&path.to_string_lossy()),
        language,
    }
}

/// The knowledge base for each file, as the server would use it: that of the nearest `.nomen/`
/// folder at or above the file's directory (see `files::knowledge`). A file with errors is
/// reported (each error with its line and column) and left out. Each folder is read once.
/// The same folder's workspace model (`files::learned`) gives the file's extractor.
#[derive(Default)]
struct Knowledge {
    by_folder: std::sync::Mutex<FxHashMap<PathBuf, Arc<KnowledgeBase>>>,
    extractors: std::sync::Mutex<FxHashMap<PathBuf, Arc<Extractor>>>,
    shipped: std::sync::OnceLock<Arc<Extractor>>,
}

impl Knowledge {
    /// The extractor for `path`: the shipped one with the workspace model of the nearest
    /// `.nomen/` folder, if it has one.
    fn extractor_for(&self, path: &Path) -> Arc<Extractor> {
        let Some(folder) = knowledge::folder_for(path) else {
            return self.shipped.get_or_init(Arc::default).clone();
        };
        let mut cache = self.extractors.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(folder.clone())
            .or_insert_with(|| Arc::new(learn::extractor_for_folder(&folder)))
            .clone()
    }

    fn for_file(&self, path: &Path) -> Arc<KnowledgeBase> {
        let Some(folder) = knowledge::folder_for(path) else {
            return analysis::default_knowledge();
        };
        let mut cache = self.by_folder.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(folder.clone())
            .or_insert_with(|| Arc::new(knowledge::load_folder(&folder, report)))
            .clone()
    }
}

/// Says on stderr why a knowledge file is left out.
fn report(path: &Path, problem: knowledge::Problem) {
    match problem {
        knowledge::Problem::Unreadable(e) => eprintln!("nomen: {e:#}; not used"),
        knowledge::Problem::Invalid { errors, .. } => {
            for e in errors {
                eprintln!(
                    "nomen: {}:{}:{}: {}",
                    path.display(),
                    e.line + 1,
                    e.column + 1,
                    e.message
                );
            }
            eprintln!("nomen: {}: not used", path.display());
        }
    }
}

/// The knowledge base of `dir`, a folder that holds `.nomen/` (or that `.nomen/` folder
/// itself), as [`Knowledge`] finds it for a file in that folder.
pub fn knowledge_of(dir: &Path) -> Result<Arc<KnowledgeBase>> {
    Ok(Arc::new(knowledge::load_folder(
        &nomen_folder(dir)?,
        report,
    )))
}

/// The folder that holds `dir`'s `.nomen/` (`dir` itself, or its parent when `dir` is the
/// `.nomen/` folder).
fn nomen_folder(dir: &Path) -> Result<PathBuf> {
    let folder = if dir.file_name().is_some_and(|n| n == ".nomen") {
        dir.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        dir.to_path_buf()
    };
    if !folder.join(".nomen").is_dir() {
        anyhow::bail!("{}: no .nomen folder there", dir.display());
    }
    Ok(folder)
}

/// How `nomen extract --stdin` runs.
pub struct StdinOptions {
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    pub language: Option<Lang>,
    /// A folder whose `.nomen/` knowledge base is used, instead of the embedded default.
    pub knowledge: Option<PathBuf>,
}

/// `nomen extract --stdin`: JSON Lines documents from stdin, their entities on stdout, a
/// summary on stderr; exit status 1 when any line failed.
pub fn extract_stdin(options: &StdinOptions) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let (knowledge, extractor) = match &options.knowledge {
        Some(dir) => (
            knowledge_of(dir)?,
            learn::extractor_for_folder(&nomen_folder(dir)?),
        ),
        None => (analysis::default_knowledge(), Extractor::new()),
    };
    let jobs = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let stream = stdin::StreamOptions {
        jobs,
        language: options.language,
        knowledge,
        extractor: Arc::new(extractor),
        max_text_bytes: files::MAX_DOCUMENT_BYTES as usize,
    };
    let mut input = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let mut output = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
    let summary = stdin::run(&mut input, &mut output, &stream)?;
    stdin::report(&summary, started);
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `each` on every readable file; unreadable ones are reported and make the exit status 2.
fn for_each_file(
    files: &[PathBuf],
    mut each: impl FnMut(&Path, String) -> Result<()>,
) -> Result<ExitCode> {
    let mut failed = false;
    for path in files {
        let outcome = read_text(path).and_then(|text| each(path, text));
        if let Err(e) = outcome {
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

/// `nomen check`: the server's diagnostics, one per line.
pub fn check(files: &[PathBuf], language: Option<Lang>) -> Result<ExitCode> {
    let knowledge = Knowledge::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = for_each_file(files, |path, text| {
        // Editors hide a byte-order mark and count columns after it.
        let t = Text::new(text.strip_prefix('\u{feff}').unwrap_or(&text));
        let options = options_for(path, language);
        let extractor = knowledge.extractor_for(path);
        let analysis = analysis::analyze_with(&extractor, &t, &options, knowledge.for_file(path));
        // What the server publishes with its default settings: a diagnostic per mention, and
        // the consistency checks, in document order.
        let mut diagnostics = analysis.diagnostics(&analysis::DiagnosticsConfig::default());
        diagnostics.extend(analysis.checks(&t, &analysis::ChecksConfig::default()));
        diagnostics.sort_by_key(|d| d.range.start());
        let source = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if let Some(annotations) = annotated::load(path, source)? {
            let mentions = analysis.resolved_mentions();
            let lines =
                annotated::check_lines(path, &t, source, &mentions, diagnostics, &annotations);
            for line in lines {
                writeln!(out, "{line}")?;
            }
            out.flush()?;
            return Ok(());
        }
        for d in diagnostics {
            let lc = t.line_col(d.range.start(), crate::text::Encoding::Utf32);
            let severity = format!("{:?}", d.severity).to_lowercase();
            writeln!(
                out,
                "{}:{}:{}: {severity}: {}",
                path.display(),
                lc.line + 1,
                lc.col + 1,
                d.message
            )?;
        }
        // Each file's lines as soon as it is done, before a slow or failing next file.
        out.flush()?;
        Ok(())
    })?;
    out.flush()?;
    Ok(code)
}

/// `nomen extract`: the entities of each file, as JSON Lines, brat or CoNLL.
pub fn extract(
    files: &[PathBuf],
    format: ExtractFormat,
    out_dir: Option<&Path>,
    language: Option<Lang>,
) -> Result<ExitCode> {
    if format == ExtractFormat::Brat && out_dir.is_none() {
        anyhow::bail!("--format brat writes NAME.ann files: give --out-dir DIR");
    }
    let targets = match out_dir {
        Some(dir) if format != ExtractFormat::Jsonl => Some(output_paths(files, dir, format)?),
        _ => None,
    };
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    }
    let knowledge = Knowledge::default();
    // Files are analysed on every core and written in the order given.
    let rendered = in_parallel(files, |path| {
        let text = read_text(path)?;
        let options = options_for(path, language);
        let extractor = knowledge.extractor_for(path);
        let entities =
            analysis::extract_document_with(&extractor, &text, &options, knowledge.for_file(path));
        Ok(match annotated::load(path, &text)? {
            Some(annotations) => annotated::render(format, path, &text, &entities, &annotations),
            None => export::render(format, path, &text, &entities),
        })
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (i, rendered) in rendered.into_iter().enumerate() {
        let written = rendered.and_then(|rendered| match &targets {
            Some(targets) => write_atomic(&targets[i], rendered.as_bytes()),
            None => Ok(out.write_all(rendered.as_bytes())?),
        });
        if let Err(e) = written {
            eprintln!("nomen: {e:#}");
            failed = true;
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where `--out-dir` puts each file's output: `DIR/NAME.EXT`, NAME the file's name without
/// its last extension. Two inputs of one NAME (`a/x.txt` and `b/x.md`, or one file given twice)
/// would overwrite each other's output: refused before anything is written, naming both.
fn output_paths(files: &[PathBuf], dir: &Path, format: ExtractFormat) -> Result<Vec<PathBuf>> {
    let mut seen: rustc_hash::FxHashMap<PathBuf, &Path> = rustc_hash::FxHashMap::default();
    files
        .iter()
        .map(|path| {
            let mut name = path.file_stem().unwrap_or(path.as_os_str()).to_os_string();
            name.push(".");
            name.push(format.extension());
            let target = dir.join(name);
            if let Some(first) = seen.insert(target.clone(), path) {
                anyhow::bail!(
                    "{} and {} would both be written to {}: rename one, or extract them in separate runs",
                    first.display(),
                    path.display(),
                    target.display()
                );
            }
            Ok(target)
        })
        .collect()
}

/// Runs `work` on every file, on as many threads as there are cores, and gives the results in
/// the order of `files`.
fn in_parallel<T: Send>(
    files: &[PathBuf],
    work: impl Fn(&Path) -> Result<T> + Sync,
) -> Vec<Result<T>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let mut done: Vec<(usize, Result<T>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break mine };
                        mine.push((i, work(path)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut slots: Vec<Option<Result<T>>> = files.iter().map(|_| None).collect();
    for (i, result) in done.drain(..) {
        slots[i] = Some(result);
    }
    // A file whose worker panicked has no result: it fails alone, the others still count.
    files
        .iter()
        .zip(slots)
        .map(|(path, slot)| {
            slot.unwrap_or_else(|| Err(anyhow::anyhow!("{}: internal error", path.display())))
        })
        .collect()
}

/// `nomen bench`.
pub fn bench(what: BenchCommand) -> Result<ExitCode> {
    bench::run(what)?;
    Ok(ExitCode::SUCCESS)
}
