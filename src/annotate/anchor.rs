//! Re-anchoring after the text changed outside nomen: each annotation whose stored text is
//! not at its spans any more goes to the nearest occurrence of that text, or is kept as it
//! was and reported.

use crate::text::{TextRange, TextSize};

use super::doc::{AnnDoc, Entity};
use super::offsets;

impl AnnDoc {
    /// After the text changed outside nomen: each entity whose stored text is not at its
    /// spans any more moves to the occurrence of that text nearest to where it was (the
    /// fragments of a discontinuous one, each after the one before). What is not found is
    /// kept as it was and reported in [`AnnDoc::problems`]. Meant for a document fresh from
    /// [`AnnDoc::parse`], whose stored texts are the file's.
    pub fn reanchor(&mut self, text: &str) {
        // The entities whose text is not at their spans, with their fragments.
        let mut lost: Vec<(usize, Vec<&str>)> = Vec::new();
        let mut unsplit: Vec<usize> = Vec::new();
        for (k, (entity, meta)) in self.entities.iter().zip(self.meta.iter()).enumerate() {
            if !meta.alive || offsets::matches(text, &entity.spans, &entity.text) {
                continue;
            }
            match fragments(entity, self.fragment_chars.get(&k).map(Vec::as_slice)) {
                Some(pieces) => lost.push((k, pieces)),
                None => unsplit.push(k),
            }
        }
        let wanted: Vec<(&str, usize)> = (lost.iter())
            .map(|(k, pieces)| {
                let around = self.entities[*k]
                    .spans
                    .first()
                    .map_or(0, |s| s.start().into());
                (pieces[0], around)
            })
            .collect();
        let firsts = nearest_all(text, &wanted);
        let found: Vec<(usize, Option<Vec<TextRange>>)> = (lost.iter().zip(firsts))
            .map(|((k, pieces), first)| (*k, first.and_then(|at| place(text, pieces, at))))
            .collect();
        for meta in self.meta.iter_mut() {
            meta.anchored = meta.alive;
        }
        for k in unsplit {
            self.meta[k].anchored = false;
        }
        for (k, spans) in found {
            let meta = &mut self.meta[k];
            match spans {
                Some(spans) => {
                    self.entities[k].spans = spans;
                    meta.dirty = true;
                    self.dirty = true;
                }
                None => meta.anchored = false,
            }
        }
        self.rebuild_reach();
        self.problems = self.malformed.clone();
        for (entity, meta) in self.entities.iter().zip(&self.meta) {
            if meta.alive && !meta.anchored {
                self.problems.push(super::Problem {
                    line: meta.line as u32,
                    message: format!(
                        "{}: “{}” is not in the text any more; the annotation is kept as it was",
                        entity.id, entity.text
                    ),
                });
            }
        }
        self.problems.sort_by_key(|p| p.line);
    }
}

/// The spans of `pieces` (an entity's fragments) in `text`, the first at `first`, each other
/// the next occurrence after the one before, within 64 KB: fragments of one name lie close.
fn place(text: &str, pieces: &[&str], first: usize) -> Option<Vec<TextRange>> {
    let mut spans = Vec::with_capacity(pieces.len());
    let mut from = first;
    for (i, piece) in pieces.iter().enumerate() {
        let at = match i {
            0 => first,
            _ => {
                let mut end = (from + (64 << 10) + piece.len()).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                from + text.get(from..end)?.find(piece)?
            }
        };
        from = at + piece.len();
        spans.push(TextRange::new(
            TextSize::new(at as u32),
            TextSize::new(from as u32),
        ));
    }
    Some(spans)
}

/// For each (needle, place), where the needle occurs nearest to the place (the earlier of two
/// as near). A few are looked for around their places; many in one pass over the text for
/// all of them (Aho-Corasick), so that a `.ann` bound to the wrong text costs a pass, not a
/// pass per annotation.
fn nearest_all(text: &str, wanted: &[(&str, usize)]) -> Vec<Option<usize>> {
    let one_by_one = || {
        (wanted.iter())
            .map(|&(n, at)| offsets::nearest(text, n, at))
            .collect()
    };
    if wanted.len() <= 16 {
        return one_by_one();
    }
    let mut ids: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut needles: Vec<&str> = Vec::new();
    for &(needle, _) in wanted.iter().filter(|(n, _)| !n.is_empty()) {
        ids.entry(needle).or_insert_with(|| {
            needles.push(needle);
            needles.len() - 1
        });
    }
    let Ok(finder) = aho_corasick::AhoCorasick::new(&needles) else {
        return one_by_one();
    };
    // Each needle's starts, ascending (its matches come in the order of their ends).
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); needles.len()];
    for m in finder.find_overlapping_iter(text) {
        starts[m.pattern().as_usize()].push(m.start());
    }
    (wanted.iter())
        .map(|&(needle, around)| {
            let at = starts.get(*ids.get(needle)?)?;
            let i = at.partition_point(|&s| s < around);
            let before = i.checked_sub(1).map(|j| at[j]);
            let after = at.get(i).copied();
            match (before, after) {
                (Some(b), Some(a)) if a - around < around - b => Some(a),
                (Some(b), _) => Some(b),
                (None, a) => a,
            }
        })
        .collect()
}

/// The stored text of `entity` cut into its fragments (a discontinuous entity stores them
/// joined by a space): by their lengths in characters when the file gave them, else by the
/// byte lengths of its spans.
fn fragments<'a>(entity: &'a Entity, chars: Option<&[u32]>) -> Option<Vec<&'a str>> {
    if entity.spans.len() == 1 {
        return Some(vec![entity.text.as_str()]);
    }
    let mut out = Vec::with_capacity(entity.spans.len());
    let mut rest = entity.text.as_str();
    for (i, span) in entity.spans.iter().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(' ')?;
        }
        let len = match chars.and_then(|c| c.get(i)) {
            Some(&n) => {
                (rest.char_indices().map(|(b, _)| b).chain([rest.len()])).nth(n as usize)?
            }
            None => usize::from(span.len()),
        };
        let piece = rest.get(..len)?;
        out.push(piece);
        rest = &rest[len..];
    }
    rest.is_empty().then_some(out)
}
