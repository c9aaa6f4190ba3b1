//! Prints the extractor's mentions of a text file, paragraph by paragraph:
//! `cargo run --release --example mentions -- FILE [fr|en]`.

use nomen::extract::Lang;
use nomen::pipeline::Extractor;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: mentions FILE [fr|en]"))?;
    let lang = args
        .next()
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Fr);
    let text = std::fs::read_to_string(path)?;
    let extractor = Extractor::new();
    for paragraph in text.split('\n').filter(|p| !p.trim().is_empty()) {
        for m in extractor.extract(paragraph, lang) {
            println!(
                "{}\t{:?}\t{}",
                m.label.tag(),
                m.evidence,
                &paragraph[m.range]
            );
        }
    }
    Ok(())
}
