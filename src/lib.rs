//! nomen: a language server that understands the names in prose.
//!
//! The modules depend on each other in one direction only, in layers: `text` <- `types` <-
//! `extract` <- `tagger` <- `pipeline` <- `kb` <- `annotate` <- `analysis` <- `eval`, `files` <- `workspace`
//! <- `lsp` <- `cli`. See ARCHITECTURE.md; `tests/it/tidy.rs` checks it.

pub mod analysis;
pub mod annotate;
pub mod cli;
pub mod eval;
pub mod extract;
pub mod files;
pub mod kb;
pub mod lsp;
pub mod pipeline;
pub mod tagger;
pub mod text;
pub mod types;
pub mod workspace;
