//! Agreement between two annotators of one text: pairwise F1 on exact spans and on
//! overlapping spans (one-to-one matching, same label), per label and micro-averaged, the
//! label confusion, and the places where they disagree.

use std::collections::BTreeMap;

use crate::text::{TextRange, TextSize};

use super::Entity;

/// Counts for one measure: matches, and the entities of A (the reference) and B.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    pub matched: usize,
    pub a: usize,
    pub b: usize,
}

impl Scores {
    /// Of B's entities, the share A has too (1 when B has none).
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.b)
    }

    /// Of A's entities, the share B has too (1 when A has none).
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.a)
    }

    /// Pairwise F1, symmetric in A and B.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.matched, self.a + self.b)
    }

    fn add(&mut self, other: Scores) {
        self.matched += other.matched;
        self.a += other.a;
        self.b += other.b;
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

/// Exact-span and overlap scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelScores {
    pub exact: Scores,
    pub overlap: Scores,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// Same spans, another label.
    Label,
    /// Overlapping spans, the same label.
    Bounds,
    /// Overlapping spans, another label.
    LabelAndBounds,
    OnlyA,
    OnlyB,
}

/// One side of a disagreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    pub id: String,
    pub label: String,
    /// From the start of the first span to the end of the last (bytes).
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub kind: DisagreementKind,
    pub a: Option<Side>,
    pub b: Option<Side>,
}

impl Disagreement {
    /// Where it is: the start of A's entity, else B's.
    pub fn start(&self) -> TextSize {
        self.a
            .as_ref()
            .or(self.b.as_ref())
            .map_or(0.into(), |s| s.range.start())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agreement {
    pub micro: LabelScores,
    /// By the files' labels.
    pub per_label: BTreeMap<String, LabelScores>,
    /// (A's label, B's label) of the entities paired by overlap whatever their labels;
    /// `None` for an entity the other side has nothing for.
    pub confusion: BTreeMap<(Option<String>, Option<String>), usize>,
    /// In the order of the text.
    pub disagreements: Vec<Disagreement>,
}

impl Agreement {
    /// Adds another document's agreement into this one (its disagreements are the caller's).
    pub fn absorb(&mut self, other: &Agreement) {
        add_scores(&mut self.micro, &other.micro);
        for (label, scores) in &other.per_label {
            add_scores(self.per_label.entry(label.clone()).or_default(), scores);
        }
        for (pair, n) in &other.confusion {
            *self.confusion.entry(pair.clone()).or_default() += n;
        }
    }
}

fn add_scores(into: &mut LabelScores, from: &LabelScores) {
    into.exact.add(from.exact);
    into.overlap.add(from.overlap);
}

fn extent(e: &Entity) -> TextRange {
    let start = e.spans.first().map_or(0.into(), |s| s.start());
    let end = e.spans.last().map_or(0.into(), |s| s.end());
    TextRange::new(start, end)
}

/// The bytes two entities share.
fn shared(a: &Entity, b: &Entity) -> u32 {
    let mut n = 0;
    for x in &a.spans {
        for y in &b.spans {
            n += x.intersect(*y).map_or(0, |r| u32::from(r.len()));
        }
    }
    n
}

/// Pairs each entity of `a` with at most one of `b` that shares text with it (and has its
/// label when `same_label`): greedily in the order of the text, the one sharing most first,
/// the same spans before all.
fn pair(a: &[&Entity], b: &[&Entity], same_label: bool) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..b.len()).collect();
    order.sort_by_key(|&j| (extent(b[j]).start(), extent(b[j]).end()));
    let longest = b
        .iter()
        .map(|e| u32::from(extent(e).len()))
        .max()
        .unwrap_or(0);
    let mut taken = vec![false; b.len()];
    let mut out = vec![None; a.len()];
    let mut by_start: Vec<usize> = (0..a.len()).collect();
    by_start.sort_by_key(|&i| (extent(a[i]).start(), extent(a[i]).end()));
    for i in by_start {
        let x = extent(a[i]);
        // No entity of B that starts before this can reach into A's entity.
        let from = order.partition_point(|&j| {
            u32::from(extent(b[j]).start()) + longest <= u32::from(x.start())
        });
        let mut best: Option<(bool, u32, usize)> = None;
        for &j in order[from..]
            .iter()
            .take_while(|&&j| extent(b[j]).start() < x.end())
        {
            if taken[j] || (same_label && a[i].label != b[j].label) {
                continue;
            }
            let n = shared(a[i], b[j]);
            let key = (a[i].spans == b[j].spans, n, j);
            if n > 0 && best.is_none_or(|(s, m, _)| (key.0, key.1) > (s, m)) {
                best = Some(key);
            }
        }
        if let Some((_, _, j)) = best {
            taken[j] = true;
            out[i] = Some(j);
        }
    }
    out
}

