//! The text model: byte offsets, ropes, line indexes and position encodings.

pub use text_size::{TextRange, TextSize};
