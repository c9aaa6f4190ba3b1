//! English Brown clusters (spaCy's lookups data), read in place from `data/model/en-clusters.bin`.
//!
//! The file is built by `bench/tagger/build_clusters.py`: `b"NOMENCL1"`, a `u32` count `n`,
//! `n` sorted `u64` word hashes ([`super::features::hash`] of [`CLUSTER_KEY`] and the word), then
//! `n` `u32` cluster ids. A lookup is a binary search; nothing is parsed at start-up.

use super::features::hash;

/// The template number of the word hashes in the file (shared with the build script).
pub const CLUSTER_KEY: u8 = 200;

static EN_CLUSTERS: &[u8] = include_bytes!("../../data/model/en-clusters.bin");

/// The cluster of `word` (case-sensitive, as in the source), if it has one.
pub fn cluster(word: &str) -> Option<u32> {
    let bytes = EN_CLUSTERS;
    if bytes.len() < 12 || &bytes[..8] != b"NOMENCL1" {
        return None;
    }
    let n = u32::from_le_bytes(bytes[8..12].try_into().ok()?) as usize;
    if bytes.len() != 12 + n * 12 {
        return None;
    }
    let key = hash(CLUSTER_KEY, &[word]);
    let at =
        |i: usize| u64::from_le_bytes(bytes[12 + i * 8..20 + i * 8].try_into().unwrap_or([0; 8]));
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match at(mid).cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let c = 12 + n * 8 + mid * 4;
                return Some(u32::from_le_bytes(bytes[c..c + 4].try_into().ok()?));
            }
        }
    }
    None
}
