//! A statistical sequence tagger: an averaged structured perceptron over BILOU tags.
//!
//! The models ship inside the binary (`data/model/fr.bin`, `data/model/en.bin`, read in place
//! with `include_bytes!`). To retrain them, from the project root, with the corpora of
//! `../shared/corpora` (seed and epochs are the defaults; the same inputs give the same bytes):
//!
//! ```text
//! cargo build --release
//! C=../shared/corpora
//! target/release/nomen train --lang fr --out data/model/fr.bin \
//!     --dev $C/winer-fr/2017 $C/winer-fr/2016
//! target/release/nomen train --lang en --out data/model/en.bin \
//!     $C/wikigold/wikigold.conll.txt $C/btc/*.conll $C/wnut17/wnut17train.conll \
//!     $C/wnut17/emerging.dev.conll $C/wnut17/emerging.test.annotated \
//!     $C/uner-en-ewt/en_ewt-ud-dev.iob2
//! cargo build --release   # embeds the new models
//! ```
//!
//! French trains on the WiNER-fr 2016 articles; 2017 is the development set (`--dev` only
//! reports its scores after each epoch). For CoNLL files every tenth document of each file
//! (see [`conll::is_dev`]) is held out for development and never trained on; `--fold K` holds
//! out another tenth instead, to check on text whose errors were never read.
//!
//! Design: tokens come from [`crate::extract::tokenize`], with their lexicon keys and flags
//! ([`crate::extract::Keys`]) computed once and shared with the rules. Each token gets about 60
//! hashed features ([`features`]: words in a window of five, bigrams, shapes, prefixes and
//! suffixes, sentence position, the paragraph's capitalisation style, lexicon lists of the word
//! and its neighbours, multi-word lexicon entries, capitalised common words, the parts of
//! run-together handles, whether an `@` or `#` is glued to the word or cut off by a space, the
//! rules' mentions and, in English, Brown cluster prefixes of the word,
//! of its title-case form and of its neighbours). A feature id mixes the template number with
//! per-word string hashes computed once per token. The averaged perceptron scores 17 BILOU tags
//! per token plus tag transitions, and a constrained Viterbi decodes each paragraph (no mention
//! runs on past a sentence-ending `.`, `!`, `?` or `…`); training
//! sums four perceptrons trained on different orders of the examples (`--members`), which
//! costs nothing at run time. Weights are quantised to `i16` in an open-addressing table read
//! in place ([`model`]); `Tagger::embedded` costs nothing at start-up. Document-level agreement
//! between mentions of the same name is left to `analysis`.
//!
//! Corpus reading ([`conll`]): a Twitter handle or hashtag names its entity without the sigil,
//! whichever of the Broad Twitter Corpus's tokenisations it comes in, for training and scoring
//! alike.
//!
//! Like `extract`, this module is pure: no IO, no LSP, no async.

pub mod augment;
pub mod clusters;
pub mod conll;
mod crf;
pub mod features;
pub mod learn;
pub mod model;
#[cfg(test)]
mod tests;
pub mod train;

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use text_size::{TextRange, TextSize};

use crate::extract::{Keys, Label, Lang, Lexicon, Mention, Token};
pub(crate) use features::Learnable;
pub use learn::{BadDelta, Delta, LearnConfig, TagSet};
pub use model::{BadModel, Model, Pos, TAGS};
pub use train::{Example, TrainConfig, TrainStats};

static FR_MODEL: &[u8] = include_bytes!("../../data/model/fr.bin");
static EN_MODEL: &[u8] = include_bytes!("../../data/model/en.bin");

/// A tagger for one language. Cheap to build from the embedded models (nothing is copied).
/// A workspace's [`Delta`] may be added to the model's weights ([`Tagger::with_delta`]).
#[derive(Clone, Debug)]
pub struct Tagger {
    model: Model,
    /// The model's [`learn::fingerprint`], computed on first use and shared by the clones.
    fingerprint: Arc<OnceLock<u64>>,
    delta: Option<Arc<Delta>>,
}

impl Tagger {
    /// The model shipped for `lang`, or `None` if the binary was built without one.
    pub fn embedded(lang: Lang) -> Option<Tagger> {
        let bytes = match lang {
            Lang::Fr => FR_MODEL,
            Lang::En => EN_MODEL,
        };
        Model::from_bytes(Cow::Borrowed(bytes))
            .ok()
            .map(Tagger::new)
    }

