//! What the text around mentions says about them: an acronym and its expansion given together
//! ("l’Organisation des Nations unies (ONU)"), and the roles it gives people ("le porte-parole
//! du Kremlin, Dmitri Peskov", "Dmitry Peskov, the Kremlin spokesman").

use super::document::BlockMention;
use crate::extract::{Evidence, Label};
use crate::text::{TextRange, TextSize};

/// A long form and its acronym, given side by side in a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    pub long: Box<str>,
    pub short: Box<str>,
    /// The whole "long (short)" or "short (long)" expression, block-relative.
    pub range: TextRange,
}

/// A role the text gives the mention at index `mention` of the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub mention: u32,
    /// Block-relative.
    pub range: TextRange,
    pub text: Box<str>,
}

/// Words skipped when reading an acronym's letters off its expansion.
const LINK_WORDS: &[&str] = &[
    "de", "des", "du", "d", "la", "le", "les", "l", "et", "pour", "sur", "au", "aux", "en", "à",
    "of", "the", "and", "for", "on", "in",
];

/// An acronym in parentheses right after an organisation ("Brazil's National Institute for
/// Space Research (INPE)"), or after any name whose initials spell it, names the same thing:
/// when extraction missed it, it becomes a mention with that name's label. After a person the
/// letters must match, since "Jean Dupont (LR)" gives his party, and so must a dictionary word
/// (`is_word`): "(VIDEO)" is no acronym.
pub(crate) fn acronyms_after_names(
    prose: &str,
    text: &str,
    is_word: impl Fn(&str) -> bool,
    mentions: &mut Vec<BlockMention>,
) {
    let mut found = Vec::new();
    for (k, m) in mentions.iter().enumerate() {
        let end = usize::from(m.range.end());
        let rest = prose.get(end..).unwrap_or("");
        let spaced = rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']);
        let Some(inside) = spaced.strip_prefix('(') else {
            continue;
        };
        let Some(inner) = inside.find(')').map(|close| &inside[..close]) else {
            continue;
        };
        if !is_acronym(inner) || !inner.chars().any(char::is_alphabetic) {
            continue;
        }
        if !expands(&m.form, inner) && (m.label != Label::Org || is_word(inner)) {
            continue;
        }
        let start = end + (rest.len() - spaced.len()) + 1;
        let range = TextRange::new(
            TextSize::new(start as u32),
            TextSize::new((start + inner.len()) as u32),
        );
        match mentions.get(k + 1) {
            // A candidate there (the rules' guess) is confirmed with the name's label.
            Some(n) if n.range == range && n.evidence == Evidence::Candidate => {
                found.push((Some(k + 1), range, m.label));
            }
            Some(n) if n.range.start() < range.end() => {}
            _ => found.push((None, range, m.label)),
        }
    }
    for &(at, range, label) in &found {
        let Some(form) = text.get(std::ops::Range::<usize>::from(range)) else {
            continue;
        };
        let acronym = BlockMention {
            range,
            label,
            evidence: Evidence::Context,
            form: super::entities::normalize(form).into(),
        };
        match at {
            Some(k) => mentions[k] = acronym,
            None => mentions.push(acronym),
        }
    }
    mentions.sort_by_key(|m| m.range.start());
}

/// For an acronym in parentheses right after words whose initials spell it ("la Force
/// intérimaire des Nations unies au Liban (FINUL)"), makes those words one mention with the
/// acronym's label, replacing the smaller mentions inside them.
pub(crate) fn expand_acronyms(prose: &str, text: &str, mentions: &mut Vec<BlockMention>) {
    let mut i = 0;
    while i < mentions.len() {
        let m = &mentions[i];
        let start = usize::from(m.range.start());
        let before = prose.get(..start).unwrap_or("").trim_end();
        let after = prose.get(usize::from(m.range.end())..).unwrap_or("");
        if !is_acronym(&m.form) || !before.ends_with('(') || !after.trim_start().starts_with(')') {
            i += 1;
            continue;
        }
        let words_end = before[..before.len() - 1].trim_end().len();
        let Some(span_start) = spelled_by(&prose[..words_end], &m.form) else {
            i += 1;
            continue;
        };
        let span = TextRange::new(
            TextSize::new(span_start as u32),
            TextSize::new(words_end as u32),
        );
        let (label, form) = (m.label, super::entities::normalize(&text[span]));
        let first = mentions.partition_point(|n| n.range.end() <= span.start());
        let last = mentions.partition_point(|n| n.range.start() < span.end());
        if last - first == 1 && mentions[first].range == span {
            i += 1;
            continue;
        }
        let expansion = BlockMention {
            range: span,
            label,
            evidence: Evidence::Context,
            form: form.into(),
        };
        mentions.splice(first..last, [expansion]);
        i = first + 2;
    }
}

