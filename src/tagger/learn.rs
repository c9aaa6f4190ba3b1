//! Online learning over a fixed model: a sparse [`Delta`] of weight changes, learned from
//! annotated paragraphs by perceptron updates, and added to the model's weights when decoding.
//!
//! The shipped model is never changed: what a workspace learns is kept apart, in the units of
//! the model's quantised weights, so that dropping the delta gives back the shipped behaviour
//! exactly. The delta knows which model it was learned over by the model's [`fingerprint`].
//!
//! Annotations are partial: the annotated spans are certain, the spans the annotator rejected
//! are certainly not entities of that label, and the rest of the text is left to the model.
//! The target of an update is therefore the best tag sequence that agrees with what the
//! annotator said (constrained Viterbi), and the update moves the weights from the model's own
//! guess towards it, as in perceptron learning from partial annotation.

use rustc_hash::FxHashMap;
use text_size::TextRange;

use super::features::Features;
use super::model::{self, FORBIDDEN, Model, TAGS, TRANSITIONS};
use crate::extract::{Label, Token};

/// How strongly one mistake moves the weights, and how often a paragraph is visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LearnConfig {
    /// The change at each mistake of the weights of the features that name the token itself
    /// (its word, its raw form, the pairs with its neighbours), in the model's quantised units
    /// (its largest weight is 32,767; the median of the French model's is about 250).
    pub step: i32,
    /// The change of the other features' weights and of the transitions: context, shape,
    /// gazetteers, which every name shares, so that a few documents must not move them much.
    pub context_step: i32,
    /// Visits of a document's paragraphs at most; learning stops after a visit that made no
    /// mistake.
    pub passes: usize,
    /// A token the model tags right still counts as a mistake while its tag does not beat
    /// each other tag by this much in its own scores (quantised units): a name learnt in the
    /// context of its document must also win in other contexts, where the context features
    /// (its word cluster among them) may say another label.
    pub margin: i32,
}

impl Default for LearnConfig {
    fn default() -> LearnConfig {
        LearnConfig {
            step: 400,
            context_step: 0,
            passes: 3,
            margin: 1000,
        }
    }
}

/// The step of each of a token's own features: `step` is given for a word's five
/// ([`super::features::Paragraph::identity`]); when an English run of capitalised words adds
/// two more names ([`super::features::Learnable`]), each of the seven moves by five sevenths of
/// it, so that a token moves as far at each mistake whatever it stands in.
fn own_step(step: i32, ids: &super::features::Learnable) -> i32 {
    let distinct = (0..ids.len())
        .filter(|&k| ids[k] != 0 && !ids[..k].contains(&ids[k]))
        .count();
    if distinct == 0 {
        return 0;
    }
    step * 5 / distinct as i32
}

/// Weight changes over one model: a row of per-tag changes for each feature that was updated,
/// and changes of the transition weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delta {
    /// The [`fingerprint`] of the model the changes apply to.
    pub base: u64,
    rows: FxHashMap<u64, [i32; TAGS]>,
    trans: Box<[i32; TRANSITIONS]>,
}

/// Why bytes are not a delta.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadDelta;

impl Delta {
    /// No change, over the model of fingerprint `base`.
    pub fn new(base: u64) -> Delta {
        Delta {
            base,
            rows: FxHashMap::default(),
            trans: Box::new([0; TRANSITIONS]),
        }
    }

