//! The workspace model: what a workspace learnt from its annotated documents, as a delta over
//! each language's shipped model ([`crate::tagger::Delta`]), and the extractor's side of
//! learning it (the features of an annotated paragraph, exactly as extraction sees them).

use std::sync::Arc;

use text_size::{TextRange, TextSize};

use super::{Extractor, pieces};
use crate::extract::{Rules, tokenize};
use crate::tagger::features::Features;
use crate::tagger::learn::constraints;
use crate::tagger::{BadDelta, Delta, LearnConfig, Learnable, TagSet, Tagger};
use crate::types::{Label, Lang};

/// What a workspace learnt: a delta over the French model and one over the English model.
/// Its bytes ([`WorkspaceModel::to_bytes`]) depend on the weights alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceModel {
    fr: Option<Arc<Delta>>,
    en: Option<Arc<Delta>>,
}

/// The first bytes of a workspace model file; the version is its last byte.
const MAGIC: &[u8; 8] = b"NOMENWD1";

impl WorkspaceModel {
    /// Whether nothing was learnt: the extractor behaves as the shipped one.
    pub fn is_empty(&self) -> bool {
        [&self.fr, &self.en]
            .iter()
            .all(|d| d.as_ref().is_none_or(|d| d.is_empty()))
    }

    pub fn delta(&self, lang: Lang) -> Option<&Delta> {
        match lang {
            Lang::Fr => self.fr.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }

    /// Whether every delta was learnt over `extractor`'s model of its language (a model file
    /// learnt over another shipped model must be learnt again).
    pub fn fits(&self, extractor: &Extractor) -> bool {
        [Lang::Fr, Lang::En]
            .iter()
            .all(|&lang| match self.delta(lang) {
                None => true,
                Some(delta) => extractor
                    .base_tagger(lang)
                    .is_some_and(|t| t.fingerprint() == delta.base),
            })
    }

    /// The file's bytes: `NOMENWD1`, then for each language with a delta its letter (`f`,
    /// `e`) and the delta ([`Delta::write`]). The same weights give the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for (letter, delta) in [(b'f', &self.fr), (b'e', &self.en)] {
            if let Some(delta) = delta.as_deref().filter(|d| !d.is_empty()) {
                out.push(letter);
                delta.write(&mut out);
            }
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<WorkspaceModel, BadDelta> {
        let mut rest = bytes.strip_prefix(MAGIC).ok_or(BadDelta)?;
        let mut model = WorkspaceModel::default();
        while let Some((&letter, after)) = rest.split_first() {
            let (delta, after) = Delta::read(after)?;
            let slot = match letter {
                b'f' if model.fr.is_none() => &mut model.fr,
                b'e' if model.en.is_none() => &mut model.en,
                _ => return Err(BadDelta),
            };
            *slot = Some(Arc::new(delta));
            rest = after;
        }
        Ok(model)
    }

    /// The delta of `lang` to learn into, made anew when there is none or when it was learnt
    /// over another model than `base`.
    fn delta_mut(&mut self, lang: Lang, base: u64) -> &mut Delta {
        let slot = match lang {
            Lang::Fr => &mut self.fr,
            Lang::En => &mut self.en,
        };
        let delta = match slot.take() {
            Some(d) if d.base == base => d,
            _ => Arc::new(Delta::new(base)),
        };
        Arc::make_mut(slot.insert(delta))
    }
}

/// One annotated paragraph made ready to learn from: its tokens' features and the tags the
/// annotations allow each token. Made once, learnt from as often as wanted.
#[derive(Debug)]
pub struct LearnExample {
    lang: Lang,
    features: Features,
    /// The ids of the features a workspace model learns for each token (none, all zero, for a
    /// token that cannot be a name's).
    identity: Vec<Learnable>,
    allowed: Vec<TagSet>,
}

impl LearnExample {
    /// Whether the annotations say anything of this paragraph: a paragraph without a gold or
    /// rejected span teaches nothing (its tokens may take any tag).
    pub fn is_informative(&self) -> bool {
        self.allowed.iter().any(|&s| s != TagSet::ANY)
    }
}

impl Extractor {
    /// The tagger of `lang` without the workspace model.
    pub(crate) fn base_tagger(&self, lang: Lang) -> Option<&Tagger> {
        match lang {
            Lang::Fr => self.fr.as_ref(),
            Lang::En => self.en.as_ref(),
        }
    }

