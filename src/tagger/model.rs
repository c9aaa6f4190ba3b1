//! The model file: quantised weights behind an open-addressing hash table, read in place.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! magic         8 bytes  "NOMENTG3"
//! n_tags        u32      always TAGS
//! n_slots       u32      a power of two, at least 64
//! n_rows        u32
//! reserved      u32
//! trans         (TAGS + 1) * TAGS i16   transition weights; the last row is "from the start"
//! fingerprints  n_slots u32             the high half of the hash of the slot's feature
//! places        n_slots u8              0 for a free slot, else 1 + the slot's row - its
//!                                       block's first row (a block is 64 slots)
//! firsts        n_slots / 64 u32        the first row of each block of 64 slots
//! rows          n_rows * TAGS i16       one weight per tag for each feature, in slot order
//! ```
//!
//! A feature's 64-bit hash picks its first slot with its low bits and is checked against the
//! fingerprint; probing is linear, and stops at a free slot. Rows follow the slots' order, so a
//! slot needs only its row's place in its block: 5 bytes a slot instead of the 8 of `NOMENTG2`
//! (which held the row number), the rows read as before. Nothing is parsed or copied at load:
//! the model of the binary is a `&'static [u8]` from `include_bytes!`.

use std::borrow::Cow;

use crate::extract::Label;

/// `O`, then `B-`, `I-`, `L-` and `U-` (begin, inside, last, unit) of each label in
/// [`Label::ALL`] order.
pub const TAGS: usize = 1 + 4 * Label::ALL.len();
const MAGIC: &[u8; 8] = b"NOMENTG3";
const HEADER: usize = 24;
const TRANS: usize = (TAGS + 1) * TAGS;

/// A token's place in a mention (BILOU).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pos {
    Begin,
    Inside,
    Last,
    Unit,
}

const POSITIONS: [Pos; 4] = [Pos::Begin, Pos::Inside, Pos::Last, Pos::Unit];

/// The tag number of `label` at `pos`.
pub fn tag_of(label: Label, pos: Pos) -> usize {
    let k = Label::ALL.iter().position(|&l| l == label).unwrap_or(0);
    let p = POSITIONS.iter().position(|&q| q == pos).unwrap_or(0);
    1 + 4 * k + p
}

/// The label and position of a tag; `None` for `O`.
pub fn label_of(tag: usize) -> Option<(Label, Pos)> {
    let k = tag.checked_sub(1)?;
    Some((*Label::ALL.get(k / 4)?, POSITIONS[k % 4]))
}

/// Whether a mention is open after `tag`: `B-X` and `I-X` must be followed by `I-X` or `L-X`.
pub(crate) fn open_label(tag: usize) -> Option<Label> {
    match label_of(tag) {
        Some((label, Pos::Begin | Pos::Inside)) => Some(label),
        _ => None,
    }
}

/// Why bytes are not a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadModel;

/// A loaded model: checked once, then read in place.
#[derive(Clone)]
pub struct Model {
    bytes: Cow<'static, [u8]>,
    mask: usize,
    places_at: usize,
    firsts_at: usize,
    rows_at: usize,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("bytes", &self.bytes.len())
            .field("rows", &self.rows())
            .finish()
    }
}