    pub fn new(model: Model) -> Tagger {
        Tagger {
            model,
            fingerprint: Arc::default(),
            delta: None,
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The fingerprint of the model (not of the delta), which a delta learnt over it records.
    pub fn fingerprint(&self) -> u64 {
        *self
            .fingerprint
            .get_or_init(|| learn::fingerprint(self.model.as_bytes()))
    }

    /// This tagger with `delta` added to its model's weights; `None`, or a delta learnt over
    /// another model, gives the model alone.
    pub fn with_delta(&self, delta: Option<Arc<Delta>>) -> Tagger {
        let delta = delta.filter(|d| d.base == self.fingerprint() && !d.is_empty());
        Tagger {
            delta,
            ..self.clone()
        }
    }

    pub fn delta(&self) -> Option<&Delta> {
        self.delta.as_deref()
    }

    /// The mentions in `tokens` (cut from `text` by [`crate::extract::tokenize`]): sorted,
    /// non-overlapping byte ranges. `keys` are the tokens' lexicon keys and flags; `hints` are
    /// the rules' mentions, used as features.
    pub(crate) fn tag(
        &self,
        text: &str,
        tokens: &[Token],
        keys: &Keys,
        lexicon: &Lexicon,
        lang: Lang,
        hints: &[Mention],
    ) -> Vec<(TextRange, Label)> {
        let paragraph = features::Paragraph::new(text, tokens, keys, lexicon, lang, hints);
        let mut ids = Vec::with_capacity(96);
        let scores: Vec<[i32; TAGS]> = (0..tokens.len())
            .map(|t| {
                ids.clear();
                paragraph.token(t, &mut ids);
                let mut s = [0; TAGS];
                for &f in &ids {
                    self.model.add_weights(f, &mut s);
                }
                if let Some(delta) = &self.delta {
                    for &f in &ids {
                        delta.add_weights(f, &mut s);
                    }
                }
                if after_sentence_end(text, tokens, t) {
                    for (tag, score) in s.iter_mut().enumerate() {
                        if matches!(model::label_of(tag), Some((_, Pos::Inside | Pos::Last))) {
                            *score = model::FORBIDDEN;
                        }
                    }
                }
                s
            })
            .collect();
        let tags = match &self.delta {
            None => model::viterbi(&scores, |a, b| self.model.transition(a, b)),
            Some(delta) => model::viterbi(&scores, |a, b| {
                self.model.transition(a, b) + delta.transition(a, b)
            }),
        };
        spans(tokens, &tags)
    }

    /// The features of every token of a paragraph, as [`Tagger::tag`] computes them, and the
    /// ids of those a workspace model learns for each token ([`features::Learnable`]).
    pub(crate) fn features(
        text: &str,
        tokens: &[Token],
        keys: &Keys,
        lexicon: &Lexicon,
        lang: Lang,
        hints: &[Mention],
    ) -> (features::Features, Vec<features::Learnable>) {
        let paragraph = features::Paragraph::new(text, tokens, keys, lexicon, lang, hints);
        let mut f = features::Features::default();
        f.starts.push(0);
        for t in 0..tokens.len() {
            paragraph.token(t, &mut f.ids);
            f.starts.push(f.ids.len() as u32);
        }
        let identity = (0..tokens.len()).map(|t| paragraph.learnable(t)).collect();
        (f, identity)
    }
}

/// Whether token `t` opens a sentence after a full stop, `!`, `?` or `…`: no mention goes on
/// across such a boundary, whatever the weights say (a full stop may still end a mention, as
/// in "Apple Inc.").
fn after_sentence_end(text: &str, tokens: &[Token], t: usize) -> bool {
    t > 0 && tokens[t].sentence_start && matches!(tokens[t - 1].text(text), "." | "!" | "?" | "…")
}

/// Turns BILOU tags into mentions. Decoding only produces well-formed sequences; a stray
/// `I-` or `L-` without its `B-` is read as the start of a mention all the same.
pub fn spans(tokens: &[Token], tags: &[usize]) -> Vec<(TextRange, Label)> {
    let mut out: Vec<(TextRange, Label)> = Vec::new();
    let mut open: Option<(TextSize, Label)> = None;
    for (token, &tag) in tokens.iter().zip(tags) {
        let Some((label, pos)) = model::label_of(tag) else {
            open = None;
            continue;
        };
        let start = match (open, pos) {
            (Some((start, l)), Pos::Inside | Pos::Last) if l == label => start,
            _ => token.range.start(),
        };
        match pos {
            Pos::Begin | Pos::Inside => open = Some((start, label)),
            Pos::Last | Pos::Unit => {
                out.push((TextRange::new(start, token.range.end()), label));
                open = None;
            }
        }
    }
    out
}

/// Cuts a document into training examples, one per line, keeping the gold mentions that lie
/// inside each line (shifted to the line's offsets). Mentions across lines are dropped.
pub fn examples(text: &str, gold: &[(TextRange, Label)]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.trim().is_empty() {
            let offset = TextSize::new(start as u32);
            let range = TextRange::at(offset, TextSize::of(body));
            out.push(Example {
                text: body.to_owned(),
                gold: gold
                    .iter()
                    .filter(|(r, _)| range.contains_range(*r))
                    .map(|&(r, l)| (r - offset, l))
                    .collect(),
                domain: 0,
            });
        }
        start = end;
    }
    out
}
