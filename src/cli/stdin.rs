//! `nomen extract --stdin`: a stream of JSON Lines documents in, one line out per line in, in
//! the input's order, with bounded memory and every core busy.
//!
//! The calling thread reads lines; a pool of workers parses and extracts them; a writer thread
//! puts the results back in input order. Every line read holds a share of a [`Budget`] (its
//! bytes, and one slot) until its result is written, so the lines in flight, the channel
//! between the threads and the writer's reordering window are all bounded together, however
//! long the stream and however unevenly the documents take.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::export;
use crate::analysis::{self, DocOptions};
use crate::extract::Lang;
use crate::kb::KnowledgeBase;
use crate::pipeline::Extractor;

/// How the stream is extracted.
pub struct StreamOptions {
    pub jobs: usize,
    /// The language of documents whose line has no `language`; `None` detects it.
    pub language: Option<Lang>,
    pub knowledge: Arc<KnowledgeBase>,
    /// The shipped extractor, with the workspace model of `--knowledge`'s folder if any.
    pub extractor: Arc<Extractor>,
    /// The largest `text` extracted, in bytes (the documents' cap).
    pub max_text_bytes: usize,
}

/// What the run did, for the summary on stderr.
#[derive(Debug, Default)]
pub struct Summary {
    pub lines: u64,
    pub failed: u64,
    pub words: u64,
    /// The first few failures, as `line N: message`.
    pub first_failures: Vec<String>,
}

/// Input bytes read but not yet written out, across all threads.
const BUDGET_BYTES: usize = 64 << 20;
/// Lines read but not yet written out, per worker.
const LINES_PER_JOB: usize = 256;
/// How many failures the summary quotes.
const QUOTED_FAILURES: usize = 3;

/// Extracts every line of `input` and writes the results to `output` in the same order.
pub fn run(
    input: &mut (impl BufRead + Send),
    output: &mut (impl Write + Send),
    options: &StreamOptions,
) -> Result<Summary> {
    let extractor = &*options.extractor;
    let jobs = options.jobs.max(1);
    let budget = Budget::new(BUDGET_BYTES, LINES_PER_JOB * jobs);
    // A line may be longer than its text (escapes); one longer than this is refused unread.
    let max_line = options.max_text_bytes.saturating_mul(4).max(1 << 16);
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(jobs * 4);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (job_rx, extractor) = (&job_rx, &extractor);
            scope.spawn(move || work(job_rx, &done_tx, extractor, options));
        }
        drop(done_tx);
        let writer = scope.spawn(|| write_in_order(done_rx, output, &budget));
        let read = read_lines(input, max_line, &budget, job_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the writer panicked")));
        read?;
        written
    })
}

struct Job {
    seq: u64,
    input: Input,
}

/// A line as read: whole, or too long to be kept (its length).
#[derive(Debug, PartialEq, Eq)]
enum Input {
    Line(Vec<u8>),
    TooLong(u64),
}

impl Input {
    fn cost(&self) -> usize {
        match self {
            Input::Line(bytes) => bytes.len(),
            Input::TooLong(_) => 0,
        }
    }
}

struct Done {
    seq: u64,
    line: String,
    error: Option<String>,
    words: u64,
    cost: usize,
}

fn read_lines(
    input: &mut impl BufRead,
    max_line: usize,
    budget: &Budget,
    jobs: mpsc::SyncSender<Job>,
) -> Result<()> {
    let mut seq = 0;
    while let Some(input) = read_line(input, max_line).context("reading stdin")? {
        // A closed budget or a closed channel: the writer failed, and says why.
        if !budget.acquire(input.cost()) || jobs.send(Job { seq, input }).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(())
}

/// Reads one line (without its `\n` or `\r\n`), keeping at most `max` bytes of it: a longer
/// line is skipped to its end and only its length is kept. `None` at the end of the input.
fn read_line(input: &mut impl BufRead, max: usize) -> std::io::Result<Option<Input>> {
    let mut line = Vec::new();
    let n = input
        .by_ref()
        .take(max as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Some(Input::Line(line)));
    }
    if line.len() <= max {
        return Ok(Some(Input::Line(line)));
    }
    let mut length = line.len() as u64;
    drop(line);
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        match available.iter().position(|b| *b == b'\n') {
            Some(i) => {
                length += i as u64;
                input.consume(i + 1);
                break;
            }
            None => {
                let taken = available.len();
                length += taken as u64;
                input.consume(taken);
            }
        }
    }
    Ok(Some(Input::TooLong(length)))
}

