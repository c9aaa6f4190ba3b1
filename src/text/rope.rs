//! [`Text`]: a document held as a rope, with clamping conversions between positions and offsets.
//!
//! The rope is built with `cr_lines` only, so its line breaks are exactly LSP's: `\n`, `\r\n`
//! and a lone `\r`. Every conversion clamps instead of panicking: a column past the end of a line
//! lands at the end of that line, a line past the end lands at the end of the text, and an
//! offset inside a character moves back to the character's start.

use std::borrow::Cow;

use ropey::Rope;

use super::{Edit, Encoding, LineCol, TextRange, TextSize};

/// A document's text. Clones are cheap (they share the rope's nodes).
#[derive(Clone, Debug, Default)]
pub struct Text {
    rope: Rope,
}

impl Text {
    pub fn new(text: &str) -> Text {
        Text {
            rope: Rope::from_str(text),
        }
    }

    pub fn len(&self) -> TextSize {
        size(self.rope.len_bytes())
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// The number of lines; an empty text and a text ending in a line break count the empty
    /// last line, as LSP does.
    pub fn line_count(&self) -> u32 {
        self.rope.len_lines() as u32
    }

    /// Moves `offset` into the text and back to the start of the character it falls in.
    pub fn clamp(&self, offset: TextSize) -> TextSize {
        let byte = usize::from(offset).min(self.rope.len_bytes());
        size(self.rope.char_to_byte(self.rope.byte_to_char(byte)))
    }

    /// Replaces `edit.range` (clamped to the text and to character boundaries) by `edit.insert`.
    /// Returns the range it replaced: `edit.range` clamped, in the text as it was.
    pub fn apply(&mut self, edit: &Edit) -> TextRange {
        let start = self.clamp(edit.range.start());
        let end = self.clamp(edit.range.end()).max(start);
        let (from, to) = (
            self.rope.byte_to_char(usize::from(start)),
            self.rope.byte_to_char(usize::from(end)),
        );
        self.rope.remove(from..to);
        self.rope.insert(from, &edit.insert);
        TextRange::new(start, end)
    }

    /// The text of `range` (clamped); borrowed when the rope holds it in one piece.
    pub fn slice(&self, range: TextRange) -> Cow<'_, str> {
        let start = usize::from(self.clamp(range.start()));
        let end = usize::from(self.clamp(range.end())).max(start);
        Cow::from(self.rope.byte_slice(start..end))
    }

    /// The offset where line `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: u32) -> TextSize {
        match self.rope.try_line_to_byte(line as usize) {
            Ok(byte) => size(byte),
            Err(_) => self.len(),
        }
    }

    /// The offset where line `line`'s content ends, before its line break.
    pub fn line_end(&self, line: u32) -> TextSize {
        let line = line as usize;
        if line >= self.rope.len_lines() {
            return self.len();
        }
        let next = self.rope.line_to_byte(line + 1);
        let start = self.rope.line_to_byte(line);
        // A line ends in "\n", "\r\n" or "\r"; its content never ends in a break itself.
        if next == start {
            return size(next);
        }
        let trailing = match self.rope.byte(next - 1) {
            b'\n' if next - start >= 2 && self.rope.byte(next - 2) == b'\r' => 2,
            b'\n' | b'\r' => 1,
            _ => 0,
        };
        size(next - trailing)
    }

    /// The lines from `line` on, each with its line break.
    pub fn lines_from(&self, line: u32) -> impl Iterator<Item = Cow<'_, str>> {
        let line = (line as usize).min(self.rope.len_lines());
        self.rope
            .lines_at(line)
            .map(Cow::from)
            .filter(|l| !l.is_empty())
    }

    /// The zero-based line that `offset` falls on.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        self.rope.byte_to_line(usize::from(self.clamp(offset))) as u32
    }

    /// Converts a position to an offset, clamping as described in the module documentation.
    pub fn offset(&self, pos: LineCol, encoding: Encoding) -> TextSize {
        if pos.line as usize >= self.rope.len_lines() {
            return self.len();
        }
        let start = usize::from(self.line_start(pos.line));
        let end = usize::from(self.line_end(pos.line));
        let col = pos.col as usize;
        let byte = match encoding {
            Encoding::Utf8 => start.saturating_add(col).min(end),
            Encoding::Utf32 => {
                let c = self.rope.byte_to_char(start).saturating_add(col);
                self.rope.char_to_byte(c.min(self.rope.byte_to_char(end)))
            }
            Encoding::Utf16 => {
                let first = self.rope.char_to_utf16_cu(self.rope.byte_to_char(start));
                let last = self.rope.char_to_utf16_cu(self.rope.byte_to_char(end));
                let unit = first.saturating_add(col).min(last);
                // utf16_cu_to_char rounds a unit inside a surrogate pair down to its character.
                self.rope.char_to_byte(self.rope.utf16_cu_to_char(unit))
            }
        };
        self.clamp(size(byte))
    }

    /// Converts an offset (clamped) to a position in `encoding`.
    pub fn line_col(&self, offset: TextSize, encoding: Encoding) -> LineCol {
        let byte = usize::from(self.clamp(offset));
        let line = self.rope.byte_to_line(byte);
        let start = self.rope.line_to_byte(line);
        let col = match encoding {
            Encoding::Utf8 => byte - start,
            Encoding::Utf32 => self.rope.byte_to_char(byte) - self.rope.byte_to_char(start),
            Encoding::Utf16 => {
                let at = self.rope.char_to_utf16_cu(self.rope.byte_to_char(byte));
                at - self.rope.char_to_utf16_cu(self.rope.byte_to_char(start))
            }
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for chunk in self.rope.chunks() {
            f.write_str(chunk)?;
        }
        Ok(())
    }
}

/// Texts are capped well below 4 GiB before they reach a rope, so offsets fit in `u32`.
fn size(byte: usize) -> TextSize {
    TextSize::new(u32::try_from(byte).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests;
