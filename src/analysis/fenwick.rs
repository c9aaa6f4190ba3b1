//! A Fenwick tree over block lengths: block starts and the block at an offset in O(log n),
//! so that an edit's cost does not grow with the number of blocks after it.

#[derive(Clone, Debug, Default)]
pub(crate) struct Fenwick {
    /// One-based: `tree[i]` sums the lengths of the `i & -i` blocks that end at block `i - 1`.
    tree: Vec<u32>,
}

impl Fenwick {
    pub(crate) fn build(lens: impl Iterator<Item = u32>) -> Fenwick {
        let mut tree = vec![0];
        tree.extend(lens);
        for i in 1..tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent < tree.len() {
                tree[parent] = tree[parent].wrapping_add(tree[i]);
            }
        }
        Fenwick { tree }
    }

    pub(crate) fn len(&self) -> usize {
        self.tree.len().saturating_sub(1)
    }

    /// Adds `delta` (which may be negative, as a wrapping `u32`) to block `i`'s length.
    pub(crate) fn add(&mut self, i: usize, delta: u32) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// The sum of the lengths of blocks `0..i`: where block `i` starts.
    pub(crate) fn prefix(&self, i: usize) -> u32 {
        let mut i = i.min(self.len());
        let mut sum = 0u32;
        while i > 0 {
            sum = sum.wrapping_add(self.tree[i]);
            i &= i - 1;
        }
        sum
    }

    /// The number of leading blocks whose prefix sums (their ends) satisfy `pred`, for a `pred`
    /// that holds up to some point and fails after it.
    pub(crate) fn count_while(&self, pred: impl Fn(u32) -> bool) -> usize {
        let n = self.len();
        let mut pos = 0;
        let mut acc = 0u32;
        let mut step = n.checked_next_power_of_two().unwrap_or(0);
        while step > 0 {
            let next = pos + step;
            if next <= n && pred(acc.wrapping_add(self.tree[next])) {
                pos = next;
                acc = acc.wrapping_add(self.tree[next]);
            }
            step /= 2;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_searches_match_a_plain_scan() {
        let lens = [5u32, 0, 3, 8, 1, 1, 13, 2, 7, 4, 6];
        let mut f = Fenwick::build(lens.iter().copied());
        let mut lens = lens.to_vec();
        f.add(3, 2);
        lens[3] += 2;
        f.add(6, 3u32.wrapping_neg());
        lens[6] -= 3;
        for i in 0..=lens.len() {
            assert_eq!(f.prefix(i), lens[..i].iter().sum::<u32>());
        }
        for x in 0..60 {
            let ends: Vec<u32> = (1..=lens.len()).map(|i| lens[..i].iter().sum()).collect();
            assert_eq!(
                f.count_while(|end| end < x),
                ends.iter().filter(|e| **e < x).count(),
                "x={x}"
            );
            assert_eq!(
                f.count_while(|end| end <= x),
                ends.iter().filter(|e| **e <= x).count(),
                "x={x}"
            );
        }
    }
}
