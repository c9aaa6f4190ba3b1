//! What an annotated document shows beside its annotations: nomen's own mentions as
//! suggestions, the whole-word occurrences of a selection (to annotate them all), the
//! reference an N line takes from a knowledge-base link, and the annotation hover's text.
//! Pure: the annotations themselves are `annotate`'s; this sees them only as ranges.

use super::{DocumentAnalysis, Markup, render::escape_markdown};
use crate::extract::Label;
use crate::text::{Text, TextRange, TextSize};

/// A mention nomen found that no annotation covers: offered to the annotator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub range: TextRange,
    pub label: Label,
    /// The text it covers, as written.
    pub form: String,
}

impl DocumentAnalysis {
    /// The mentions to suggest, in document order: those `skip` does not refuse (given the
    /// mention's range, form and label: an annotation overlaps it, or it was rejected).
    pub fn suggestions(
        &self,
        text: &Text,
        skip: impl Fn(TextRange, &str, Label) -> bool,
    ) -> Vec<Suggestion> {
        self.resolved()
            .filter_map(|m| {
                let form = text.slice(m.range).into_owned();
                (!skip(m.range, &form, m.label)).then_some(Suggestion {
                    range: m.range,
                    label: m.label,
                    form,
                })
            })
            .collect()
    }

    /// The suggestion at `offset` (or touching it at its end), if any.
    pub fn suggestion_at(
        &self,
        text: &Text,
        at: TextRange,
        skip: impl Fn(TextRange, &str, Label) -> bool,
    ) -> Option<Suggestion> {
        self.suggestions(text, skip)
            .into_iter()
            .find(|s| touches(s.range, at))
    }
}

/// The text the annotations cover, as sorted disjoint ranges: whether a mention overlaps one
/// is a binary search, so suggesting costs O(m log n) for m mentions and n annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage(Vec<TextRange>);

impl Coverage {
    pub fn new(spans: impl IntoIterator<Item = TextRange>) -> Coverage {
        let mut spans: Vec<TextRange> = spans.into_iter().filter(|s| !s.is_empty()).collect();
        spans.sort_by_key(|s| (s.start(), s.end()));
        let mut out: Vec<TextRange> = Vec::with_capacity(spans.len());
        for span in spans {
            match out.last_mut() {
                Some(last) if span.start() < last.end() => *last = last.cover(span),
                _ => out.push(span),
            }
        }
        Coverage(out)
    }

    /// Whether `range` shares text with a covered range (an empty range: lies inside one).
    pub fn overlaps(&self, range: TextRange) -> bool {
        let i = self.0.partition_point(|c| c.end() <= range.start());
        self.0.get(i).is_some_and(|c| match range.is_empty() {
            true => c.contains(range.start()),
            false => c.start() < range.end(),
        })
    }
}

/// Whether `range` meets `at`: they overlap, or `at` is empty and on its edge.
pub fn touches(range: TextRange, at: TextRange) -> bool {
    range.intersect(at).is_some()
}

/// The one edit that turns `old` into `new`: the bytes between their common start and their
/// common end (on character boundaries), and the length of what replaces them.
pub fn minimal_change(old: &str, new: &str) -> (TextRange, TextSize) {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let room = old.len().min(new.len()) - start;
    let mut common_end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - common_end)
        || !new.is_char_boundary(new.len() - common_end)
    {
        common_end -= 1;
    }
    let range = TextRange::new(offset(start), offset(old.len() - common_end));
    (range, offset(new.len() - common_end - start))
}

/// `range` of `text` without the white space at its ends (empty if it holds nothing else).
pub fn trim_range(text: &str, range: TextRange) -> TextRange {
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    let Some(inner) = text.get(start..end) else {
        return range;
    };
    let head = inner.len() - inner.trim_start().len();
    let kept = inner.trim().len();
    let start = offset(start + head);
    TextRange::at(start, TextSize::new(u32::try_from(kept).unwrap_or(0)))
}

/// Every occurrence of `needle` in `text` that stands as whole words: neither the character
/// before it nor the one after it is a letter, a digit or a mark. Empty for an empty needle.
pub fn whole_word_occurrences(text: &str, needle: &str) -> Vec<TextRange> {
    if needle.trim().is_empty() {
        return Vec::new();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || is_mark(c));
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(needle) {
        let start = from + found;
        let end = start + needle.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let first = needle.chars().next();
        let last = needle.chars().next_back();
        // A boundary matters only where the needle itself begins or ends with a word character.
        let open = !(word(first) && word(before));
        let close = !(word(last) && word(after));
        if open && close {
            out.push(TextRange::new(offset(start), offset(end)));
        }
        from = start + first.map_or(1, char::len_utf8);
    }
    out
}

