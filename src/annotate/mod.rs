//! Annotations a person owns: brat standoff files (`.ann`) bound to their document's text,
//! kept in step with its edits, compared between annotators and converted to other formats.
//!
//! Pure: text and `.ann` text in, plain structs and strings out; the files are read and
//! written by `files::annotations`. Inside, offsets are UTF-8 bytes of the document like
//! everywhere in nomen; the `.ann` counts code points (a CRLF is two), converted in one walk
//! over the text when a file is read or written. Every line nomen does not change is written
//! back byte for byte.

pub mod agree;
mod anchor;
mod change;
mod conll;
pub mod convert;
mod doc;
mod labels;
mod lines;
mod merge;
mod offsets;
#[cfg(test)]
mod proptests;
mod render;
#[cfg(test)]
mod tests;

pub use doc::{AnnDoc, Entity, EntityInfo, Problem};
pub use labels::{LabelError, LabelMap};
pub use merge::{Merged, merge};
pub use offsets::{bytes_to_cps, cps_to_bytes};
