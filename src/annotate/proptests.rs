//! A property test of `AnnDoc::apply_edit`: random edits give the same `.ann` as a model
//! that keeps, for every character of the text, the fragments it belongs to, and applies the
//! rules of the issue character by character.

use proptest::prelude::*;

use crate::text::{TextRange, TextSize};

use super::AnnDoc;

/// The model: the text as characters, and for each character the (entity, fragment) pairs
/// it belongs to.
struct Model {
    chars: Vec<char>,
    members: Vec<Vec<(usize, usize)>>,
    labels: Vec<String>,
}

impl Model {
    /// The first and last character of a fragment, as a code point range.
    fn extent(&self, f: (usize, usize)) -> Option<(usize, usize)> {
        let first = self.members.iter().position(|m| m.contains(&f))?;
        let last = self.members.iter().rposition(|m| m.contains(&f))?;
        Some((first, last + 1))
    }

    /// Replaces characters `start..end` by `insert`. An inserted character belongs to a
    /// fragment when the edit lies within it, except an insertion alone at its start or end.
    fn edit(&mut self, start: usize, end: usize, insert: &[char]) {
        let mut joins = Vec::new();
        for entity in 0..self.labels.len() {
            for fragment in 0..2 {
                let Some((s, e)) = self.extent((entity, fragment)) else {
                    continue;
                };
                let alone_at_edge = start == end && (start == s || start == e);
                if s <= start && end <= e && !alone_at_edge {
                    joins.push((entity, fragment));
                }
            }
        }
        self.chars.splice(start..end, insert.iter().copied());
        self.members
            .splice(start..end, insert.iter().map(|_| joins.clone()));
    }

    /// The `.ann` the model expects: canonical T lines, a note after every other entity.
    fn render(&self) -> String {
        let mut out = String::new();
        for (entity, label) in self.labels.iter().enumerate() {
            let spans: Vec<(usize, usize)> =
                (0..2).filter_map(|f| self.extent((entity, f))).collect();
            if spans.is_empty() {
                continue;
            }
            out.push_str(&t_line(entity, label, &spans, &self.chars));
            if entity % 2 == 0 {
                out.push_str(&format!(
                    "#{entity}\tAnnotatorNotes T{}\tseen\n",
                    entity + 1
                ));
            }
        }
        out
    }
}

fn t_line(entity: usize, label: &str, spans: &[(usize, usize)], chars: &[char]) -> String {
    let offsets: Vec<String> = spans.iter().map(|(s, e)| format!("{s} {e}")).collect();
    let texts: Vec<String> = (spans.iter())
        .map(|&(s, e)| {
            (chars[s..e].iter())
                .map(|&c| if matches!(c, '\r' | '\n') { ' ' } else { c })
                .collect()
        })
        .collect();
    format!(
        "T{}\t{label} {}\t{}\n",
        entity + 1,
        offsets.join(";"),
        texts.join(" ")
    )
}

fn byte(chars: &[char], cp: usize) -> u32 {
    chars[..cp].iter().map(|c| c.len_utf8() as u32).sum()
}

const PIECES: &[&str] = &["a", "b", " ", "é", "😀", "\r\n", "\n", "\r", "Zoë"];

fn piece() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(PIECES)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn edits_shift_spans_as_the_model_does(
        pieces in proptest::collection::vec(piece(), 1..24),
        specs in proptest::collection::vec((any::<[u16; 4]>(), any::<bool>()), 0..8),
        edits in proptest::collection::vec(
            (any::<u16>(), any::<u16>(), proptest::collection::vec(piece(), 0..3)), 1..6),
    ) {
        let text: String = pieces.concat();
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        let mut model = Model { chars: chars.clone(), members: vec![Vec::new(); n], labels: Vec::new() };
        for (seeds, discontinuous) in specs {
            let mut p: Vec<usize> = seeds.iter().map(|&s| s as usize % (n + 1)).collect();
            p.sort_unstable();
            p.dedup();
            let spans = match (discontinuous, p.len()) {
                (true, 4) => vec![(p[0], p[1]), (p[2], p[3])],
                (_, l) if l >= 2 => vec![(p[0], p[l - 1])],
                _ => continue,
            };
            let entity = model.labels.len();
            model.labels.push(format!("L{}", entity % 3));
            for (f, &(s, e)) in spans.iter().enumerate() {
                for m in &mut model.members[s..e] {
                    m.push((entity, f));
                }
            }
        }
        let ann = model.render();
        let mut doc = AnnDoc::parse(&ann, &text);
        prop_assert_eq!(doc.problems(), []);
        prop_assert_eq!(doc.render(&text), ann.clone());
        let mut text = text;
        for (a, b, insert) in edits {
            let n = model.chars.len();
            let start = a as usize % (n + 1);
            let end = start + b as usize % (n + 1 - start);
            let insert: String = insert.concat();
            let range = TextRange::new(
                TextSize::new(byte(&model.chars, start)),
                TextSize::new(byte(&model.chars, end)),
            );
            text.replace_range(std::ops::Range::<usize>::from(range), &insert);
            doc.apply_edit(range, TextSize::of(insert.as_str()));
            let inserted: Vec<char> = insert.chars().collect();
            model.edit(start, end, &inserted);
        }
        prop_assert_eq!(doc.render(&text), model.render());
    }
}

/// Lines of every kind, good and bad, for the round-trip property.
const LINES: &[&str] = &[
    "T1\tPerson 0 3\tAda",
    "T2\tPlace 2 9;11 14\tx y",
    "T3\tPerson 5 2\tbad",
    "T4\tPerson 0 999\tfar",
    "A1\tNegated T1",
    "M2\tConfidence T2 High",
    "R1\tNear Arg1:T1 Arg2:T2",
    "E1\tTravel:T3 Agent:T1",
    "N1\tReference T1 Wikidata:Q1\tAda",
    "#1\tAnnotatorNotes T2\tà voir",
    "*\tAlias T1 T2",
    "Z9 something else",
    "",
    "   ",
    "T5",
    "T6\tPerson 1 2\ta\tb",
];

proptest! {
    #[test]
    fn any_file_is_written_back_byte_for_byte(
        lines in proptest::collection::vec(
            (proptest::sample::select(LINES), proptest::sample::select(&["\n", "\r\n"][..])), 0..12),
        last_newline in any::<bool>(),
        pieces in proptest::collection::vec(piece(), 0..20),
    ) {
        let mut ann: String = lines.iter().map(|(l, e)| format!("{l}{e}")).collect();
        if !last_newline && ann.ends_with('\n') {
            ann.pop();
            if ann.ends_with('\r') {
                ann.pop();
            }
        }
        let text: String = pieces.concat();
        let mut doc = AnnDoc::parse(&ann, &text);
        prop_assert_eq!(doc.render(&text), ann.clone());
        doc.reanchor(&text);
        prop_assert!(!doc.remove("T99"));
        if !doc.is_dirty() {
            prop_assert_eq!(doc.render(&text), ann);
        }
    }
}
