//! `AnnDoc`: one brat standoff file bound to its document's text. Reading it and asking it
//! questions; the changes are in `change.rs`, the writing in `render.rs`.

use rustc_hash::FxHashMap;

use crate::text::{TextRange, TextSize};

use super::lines::{self, Eol, Kind, Line, Raw};
use super::offsets;

/// A text-bound annotation (a `T` line). Its spans are UTF-8 byte ranges of the document,
/// sorted, at least one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// `T3`.
    pub id: String,
    /// The file's own label (`Person`, `LOC`, ...).
    pub label: String,
    pub spans: Vec<TextRange>,
    /// The text the `T` line stores (fragments joined by a space), as last read or written.
    pub text: String,
}

/// What the other lines of the file say about an entity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityInfo {
    /// The `#` lines' texts.
    pub notes: Vec<String>,
    /// The `A` (and `M`) lines: name and value (`None` for a binary attribute).
    pub attributes: Vec<(String, Option<String>)>,
    /// The `N` lines: the reference (`Wikidata:Q90`) and the name given with it.
    pub norms: Vec<(String, Option<String>)>,
}

/// Something wrong with the file, at a 0-based line of the `.ann`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    pub message: String,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Meta {
    /// The entity's line, an index in `lines`.
    pub(super) line: usize,
    pub(super) alive: bool,
    /// Its spans hold its stored text in the document. An entity that is not (its offsets out
    /// of the text, or its text elsewhere) is kept as it was and not shown.
    pub(super) anchored: bool,
    /// Its line must be written again from its spans.
    pub(super) dirty: bool,
}

/// The entry of `AnnDoc::reach` for an entity.
pub(super) fn reach_of(entity: &Entity, meta: &Meta) -> u32 {
    match meta.alive && meta.anchored {
        true => entity.spans.last().map_or(0, |s| u32::from(s.end())),
        false => 0,
    }
}

/// One parsed `.ann`, bound to its document's text: offsets inside are UTF-8 bytes of it.
/// Every line is kept; only the `T` lines are read, and only what changes is written anew.
#[derive(Clone, Debug)]
pub struct AnnDoc {
    pub(super) lines: Vec<Line>,
    /// The file as read: the lines not rewritten are ranges of it.
    pub(super) source: std::sync::Arc<str>,
    pub(super) entities: Vec<Entity>,
    pub(super) meta: Vec<Meta>,
    /// For each entity, the end of its last span when it is alive and anchored, else 0: what
    /// `apply_edit` reads to pass over the entities an edit does not reach without touching
    /// them (a compact array, so that a pass over 100,000 entities stays in cache).
    pub(super) reach: Vec<u32>,
    /// The length in characters of each fragment of a discontinuous entity as the file gives
    /// them, by entity: what cuts its stored text into fragments to re-anchor it (its spans
    /// measure the text it is bound to, which may not be the text it was made on).
    pub(super) fragment_chars: FxHashMap<usize, Vec<u32>>,
    /// Entities by the number of their id (`T12` -> 12): no string kept twice.
    pub(super) by_id: FxHashMap<u32, usize>,
    /// Lines that could not be read; they stay as they are.
    pub(super) malformed: Vec<Problem>,
    /// `malformed` and the entities that are not anchored.
    pub(super) problems: Vec<Problem>,
    pub(super) next_t: u32,
    pub(super) next_n: u32,
    pub(super) next_note: u32,
    /// The line ending of new lines: the file's own.
    pub(super) eol: Eol,
    pub(super) alive: usize,
    pub(super) dirty: bool,
}

impl AnnDoc {
    pub fn empty() -> AnnDoc {
        AnnDoc {
            lines: Vec::new(),
            source: std::sync::Arc::from(""),
            entities: Vec::new(),
            meta: Vec::new(),
            reach: Vec::new(),
            fragment_chars: FxHashMap::default(),
            by_id: FxHashMap::default(),
            malformed: Vec::new(),
            problems: Vec::new(),
            next_t: 1,
            next_n: 1,
            next_note: 1,
            eol: Eol::Lf,
            alive: 0,
            dirty: false,
        }
    }

