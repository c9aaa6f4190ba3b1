//! Word clusters, read in place from the tables in `data/model/`: a cluster is a path in a
//! binary tree (a leading 1, then one bit per split), so that its prefixes are coarser clusters.
//!
//! - English: Brown clusters of spaCy's lookups data (`en-clusters.bin`, built by
//!   `bench/tagger/build_clusters.py`): `b"NOMENCL3"`, a `u32` count `n`, `n` sorted 40-bit word
//!   hashes (5 bytes each: the low bits of [`super::features::hash`] of [`CLUSTER_KEY`] and the
//!   word, enough that no two of the table's words share one), then `n` 24-bit clusters.
//! - French: k-means trees over pretrained fastText vectors (`fr-clusters.bin`, built by
//!   `tools/build-vector-clusters.py`): `b"NOMENCL2"`, a `u32` count `n`, `n` sorted `u32` word
//!   hashes (the low half of the same hash), then `n` `u16` clusters.
//!
//! A lookup is a binary search; nothing is parsed at start-up.

use super::features::hash;
use crate::extract::Lang;

/// The template number of the word hashes in the files (shared with the build scripts).
pub const CLUSTER_KEY: u8 = 200;

static EN_CLUSTERS: &[u8] = include_bytes!("../../data/model/en-clusters.bin");
static FR_CLUSTERS: &[u8] = include_bytes!("../../data/model/fr-clusters.bin");

/// The cluster of `word` (case-sensitive, as in the source) in `lang`'s table, if it has one.
pub fn cluster(lang: Lang, word: &str) -> Option<u32> {
    let key = hash(CLUSTER_KEY, &[word]);
    match lang {
        Lang::En => lookup::<5, 3>(EN_CLUSTERS, b"NOMENCL3", key & 0xff_ffff_ffff),
        Lang::Fr => lookup::<4, 2>(FR_CLUSTERS, b"NOMENCL2", key & 0xffff_ffff),
    }
}

/// Binary search of `key` in a table of `K`-byte sorted keys followed by `V`-byte values.
fn lookup<const K: usize, const V: usize>(bytes: &[u8], magic: &[u8; 8], key: u64) -> Option<u32> {
    if bytes.len() < 12 || &bytes[..8] != magic {
        return None;
    }
    let n = u32::from_le_bytes(bytes[8..12].try_into().ok()?) as usize;
    if bytes.len() != 12 + n * (K + V) {
        return None;
    }
    let number = |b: &[u8]| {
        b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    };
    let at = |i: usize| number(&bytes[12 + i * K..12 + (i + 1) * K]);
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match at(mid).cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let c = 12 + n * K + mid * V;
                return u32::try_from(number(&bytes[c..c + V])).ok();
            }
        }
    }
    None
}
