//! Reading brat standoff annotations (`.ann` beside `.txt`) into gold mentions.
//!
//! brat offsets count Unicode code points; they are converted to byte ranges here.
//! Labels map to nomen's: Person -> PER, Location -> LOC, Organization -> ORG,
//! Event/Product -> MISC. Date and Hour (DATE in the corpus README) are not scored: nomen does
//! not extract dates, so they are dropped before nesting is resolved. Of the remaining spans
//! only the outermost are kept: a span inside another scored span (`Paris` inside
//! `Université de Paris`) is dropped, as nomen emits non-overlapping mentions.

use crate::extract::Label;
use crate::text::{TextRange, TextSize};

/// One gold mention, in bytes of the `.txt` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GoldMention {
    pub range: TextRange,
    pub label: Label,
}

impl GoldMention {
    fn sort_key(&self) -> (TextSize, TextSize, Label) {
        (self.range.start(), self.range.end(), self.label)
    }
}

impl Ord for GoldMention {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for GoldMention {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Maps a WiNER-fr (or CoNLL-style) entity type to nomen's label; `None` for unscored types.
pub fn map_label(kind: &str) -> Option<Label> {
    match kind {
        "Person" | "PER" | "person" => Some(Label::Per),
        "Location" | "LOC" | "location" => Some(Label::Loc),
        "Organization" | "Organisation" | "ORG" => Some(Label::Org),
        "Event" | "Product" | "MISC" => Some(Label::Misc),
        _ => None,
    }
}

/// Parses an `.ann` file against its text. Lines other than text-bound annotations (`T..`)
/// and malformed lines are skipped; a discontinuous span is read from its first start to its
/// last end.
pub fn parse_ann(text: &str, ann: &str) -> Vec<GoldMention> {
    let offsets = CharOffsets::new(text);
    let mut all: Vec<GoldMention> = ann
        .lines()
        .filter(|line| line.starts_with('T'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (_id, spec) = (fields.next()?, fields.next()?);
            let (kind, spans) = spec.split_once(' ')?;
            let label = map_label(kind)?;
            let mut numbers = spans.split([' ', ';']).map(|n| n.parse::<usize>().ok());
            let start = numbers.next()??;
            let end = numbers.next_back()??;
            let range = TextRange::new(offsets.byte(start)?, offsets.byte(end)?);
            (!range.is_empty()).then_some(GoldMention { range, label })
        })
        .collect();
    all.sort_by_key(|m| (m.range.start(), std::cmp::Reverse(m.range.end())));
    all.dedup_by_key(|m| m.range);
    outermost(all)
}

/// Keeps the spans that no other span contains. `sorted` is sorted by start, longest first.
fn outermost(sorted: Vec<GoldMention>) -> Vec<GoldMention> {
    let mut out: Vec<GoldMention> = Vec::with_capacity(sorted.len());
    for m in sorted {
        match out.last() {
            Some(prev) if prev.range.contains_range(m.range) => {}
            _ => out.push(m),
        }
    }
    out
}

/// Converts code-point offsets to byte offsets.
struct CharOffsets {
    bytes: Vec<TextSize>,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut bytes: Vec<TextSize> = text
            .char_indices()
            .map(|(i, _)| TextSize::new(i as u32))
            .collect();
        bytes.push(TextSize::of(text));
        CharOffsets { bytes }
    }

    fn byte(&self, char_offset: usize) -> Option<TextSize> {
        self.bytes.get(char_offset).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_nesting_and_dates() {
        let text = "Né à Évry, l’Université de Évry ouvre le 3 mai.";
        let ann = "T1\tLocation 5 9\tÉvry\nT2\tOrganization 13 31\tUniversité de Évry\n\
                   T3\tLocation 27 31\tÉvry\nT4\tDate 41 46\t3 mai\n#1\tAnnotatorNotes T1\tx\nbad line\n";
        let got: Vec<(&str, Label)> = parse_ann(text, ann)
            .iter()
            .map(|m| (&text[m.range], m.label))
            .collect();
        assert_eq!(
            got,
            [("Évry", Label::Loc), ("Université de Évry", Label::Org)]
        );
    }
}