    /// This extractor with the workspace model's deltas added to its models (those learnt over
    /// another model are left out). Cheap: the models are shared, not copied. An empty
    /// workspace model gives an extractor that behaves exactly as this one.
    pub fn with_workspace_model(mut self, model: &WorkspaceModel) -> Extractor {
        self.fr = self.fr.map(|t| t.with_delta(model.fr.clone()));
        self.en = self.en.map(|t| t.with_delta(model.en.clone()));
        self
    }

    /// The learning examples of one paragraph written in `lang` (its non-prose bytes already
    /// spaces, as [`Extractor::extract`] takes it): `gold` are the annotated spans, `rejected`
    /// the spans the annotator said are not entities of that label, in the paragraph's bytes.
    /// One example per piece, cut as extraction cuts a long paragraph; none without a model.
    /// `complete`: every name of the paragraph is among `gold` (the rest is no entity).
    pub fn learn_examples(
        &self,
        text: &str,
        lang: Lang,
        gold: &[(TextRange, Label)],
        rejected: &[(TextRange, Label)],
        complete: bool,
    ) -> Vec<LearnExample> {
        if self.base_tagger(lang).is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for piece in pieces(text) {
            let piece = TextRange::new(
                TextSize::new(piece.start as u32),
                TextSize::new(piece.end as u32),
            );
            let local = |spans: &[(TextRange, Label)]| -> Vec<(TextRange, Label)> {
                spans
                    .iter()
                    .filter(|(r, _)| piece.contains_range(*r))
                    .map(|&(r, l)| (r - piece.start(), l))
                    .collect()
            };
            let (gold, rejected) = (local(gold), local(rejected));
            out.push(self.example(&text[piece], lang, &gold, &rejected, complete));
        }
        out
    }

    fn example(
        &self,
        text: &str,
        lang: Lang,
        gold: &[(TextRange, Label)],
        rejected: &[(TextRange, Label)],
        complete: bool,
    ) -> LearnExample {
        let tokens = tokenize(text);
        let keys = self.keys(text, &tokens);
        let hints = Rules::new(text, &tokens, &self.lexicon, lang, &keys).run();
        let (features, mut identity) =
            Tagger::features(text, &tokens, &keys, &self.lexicon, lang, &hints);
        // Only a word that can be a name's learns as itself: lower-case words, punctuation and
        // short dictionary words ("The", "of", "-") are in every text, and what one corpus's
        // guidelines say of them (CrossNER puts "The" inside names) would move every text.
        for ((ids, token), flags) in identity.iter_mut().zip(&tokens).zip(keys.flags()) {
            let word = token.text(text);
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            if !capitalised || flags.is_short_dictionary_word(word) {
                *ids = Learnable::default();
            }
        }
        LearnExample {
            lang,
            features,
            identity,
            allowed: constraints(&tokens, gold, rejected, complete),
        }
    }

    /// Learns one example into `model` (a perceptron update where the model, with what it
    /// learnt so far, disagrees with the annotations). Returns whether anything changed.
    pub fn learn(
        &self,
        model: &mut WorkspaceModel,
        example: &LearnExample,
        config: &LearnConfig,
    ) -> bool {
        let Some(tagger) = self.base_tagger(example.lang) else {
            return false;
        };
        if !example.is_informative() {
            return false;
        }
        let delta = model.delta_mut(example.lang, tagger.fingerprint());
        delta.learn(
            tagger.model(),
            &example.features,
            &example.identity,
            &example.allowed,
            config,
        )
    }
}
