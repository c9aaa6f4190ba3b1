//! Extraction's first layer, pure: the tokenizer, the lexicons and the rules. One paragraph of
//! prose in; tokens, their lexicon keys and flags, and the rules' mentions out. The tagger
//! (`tagger`) reads them as features, and `pipeline` runs both and settles the result.
//!
//! The contract that the rest of the program relies on:
//! - the input is one paragraph (or Markdown block) whose non-prose bytes have already been
//!   replaced by spaces, so every byte offset is an offset into the original paragraph;
//! - the rules' output is sorted by start, non-overlapping, and every range lies on `char`
//!   boundaries;
//! - nothing here does IO, knows about LSP or async, or panics on any `&str`.

mod classify;
mod cues;
mod lexicon;
mod rules;
mod tokenize;

pub use crate::types::{Evidence, Label, Lang, Mention};
pub use cues::road_code;
pub(crate) use cues::{
    never_alone, not_a_chunk, road_before, road_name, road_name_before, road_number,
};
pub(crate) use lexicon::{Flags, Keys, Lexicon};
pub(crate) use rules::Rules;
pub use tokenize::{Shape, Token, TokenKind, tokenize};
