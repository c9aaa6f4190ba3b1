//! nomen: a language server that understands the names in prose.
//!
//! The modules depend on each other in one direction only:
//! `text` <- `extract` <- `analysis` <- `lsp` and `cli`. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod eval;
pub mod extract;
pub mod files;
pub mod kb;
pub mod lsp;
pub mod tagger;
pub mod text;
pub mod workspace;
