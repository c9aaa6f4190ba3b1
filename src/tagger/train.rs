//! Training: an averaged structured perceptron with Viterbi decoding over BILOU tags.
//!
//! Everything here is deterministic: examples are visited in an order drawn from a seeded
//! SplitMix64, feature rows are numbered in order of first occurrence, weights are integers
//! while training, and the output is written in hash order. The same examples, configuration
//! and lexicon give the same model bytes.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use text_size::TextRange;

use super::crf::Crf;
use super::features;
use super::model::{self, Model, Pos, TAGS, TRANSITIONS};
use crate::extract::{Keys, Label, Lang, Lexicon, Mention, Token, tokenize};

/// One paragraph of training text with its gold mentions (byte ranges, sorted, outermost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub gold: Vec<(TextRange, Label)>,
    /// The corpus the paragraph comes from, when training keeps per-corpus copies of the
    /// features (0: none). See [`TrainConfig::domain_copies`].
    pub domain: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// Features seen fewer times than this in the training data are left out.
    pub min_count: u32,
    /// Perceptrons trained on different orders of the examples (seeds `seed`, `seed + 1`,
    /// ...) whose averaged weights are summed into the model: a small ensemble that is no
    /// slower to run than one of its members.
    pub members: usize,
    /// Train a linear-chain CRF (log-likelihood, stochastic gradient) instead of the
    /// perceptron.
    pub crf: bool,
    /// Word-identity dropout, in thousandths: at each visit of a training token the perceptron
    /// leaves out, with this probability, the features that name the token itself (its word,
    /// raw form and word pairs), so that it also learns from what carries a name it has never
    /// seen: shape, context, gazetteers. 0 leaves nothing out.
    pub identity_dropout: u32,
    /// Per-corpus feature copies ("frustratingly easy" domain adaptation): each feature of a
    /// paragraph from corpus `d` also fires as a copy of its own for `d`, which absorbs what
    /// that corpus's genre and guidelines do differently; the shared features, the only ones
    /// that fire on new text, keep what the corpora agree on.
    pub domain_copies: bool,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            epochs: 12,
            seed: 1,
            min_count: 2,
            members: 4,
            crf: false,
            identity_dropout: 0,
            domain_copies: false,
        }
    }
}

/// Facts about a training run, for the command line to print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrainStats {
    pub examples: usize,
    pub tokens: usize,
    pub mentions: usize,
    /// Gold mentions whose ends do not fall on token boundaries: they cannot be learnt.
    pub misaligned: usize,
    pub features: usize,
}

pub(crate) struct Prepared {
    pub(crate) rows: Vec<u32>,
    pub(crate) starts: Vec<u32>,
    pub(crate) gold: Vec<usize>,
}

/// The BILOU tag of each token under the gold mentions, and the number of mentions that do not
/// start and end on token boundaries (their tokens stay `O`).
pub fn gold_tags(tokens: &[Token], gold: &[(TextRange, Label)]) -> (Vec<usize>, usize) {
    let mut tags = vec![0; tokens.len()];
    let mut misaligned = 0;
    for &(range, label) in gold {
        let inside: Vec<usize> = (0..tokens.len())
            .filter(|&i| range.contains_range(tokens[i].range))
            .collect();
        let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
            misaligned += 1;
            continue;
        };
        if tokens[first].range.start() != range.start() || tokens[last].range.end() != range.end() {
            misaligned += 1;
            continue;
        }
        if first == last {
            tags[first] = model::tag_of(label, Pos::Unit);
            continue;
        }
        tags[first] = model::tag_of(label, Pos::Begin);
        for tag in &mut tags[first + 1..last] {
            *tag = model::tag_of(label, Pos::Inside);
        }
        tags[last] = model::tag_of(label, Pos::Last);
    }
    (tags, misaligned)
}