    /// Reads `ann` against `text`. Never fails: a line that cannot be read is kept verbatim
    /// and reported, and so is an entity whose offsets fall outside the text or whose text is
    /// not there (it is not anchored: see [`AnnDoc::reanchor`]).
    pub fn parse(ann: &str, text: &str) -> AnnDoc {
        let mut doc = AnnDoc::empty();
        let mut max_t = 0;
        let mut max_n = 0;
        let mut max_note = 0;
        let mut eol = None;
        doc.source = std::sync::Arc::from(ann);
        let mut at = 0u32;
        for (i, (raw, ending)) in lines::split(ann).enumerate() {
            let range = Raw::Source(at, at + raw.len() as u32);
            at += (raw.len() + ending.as_str().len()) as u32;
            if ending != Eol::None {
                eol.get_or_insert(ending);
            }
            let id = lines::id_of(raw);
            max_n = max_n.max(lines::number(id, 'N').unwrap_or(0));
            max_note = max_note.max(lines::number(id, '#').unwrap_or(0));
            let kind = match lines::number(id, 'T') {
                Some(n) => {
                    max_t = max_t.max(n);
                    match lines::parse_t(raw) {
                        Ok(t) if !doc.by_id.contains_key(&n) => {
                            doc.push_entity(i, t);
                            Kind::Entity(doc.entities.len() - 1)
                        }
                        Ok(t) => {
                            doc.malformed.push(Problem {
                                line: i as u32,
                                message: format!("{}: this id is used twice", t.id),
                            });
                            Kind::Other(Default::default())
                        }
                        Err(message) => {
                            doc.malformed.push(Problem {
                                line: i as u32,
                                message,
                            });
                            Kind::Other(Default::default())
                        }
                    }
                }
                None => Kind::Other(lines::parse_other(raw)),
            };
            doc.lines.push(Line {
                raw: range,
                eol: ending,
                kind,
                alive: true,
            });
        }
        doc.next_t = max_t + 1;
        doc.next_n = max_n + 1;
        doc.next_note = max_note + 1;
        doc.eol = eol.unwrap_or(Eol::Lf);
        let outside = doc.spans_to_bytes(text);
        doc.check_anchors(text, &outside);
        doc.rebuild_reach();
        doc
    }

    fn push_entity(&mut self, line: usize, t: lines::ParsedT) {
        // The spans hold code points until `spans_to_bytes` converts them all in one walk.
        let spans = t.spans;
        if let Some(n) = lines::number(&t.id, 'T') {
            self.by_id.insert(n, self.entities.len());
        }
        self.entities.push(Entity {
            id: t.id,
            label: t.label,
            spans,
            text: t.text,
        });
        self.meta.push(Meta {
            line,
            alive: true,
            anchored: true,
            dirty: false,
        });
        self.alive += 1;
    }

    /// Converts every span from code points to bytes in one sorted walk over the text. An
    /// offset past the end is clamped; the entities that had one are returned.
    fn spans_to_bytes(&mut self, text: &str) -> Vec<usize> {
        let mut cps: Vec<u32> = (self.entities.iter())
            .flat_map(|e| e.spans.iter())
            .flat_map(|s| [u32::from(s.start()), u32::from(s.end())])
            .collect();
        cps.sort_unstable();
        cps.dedup();
        let bytes = offsets::cps_to_bytes(text, &cps);
        let mut outside = Vec::new();
        let len = TextSize::of(text);
        let at = |cp: TextSize| {
            let i = cps.binary_search(&u32::from(cp)).unwrap_or(0);
            bytes[i]
        };
        // The new span lists are all made before the old ones go, so that they lie together in
        // memory, in file order: `apply_edit` walks them.
        let mut converted: Vec<Vec<TextRange>> = Vec::with_capacity(self.entities.len());
        for (k, entity) in self.entities.iter().enumerate() {
            if entity.spans.len() > 1 {
                let chars = entity.spans.iter().map(|s| u32::from(s.len())).collect();
                self.fragment_chars.insert(k, chars);
            }
            let mut out = false;
            let spans = (entity.spans.iter())
                .map(|span| {
                    let (s, e) = (at(span.start()), at(span.end()));
                    out |= s.is_none() || e.is_none();
                    TextRange::new(s.unwrap_or(len), e.unwrap_or(len))
                })
                .collect();
            converted.push(spans);
            if out {
                outside.push(k);
            }
        }
        for (entity, spans) in self.entities.iter_mut().zip(converted) {
            entity.spans = spans;
        }
        outside
    }