/// Where the words that end at the end of `s` start, if their initials spell `acronym`
/// (link words may be skipped) and the first of them is capitalised.
fn spelled_by(s: &str, acronym: &str) -> Option<usize> {
    let mut letters: Vec<char> = acronym
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<(usize, &str)> = word_offsets(s).collect();
    for (offset, word) in words.iter().rev().take(16) {
        let lower = bare(word);
        let initial = lower.chars().next()?;
        if letters.last() == Some(&initial) {
            letters.pop();
            if letters.is_empty() {
                return word
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                    .then_some(*offset);
            }
        } else if !LINK_WORDS.contains(&lower.as_str()) {
            return None;
        }
    }
    None
}

/// Pairs of adjacent mentions written "long (SHORT)" or "SHORT (long)".
pub(crate) fn aliases(text: &str, mentions: &[BlockMention]) -> Vec<Alias> {
    let mut out = Vec::new();
    for pair in mentions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let between = text
            .get(usize::from(a.range.end())..usize::from(b.range.start()))
            .unwrap_or("");
        let after = text.get(usize::from(b.range.end())..).unwrap_or("");
        if between.trim() != "(" || !after.trim_start().starts_with(')') {
            continue;
        }
        let close = usize::from(b.range.end()) + after.find(')').unwrap_or(0) + 1;
        let range = TextRange::new(a.range.start(), TextSize::new(close as u32));
        let (long, short) = if is_acronym(&b.form) { (a, b) } else { (b, a) };
        // An organisation's acronym given right after it may come from another language
        // ("National Institute for Space Research (INPE)").
        let translated = long.range.start() < short.range.start()
            && [long, short]
                .iter()
                .all(|m| m.label == Label::Org && m.evidence != Evidence::Candidate);
        if is_acronym(&short.form) && (translated || expands(&long.form, &short.form)) {
            out.push(Alias {
                long: long.form.clone(),
                short: short.form.clone(),
                range,
            });
        }
    }
    out
}

