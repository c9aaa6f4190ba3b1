//! The extraction pipeline: the rules, then the tagger where a model is embedded for the
//! language, then the fixes after tagging (`fixes.rs`), over one paragraph. The layer above
//! `extract` and `tagger`, which know nothing of each other's use here.
//!
//! The contract that the rest of the program relies on:
//! - the input is one paragraph (or Markdown block) whose non-prose bytes have already been
//!   replaced by spaces, so every byte offset is an offset into the original paragraph;
//! - the output is sorted by start, non-overlapping, and every range lies on `char` boundaries;
//! - nothing here does IO, knows about LSP or async, or panics on any `&str`.

mod fixes;
mod learn;
#[cfg(test)]
mod tests;

use text_size::TextSize;

use crate::extract::{Keys, Lexicon, Rules, Token, never_alone, not_a_chunk, tokenize};
use crate::tagger::Tagger;
pub use crate::types::{Evidence, Label, Lang, Mention};
use fixes::{
    coordinated, named_by_kind, roads, settle, split_at_line_starts, tagged_mentions,
    with_candidates,
};
pub use learn::{LearnExample, WorkspaceModel};

/// The extractor: the statistical tagger where a model is embedded for the language, the rules
/// otherwise. Build it once; it is immutable and shared between threads. A clone shares the
/// lexicon and the models (it copies a model only when one was loaded from a file).
#[derive(Clone, Debug)]
pub struct Extractor {
    lexicon: Lexicon,
    // Tagger integration (branch `tagger`): one optional model per language.
    fr: Option<Tagger>,
    en: Option<Tagger>,
}

impl Default for Extractor {
    fn default() -> Extractor {
        Extractor::new()
    }
}

impl Extractor {
    /// The embedded lexicons and tagger models; nothing is parsed or copied.
    pub fn new() -> Extractor {
        Extractor {
            lexicon: Lexicon::embedded(),
            fr: Tagger::embedded(Lang::Fr),
            en: Tagger::embedded(Lang::En),
        }
    }

    /// The rules alone, without the tagger (for comparisons and the rules' own tests).
    pub fn rules_only() -> Extractor {
        Extractor {
            fr: None,
            en: None,
            ..Extractor::new()
        }
    }

    /// Uses `tagger` for `lang` instead of the embedded model.
    pub fn with_tagger(mut self, lang: Lang, tagger: Tagger) -> Extractor {
        match lang {
            Lang::Fr => self.fr = Some(tagger),
            Lang::En => self.en = Some(tagger),
        }
        self
    }

    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The lexicon keys and flags of `tokens` (cut from `text`), shared by the rules and the
    /// tagger's features.
    pub fn keys(&self, text: &str, tokens: &[Token]) -> Keys {
        Keys::new(text, tokens, &self.lexicon)
    }

    /// The rules' mentions of `tokens` (cut from `text`, with their [`Extractor::keys`]), which
    /// the tagger takes as features.
    pub fn rule_mentions(
        &self,
        text: &str,
        tokens: &[Token],
        keys: &Keys,
        lang: Lang,
    ) -> Vec<Mention> {
        Rules::new(text, tokens, &self.lexicon, lang, keys).run()
    }

    /// Whether `word`, in lower case, is a word of the French or English dictionary.
    pub fn is_dictionary_word(&self, word: &str) -> bool {
        self.lexicon.flags_of(word).is_dictionary_word()
    }

    /// Number of distinct lexicon keys, for reports.
    pub fn lexicon_size(&self) -> usize {
        self.lexicon.len()
    }

    /// Extracts the mentions of one paragraph written in `lang`.
    pub fn extract(&self, text: &str, lang: Lang) -> Vec<Mention> {
        if text.len() <= MAX_PIECE {
            return self.extract_piece(text, lang);
        }
        // A paragraph longer than any real one (a whole file on one line): extracted a piece at
        // a time, cut after sentences, so that memory stays bounded.
        let mut out = Vec::new();
        for piece in pieces(text) {
            let offset = TextSize::new(piece.start as u32);
            out.extend(
                self.extract_piece(&text[piece], lang)
                    .into_iter()
                    .map(|m| Mention {
                        range: m.range + offset,
                        ..m
                    }),
            );
        }
        out
    }

    fn extract_piece(&self, text: &str, lang: Lang) -> Vec<Mention> {
        let tokens = tokenize(text);
        let keys = self.keys(text, &tokens);
        let context = Rules::new(text, &tokens, &self.lexicon, lang, &keys);
        let rules = context.run();
        let tagger = match lang {
            Lang::Fr => self.fr.as_ref(),
            Lang::En => self.en.as_ref(),
        };
        let mentions = match tagger {
            Some(tagger) => {
                let tagged = tagger.tag(text, &tokens, &keys, &self.lexicon, lang, &rules);
                let mut tagged = tagged_mentions(tagged, &rules);
                tagged.retain_mut(|m| settle(&context, &tokens, m));
                let rules = named_by_kind(&context, &tokens, rules);
                let mut mentions = with_candidates(tagged, &rules);
                coordinated(&context, &mut mentions);
                mentions
            }
            None => rules,
        };
        let mut mentions = mentions;
        roads(text, &tokens, &keys, &mut mentions);
        let mut mentions = split_at_line_starts(text, mentions);
        // The rules emit in order without overlaps; keep the contract even if a rule slips.
        let mut last_end = text_size::TextSize::new(0);
        mentions.retain(|m| {
            let keep = m.range.start() >= last_end
                && !m.range.is_empty()
                && text[m.range].split_whitespace().nth(MAX_WORDS).is_none()
                && !never_alone(&text[m.range])
                && !not_a_chunk(&text[m.range]);
            if keep {
                last_end = m.range.end();
            }
            keep
        });
        mentions
    }
}

/// A mention of more words than this is no name: a run of names the model read as one.
const MAX_WORDS: usize = 24;

/// Paragraphs longer than this many bytes are extracted in pieces.
const MAX_PIECE: usize = 64 << 10;

/// The pieces a paragraph is read in, in order, cut after sentences past [`MAX_PIECE`] bytes
/// (see [`piece_end`]); a paragraph of less than two pieces is one, an empty one none. Whatever
/// reads a paragraph a token at a time reads it so, and its memory stays bounded whatever the
/// paragraph's length.
pub fn pieces(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        (start < text.len()).then(|| {
            let end = piece_end(text, start);
            let piece = start..end;
            start = end;
            piece
        })
    })
}

/// Where the piece of `text` that begins at `start` ends: after the first sentence end (`. `,
/// `! `, `? ` or a line break) past [`MAX_PIECE`] bytes, else at the first white space past
/// it, else at a character boundary; the end of the text when less than two pieces are left.
fn piece_end(text: &str, start: usize) -> usize {
    if text.len() - start <= 2 * MAX_PIECE {
        return text.len();
    }
    let from = start + MAX_PIECE;
    let window = &text.as_bytes()[from..start + 2 * MAX_PIECE];
    let sentence = window
        .windows(2)
        .position(|w| matches!(w[0], b'.' | b'!' | b'?') && w[1].is_ascii_whitespace())
        .map(|at| at + 2);
    let newline = window.iter().position(|b| *b == b'\n').map(|at| at + 1);
    let space = window
        .iter()
        .position(u8::is_ascii_whitespace)
        .map(|at| at + 1);
    match sentence.or(newline).or(space) {
        Some(at) => from + at,
        None => (from..)
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len()),
    }
}
