//! Writing an `AnnDoc` back: every line as it was read, except the `T` lines that changed,
//! written from their spans (code points) and the text they now hold.

use std::fmt::Write;

use super::doc::AnnDoc;
use super::lines::{Eol, Kind};
use super::offsets;

impl AnnDoc {
    /// The `.ann`: byte for byte what was read when nothing changed. A line removed is left
    /// out; a `T` line changed gets its new offsets in code points and the text its spans
    /// hold in `text`; new lines come last, with the file's line ending.
    pub fn render(&self, text: &str) -> String {
        let mut bytes: Vec<u32> = (self.entities.iter().zip(&self.meta))
            .filter(|(_, m)| m.alive && m.dirty)
            .flat_map(|(e, _)| e.spans.iter())
            .flat_map(|s| [u32::from(s.start()), u32::from(s.end())])
            .collect();
        bytes.sort_unstable();
        bytes.dedup();
        let cps = offsets::bytes_to_cps(text, &bytes);
        let cp = |b: u32| cps[bytes.binary_search(&b).unwrap_or(0)];
        let last = self.lines.iter().rposition(|l| l.alive);
        let mut out = String::with_capacity(self.source.len() + 64 * bytes.len());
        for (i, line) in self.lines.iter().enumerate().filter(|(_, l)| l.alive) {
            match line.kind {
                Kind::Entity(k) if self.meta[k].dirty => {
                    let entity = &self.entities[k];
                    let _ = write!(out, "{}\t{} ", entity.id, entity.label);
                    for (j, span) in entity.spans.iter().enumerate() {
                        let sep = if j > 0 { ";" } else { "" };
                        let (s, e) = (u32::from(span.start()), u32::from(span.end()));
                        let _ = write!(out, "{sep}{} {}", cp(s), cp(e));
                    }
                    out.push('\t');
                    out.push_str(&offsets::span_text(text, &entity.spans));
                }
                _ => out.push_str(line.raw.get(&self.source)),
            }
            let eol = match line.eol {
                Eol::None if Some(i) != last => self.eol,
                eol => eol,
            };
            out.push_str(eol.as_str());
        }
        out
    }
}