    /// Whether nothing was learnt.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.trans.iter().all(|&w| w == 0)
    }

    /// Number of features with changes.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// Adds the changes of `feature` to `scores`.
    #[inline]
    pub fn add_weights(&self, feature: u64, scores: &mut [i32; TAGS]) {
        if let Some(row) = self.rows.get(&feature) {
            for (s, w) in scores.iter_mut().zip(row) {
                *s = s.saturating_add(*w);
            }
        }
    }

    /// The change of the weight of going from tag `from` (`TAGS` for the start) to `to`.
    pub fn transition(&self, from: usize, to: usize) -> i32 {
        self.trans[from * TAGS + to]
    }

    /// Learns from one paragraph whose tokens have `features` (as [`Model`] decoding sees
    /// them): decodes it with the model and this delta, and where the best sequence that keeps
    /// to `allowed` differs, moves the weights towards it. Returns whether anything changed.
    pub fn learn(
        &mut self,
        model: &Model,
        features: &Features,
        identity: &[super::features::Learnable],
        allowed: &[TagSet],
        config: &LearnConfig,
    ) -> bool {
        let n = features.len().min(allowed.len());
        if n == 0 {
            return false;
        }
        let scores: Vec<[i32; TAGS]> = (0..n)
            .map(|t| {
                let mut s = [0; TAGS];
                for &f in features.of(t) {
                    model.add_weights(f, &mut s);
                    self.add_weights(f, &mut s);
                }
                s
            })
            .collect();
        let transition = |a: usize, b: usize| model.transition(a, b) + self.transition(a, b);
        let mut predicted = model::viterbi(&scores, transition);
        let decoded_right = (0..n).all(|t| allowed[t].contains(predicted[t]));
        if decoded_right && config.margin <= 0 {
            return false;
        }
        let constrained: Vec<[i32; TAGS]> = scores
            .iter()
            .zip(allowed)
            .map(|(s, set)| std::array::from_fn(|k| if set.contains(k) { s[k] } else { FORBIDDEN }))
            .collect();
        let target = model::viterbi(&constrained, transition);
        if config.margin > 0 {
            // Where decoding is right but the tag's own lead is short, the runner-up tag is
            // taken as the prediction to move away from.
            for t in 0..n {
                if predicted[t] == target[t] && allowed[t] != TagSet::ANY {
                    let gold = target[t];
                    let runner_up = (0..TAGS)
                        .filter(|&k| k != gold)
                        .max_by_key(|&k| (scores[t][k], std::cmp::Reverse(k)));
                    if let Some(k) = runner_up
                        && scores[t][gold].saturating_sub(scores[t][k]) < config.margin
                    {
                        predicted[t] = k;
                    }
                }
            }
            if decoded_right && (0..n).all(|t| predicted[t] == target[t]) {
                return false;
            }
        }
        let mut changed = false;
        for t in 0..n {
            let (gold, pred) = (target[t], predicted[t]);
            if gold != pred {
                let own_step = identity.get(t).map_or(0, |ids| own_step(config.step, ids));
                for &f in features.of(t) {
                    let own = identity.get(t).is_some_and(|ids| ids.contains(&f));
                    let step = if own { own_step } else { config.context_step };
                    if step == 0 {
                        continue;
                    }
                    let row = self.rows.entry(f).or_insert([0; TAGS]);
                    row[gold] = row[gold].saturating_add(step);
                    row[pred] = row[pred].saturating_sub(step);
                }
                changed = true;
            }
            let (gp, pp) = match t {
                0 => (TAGS, TAGS),
                _ => (target[t - 1], predicted[t - 1]),
            };
            if (gp, gold) != (pp, pred) && config.context_step != 0 {
                let step = config.context_step;
                self.trans[gp * TAGS + gold] = self.trans[gp * TAGS + gold].saturating_add(step);
                self.trans[pp * TAGS + pred] = self.trans[pp * TAGS + pred].saturating_sub(step);
                changed = true;
            }
        }
        // Rows whose changes cancelled out are dropped, so that the bytes depend on the
        // weights alone.
        self.rows.retain(|_, row| row.iter().any(|&w| w != 0));
        changed
    }

    /// The delta as bytes: the same changes give the same bytes. Layout (little-endian):
    /// `base u64`, `n_trans u32`, `n_rows u32`, then each non-zero transition as `index u16,
    /// change i32`, then each row, by feature, as `feature u64, tags u32` (a bit per tag whose
    /// change is not zero) and those changes as `i32`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let trans: Vec<(usize, i32)> = (self.trans.iter().copied().enumerate())
            .filter(|&(_, w)| w != 0)
            .collect();
        let mut rows: Vec<(&u64, &[i32; TAGS])> = self.rows.iter().collect();
        rows.sort_unstable_by_key(|&(f, _)| *f);
        out.extend_from_slice(&self.base.to_le_bytes());
        out.extend_from_slice(&(trans.len() as u32).to_le_bytes());
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for (at, w) in trans {
            out.extend_from_slice(&(at as u16).to_le_bytes());
            out.extend_from_slice(&w.to_le_bytes());
        }
        for (feature, row) in rows {
            out.extend_from_slice(&feature.to_le_bytes());
            let mask = (0..TAGS)
                .filter(|&k| row[k] != 0)
                .fold(0u32, |m, k| m | 1 << k);
            out.extend_from_slice(&mask.to_le_bytes());
            for w in row.iter().filter(|&&w| w != 0) {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
    }

    /// Reads a delta written by [`Delta::write`] from the start of `bytes`; returns it and the
    /// bytes after it.
    pub fn read(bytes: &[u8]) -> Result<(Delta, &[u8]), BadDelta> {
        let mut r = Reader(bytes);
        let base = r.u64()?;
        let n_trans = r.u32()? as usize;
        let n_rows = r.u32()? as usize;
        let mut delta = Delta::new(base);
        for _ in 0..n_trans {
            let at = usize::from(r.u16()?);
            *delta.trans.get_mut(at).ok_or(BadDelta)? = r.i32()?;
        }
        // Bounded by the input: a row takes 12 bytes at least.
        delta.rows.reserve(n_rows.min(r.0.len() / 12));
        let mut last = None;
        for _ in 0..n_rows {
            let feature = r.u64()?;
            if last.is_some_and(|l| l >= feature) {
                return Err(BadDelta);
            }
            last = Some(feature);
            let mask = r.u32()?;
            if mask >> TAGS != 0 || mask == 0 {
                return Err(BadDelta);
            }
            let mut row = [0; TAGS];
            for (k, w) in row.iter_mut().enumerate() {
                if mask & 1 << k != 0 {
                    *w = r.i32()?;
                }
            }
            delta.rows.insert(feature, row);
        }
        Ok((delta, r.0))
    }
}

