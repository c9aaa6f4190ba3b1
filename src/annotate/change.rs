//! Changing an `AnnDoc`: adding, removing (with what points at the removed), relabelling,
//! resizing and linking entities, following the text's edits, re-anchoring after an outside
//! change.

use rustc_hash::FxHashSet;

use crate::text::{TextRange, TextSize};

use super::doc::{AnnDoc, Entity, Meta, reach_of};
use super::lines::{self, Kind, Line, Other, Raw};
use super::offsets;

/// Where a span goes when the bytes `start..end` are replaced by `insert` bytes; `None` when
/// its text is deleted entirely. An insertion at a span's start or end stays outside it; an
/// edit inside grows or shrinks it; an edit across a boundary clips it.
pub(super) fn shift(span: TextRange, start: u32, end: u32, insert: u32) -> Option<TextRange> {
    let (s, e) = (u32::from(span.start()), u32::from(span.end()));
    let moved = |x: u32| x - end + start + insert;
    let range = |a: u32, b: u32| (a < b).then(|| TextRange::new(a.into(), b.into()));
    if end <= s {
        range(moved(s), moved(e))
    } else if start >= e {
        Some(span)
    } else if start >= s && end <= e {
        range(s, moved(e))
    } else if start < s && end >= e {
        None
    } else if start < s {
        range(start + insert, moved(e))
    } else {
        range(s, start)
    }
}

/// Spans as an entity holds them: within the text, on character boundaries, sorted, not
/// empty, overlapping ones merged.
fn normalize(text: &str, mut spans: Vec<TextRange>) -> Vec<TextRange> {
    let len = text.len();
    for span in spans.iter_mut() {
        let mut s = usize::from(span.start()).min(len);
        let mut e = usize::from(span.end()).min(len);
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        while !text.is_char_boundary(e) {
            e += 1;
        }
        *span = TextRange::new(TextSize::new(s as u32), TextSize::new(e as u32));
    }
    spans.retain(|s| !s.is_empty());
    spans.sort_by_key(|s| (s.start(), s.end()));
    let mut out: Vec<TextRange> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start() < last.end() => *last = last.cover(span),
            _ => out.push(span),
        }
    }
    out
}