impl Model {
    /// Checks the header and sizes; O(1).
    pub fn from_bytes(bytes: Cow<'static, [u8]>) -> Result<Model, BadModel> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(BadModel);
        }
        // The header is there: these reads cannot fail.
        let field = |at: usize| read_u32(&bytes, at).unwrap_or(0) as usize;
        let (n_tags, n_slots, n_rows) = (field(8), field(12), field(16));
        let places_at = HEADER + TRANS * 2 + n_slots * 4;
        let firsts_at = places_at + n_slots;
        let rows_at = firsts_at + n_slots / 16;
        if n_tags != TAGS
            || !n_slots.is_power_of_two()
            || n_slots < 64
            || n_rows > n_slots
            || bytes.len() != rows_at + n_rows * TAGS * 2
        {
            return Err(BadModel);
        }
        Ok(Model {
            bytes,
            mask: n_slots - 1,
            places_at,
            firsts_at,
            rows_at,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of features with weights.
    pub fn rows(&self) -> usize {
        read_u32(&self.bytes, 16).unwrap_or(0) as usize
    }

    /// The weight of going from tag `from` (`TAGS` for the start) to tag `to`.
    pub fn transition(&self, from: usize, to: usize) -> i32 {
        i32::from(read_i16(&self.bytes, HEADER + (from * TAGS + to) * 2))
    }

    /// Adds the weights of `feature` to `scores`; unknown features add nothing.
    pub fn add_weights(&self, feature: u64, scores: &mut [i32; TAGS]) {
        let Some(row) = self.row(feature) else {
            return;
        };
        let at = self.rows_at + row * TAGS * 2;
        let Some(weights) = self.bytes.get(at..at + TAGS * 2) else {
            return;
        };
        for (score, w) in scores.iter_mut().zip(weights.chunks_exact(2)) {
            *score += i32::from(i16::from_le_bytes([w[0], w[1]]));
        }
    }

    fn row(&self, feature: u64) -> Option<usize> {
        let fingerprint = (feature >> 32) as u32;
        let mut slot = feature as usize & self.mask;
        for _ in 0..=self.mask {
            let place = *self.bytes.get(self.places_at + slot)?;
            if place == 0 {
                return None; // a free slot ends the probe
            }
            if read_u32(&self.bytes, HEADER + TRANS * 2 + slot * 4)? == fingerprint {
                let first = read_u32(&self.bytes, self.firsts_at + slot / 64 * 4)?;
                return Some(first as usize + usize::from(place) - 1);
            }
            slot = (slot + 1) & self.mask;
        }
        None
    }
}

/// Writes a model from quantised weights: `features` are (hash, weights) sorted by hash, with
/// distinct hashes.
pub fn write(transitions: &[i16; TRANS], features: &[(u64, [i16; TAGS])]) -> Vec<u8> {
    let n_slots = (features.len() * 3 / 2 + 1).next_power_of_two().max(64);
    let mask = n_slots - 1;
    // The feature in each slot.
    let mut slots: Vec<Option<usize>> = vec![None; n_slots];
    for (k, &(hash, _)) in features.iter().enumerate() {
        let mut slot = hash as usize & mask;
        while slots[slot].is_some() {
            slot = (slot + 1) & mask;
        }
        slots[slot] = Some(k);
    }
    let mut out = Vec::with_capacity(
        HEADER + TRANS * 2 + n_slots * 5 + n_slots / 16 + features.len() * TAGS * 2,
    );
    out.extend_from_slice(MAGIC);
    for n in [TAGS, n_slots, features.len(), 0] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    for w in transitions {
        out.extend_from_slice(&w.to_le_bytes());
    }
    for slot in &slots {
        let fingerprint = slot.map_or(0, |k| (features[k].0 >> 32) as u32);
        out.extend_from_slice(&fingerprint.to_le_bytes());
    }
    let mut firsts = Vec::with_capacity(n_slots / 64);
    let mut row = 0u32;
    for block in slots.chunks(64) {
        let first = row;
        firsts.push(first);
        for slot in block {
            let place = slot.map_or(0, |_| {
                row += 1;
                row - first
            });
            out.push(place as u8);
        }
    }
    for first in firsts {
        out.extend_from_slice(&first.to_le_bytes());
    }
    for &k in slots.iter().flatten() {
        for w in features[k].1 {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
    out
}

/// Whether `to` may follow `from` (`None` at the start) in BILOU.
pub fn allowed(from: Option<usize>, to: usize) -> bool {
    let open = from.and_then(open_label);
    match (open, label_of(to)) {
        (Some(label), Some((next, Pos::Inside | Pos::Last))) => label == next,
        (Some(_), _) => false,
        (None, Some((_, Pos::Inside | Pos::Last))) => false,
        (None, _) => true,
    }
}

/// A score low enough that no sequence through it is chosen while another exists, and high
/// enough that a paragraph's sum of them cannot overflow the decoder's `i64`.
pub(crate) const FORBIDDEN: i32 = -(1 << 30);

/// Viterbi decoding over per-token scores and transition weights; returns the best tag of each
/// token. Ties go to the lower tag number, so the result is deterministic.
pub fn viterbi(scores: &[[i32; TAGS]], transition: impl Fn(usize, usize) -> i32) -> Vec<usize> {
    const NEG: i64 = i64::MIN / 4;
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    // The allowed moves into each tag with their weights, once per call, in the order of the
    // tags they come from: BILOU leaves 9 of 17 tags before B, U and O, and 2 before I and L, so
    // the inner loop visits a third of the pairs. A forbidden move could never have won.
    let mut into = [[(0usize, 0i64); TAGS]; TAGS];
    let mut count = [0usize; TAGS];
    for to in 0..TAGS {
        for from in 0..TAGS {
            if allowed(Some(from), to) {
                into[to][count[to]] = (from, i64::from(transition(from, to)));
                count[to] += 1;
            }
        }
    }
    let possible = |s: i64| s > NEG / 2;
    let mut best = vec![[NEG; TAGS]; n];
    let mut back = vec![[0u8; TAGS]; n];
    for t in 0..TAGS {
        if allowed(None, t) {
            best[0][t] = i64::from(scores[0][t]) + i64::from(transition(TAGS, t));
        }
    }
    for i in 1..n {
        let prev_row = best[i - 1];
        for t in 0..TAGS {
            let mut top = NEG;
            let mut arg = 0;
            for &(p, w) in &into[t][..count[t]] {
                let s = prev_row[p] + w;
                if s > top {
                    top = s;
                    arg = p;
                }
            }
            if possible(top) {
                best[i][t] = top + i64::from(scores[i][t]);
                back[i][t] = arg as u8;
            }
        }
    }
    // A mention cannot be left open at the end.
    let mut tag = (0..TAGS)
        .filter(|&t| open_label(t).is_none())
        .max_by_key(|&t| (best[n - 1][t], std::cmp::Reverse(t)))
        .unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = tag;
        tag = usize::from(back[i][tag]);
    }
    out
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn read_i16(bytes: &[u8], at: usize) -> i16 {
    i16::from_le_bytes([bytes[at], bytes[at + 1]])
}

pub(super) const TRANSITIONS: usize = TRANS;