    /// Marks each entity anchored or not, and makes the list of problems anew.
    fn check_anchors(&mut self, text: &str, outside: &[usize]) {
        self.problems = self.malformed.clone();
        let mut o = outside.iter().peekable();
        for (k, entity) in self.entities.iter().enumerate() {
            let meta = &mut self.meta[k];
            if !meta.alive {
                continue;
            }
            let message = if o.next_if_eq(&&k).is_some() {
                Some(format!(
                    "{}: its offsets are outside the text ({} characters)",
                    entity.id,
                    text.chars().count()
                ))
            } else if !offsets::matches(text, &entity.spans, &entity.text) {
                Some(format!(
                    "{}: the text at its offsets is “{}”, not “{}”",
                    entity.id,
                    offsets::span_text(text, &entity.spans),
                    entity.text
                ))
            } else {
                None
            };
            meta.anchored = message.is_none();
            if let Some(message) = message {
                self.problems.push(Problem {
                    line: meta.line as u32,
                    message,
                });
            }
        }
        self.problems.sort_by_key(|p| p.line);
    }

    /// Makes `reach` anew from the entities.
    pub(super) fn rebuild_reach(&mut self) {
        self.reach.clear();
        for (entity, meta) in self.entities.iter().zip(&self.meta) {
            self.reach.push(reach_of(entity, meta));
        }
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The anchored entities, in file order.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        (self.entities.iter().zip(&self.meta))
            .filter(|(_, m)| m.alive && m.anchored)
            .map(|(e, _)| e)
    }

    /// The entities kept as they were because their text is not where they say (each is in
    /// [`AnnDoc::problems`]).
    pub fn unanchored(&self) -> impl Iterator<Item = &Entity> {
        (self.entities.iter().zip(&self.meta))
            .filter(|(_, m)| m.alive && !m.anchored)
            .map(|(e, _)| e)
    }

    /// An entity by id, anchored or not.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        let &k = self.by_id.get(&lines::number(id, 'T')?)?;
        self.meta[k].alive.then(|| &self.entities[k])
    }

    /// The innermost entity (the shortest; the first in the file among equals) with a span
    /// that contains `offset`; failing that, one with a span that ends there.
    pub fn entity_at(&self, offset: TextSize) -> Option<&Entity> {
        let size = |e: &Entity| e.spans.iter().map(|s| s.len()).sum::<TextSize>();
        let mut inside: Option<&Entity> = None;
        let mut at_end: Option<&Entity> = None;
        for entity in self.entities() {
            let best = if entity.spans.iter().any(|s| s.contains(offset)) {
                &mut inside
            } else if entity.spans.iter().any(|s| s.end() == offset) {
                &mut at_end
            } else {
                continue;
            };
            if best.is_none_or(|b| size(entity) < size(b)) {
                *best = Some(entity);
            }
        }
        inside.or(at_end)
    }

    /// The entities with a span that shares text with `range` (for an empty range, that
    /// contains it), in file order.
    pub fn overlapping(&self, range: TextRange) -> impl Iterator<Item = &Entity> {
        self.entities().filter(move |e| {
            e.spans.iter().any(|s| match range.is_empty() {
                true => s.contains(range.start()),
                false => s.start() < range.end() && range.start() < s.end(),
            })
        })
    }

    /// The notes, attributes and normalisations attached to entity `id`.
    pub fn info(&self, id: &str) -> EntityInfo {
        let mut info = EntityInfo::default();
        for line in self.lines.iter().filter(|l| l.alive) {
            let Kind::Other(other) = &line.kind else {
                continue;
            };
            if other.refs.first().map(String::as_str) != Some(id) {
                continue;
            }
            let mut fields = line.raw.get(&self.source).splitn(3, '\t').skip(1);
            let tokens: Vec<&str> = fields.next().unwrap_or("").split(' ').collect();
            let tail = fields.next().map(str::to_string);
            match other.id.chars().next() {
                Some('#') => info.notes.push(tail.unwrap_or_default()),
                Some('A' | 'M') => info
                    .attributes
                    .push((tokens[0].to_string(), tokens.get(2).map(|v| v.to_string()))),
                Some('N') => {
                    if let Some(reference) = tokens.get(2) {
                        info.norms.push((reference.to_string(), tail));
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// The number of lines kept that are not entities (blank lines aside).
    pub fn other_lines(&self) -> usize {
        (self.lines.iter())
            .filter(|l| l.alive && matches!(l.kind, Kind::Other(_)))
            .filter(|l| !l.raw.get(&self.source).trim().is_empty())
            .count()
    }

    /// Whether anything changed since the file was read.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The number of entities, anchored or not.
    pub fn len(&self) -> usize {
        self.alive
    }

    pub fn is_empty(&self) -> bool {
        self.alive == 0
    }
}