fn work(
    jobs: &Mutex<mpsc::Receiver<Job>>,
    done: &mpsc::Sender<Done>,
    extractor: &Extractor,
    options: &StreamOptions,
) {
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(job) = job else { return };
        let cost = job.input.cost();
        // A panic on one document fails that line alone.
        let (line, error, words) = catch_unwind(AssertUnwindSafe(|| {
            extract_line(&job.input, extractor, options)
        }))
        .unwrap_or_else(|_| {
            let error = "internal error while extracting this document".to_string();
            (export::stream_error(None, &error), Some(error), 0)
        });
        let result = Done {
            seq: job.seq,
            line,
            error,
            words,
            cost,
        };
        if done.send(result).is_err() {
            return;
        }
    }
}

/// One input line as the program reads it: any other field is ignored.
#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    text: Option<&'a RawValue>,
    #[serde(borrow)]
    language: Option<&'a RawValue>,
}

/// The output line for one input line, its error if it failed, and its words.
fn extract_line(
    input: &Input,
    extractor: &Extractor,
    options: &StreamOptions,
) -> (String, Option<String>, u64) {
    let bytes = match input {
        Input::Line(bytes) => bytes,
        Input::TooLong(length) => {
            let max = options.max_text_bytes;
            let error = format!("a line of {length} bytes, over the cap (a text of {max} bytes)");
            return (export::stream_error(None, &error), Some(error), 0);
        }
    };
    let line = match std::str::from_utf8(bytes) {
        Ok(line) => line,
        Err(e) => {
            let error = format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to());
            return (export::stream_error(None, &error), Some(error), 0);
        }
    };
    let request = match serde_json::from_str::<Request>(line) {
        Ok(request) => request,
        Err(e) => {
            let error = match e.classify() {
                serde_json::error::Category::Data => format!("not a JSON object: {e}"),
                _ => format!("not JSON: {e}"),
            };
            return (export::stream_error(None, &error), Some(error), 0);
        }
    };
    match document(&request, options) {
        Ok((text, language)) => {
            let doc_options = DocOptions {
                language,
                ..DocOptions::default()
            };
            let entities = analysis::extract_document_with(
                extractor,
                &text,
                &doc_options,
                options.knowledge.clone(),
            );
            let words = text.split_whitespace().count() as u64;
            let line = export::stream_line(request.id, &text, &entities);
            (line, None, words)
        }
        Err(error) => (export::stream_error(request.id, &error), Some(error), 0),
    }
}