/// Trains a model; `hints` gives the rules' mentions of a paragraph; `after_epoch` sees the
/// averaged model after each epoch (to report scores on a development set). Returns the bytes
/// of the final model.
pub(crate) fn train(
    examples: &[Example],
    lang: Lang,
    lexicon: &Lexicon,
    hints: impl Fn(&str, &[Token], &Keys) -> Vec<Mention>,
    config: TrainConfig,
    stats: &mut TrainStats,
    mut after_epoch: impl FnMut(usize, &Model),
) -> Vec<u8> {
    let mut identity_ids: rustc_hash::FxHashSet<u64> = rustc_hash::FxHashSet::default();
    let featurized: Vec<(features::Features, Vec<usize>)> = examples
        .iter()
        .map(|ex| {
            let tokens = tokenize(&ex.text);
            let (gold, misaligned) = gold_tags(&tokens, &ex.gold);
            stats.misaligned += misaligned;
            stats.mentions += ex.gold.len();
            stats.tokens += tokens.len();
            let keys = Keys::new(&ex.text, &tokens, lexicon);
            let hints = hints(&ex.text, &tokens, &keys);
            let paragraph =
                features::Paragraph::new(&ex.text, &tokens, &keys, lexicon, lang, &hints);
            let mut f = features::Features::default();
            f.starts.push(0);
            for i in 0..tokens.len() {
                let first = f.ids.len();
                paragraph.token(i, &mut f.ids);
                if config.domain_copies && ex.domain != 0 {
                    for k in first..f.ids.len() {
                        let copy = features::id(DOMAIN_COPY, &[ex.domain, f.ids[k]]);
                        f.ids.push(copy);
                    }
                }
                f.starts.push(f.ids.len() as u32);
                if config.identity_dropout > 0 {
                    identity_ids.extend(paragraph.identity(i));
                }
            }
            (f, gold)
        })
        .collect();
    stats.examples = examples.len();

    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    for (f, _) in &featurized {
        for &id in &f.ids {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut row_of: FxHashMap<u64, u32> = FxHashMap::default();
    let mut hashes: Vec<u64> = Vec::new();
    let prepared: Vec<Prepared> = featurized
        .into_iter()
        .map(|(f, gold)| {
            let mut rows = Vec::with_capacity(f.ids.len());
            let mut starts = vec![0];
            for t in 0..f.len() {
                for &id in f.of(t) {
                    if counts[&id] < config.min_count {
                        continue;
                    }
                    let row = *row_of.entry(id).or_insert_with(|| {
                        hashes.push(id);
                        hashes.len() as u32 - 1
                    });
                    rows.push(row);
                }
                starts.push(rows.len() as u32);
            }
            Prepared { rows, starts, gold }
        })
        .collect();
    stats.features = hashes.len();
    let identity: Vec<bool> = hashes.iter().map(|h| identity_ids.contains(h)).collect();

    let members = config.members.max(1) as u64;
    let mut sum: Option<Averaged> = None;
    for member in 0..members {
        let mut p = if config.crf {
            Learner::Crf(Box::new(Crf::new(hashes.len(), CRF_RATE)))
        } else {
            Learner::Perceptron(Box::new(Perceptron::new(
                hashes.len(),
                Dropout {
                    threshold: u64::MAX / 1000 * u64::from(config.identity_dropout.min(1000)),
                    rng: SplitMix64(config.seed.wrapping_add(member) ^ 0x5eed),
                },
            )))
        };
        let mut rng = SplitMix64(config.seed.wrapping_add(member));
        let mut order: Vec<usize> = (0..prepared.len()).collect();
        for epoch in 0..config.epochs {
            shuffle(&mut order, &mut rng);
            if let Learner::Crf(crf) = &mut p {
                crf.rate = CRF_RATE / (1.0 + epoch as f64);
            }
            for &e in &order {
                p.learn(&prepared[e], &identity);
            }
            if member + 1 == members {
                let bytes = p.averaged_with(sum.as_ref()).quantised(&hashes);
                if let Ok(m) = Model::from_bytes(Cow::Owned(bytes)) {
                    after_epoch(epoch + 1, &m);
                }
            }
        }
        sum = Some(p.averaged_with(sum.as_ref()));
    }
    sum.map(|avg| avg.quantised(&hashes)).unwrap_or_default()
}

/// The template number of per-corpus feature copies (outside the feature templates' range).
const DOMAIN_COPY: u8 = 200;

/// The step size of the CRF's first epoch; epoch `k` (from 0) uses `CRF_RATE / (1 + k)`.
const CRF_RATE: f64 = 0.3;

enum Learner {
    Perceptron(Box<Perceptron>),
    Crf(Box<Crf>),
}

impl Learner {
    /// Learns from one example; `identity` says which feature rows name a token itself.
    fn learn(&mut self, ex: &Prepared, identity: &[bool]) {
        match self {
            Learner::Perceptron(p) => p.learn(ex, identity),
            Learner::Crf(c) => c.learn(ex),
        }
    }

    /// The averaged weights, plus those of the members trained before, if any.
    fn averaged_with(&self, before: Option<&Averaged>) -> Averaged {
        let mut avg = match self {
            Learner::Perceptron(p) => p.averaged(),
            Learner::Crf(c) => c.averaged(),
        };
        if let Some(before) = before {
            avg.add(before);
        }
        avg
    }
}

/// Averaged weights in floating point, before quantisation; summed over the members of an
/// ensemble.
pub(crate) struct Averaged {
    pub(crate) weights: Vec<[f64; TAGS]>,
    pub(crate) trans: [f64; TRANSITIONS],
}

impl Averaged {
    fn add(&mut self, other: &Averaged) {
        for (w, o) in self.weights.iter_mut().zip(&other.weights) {
            for k in 0..TAGS {
                w[k] += o[k];
            }
        }
        for k in 0..TRANSITIONS {
            self.trans[k] += other.trans[k];
        }
    }

    /// The weights quantised to `i16` with one scale for the whole model.
    fn quantised(&self, hashes: &[u64]) -> Vec<u8> {
        let mut max = 1e-9f64;
        for w in &self.weights {
            for x in w {
                max = max.max(x.abs());
            }
        }
        for x in &self.trans {
            max = max.max(x.abs());
        }
        let scale = f64::from(i16::MAX) / max;
        let q = |x: f64| (x * scale).round() as i16;
        let mut trans = [0i16; TRANSITIONS];
        for (k, slot) in trans.iter_mut().enumerate() {
            *slot = q(self.trans[k]);
        }
        let mut features: Vec<(u64, [i16; TAGS])> = Vec::new();
        for (row, &hash) in hashes.iter().enumerate() {
            let mut w = [0i16; TAGS];
            for (k, slot) in w.iter_mut().enumerate() {
                *slot = q(self.weights[row][k]);
            }
            if w.iter().any(|&x| x != 0) {
                features.push((hash, w));
            }
        }
        features.sort_unstable_by_key(|&(hash, _)| hash);
        features.dedup_by_key(|&mut (hash, _)| hash);
        model::write(&trans, &features)
    }
}

/// How often to leave a token's identity rows out of a visit.
struct Dropout {
    /// A token's identity rows are left out when a draw falls below this.
    threshold: u64,
    rng: SplitMix64,
}

struct Perceptron {
    dropout: Dropout,
    weights: Vec<[i32; TAGS]>,
    totals: Vec<[i64; TAGS]>,
    trans: [i32; TRANSITIONS],
    trans_totals: [i64; TRANSITIONS],
    /// Number of examples seen plus one: the time stamp of updates.
    clock: i64,
}

impl Perceptron {
    fn new(rows: usize, dropout: Dropout) -> Perceptron {
        Perceptron {
            dropout,
            weights: vec![[0; TAGS]; rows],
            totals: vec![[0; TAGS]; rows],
            trans: [0; TRANSITIONS],
            trans_totals: [0; TRANSITIONS],
            clock: 1,
        }
    }

    fn learn(&mut self, ex: &Prepared, identity: &[bool]) {
        let n = ex.gold.len();
        let dropped: Vec<bool> = (0..n)
            .map(|_| self.dropout.threshold > 0 && self.dropout.rng.next() < self.dropout.threshold)
            .collect();
        let dropped = &dropped;
        let rows_of = |t: usize| {
            let drop = dropped[t];
            ex.rows[ex.starts[t] as usize..ex.starts[t + 1] as usize]
                .iter()
                .copied()
                .filter(move |&row| !(drop && identity[row as usize]))
        };
        let scores: Vec<[i32; TAGS]> = (0..n)
            .map(|t| {
                let mut s = [0; TAGS];
                for row in rows_of(t) {
                    for (k, w) in self.weights[row as usize].iter().enumerate() {
                        s[k] += w;
                    }
                }
                s
            })
            .collect();
        let predicted = model::viterbi(&scores, |a, b| self.trans[a * TAGS + b]);
        for t in 0..n {
            let (gold, pred) = (ex.gold[t], predicted[t]);
            if gold != pred {
                for row in rows_of(t) {
                    self.bump_row(row as usize, gold, 1);
                    self.bump_row(row as usize, pred, -1);
                }
            }
            let (gp, pp) = if t == 0 {
                (TAGS, TAGS)
            } else {
                (ex.gold[t - 1], predicted[t - 1])
            };
            if (gp, gold) != (pp, pred) {
                self.bump_trans(gp * TAGS + gold, 1);
                self.bump_trans(pp * TAGS + pred, -1);
            }
        }
        self.clock += 1;
    }

    fn bump_row(&mut self, row: usize, tag: usize, delta: i32) {
        self.weights[row][tag] += delta;
        self.totals[row][tag] += self.clock * i64::from(delta);
    }

    fn bump_trans(&mut self, at: usize, delta: i32) {
        self.trans[at] += delta;
        self.trans_totals[at] += self.clock * i64::from(delta);
    }

    /// The averaged weights.
    fn averaged(&self) -> Averaged {
        let avg = |w: i32, total: i64| f64::from(w) - total as f64 / self.clock as f64;
        let weights = self
            .weights
            .iter()
            .zip(&self.totals)
            .map(|(w, t)| std::array::from_fn(|k| avg(w[k], t[k])))
            .collect();
        let trans = std::array::from_fn(|k| avg(self.trans[k], self.trans_totals[k]));
        Averaged { weights, trans }
    }
}

/// SplitMix64: a tiny seeded generator, so that shuffles are the same everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        let z = mix(self.0);
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z
    }
}

/// SplitMix64's step from state `z`: the output for the state after it.
pub(super) fn mix(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn shuffle(items: &mut [usize], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
