//! Names the knowledge base knows, found in a block where extraction saw nothing: what a team
//! writes in its knowledge file ("Peel Ports", a local council, a source's name) is marked
//! wherever an article writes it, whatever the model thinks of it.

use super::document::BlockMention;
use super::entities::normalize;
use crate::extract::Evidence;
use crate::kb::KnowledgeBase;
use crate::text::{TextRange, TextSize};

/// Adds to `mentions` (sorted, non-overlapping, block-relative) the knowledge base's forms that
/// `prose` writes, as the file writes them: where no mention overlaps, or where the known form
/// holds every mention it overlaps ("Mersey Docks and Harbour Company" over "Mersey Docks" and
/// "Harbour Company"). Left out: a single dictionary word opening a sentence (`is_word`, given
/// a word as written: "Unite the party" is no trade union) and a form in capitals next to a
/// dictionary word in capitals that the knowledge base does not know (a headline's "UN HOMME" is no United
/// Nations; "the UN, ONU" keeps both).
pub(crate) fn known_names(
    knowledge: &KnowledgeBase,
    prose: &str,
    text: &str,
    is_word: impl Fn(&str) -> bool,
    mentions: &mut Vec<BlockMention>,
) {
    let found = knowledge.find_in(prose);
    if found.is_empty() {
        return;
    }
    // Both lists are sorted and each is free of overlaps: the mentions a known form overlaps
    // are found by binary search, so a long block costs no more than its matches.
    let mut dropped = vec![false; mentions.len()];
    let mut added = Vec::new();
    for (range, entry) in found {
        let span = TextRange::new(
            TextSize::new(range.start as u32),
            TextSize::new(range.end as u32),
        );
        let first = mentions.partition_point(|m| m.range.end() <= span.start());
        let last = first + mentions[first..].partition_point(|m| m.range.start() < span.end());
        let overlapping = first..last;
        // A candidate of the same bounds does not count: the document would drop it unless it
        // named it surely elsewhere, and the knowledge base is that sure naming.
        if mentions[overlapping.clone()].iter().any(|m| {
            !span.contains_range(m.range) || (m.range == span && m.evidence != Evidence::Candidate)
        }) {
            continue;
        }
        let written = &prose[range.clone()];
        let one_word = !written.contains(char::is_whitespace);
        if one_word && is_word(written) && opens_sentence(prose, range.start) {
            continue;
        }
        // A neighbour that the knowledge base knows is an acronym beside this one.
        let shouted = |w: &str| is_word(w) && knowledge.lookup(w).is_none();
        if !written.chars().any(char::is_lowercase) && among_capitals(prose, &range, shouted) {
            continue;
        }
        let Some(form) = text.get(range.clone()).map(normalize) else {
            continue;
        };
        dropped[overlapping].fill(true);
        added.push(BlockMention {
            range: span,
            label: entry.label,
            evidence: Evidence::Context,
            form: form.into(),
        });
    }
    if added.is_empty() {
        return;
    }
    let mut keep = dropped.iter().map(|d| !d);
    mentions.retain(|_| keep.next().unwrap_or(true));
    mentions.extend(added);
    mentions.sort_by_key(|m| m.range.start());
}

/// Whether only opening punctuation separates `at` from the start of the block or the end of
/// a sentence.
fn opens_sentence(prose: &str, at: usize) -> bool {
    let before = prose[..at].trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '«' | '“' | '‘' | '(' | '[' | '*' | '_' | '#')
    });
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '…', '\n'])
}

/// Whether a word next to `range` is written in capitals and is a word (`is_word`, given the
/// word as written): text in capitals, where an acronym cannot be told from a word ("UN
/// HOMME", "US TROOPS"). Acronyms side by side ("WHO, UNICEF") are not that.
fn among_capitals(
    prose: &str,
    range: &std::ops::Range<usize>,
    is_word: impl Fn(&str) -> bool,
) -> bool {
    let before = prose[..range.start].split_whitespace().next_back();
    let after = prose[range.end..].split_whitespace().next();
    let shouting = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase) && is_word(w)
    };
    before.is_some_and(shouting) || after.is_some_and(shouting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Label;
    use crate::kb::{KnowledgeBase, parse_toml};

    fn kb() -> KnowledgeBase {
        KnowledgeBase::from_file(
            parse_toml(
                "[[entity]]\nname = \"Peel Ports\"\nkind = \"organisation\"\n\n\
                 [[entity]]\nname = \"Mersey Docks and Harbour Company\"\nkind = \"organisation\"\n\n\
                 [[entity]]\nname = \"Unite\"\nkind = \"organisation\"\n\n\
                 [[entity]]\nname = \"Organisation des Nations unies\"\nkind = \"organisation\"\naliases = [\"UN\", \"ONU\"]\n\n\
                 [[entity]]\nname = \"Côte d'Ivoire\"\nkind = \"place\"\n",
            )
            .unwrap(),
        )
    }

    fn mention(text: &str, name: &str, label: Label) -> BlockMention {
        let start = text.find(name).unwrap();
        BlockMention {
            range: TextRange::at(TextSize::new(start as u32), TextSize::of(name)),
            label,
            evidence: Evidence::Guess,
            form: name.into(),
        }
    }

    fn run(text: &str, mut mentions: Vec<BlockMention>) -> Vec<String> {
        let is_word =
            |w: &str| matches!(w.to_lowercase().as_str(), "unite" | "the" | "un" | "homme");
        known_names(&kb(), text, text, is_word, &mut mentions);
        mentions
            .iter()
            .map(|m| format!("{} {}", &text[m.range], m.label.tag()))
            .collect()
    }

    #[test]
    fn known_forms_fill_what_extraction_missed() {
        let text = "The dispute with Peel Ports, owner of the Mersey Docks and Harbour Company, \
                    reached the UN and Côte d’Ivoire.";
        let found = run(
            text,
            vec![
                mention(text, "Mersey Docks", Label::Per),
                mention(text, "Harbour Company", Label::Org),
            ],
        );
        assert_eq!(
            found,
            [
                "Peel Ports ORG",
                "Mersey Docks and Harbour Company ORG",
                "UN ORG",
                "Côte d’Ivoire LOC"
            ]
        );
    }

    #[test]
    fn extraction_keeps_what_it_found_and_false_friends_stay_out() {
        // A longer mention that holds the known form stays; so does one that overlaps it.
        let text = "Peel Ports Group said so. Unite the party, he said. Members of Unite voted.";
        let found = run(text, vec![mention(text, "Peel Ports Group", Label::Org)]);
        // The sentence-opening verb is left out, the union after "of" is found.
        assert_eq!(found, ["Peel Ports Group ORG", "Unite ORG"]);
        // Capitals among capitals: a French headline's article, not the United Nations, here
        // or quoted in a sentence; but acronyms side by side are found.
        assert_eq!(
            run("UN HOMME ARRÊTÉ À LYON", Vec::new()),
            Vec::<String>::new()
        );
        assert_eq!(
            run("On lit « UN HOMME » en une.", Vec::new()),
            Vec::<String>::new()
        );
        assert_eq!(
            run("The UN, ONU in French.", Vec::new()),
            ["UN ORG", "ONU ORG"]
        );
        assert_eq!(
            run("Peel Portsmouth and unite", Vec::new()),
            Vec::<String>::new()
        );
    }
}
