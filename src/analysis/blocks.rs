//! Splitting a document into blocks: the units that extraction caches.
//!
//! A block is a run of non-blank lines with the blank lines that follow it, so the blocks of a
//! document tile it without gaps. In Markdown a fenced code block or the front matter is never
//! cut, whatever blank lines it holds. A long run of lines is also cut after a line that ends
//! a sentence and whose hash picks it, so that no block grows without bound; the rule looks at
//! that line alone, which lets an incremental re-split fall back into step with the old
//! boundaries right after an edit.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::Format;
use crate::text::{TextRange, TextSize};

/// Cuts the text, given as lines with their line breaks starting at `start`, into blocks. The
/// callback gets each block's range and returns `false` to stop early.
pub(crate) fn split<'a>(
    lines: impl Iterator<Item = Cow<'a, str>>,
    start: TextSize,
    format: Format,
    mut on_block: impl FnMut(TextRange) -> bool,
) {
    let mut splitter = Splitter::new(start, format);
    for line in lines {
        if let Some(block) = splitter.push(&line) {
            if !on_block(block) {
                return;
            }
        }
    }
    if let Some(block) = splitter.finish() {
        on_block(block);
    }
}

/// A run of fenced code or front matter that blank lines do not end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verbatim {
    Fence { marker: u8, len: usize },
    FrontMatter,
}

struct Splitter {
    format: Format,
    block_start: TextSize,
    pos: TextSize,
    /// The current block has had a blank line after its content: the next content line starts a
    /// new block.
    in_blanks: bool,
    /// The current block ends after the line just pushed.
    cut_after: bool,
    verbatim: Option<Verbatim>,
}

impl Splitter {
    fn new(start: TextSize, format: Format) -> Splitter {
        Splitter {
            format,
            block_start: start,
            pos: start,
            in_blanks: false,
            cut_after: false,
            verbatim: None,
        }
    }

    /// Takes one line; returns the block that this line closes, if any.
    fn push(&mut self, line: &str) -> Option<TextRange> {
        let line_start = self.pos;
        self.pos += TextSize::of(line);
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(verbatim) = self.verbatim {
            if closes(verbatim, content) {
                self.verbatim = None;
            }
            return None;
        }
        let blank = content.trim().is_empty();
        let mut closed = None;
        if !blank && (self.in_blanks || self.cut_after) && line_start > self.block_start {
            closed = Some(TextRange::new(self.block_start, line_start));
            self.block_start = line_start;
            self.in_blanks = false;
        }
        self.cut_after = false;
        if blank {
            self.in_blanks = true;
            return closed;
        }
        if self.format == Format::Markdown {
            self.verbatim = opens(content, line_start == TextSize::new(0));
        }
        self.cut_after = self.verbatim.is_none() && is_cut_line(content);
        closed
    }

    fn finish(self) -> Option<TextRange> {
        (self.pos > self.block_start).then(|| TextRange::new(self.block_start, self.pos))
    }
}

/// Whether a line opens a code fence, or front matter at the very start of the document.
fn opens(content: &str, at_document_start: bool) -> Option<Verbatim> {
    if at_document_start && content == "---" {
        return Some(Verbatim::FrontMatter);
    }
    let indent = content.len() - content.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &content[indent..];
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|b| *b == marker).count();
    // A backtick fence's info string may not contain a backtick (CommonMark 4.5).
    let valid = len >= 3 && (marker == b'~' || !rest[len..].contains('`'));
    valid.then_some(Verbatim::Fence { marker, len })
}

fn closes(verbatim: Verbatim, content: &str) -> bool {
    match verbatim {
        Verbatim::FrontMatter => content == "---" || content == "...",
        Verbatim::Fence { marker, len } => {
            let trimmed = content.trim();
            let run = trimmed.bytes().take_while(|b| *b == marker).count();
            run >= len && run == trimmed.len() && content.len() - content.trim_start().len() <= 3
        }
    }
}

/// A line after which a long run of lines may be cut: it ends a sentence, and one line in eight
/// of those is picked by the hash of its content alone.
fn is_cut_line(content: &str) -> bool {
    let ends_sentence = content.trim_end().ends_with(['.', '!', '?', '…']);
    if !ends_sentence {
        return false;
    }
    let mut hasher = FxHasher::default();
    content.hash(&mut hasher);
    hasher.finish() % 8 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;

    fn blocks(text: &str, format: Format) -> Vec<&str> {
        let t = Text::new(text);
        let mut out = Vec::new();
        split(t.lines_from(0), TextSize::new(0), format, |r| {
            out.push(&text[r]);
            true
        });
        out
    }

    #[test]
    fn blocks_tile_the_text_and_keep_trailing_blanks() {
        let text = "\nUn\nDeux\n\n\nTrois\r\n \r\nQuatre";
        let got = blocks(text, Format::Plain);
        assert_eq!(got, ["\n", "Un\nDeux\n\n\n", "Trois\r\n \r\n", "Quatre"]);
        assert_eq!(got.concat(), text);
    }

    #[test]
    fn fences_and_front_matter_are_never_cut() {
        let text =
            "---\ntitle: x\n\nlang: fr\n---\n\nTexte.\n\n```rust\nlet a;\n\nlet b;\n```\n\nFin.\n";
        let got = blocks(text, Format::Markdown);
        assert_eq!(
            got,
            [
                "---\ntitle: x\n\nlang: fr\n---\n\n",
                "Texte.\n\n",
                "```rust\nlet a;\n\nlet b;\n```\n\n",
                "Fin.\n"
            ]
        );
        // In plain text the same lines are ordinary paragraphs.
        assert_eq!(blocks(text, Format::Plain).len(), 6);
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let got = blocks("Avant.\n\n~~~\ncode\n\nencore\n", Format::Markdown);
        assert_eq!(got, ["Avant.\n\n", "~~~\ncode\n\nencore\n"]);
    }

    #[test]
    fn long_runs_of_lines_are_cut_after_some_sentence_ends() {
        let text: String = (0..400).map(|i| format!("Phrase numéro {i}.\n")).collect();
        let got = blocks(&text, Format::Plain);
        assert!(got.len() > 10, "{} blocks", got.len());
        assert_eq!(got.concat(), text);
    }
}