/// The agreement of B with A over one text.
pub fn agree<'a>(
    a: impl IntoIterator<Item = &'a Entity>,
    b: impl IntoIterator<Item = &'a Entity>,
) -> Agreement {
    let a: Vec<&Entity> = a.into_iter().collect();
    let b: Vec<&Entity> = b.into_iter().collect();
    let mut out = Agreement::default();
    for e in &a {
        out.per_label.entry(e.label.clone()).or_default().exact.a += 1;
    }
    for e in &b {
        out.per_label.entry(e.label.clone()).or_default().exact.b += 1;
    }
    // Exact: the same spans and label, as multisets.
    let mut left: rustc_hash::FxHashMap<(&str, &[TextRange]), usize> = Default::default();
    for e in &b {
        *left
            .entry((e.label.as_str(), e.spans.as_slice()))
            .or_default() += 1;
    }
    for e in &a {
        if let Some(n) = left
            .get_mut(&(e.label.as_str(), e.spans.as_slice()))
            .filter(|n| **n > 0)
        {
            *n -= 1;
            out.per_label
                .entry(e.label.clone())
                .or_default()
                .exact
                .matched += 1;
        }
    }
    for (i, j) in pair(&a, &b, true).into_iter().enumerate() {
        if j.is_some() {
            out.per_label
                .entry(a[i].label.clone())
                .or_default()
                .overlap
                .matched += 1;
        }
    }
    for scores in out.per_label.values_mut() {
        scores.overlap.a = scores.exact.a;
        scores.overlap.b = scores.exact.b;
    }
    for scores in out.per_label.clone().values() {
        add_scores(&mut out.micro, scores);
    }
    differences(&a, &b, &mut out);
    out
}

/// The confusion and the disagreements, from a pairing that ignores labels.
fn differences(a: &[&Entity], b: &[&Entity], out: &mut Agreement) {
    let side = |e: &Entity| Side {
        id: e.id.clone(),
        label: e.label.clone(),
        range: extent(e),
    };
    let pairs = pair(a, b, false);
    let mut paired_b = vec![false; b.len()];
    for (i, j) in pairs.iter().enumerate() {
        let key = (Some(a[i].label.clone()), j.map(|j| b[j].label.clone()));
        *out.confusion.entry(key).or_default() += 1;
        let kind = match *j {
            None => DisagreementKind::OnlyA,
            Some(j) => {
                paired_b[j] = true;
                let same_spans = a[i].spans == b[j].spans;
                match (same_spans, a[i].label == b[j].label) {
                    (true, true) => continue,
                    (true, false) => DisagreementKind::Label,
                    (false, true) => DisagreementKind::Bounds,
                    (false, false) => DisagreementKind::LabelAndBounds,
                }
            }
        };
        out.disagreements.push(Disagreement {
            kind,
            a: Some(side(a[i])),
            b: j.map(|j| side(b[j])),
        });
    }
    for (j, e) in b.iter().enumerate().filter(|(j, _)| !paired_b[*j]) {
        *out.confusion
            .entry((None, Some(e.label.clone())))
            .or_default() += 1;
        let _ = j;
        out.disagreements.push(Disagreement {
            kind: DisagreementKind::OnlyB,
            a: None,
            b: Some(side(e)),
        });
    }
    out.disagreements.sort_by_key(|d| (d.start(), d.kind));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::AnnDoc;

    #[test]
    fn a_small_pair_gives_exact_numbers() {
        let text = "Lina Ortiz flew from Lagos to Bern with Kestrel Air and Tom.";
        // A: Lina Ortiz PER, Lagos LOC, Bern LOC, Kestrel Air ORG, Tom PER.
        let a = AnnDoc::parse(
            "T1\tPER 0 10\tLina Ortiz\nT2\tLOC 21 26\tLagos\nT3\tLOC 30 34\tBern\nT4\tORG 40 51\tKestrel Air\nT5\tPER 56 59\tTom\n",
            text,
        );
        // B: Lina PER (bounds), Lagos LOC (same), Bern ORG (label), Kestrel PER (both), and
        // "flew" MISC (only B); Tom is missing (only A).
        let b = AnnDoc::parse(
            "T1\tPER 0 4\tLina\nT2\tLOC 21 26\tLagos\nT3\tORG 30 34\tBern\nT4\tPER 40 47\tKestrel\nT5\tMISC 11 15\tflew\n",
            text,
        );
        assert_eq!((a.problems(), b.problems()), (&[][..], &[][..]));
        let r = agree(a.entities(), b.entities());
        assert_eq!(
            r.micro.exact,
            Scores {
                matched: 1,
                a: 5,
                b: 5
            }
        );
        assert_eq!(
            r.micro.overlap,
            Scores {
                matched: 2,
                a: 5,
                b: 5
            }
        );
        assert_eq!(r.micro.exact.f1(), 0.2);
        assert_eq!(r.micro.overlap.f1(), 0.4);
        let loc = r.per_label["LOC"];
        assert_eq!((loc.exact.precision(), loc.exact.recall()), (1.0, 0.5));
        let shown: Vec<String> = (r.disagreements.iter())
            .map(|d| {
                let s = |s: &Option<Side>| {
                    s.as_ref().map_or("-".into(), |s| {
                        format!("{} {} {:?}", s.id, s.label, s.range)
                    })
                };
                format!("{:?}: {} / {}", d.kind, s(&d.a), s(&d.b))
            })
            .collect();
        expect_test::expect![[r#"
            [
                "Bounds: T1 PER 0..10 / T1 PER 0..4",
                "OnlyB: - / T5 MISC 11..15",
                "Label: T3 LOC 30..34 / T3 ORG 30..34",
                "LabelAndBounds: T4 ORG 40..51 / T4 PER 40..47",
                "OnlyA: T5 PER 56..59 / -",
            ]
        "#]]
        .assert_debug_eq(&shown);
        let pair = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        assert_eq!(r.confusion[&pair("LOC", "ORG")], 1);
        assert_eq!(r.confusion[&pair("PER", "PER")], 1);
        assert_eq!(r.confusion[&(Some("PER".to_string()), None)], 1);
        assert_eq!(r.confusion[&(None, Some("MISC".to_string()))], 1);
    }
}