fn is_mark(c: char) -> bool {
    // Combining marks: a word written with a decomposed accent goes on after its letter.
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

fn offset(n: usize) -> TextSize {
    TextSize::new(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The reference an N line records for a knowledge-base link: `Wikidata:Q90` for a Wikidata
/// page, `Wikipedia:fr:Paris` for a Wikipedia article; other links are kept whole.
pub fn link_reference(link: &str) -> String {
    let rest = link
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    if let Some(id) = rest
        .strip_prefix("www.wikidata.org/wiki/")
        .or_else(|| rest.strip_prefix("wikidata.org/wiki/"))
        .or_else(|| rest.strip_prefix("www.wikidata.org/entity/"))
    {
        return format!("Wikidata:{id}");
    }
    if let Some((lang, title)) = rest
        .split_once(".wikipedia.org/wiki/")
        .filter(|(lang, title)| !lang.contains('/') && !title.is_empty())
    {
        return format!("Wikipedia:{lang}:{title}");
    }
    link.trim().to_string()
}

/// What the hover of an annotation shows: its label and id, and the lines that point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationHover {
    pub range: TextRange,
    pub text: String,
    pub label: String,
    pub id: String,
    pub notes: Vec<String>,
    pub attributes: Vec<(String, Option<String>)>,
    pub norms: Vec<(String, Option<String>)>,
}

impl AnnotationHover {
    pub fn render(&self, markup: Markup) -> String {
        let text = |s: &str| match markup {
            Markup::Markdown => escape_markdown(s),
            Markup::PlainText => s.to_string(),
        };
        let title = match markup {
            Markup::Markdown => format!(
                "**{}** — {} (annotation {})",
                text(&self.text),
                text(&self.label),
                self.id
            ),
            Markup::PlainText => {
                format!("{} — {} (annotation {})", self.text, self.label, self.id)
            }
        };
        let mut lines = vec![title];
        for note in &self.notes {
            lines.push(format!("Note: {}", text(note)));
        }
        let pairs = |pairs: &[(String, Option<String>)]| -> Vec<String> {
            pairs
                .iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{} {}", text(k), text(v)),
                    None => text(k),
                })
                .collect()
        };
        if !self.attributes.is_empty() {
            lines.push(format!(
                "Attributes: {}",
                pairs(&self.attributes).join("; ")
            ));
        }
        if !self.norms.is_empty() {
            lines.push(format!("Normalisation: {}", pairs(&self.norms).join("; ")));
        }
        let separator = match markup {
            Markup::Markdown => "\n\n",
            Markup::PlainText => "\n",
        };
        lines.join(separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, needle: &str) -> Vec<&'static str> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        whole_word_occurrences(text, needle)
            .into_iter()
            .map(|r| &text[usize::from(r.start())..usize::from(r.end())])
            .collect()
    }

    #[test]
    fn occurrences_are_whole_words_only() {
        let text = "Lou vit à Loudun ; Lou et Malou, LOU, Lou’s, 😀Lou.";
        let ranges = whole_word_occurrences(text, "Lou");
        let starts: Vec<usize> = ranges.iter().map(|r| usize::from(r.start())).collect();
        // Not inside "Loudun" nor "Malou"; beside an apostrophe or an emoji, yes.
        assert_eq!(starts, [0, 20, 39, 52]);
        assert!(whole_word_occurrences(text, "").is_empty());
        assert!(whole_word_occurrences(text, "  ").is_empty());
        let (range, len) = minimal_change("Lou à Paris", "Lou à Pau, Paris");
        assert_eq!(
            (
                u32::from(range.start()),
                u32::from(range.end()),
                u32::from(len)
            ),
            (9, 9, 5)
        );
        let (range, len) = minimal_change("aé", "aè");
        assert_eq!(
            (
                u32::from(range.start()),
                u32::from(range.end()),
                u32::from(len)
            ),
            (1, 3, 2)
        );
        let r = trim_range(" à Lou \n", TextRange::up_to(TextSize::new(9)));
        assert_eq!((u32::from(r.start()), u32::from(r.end())), (1, 7));
        // A needle that ends with punctuation needs no boundary after it.
        assert_eq!(found("Dr. X et Dr.Y", "Dr."), ["Dr.", "Dr."]);
        // Overlapping occurrences are all found.
        assert_eq!(found("aa aa", "aa"), ["aa", "aa"]);
    }

    #[test]
    fn coverage_finds_overlaps_by_search() {
        let r = |a: u32, b: u32| TextRange::new(a.into(), b.into());
        let c = Coverage::new([r(10, 20), r(0, 3), r(15, 25), r(30, 30)]);
        assert_eq!(c, Coverage(vec![r(0, 3), r(10, 25)]));
        assert!(c.overlaps(r(2, 5)) && c.overlaps(r(24, 40)) && c.overlaps(r(12, 12)));
        assert!(!c.overlaps(r(3, 10)) && !c.overlaps(r(25, 30)) && !c.overlaps(r(3, 3)));
    }

    #[test]
    fn links_become_references() {
        assert_eq!(
            link_reference("https://www.wikidata.org/wiki/Q90"),
            "Wikidata:Q90"
        );
        assert_eq!(
            link_reference("https://fr.wikipedia.org/wiki/Khalifa_Haftar"),
            "Wikipedia:fr:Khalifa_Haftar"
        );
        assert_eq!(
            link_reference("https://example.org/x"),
            "https://example.org/x"
        );
    }

    #[test]
    fn the_hover_says_label_id_notes_attributes_and_norms() {
        let hover = AnnotationHover {
            range: TextRange::default(),
            text: "Paris".into(),
            label: "Location".into(),
            id: "T3".into(),
            notes: vec!["capitale".into()],
            attributes: vec![
                ("Negated".into(), None),
                ("Level".into(), Some("High".into())),
            ],
            norms: vec![("Wikidata:Q90".into(), Some("Paris".into()))],
        };
        assert_eq!(
            hover.render(Markup::PlainText),
            "Paris — Location (annotation T3)\nNote: capitale\nAttributes: Negated; Level High\nNormalisation: Wikidata:Q90 Paris"
        );
        assert_eq!(
            hover.render(Markup::Markdown),
            "**Paris** — Location (annotation T3)\n\nNote: capitale\n\nAttributes: Negated; Level High\n\nNormalisation: Wikidata:Q90 Paris"
        );
    }
}
