//! The text model: byte offsets, the document rope, line/column conversion in every encoding.
//!
//! Inside nomen there is one offset unit, the UTF-8 byte offset (`TextSize`, `TextRange`).
//! Line/column pairs exist only at the protocol boundary; [`Text::offset`] and
//! [`Text::line_col`] convert between the two in the encoding the client negotiated.

mod rope;

pub use rope::Text;
pub use text_size::{TextRange, TextSize};

/// The unit in which a client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based line and a column counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// One replacement of a byte range by new text, in the coordinates of the text it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub insert: String,
}
