//! The workspace's files, for the command line and the server alike: finding, reading,
//! layering and writing the knowledge files, and atomic writes.
//!
//! Shell code: it does IO, and it is blocking, so the server calls it on the blocking pool,
//! never on the async runtime's threads. The pure parsing and layering of a knowledge base are
//! in `kb`; this module decides where the files are and in which order they stack.

mod atomic;
pub mod knowledge;

pub use atomic::write_atomic;

use std::path::Path;

use anyhow::{Context, Result};

/// Reads a file as UTF-8 text, with an error that names it.
pub fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.contains(&0) {
        anyhow::bail!(
            "{}: looks like a binary file (it contains NUL bytes)",
            path.display()
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
