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
    /// Extraction's mentions as mentions to score, in order.
    pub fn sorted_from(mentions: &[crate::analysis::Mention]) -> Vec<GoldMention> {
        let mut out: Vec<GoldMention> = mentions
            .iter()
            .map(|m| GoldMention {
                range: m.range,
                label: m.label,
            })
            .collect();
        out.sort();
        out
    }

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

/// Parses an `.ann` file against its text. Lines other than text-bound annotations (`T..`) are
/// skipped, and so are annotations of kinds that are not entities (dates, hours); a
/// discontinuous span is read from its first start to its last end. A text-bound line that
/// cannot be read, or whose span is not in the text, is skipped and reported (line number and
/// why) in `problems`.
pub fn parse_ann(text: &str, ann: &str) -> ParsedAnn {
    let offsets = CharOffsets::new(text);
    let chars = offsets.bytes.len() - 1;
    let mut problems = Vec::new();
    let mut all: Vec<GoldMention> = Vec::new();
    for (n, line) in ann.lines().enumerate().filter(|(_, l)| l.starts_with('T')) {
        let mut fields = line.split('\t');
        let spec = fields.nth(1).and_then(|spec| spec.split_once(' '));
        let Some((kind, spans)) = spec else {
            problems.push(format!(
                "line {}: not `T<id> TAB <kind> <start> <end>`",
                n + 1
            ));
            continue;
        };
        let numbers: Option<Vec<usize>> = spans.split([' ', ';']).map(|n| n.parse().ok()).collect();
        let (start, end) = match numbers.as_deref() {
            Some([start, .., end]) => (*start, *end),
            _ => {
                problems.push(format!("line {}: offsets {spans:?} are not numbers", n + 1));
                continue;
            }
        };
        let (Some(a), Some(b)) = (offsets.byte(start), offsets.byte(end)) else {
            problems.push(format!(
                "line {}: span {start}..{end} is past the end of the text ({chars} characters)",
                n + 1
            ));
            continue;
        };
        if a > b {
            problems.push(format!(
                "line {}: span {start}..{end} ends before it starts",
                n + 1
            ));
            continue;
        }
        let Some(label) = map_label(kind) else {
            continue;
        };
        let range = TextRange::new(a, b);
        if !range.is_empty() {
            all.push(GoldMention { range, label });
        }
    }
    all.sort_by_key(|m| (m.range.start(), std::cmp::Reverse(m.range.end())));
    all.dedup_by_key(|m| m.range);
    ParsedAnn {
        mentions: outermost(all),
        problems,
    }
}

/// What [`parse_ann`] read.
pub struct ParsedAnn {
    pub mentions: Vec<GoldMention>,
    /// Lines skipped because they could not be read, each as `line N: why`.
    pub problems: Vec<String>,
}

impl ParsedAnn {
    /// Prints the problems on standard error, naming the `.ann` file they are in; returns the
    /// mentions.
    pub fn reported(self, ann: &std::path::Path) -> Vec<GoldMention> {
        for problem in &self.problems {
            eprintln!("nomen: {}: {problem}; skipped", ann.display());
        }
        self.mentions
    }
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
        let parsed = parse_ann(text, ann);
        let got: Vec<(&str, Label)> = parsed
            .mentions
            .iter()
            .map(|m| (&text[m.range], m.label))
            .collect();
        assert_eq!(
            got,
            [("Évry", Label::Loc), ("Université de Évry", Label::Org)]
        );
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    }

    #[test]
    fn unreadable_annotations_are_reported_with_their_line() {
        let text = "Jean Dupont est à Paris.";
        let ann = "T1\tPerson 0 11\tJean Dupont\nT2\tLocation 18 999\tParis\nT3\tBogus\n\
                   T4\tLocation x y\tParis\nT5\tLocation 23 18\tParis\nT6\tLocation 18 23\tParis\n";
        let parsed = parse_ann(text, ann);
        assert_eq!(parsed.mentions.len(), 2);
        assert_eq!(
            parsed.problems,
            [
                "line 2: span 18..999 is past the end of the text (24 characters)",
                "line 3: not `T<id> TAB <kind> <start> <end>`",
                "line 4: offsets \"x y\" are not numbers",
                "line 5: span 23..18 ends before it starts",
            ]
        );
    }
}