pub(crate) fn is_acronym(form: &str) -> bool {
    let letters: Vec<char> = form.chars().filter(|c| *c != '.').collect();
    (2..=8).contains(&letters.len())
        && letters
            .iter()
            .all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether the acronym's letters are the initials of the long form's words (link words may be
/// skipped or not).
fn expands(long: &str, short: &str) -> bool {
    let letters: String = short
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<String> = long
        .split(|c: char| c.is_whitespace() || c == '-' || c == '\'' || c == '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let initials = |skip: bool| -> String {
        words
            .iter()
            .filter(|w| !skip || !LINK_WORDS.contains(&w.as_str()))
            .filter_map(|w| w.chars().next())
            .collect()
    };
    letters == initials(true) || letters == initials(false)
}

/// Words that head a role. A word counts when it equals one of these or ends with one after a
/// hyphen ("vice-ministre").
const ROLE_HEADS: &[&str] = &[
    "président",
    "présidente",
    "ministre",
    "secrétaire",
    "porte-parole",
    "général",
    "générale",
    "maréchal",
    "colonel",
    "commandant",
    "chef",
    "cheffe",
    "directeur",
    "directrice",
    "dirigeant",
    "dirigeante",
    "ambassadeur",
    "ambassadrice",
    "chancelier",
    "chancelière",
    "roi",
    "reine",
    "prince",
    "princesse",
    "pape",
    "maire",
    "gouverneur",
    "député",
    "députée",
    "sénateur",
    "sénatrice",
    "juge",
    "procureur",
    "procureure",
    "avocat",
    "avocate",
    "fondateur",
    "fondatrice",
    "patron",
    "patronne",
    "pdg",
    "émir",
    "cheikh",
    "envoyé",
    "envoyée",
    "émissaire",
    "représentant",
    "représentante",
    "conseiller",
    "conseillère",
    "homologue",
    "opposant",
    "opposante",
    "journaliste",
    "correspondant",
    "correspondante",
    "président-directeur",
    "leader",
    "capitaine",
    "entraîneur",
    "entraîneuse",
    "president",
    "minister",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "general",
    "marshal",
    "commander",
    "director",
    "ambassador",
    "chancellor",
    "king",
    "queen",
    "pope",
    "mayor",
    "governor",
    "senator",
    "congressman",
    "congresswoman",
    "judge",
    "prosecutor",
    "lawyer",
    "founder",
    "ceo",
    "chairman",
    "chairwoman",
    "envoy",
    "representative",
    "adviser",
    "advisor",
    "counterpart",
    "correspondent",
    "head",
    "captain",
    "coach",
    "premier",
];

/// Words that end a role read backwards from a name: a verb or a clause word means the words
/// before the name are a sentence, not a title.
const NOT_IN_ROLE: &[&str] = &[
    "que",
    "qui",
    "a",
    "ont",
    "est",
    "sont",
    "avait",
    "était",
    "sera",
    "dit",
    "déclaré",
    "that",
    "who",
    "has",
    "have",
    "had",
    "is",
    "was",
    "were",
    "said",
    "says",
    "told",
    "met",
    "et",
    "and",
    "par",
    "by",
    "avec",
    "with",
];

const DETERMINERS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "the", "a", "an", "son", "sa", "his", "her", "its",
];

fn is_role_head(word: &str) -> bool {
    let lower = word.to_lowercase();
    let lower = lower.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    ROLE_HEADS.contains(&lower)
        || lower
            .rsplit_once('-')
            .is_some_and(|(_, tail)| ROLE_HEADS.contains(&tail))
}

fn bare(word: &str) -> String {
    word.to_lowercase()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// The roles of the block's person mentions.
pub(crate) fn roles(text: &str, mentions: &[BlockMention]) -> Vec<Role> {
    let mut out = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        use crate::extract::Evidence;
        if m.label != Label::Per || m.evidence == Evidence::Candidate {
            continue;
        }
        // Other names may sit inside a role ("porte-parole du Kremlin"): the clause bounds it,
        // not the neighbouring mentions.
        if let Some(range) = role_before(text, 0, usize::from(m.range.start())) {
            out.push(role(text, i, range));
        }
        if let Some(range) = role_after(text, usize::from(m.range.end()), text.len()) {
            out.push(role(text, i, range));
        }
    }
    out
}

fn role(text: &str, mention: usize, range: (usize, usize)) -> Role {
    let words: Vec<&str> = text[range.0..range.1].split_whitespace().collect();
    Role {
        mention: mention as u32,
        range: TextRange::new(TextSize::new(range.0 as u32), TextSize::new(range.1 as u32)),
        text: words.join(" ").into(),
    }
}

/// "le porte-parole du Kremlin, X", "le général renégat X", "Russian President X".
fn role_before(text: &str, floor: usize, name: usize) -> Option<(usize, usize)> {
    let before = text.get(floor..name)?;
    let trimmed = before.trim_end();
    let trimmed = trimmed.strip_suffix(',').unwrap_or(trimmed).trim_end();
    // The clause the title sits in starts after the last stop.
    let stops = ['.', ';', ':', '!', '?', '«', '»', '(', ')', '"', '\n', ','];
    let clause_start = trimmed
        .char_indices()
        .rev()
        .find(|(_, c)| stops.contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let clause = &trimmed[clause_start..];
    let words: Vec<(usize, &str)> = word_offsets(clause).collect();
    let head = words.iter().position(|(_, w)| is_role_head(w))?;
    let tail = &words[head..];
    if tail.len() > 7
        || tail
            .iter()
            .skip(1)
            .any(|(_, w)| NOT_IN_ROLE.contains(&bare(w).as_str()))
    {
        return None;
    }
    // "Russian President": a capitalised word just before the head belongs to the title.
    let mut start = head;
    if head > 0 {
        let prev = words[head - 1].1;
        if prev.chars().next().is_some_and(char::is_uppercase)
            && !DETERMINERS.contains(&bare(prev).as_str())
        {
            start = head - 1;
        }
    }
    let begin = floor + clause_start + words[start].0;
    let end = floor + clause_start + clause.len();
    (end > begin).then_some((begin, end))
}

/// "X, porte-parole du Kremlin," and "X, the Kremlin spokesman".
fn role_after(text: &str, name_end: usize, ceiling: usize) -> Option<(usize, usize)> {
    let after = text.get(name_end..ceiling.max(name_end))?;
    let rest = after.strip_prefix(',')?;
    let stop = rest
        .find([',', '.', ';', ':', '!', '?', '(', ')', '«', '»', '\n'])
        .unwrap_or(rest.len());
    let phrase = &rest[..stop];
    let words: Vec<(usize, &str)> = word_offsets(phrase).collect();
    if words.is_empty() || words.len() > 8 || !words.iter().any(|(_, w)| is_role_head(w)) {
        return None;
    }
    if words
        .iter()
        .any(|(_, w)| NOT_IN_ROLE.contains(&bare(w).as_str()))
    {
        return None;
    }
    let skip =
        usize::from(DETERMINERS.contains(&bare(words[0].1).as_str()) || bare(words[0].1) == "l");
    let first = words.get(skip)?;
    let begin = name_end + 1 + first.0;
    let end = name_end + 1 + phrase.trim_end().len();
    (end > begin).then_some((begin, end))
}

/// Words with their byte offsets; an elided article ("l’") is a word of its own.
fn word_offsets(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_whitespace().flat_map(move |w| {
        let start = w.as_ptr() as usize - s.as_ptr() as usize;
        let split = w
            .find(['\'', '’'])
            .filter(|i| *i <= 3 && w[..*i].chars().all(char::is_alphabetic));
        match split {
            Some(i) => {
                let apostrophe = w[i..].chars().next().map_or(1, char::len_utf8);
                vec![
                    (start, &w[..i + apostrophe]),
                    (start + i + apostrophe, &w[i + apostrophe..]),
                ]
            }
            None => vec![(start, w)],
        }
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::analysis::DocOptions;
    use crate::extract::{Extractor, Lang};

    fn check(text: &str, lang: Lang, expect: Expect) {
        let extractor = Extractor::new();
        let analysis = crate::analysis::analyze(
            &extractor,
            &crate::text::Text::new(text),
            &DocOptions {
                language: Some(lang),
                ..DocOptions::default()
            },
        );
        let mut out = String::new();
        for (block_start, result) in analysis.block_results() {
            for r in &result.roles {
                let m = &result.mentions[r.mention as usize];
                assert_eq!(
                    &text[r.range + block_start]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    &*r.text
                );
                out.push_str(&format!("role {} = {}\n", m.form, r.text));
            }
            for a in &result.aliases {
                out.push_str(&format!("alias {} = {}\n", a.short, a.long));
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn french_roles_before_and_after_names() {
        check(
            "Selon le porte-parole du Kremlin, Dmitri Peskov, rien n’est décidé. Le vice-ministre russe de la Défense Yunus-Bek Yevkurov est arrivé. Le général renégat Khalifa Haftar l’a reçu. Marie Dupont, présidente de l’association, a parlé.",
            Lang::Fr,
            expect![[r#"
                role Dmitri Peskov = porte-parole du Kremlin
                role Yunus-Bek Yevkurov = vice-ministre russe de la Défense
                role Khalifa Haftar = général renégat
                role Marie Dupont = présidente de l’association
            "#]],
        );
    }

    #[test]
    fn english_roles_before_and_after_names() {
        check(
            "Russian President Vladimir Putin spoke on Monday. Dmitry Peskov, the Kremlin spokesman, declined to comment. The minister met Angela Merkel.",
            Lang::En,
            expect![[r#"
                role Vladimir Putin = Russian President
                role Dmitry Peskov = Kremlin spokesman
            "#]],
        );
    }

    #[test]
    fn acronyms_given_with_their_expansion() {
        check(
            "Le rapport de l’Organisation des Nations unies (ONU) est paru. Paris et Berlin ont répondu.",
            Lang::Fr,
            expect![[r#"
                alias ONU = Organisation des Nations unies
            "#]],
        );
        check(
            "Members of the North Atlantic Treaty Organization (NATO) met in Brussels.",
            Lang::En,
            expect![[r#"
                alias NATO = North Atlantic Treaty Organization
            "#]],
        );
    }
}