/// The text and language of a request, or why it cannot be extracted.
fn document(request: &Request, options: &StreamOptions) -> Result<(String, Option<Lang>), String> {
    let Some(raw) = request.text else {
        return Err("no \"text\" field".into());
    };
    let text: String = serde_json::from_str(raw.get())
        .map_err(|_| format!("\"text\" is {}, not a string", json_kind(raw)))?;
    if text.len() > options.max_text_bytes {
        return Err(format!(
            "a text of {} bytes, over the cap of {} bytes",
            text.len(),
            options.max_text_bytes
        ));
    }
    let language = match request.language.map(|raw| raw.get()) {
        None | Some("null") => options.language,
        Some(r#""fr""#) => Some(Lang::Fr),
        Some(r#""en""#) => Some(Lang::En),
        Some(other) => {
            return Err(format!(
                "\"language\" is {other}: give \"fr\", \"en\" or nothing to detect it"
            ));
        }
    };
    Ok((text, language))
}

fn json_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Writes the results in input order, releasing each line's share of the budget once written.
/// A write error (the reader of stdout went away) closes the budget, which stops the reader,
/// and ends the run with that error.
fn write_in_order(
    done: mpsc::Receiver<Done>,
    output: &mut impl Write,
    budget: &Budget,
) -> Result<Summary> {
    let written = write_results(done, output, budget);
    budget.close();
    written
}

fn write_results(
    done: mpsc::Receiver<Done>,
    output: &mut impl Write,
    budget: &Budget,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
    for result in done {
        waiting.insert(result.seq, result);
        while let Some(next) = waiting.remove(&summary.lines) {
            output
                .write_all(next.line.as_bytes())
                .context("writing stdout")?;
            summary.lines += 1;
            summary.words += next.words;
            if let Some(error) = next.error {
                summary.failed += 1;
                if summary.first_failures.len() < QUOTED_FAILURES {
                    let line = summary.lines;
                    summary.first_failures.push(format!("line {line}: {error}"));
                }
            }
            budget.release(next.cost);
        }
    }
    output.flush().context("writing stdout")?;
    Ok(summary)
}

/// Bytes and lines in flight: taken when a line is read, given back when its result is written.
struct Budget {
    used: Mutex<Used>,
    freed: Condvar,
    max_bytes: usize,
    max_lines: usize,
}

#[derive(Default)]
struct Used {
    bytes: usize,
    lines: usize,
    /// Nothing more will be written: the reader stops.
    closed: bool,
}

impl Budget {
    fn new(max_bytes: usize, max_lines: usize) -> Budget {
        Budget {
            used: Mutex::new(Used::default()),
            freed: Condvar::new(),
            max_bytes,
            max_lines,
        }
    }

    /// Waits for room for `bytes` more; a line larger than the whole budget waits until
    /// nothing else is in flight. `false` once the budget is closed.
    fn acquire(&self, bytes: usize) -> bool {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while !used.closed
            && used.lines > 0
            && (used.bytes + bytes > self.max_bytes || used.lines >= self.max_lines)
        {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        used.bytes += bytes;
        used.lines += 1;
        !used.closed
    }

    fn release(&self, bytes: usize) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.bytes -= bytes;
        used.lines -= 1;
        self.freed.notify_all();
    }

    fn close(&self) {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.freed.notify_all();
    }
}

/// Prints the run's summary to stderr.
pub fn report(summary: &Summary, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    let rate = summary.words as f64 / seconds.max(1e-9);
    eprintln!(
        "nomen: {} lines, {} extracted, {} failed; {} words in {seconds:.2} s ({rate:.0} words/s)",
        summary.lines,
        summary.lines - summary.failed,
        summary.failed,
        summary.words,
    );
    for failure in &summary.first_failures {
        eprintln!("nomen: {failure}");
    }
    if summary.failed > summary.first_failures.len() as u64 {
        eprintln!(
            "nomen: ... and {} more failed lines (their output lines hold \"error\")",
            summary.failed - summary.first_failures.len() as u64
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{Input, read_line};

    #[test]
    fn lines_over_the_cap_are_skipped_whole() {
        let text = format!("{}\nshort\r\n{}\nlast", "a".repeat(20), "b".repeat(10));
        let mut input = std::io::BufReader::with_capacity(4, text.as_bytes());
        let mut lines = Vec::new();
        while let Some(line) = read_line(&mut input, 10).unwrap() {
            lines.push(line);
        }
        assert_eq!(
            lines,
            [
                Input::TooLong(20),
                Input::Line(b"short".to_vec()),
                Input::Line(b"b".repeat(10)),
                Input::Line(b"last".to_vec()),
            ]
        );
    }
}