/// A label as a `T` line can hold it: no spaces or tabs.
fn clean(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

impl AnnDoc {
    /// Adds an entity over `spans` (bytes of `text`) and returns its id, which continues the
    /// file's numbering; its line goes after the last one. Returns an empty id and adds
    /// nothing when no span is left once they are put within the text.
    pub fn add(&mut self, text: &str, spans: Vec<TextRange>, label: &str) -> String {
        let spans = normalize(text, spans);
        if spans.is_empty() {
            return String::new();
        }
        let id = format!("T{}", self.next_t);
        self.next_t += 1;
        let k = self.entities.len();
        self.entities.push(Entity {
            id: id.clone(),
            label: clean(label),
            text: offsets::span_text(text, &spans),
            spans,
        });
        self.meta.push(Meta {
            line: self.lines.len(),
            alive: true,
            anchored: true,
            dirty: true,
        });
        self.reach.push(reach_of(&self.entities[k], &self.meta[k]));
        self.push_line(String::new(), Kind::Entity(k));
        self.by_id.insert(self.next_t - 1, k);
        self.alive += 1;
        self.dirty = true;
        id
    }

    fn push_line(&mut self, raw: String, kind: Kind) {
        self.lines.push(Line {
            raw: Raw::Owned(raw),
            eol: self.eol,
            kind,
            alive: true,
        });
    }

    /// Removes entity `id` and the lines that point at it (attributes, notes, normalisations,
    /// relations, events it triggers), then what points at those, and so on. An event loses
    /// only the argument, an equivalence only the member (and goes when one is left).
    pub fn remove(&mut self, id: &str) -> bool {
        if self.entity(id).is_none() {
            return false;
        }
        let mut gone = FxHashSet::default();
        gone.insert(id.to_string());
        self.remove_all(gone);
        true
    }

    pub(super) fn remove_all(&mut self, mut gone: FxHashSet<String>) {
        self.dirty = true;
        let mut all = FxHashSet::default();
        while !gone.is_empty() {
            for id in &gone {
                if let Some(k) = lines::number(id, 'T').and_then(|n| self.by_id.remove(&n)) {
                    self.meta[k].alive = false;
                    self.reach[k] = 0;
                    self.lines[self.meta[k].line].alive = false;
                    self.alive -= 1;
                }
            }
            all.extend(gone.drain());
            let is_gone = |r: &str| all.contains(r);
            for line in self.lines.iter_mut().filter(|l| l.alive) {
                let Kind::Other(other) = &mut line.kind else {
                    continue;
                };
                if !other.refs.iter().any(|r| is_gone(r)) {
                    continue;
                }
                let partial = match other.id.chars().next() {
                    Some('*') => true,
                    Some('E') => !other.refs.first().is_some_and(|r| is_gone(r)),
                    _ => false,
                };
                if partial {
                    let (raw, refs) = lines::without_refs(line.raw.get(&self.source), &is_gone);
                    let star = other.id.starts_with('*');
                    if !(star && refs.len() < 2) {
                        line.raw = Raw::Owned(raw);
                        other.refs = refs;
                        continue;
                    }
                }
                line.alive = false;
                if !other.id.is_empty() && !other.id.starts_with('*') {
                    gone.insert(other.id.clone());
                }
            }
        }
    }

    /// Gives entity `id` the label `label`.
    pub fn relabel(&mut self, id: &str, label: &str) -> bool {
        let Some(&k) = lines::number(id, 'T').and_then(|n| self.by_id.get(&n)) else {
            return false;
        };
        let label = clean(label);
        if label.is_empty() || self.entities[k].label == label {
            return !label.is_empty();
        }
        if !self.meta[k].dirty {
            // The line is rewritten in place: an entity kept as it was stays so.
            let line = &mut self.lines[self.meta[k].line];
            let mut raw = line.raw.get(&self.source).to_string();
            let after_label = raw.find('\t').and_then(|tab| {
                let rest = &raw[tab + 1..];
                rest.find(' ').map(|space| (tab + 1, tab + 1 + space))
            });
            if let Some((from, to)) = after_label {
                raw.replace_range(from..to, &label);
            }
            line.raw = Raw::Owned(raw);
        }
        self.entities[k].label = label;
        self.dirty = true;
        true
    }

    /// Gives entity `id` the spans `spans` (bytes of `text`) and the text they hold.
    pub fn resize(&mut self, text: &str, id: &str, spans: Vec<TextRange>) -> bool {
        let Some(&k) = lines::number(id, 'T').and_then(|n| self.by_id.get(&n)) else {
            return false;
        };
        let spans = normalize(text, spans);
        if spans.is_empty() {
            return false;
        }
        self.fragment_chars.remove(&k);
        let entity = &mut self.entities[k];
        entity.text = offsets::span_text(text, &spans);
        entity.spans = spans;
        self.meta[k].anchored = true;
        self.meta[k].dirty = true;
        self.reach[k] = reach_of(&self.entities[k], &self.meta[k]);
        self.dirty = true;
        true
    }

    /// Writes the normalisation of entity `id` (`Wikidata:Q90`, with the name it stands for):
    /// its first `N` line is replaced, or a new one added.
    pub fn link(&mut self, id: &str, reference: &str, name: Option<&str>) -> bool {
        if self.entity(id).is_none()
            || reference.is_empty()
            || reference.contains(char::is_whitespace)
        {
            return false;
        }
        let name: String = name
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let existing = self.lines.iter_mut().filter(|l| l.alive).find(|l| {
            matches!(&l.kind, Kind::Other(o) if o.id.starts_with('N') && o.refs.first().is_some_and(|r| r == id))
        });
        if let Some(line) = existing {
            let Kind::Other(other) = &line.kind else {
                return false;
            };
            let kind = (line.raw.get(&self.source))
                .split('\t')
                .nth(1)
                .and_then(|f| f.split(' ').next())
                .unwrap_or("Reference");
            let raw = format!("{}\t{kind} {id} {reference}\t{name}", other.id);
            if raw != line.raw.get(&self.source) {
                line.raw = Raw::Owned(raw);
                self.dirty = true;
            }
            return true;
        }
        let n = format!("N{}", self.next_n);
        self.next_n += 1;
        let raw = format!("{n}\tReference {id} {reference}\t{name}");
        self.push_pointing(n, raw, id);
        true
    }

    /// Adds a note (`#1\tAnnotatorNotes T3\ttext`) to entity `id`.
    pub fn note(&mut self, id: &str, note: &str) -> bool {
        if self.entity(id).is_none() {
            return false;
        }
        let note: String = note
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let n = format!("#{}", self.next_note);
        self.next_note += 1;
        let raw = format!("{n}\tAnnotatorNotes {id}\t{note}");
        self.push_pointing(n, raw, id);
        true
    }

    /// Appends the new line `raw`, whose id is `n`, pointing at entity `id`.
    fn push_pointing(&mut self, n: String, raw: String, id: &str) {
        let other = Other {
            id: n,
            refs: vec![id.to_string()],
        };
        self.push_line(raw, Kind::Other(other));
        self.dirty = true;
    }

    /// Follows an edit of the text: the bytes `range` (before the edit) were replaced by
    /// `insert_len` bytes. A span whose text is deleted entirely is dropped; an entity with
    /// no span left is removed, with what points at it. One pass, no allocation unless an
    /// entity goes.
    pub fn apply_edit(&mut self, range: TextRange, insert_len: TextSize) {
        let (start, end) = (u32::from(range.start()), u32::from(range.end()));
        let insert = u32::from(insert_len);
        let mut emptied = false;
        for (k, reach) in self.reach.iter_mut().enumerate() {
            if start >= *reach {
                // The edit is after the entity (or the entity is not shown): nothing moves.
                continue;
            }
            // Whatever the edit before its end does, the entity's line is written again: an
            // edit that keeps the byte length can still change the characters (`é` for `ab`).
            self.meta[k].dirty = true;
            let entity = &mut self.entities[k];
            let mut lost = false;
            for span in entity.spans.iter_mut() {
                match shift(*span, start, end, insert) {
                    Some(new) => *span = new,
                    None => {
                        *span = TextRange::empty(TextSize::new(0));
                        lost = true;
                    }
                }
            }
            if lost {
                entity.spans.retain(|s| !s.is_empty());
                emptied |= entity.spans.is_empty();
            }
            *reach = entity.spans.last().map_or(0, |s| u32::from(s.end()));
            self.dirty = true;
        }
        if emptied {
            let gone = (self.entities.iter().zip(&self.meta))
                .filter(|(e, m)| m.alive && m.anchored && e.spans.is_empty())
                .map(|(e, _)| e.id.clone())
                .collect();
            self.remove_all(gone);
        }
    }

    /// After the file was written from [`AnnDoc::render`]: the document as if read from it.
    pub fn mark_saved(&mut self, text: &str) {
        *self = AnnDoc::parse(&self.render(text), text);
    }
}
