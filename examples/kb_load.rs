//! Measures how long the knowledge base takes to load: the embedded default, and 100,000
//! synthetic entities from JSON Lines; then how long finding their names in an article takes. Run with `cargo run --release --example kb_load`.
//!
//! Besides wall-clock time it prints the thread's CPU time (Linux), which stays meaningful
//! on a machine busy with other work.

use std::time::{Duration, Instant};

use nomen::kb::{KnowledgeBase, parse_jsonl, synthetic_jsonl};

/// Wall-clock and on-CPU time, the latter from `/proc/thread-self/schedstat` when it exists.
#[derive(Clone, Copy)]
struct Clock {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Clock {
    fn now() -> Clock {
        let cpu = std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .map(Duration::from_nanos);
        Clock {
            wall: Instant::now(),
            cpu,
        }
    }

    fn since(self, start: Clock) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let wall = ms(self.wall - start.wall);
        match (self.cpu, start.cpu) {
            (Some(end), Some(begin)) => format!("{wall:.1} ms wall, {:.1} ms CPU", ms(end - begin)),
            _ => format!("{wall:.1} ms wall"),
        }
    }
}

fn main() {
    let start = Clock::now();
    let embedded = KnowledgeBase::embedded();
    let end = Clock::now();
    println!(
        "embedded default: {} entries in {}",
        embedded.len(),
        end.since(start)
    );

    let n = 100_000;
    let text = synthetic_jsonl(n);
    let start = Clock::now();
    let file = match parse_jsonl(&text) {
        Ok(file) => file,
        Err(errors) => panic!("synthetic data has {} bad lines", errors.len()),
    };
    let parsed = Clock::now();
    let kb = KnowledgeBase::from_file(file).over(&embedded);
    let indexed = Clock::now();
    println!(
        "{n} JSONL entities ({:.1} MB): parsed in {}; indexed in {}; total {} ({} entries)",
        text.len() as f64 / 1e6,
        parsed.since(start),
        indexed.since(parsed),
        indexed.since(start),
        kb.len()
    );

    // The first search of a text builds each layer's automaton of forms; later ones reuse it.
    let article = include_str!("article-en.txt");
    let start = Clock::now();
    let first = kb.find_in(article).len();
    let built = Clock::now();
    let again = kb.find_in(article).len();
    let searched = Clock::now();
    assert_eq!(first, again);
    println!(
        "finding known names in a {} KB article: first search (builds the automaton, {:.1} MB) {}; next {}",
        article.len() / 1000,
        kb.finder_memory() as f64 / 1e6,
        built.since(start),
        searched.since(built)
    );
}