/// The tags a token may take under the annotations: a bit per tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagSet(u32);

impl TagSet {
    pub const ANY: TagSet = TagSet((1 << TAGS) - 1);

    pub fn only(tag: usize) -> TagSet {
        TagSet(1 << tag)
    }

    pub fn contains(self, tag: usize) -> bool {
        self.0 & 1 << tag != 0
    }
}

/// What the annotations say of each token: a gold span fixes its tokens' tags (a span that
/// does not start and end on token boundaries says nothing); a rejected span makes its tokens
/// `O`, unless a gold span covers them; the other tokens may take any tag, or only `O` when
/// the annotation is `complete` (every name of the text is annotated).
///
/// A rejected suggestion is read as "no name here", not as "not a name of this label": an
/// annotator who sees a name with the wrong label relabels it (which makes it gold). Forbidding
/// only the rejected label made the model offer the next label at the same place, rejection
/// after rejection (ORG, then LOC, then PER).
pub fn constraints(
    tokens: &[Token],
    gold: &[(TextRange, Label)],
    rejected: &[(TextRange, Label)],
    complete: bool,
) -> Vec<TagSet> {
    let rest = if complete {
        TagSet::only(0)
    } else {
        TagSet::ANY
    };
    let mut out = vec![rest; tokens.len()];
    let inside = |range: TextRange| {
        let first = tokens.partition_point(|t| t.range.start() < range.start());
        let last = tokens.partition_point(|t| t.range.end() <= range.end());
        (first, last)
    };
    for &(range, _) in rejected {
        let (first, last) = inside(range);
        for set in out.iter_mut().take(last).skip(first) {
            *set = TagSet::only(0);
        }
    }
    let (tags, _) = super::train::gold_tags(tokens, gold);
    for &(range, _) in gold {
        let (first, last) = inside(range);
        let aligned = first < last
            && tokens[first].range.start() == range.start()
            && tokens[last - 1].range.end() == range.end();
        if aligned {
            for t in first..last {
                out[t] = TagSet::only(tags[t]);
            }
        }
    }
    out
}

/// A fingerprint of a model's bytes: a 64-bit mix of every byte, the same on every platform.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x6e6f_6d65_6e5f_6d31 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 32)
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BadDelta> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or(BadDelta)?;
        self.0 = rest;
        Ok(*head)
    }
    fn u16(&mut self) -> Result<u16, BadDelta> {
        self.take().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Result<u32, BadDelta> {
        self.take().map(u32::from_le_bytes)
    }
    fn i32(&mut self) -> Result<i32, BadDelta> {
        self.take().map(i32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, BadDelta> {
        self.take().map(u64::from_le_bytes)
    }
}
