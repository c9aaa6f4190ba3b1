//! The shell around the pure core: reading files, printing results, running the server.

mod bench;
pub mod eval;
mod export;
pub mod train;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustc_hash::FxHashMap;

pub use bench::BenchCommand;
pub use export::ExtractFormat;

use crate::analysis::{self, DocOptions, Format};
use crate::extract::Lang;
use crate::files::{knowledge, write_atomic};
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

/// Reads a file as UTF-8 text, with an error that names it.
pub fn read_text(path: &Path) -> Result<String> {
    crate::files::read_utf8(path)
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
#[derive(Default)]
struct Knowledge {
    by_folder: std::sync::Mutex<FxHashMap<PathBuf, Arc<KnowledgeBase>>>,
}

impl Knowledge {
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
    let extractor = Extractor::new();
    let knowledge = Knowledge::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = for_each_file(files, |path, text| {
        let t = Text::new(&text);
        let options = options_for(path, language);
        let analysis = analysis::analyze_with(&extractor, &t, &options, knowledge.for_file(path));
        for d in analysis.diagnostics(&analysis::DiagnosticsConfig::default()) {
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
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    }
    let extractor = Extractor::new();
    let knowledge = Knowledge::default();
    // Files are analysed on every core and written in the order given.
    let rendered = in_parallel(files, |path| {
        let text = read_text(path)?;
        let options = options_for(path, language);
        let entities =
            analysis::extract_document_with(&extractor, &text, &options, knowledge.for_file(path));
        Ok(export::render(format, path, &text, &entities))
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (path, rendered) in files.iter().zip(rendered) {
        let written = rendered.and_then(|rendered| match out_dir {
            Some(dir) if format != ExtractFormat::Jsonl => {
                let name = path.file_stem().unwrap_or(path.as_os_str());
                let target = dir.join(name).with_extension(format.extension());
                write_atomic(&target, rendered.as_bytes())
            }
            _ => Ok(out.write_all(rendered.as_bytes())?),
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
