//! The fixes after tagging: what the text says whatever the model did (`settle`), the rules'
//! mentions named with their kind (`named_by_kind`), the rules' guesses the tagger skipped as
//! candidates (`with_candidates`), names joined by a conjunction (`coordinated`), roads, and
//! mentions cut where they began a line (`split_at_line_starts`).

use rustc_hash::FxHashMap;
use text_size::{TextRange, TextSize};

use crate::extract::{
    Flags, Keys, Rules, Token, road_before, road_code, road_name, road_name_before, road_number,
};
use crate::types::{Evidence, Label, Lang, Mention};

/// A road's number right after a word that makes it one ("l'A62", "la N113", "autoroute A7",
/// "the M25") is a place, whatever the model did: the training data has few roads, and the
/// model reads an unseen number as an organisation as often as a place. A mention that holds
/// the number and more ("autoroute A7" as one name) is left as it is.
pub(super) fn roads(text: &str, tokens: &[Token], keys: &Keys, mentions: &mut Vec<Mention>) {
    let mut added = Vec::new();
    for (i, t) in tokens.iter().enumerate().skip(1) {
        if road_code(t.text(text)).is_none() || !road_before(keys.key(i - 1)) {
            continue;
        }
        let at = mentions.partition_point(|m| m.range.end() <= t.range.start());
        match mentions.get_mut(at) {
            Some(m) if m.range == t.range => {
                // The word before says it is a road: not a candidate for the document to confirm.
                m.label = Label::Loc;
                m.evidence = Evidence::Context;
            }
            Some(m) if m.range.start() < t.range.end() => {}
            _ => added.push(Mention {
                range: t.range,
                label: Label::Loc,
                evidence: Evidence::Context,
            }),
        }
    }
    if !added.is_empty() {
        mentions.extend(added);
        mentions.sort_by_key(|m| m.range.start());
    }
    for road in named_roads(text, tokens) {
        name_road(road, mentions);
    }
}

/// The roads named by a capitalised road word and a number ("Route 9", "Highway 101"), with
/// the words of the name before the road word ("State Route 2", "US Route 1"): their ranges,
/// in order. The words stand one space or so apart on one line; a capitalised word right after
/// the number makes them part of another name, left to the tagger.
fn named_roads(text: &str, tokens: &[Token]) -> Vec<TextRange> {
    let next_to = |a: &Token, b: &Token| {
        let gap = &text[usize::from(a.range.end())..usize::from(b.range.start())];
        !gap.is_empty() && gap.len() <= 2 && gap.bytes().all(|b| b == b' ')
    };
    let mut roads = Vec::new();
    for (i, pair) in tokens.windows(2).enumerate() {
        let [word, number] = pair else { continue };
        if !road_name(word.text(text)) || !road_number(number.text(text)) || !next_to(word, number)
        {
            continue;
        }
        // "the Route 9 Diner": a longer name, which the tagger reads whole or not at all.
        let named_on = tokens.get(i + 2).is_some_and(|after| {
            next_to(number, after) && after.text(text).starts_with(char::is_uppercase)
        });
        if named_on {
            continue;
        }
        let mut start = i;
        while start > 0
            && road_name_before(tokens[start - 1].text(text))
            && next_to(&tokens[start - 1], &tokens[start])
        {
            start -= 1;
        }
        roads.push(TextRange::new(
            tokens[start].range.start(),
            number.range.end(),
        ));
    }
    roads
}

/// Makes `road` a place among `mentions` (in order, without overlaps): the mentions inside it
/// ("Route" alone, the tagger stopping before the number) give way to it, and a mention that
/// ends inside it after starting before ("Ohio State Route") runs on to the number. A mention
/// that holds the whole road or runs on past its number is left as it is.
fn name_road(road: TextRange, mentions: &mut Vec<Mention>) {
    let first = mentions.partition_point(|m| m.range.end() <= road.start());
    let last = mentions.partition_point(|m| m.range.start() < road.end());
    let overlapping = &mentions[first..last];
    if overlapping.iter().any(|m| m.range.end() > road.end())
        || overlapping.iter().any(|m| m.range.contains_range(road))
    {
        return;
    }
    let start = overlapping
        .first()
        .map_or(road.start(), |m| m.range.start().min(road.start()));
    let place = Mention {
        range: TextRange::new(start, road.end()),
        label: Label::Loc,
        evidence: Evidence::Context,
    };
    mentions.splice(first..last, [place]);
}

/// Cuts a mention at each line break where it began its line: a name that wraps in
/// hard-wrapped prose starts after other words of its line ("le président Emmanuel\nMacron"),
/// while names that each fill a line (a list, a column of quotes) are names of their own, which
/// the model, trained on text without line breaks, reads as one ("Paris\nLondres").
pub(super) fn split_at_line_starts(text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
    if !mentions.iter().any(|m| text[m.range].contains('\n')) {
        return mentions;
    }
    let mut out = Vec::with_capacity(mentions.len());
    for m in mentions {
        let (start, end) = (usize::from(m.range.start()), usize::from(m.range.end()));
        let mut from = start;
        for (at, _) in text[start..end].match_indices('\n') {
            let at = start + at;
            if at < from {
                // Inside the white space skipped after the last cut.
                continue;
            }
            let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
            if !text[line_start..from].trim().is_empty() {
                continue;
            }
            let head_end = from + text[from..at].trim_end().len();
            if head_end > from {
                out.push(Mention {
                    range: TextRange::new(
                        TextSize::new(from as u32),
                        TextSize::new(head_end as u32),
                    ),
                    ..m.clone()
                });
            }
            let rest = &text[at + 1..end];
            from = end - rest.trim_start().len();
        }
        if from < end {
            out.push(Mention {
                range: TextRange::new(TextSize::new(from as u32), m.range.end()),
                ..m
            });
        }
    }
    out
}

/// What the text around a tagged mention says, whatever the model did: a preposition opening
/// the sentence is cut off ("Selon Merkel"); a lexicon name written with its `'s` keeps it and
/// the lexicon's label ("Sainsbury's": the corpora taught the tagger to stop before `'s`); a
/// French organisation takes the adjectives that follow it ("Parti socialiste européen": the
/// training data seldom has the adjective); one word right after a kind of thing is of that
/// kind ("le groupe Orange", "la tempête Egon", "la sonde Cassini", "la planète Mars"), and a
/// storm named with its capitalised kind is named so ("Hurricane Milton"), the place in
/// "Redmond-based" is a place, else a
/// person right after a preposition of place that only the place lists know is that place
/// ("moved to Paisley"); a dictionary noun opening a French title is only a candidate
/// ("Réunion à Genève"); a portfolio after a minister is no name ("ministre de la Défense"):
/// `false` drops the mention.
pub(super) fn settle(context: &Rules, tokens: &[Token], m: &mut Mention) -> bool {
    let mut i = tokens.partition_point(|t| t.range.start() < m.range.start());
    while i + 1 < tokens.len()
        && tokens[i + 1].range.end() <= m.range.end()
        && context.sentence_opener(i)
    {
        i += 1;
        m.range = TextRange::new(tokens[i].range.start(), m.range.end());
    }
    let end = tokens.partition_point(|t| t.range.end() <= m.range.end());
    if let Some(start) = context.past_address(i, end) {
        i = start;
        m.range = TextRange::new(tokens[i].range.start(), m.range.end());
    }
    if is_dateline(context, m.range) {
        m.label = Label::Loc;
        m.evidence = Evidence::Context;
        return true;
    }
    if let Some(place) = place_before_based(context.text, m.range) {
        m.range = place;
        m.label = Label::Loc;
        m.evidence = Evidence::Context;
        return true;
    }
    if let Some(start) = context.named_storm(i, end) {
        m.range = TextRange::new(tokens[start].range.start(), m.range.end());
        m.label = Label::Misc;
        m.evidence = Evidence::Context;
        return true;
    }
    if end > i + 1 {
        // A name of several words that the curated list states outright keeps its label,
        // whatever the model read ("Morgan Stanley" is no place).
        if let Some(label) = curated_label(context, m.range) {
            if label != m.label {
                m.label = label;
                m.evidence = Evidence::Lexicon;
            }
        }
    }
    if let Some((past, label)) = context.possessive_name(i, end) {
        m.range = TextRange::new(m.range.start(), tokens[past - 1].range.end());
        m.label = label;
        m.evidence = Evidence::Lexicon;
        return true;
    }
    if m.label == Label::Org && context.lang == Lang::Fr {
        let tail = context.adjectives_from(end);
        if tail > end {
            m.range = TextRange::new(m.range.start(), tokens[tail - 1].range.end());
        }
    }
    let single = tokens.get(i).is_some_and(|t| t.range == m.range);
    if !single {
        return true;
    }
    if let Some(label) = context.kind_word_before(i) {
        m.label = label;
        m.evidence = Evidence::Context;
    } else if m.label == Label::Per && context.place_after_preposition(i) {
        m.label = Label::Loc;
    }
    if context.common_word_heading_a_phrase(i) {
        m.evidence = Evidence::Candidate;
    }
    !context.after_ministry(i)
}

/// A dateline: the place a story was filed from, in capitals at the very start of the
/// paragraph and followed by a dash, perhaps after a date or an agency ("LIVERPOOL — ...",
/// "WASHINGTON (Reuters) - ...", "PARIS, 3 mars (AFP) – ..."), a place the lexicons know. The
/// model, which met few datelines, reads a word in capitals as an acronym.
fn is_dateline(context: &Rules, range: TextRange) -> bool {
    let text = context.text;
    let (Some(before), Some(name), Some(rest)) = (
        text.get(..usize::from(range.start())),
        text.get(std::ops::Range::<usize>::from(range)),
        text.get(usize::from(range.end())..),
    ) else {
        return false;
    };
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if !before.trim().is_empty() || letters < 3 || name.chars().any(char::is_lowercase) {
        return false;
    }
    // Up to the dash: nothing, or a short aside that starts with a comma or a parenthesis.
    let Some(dash) = rest
        .match_indices(['—', '–', '-'])
        .map(|(at, _)| at)
        .find(|&at| rest[..at].ends_with(char::is_whitespace))
    else {
        return false;
    };
    let aside = rest[..dash].trim();
    let after_dash = rest[dash..].chars().nth(1);
    let dated = after_dash.is_some_and(char::is_whitespace)
        && (aside.is_empty()
            || (aside.len() <= 40
                && aside.starts_with([',', '('])
                && !aside.contains(['.', '\n', '—', '–'])));
    let flags = context.lex.flags_of(name);
    dated && (flags.has(Flags::PLACE) || flags.has(Flags::COUNTRY))
}

/// "Roissy et Orly", "Leeds and Bradford": a name the model only guessed, joined by a
/// conjunction to a place or an organisation that a lexicon or the text vouches for, is of the
/// same kind, when it is one word that no list of first names or surnames has ("Rio Ferdinand
/// and Manchester", "Jorgensen et Copenhague" stay persons).
pub(super) fn coordinated(context: &Rules, mentions: &mut [Mention]) {
    let text = context.text;
    let lone_word = |m: &Mention| {
        let word = &text[m.range];
        let flags = context.lex.flags_of(word);
        !word.contains(char::is_whitespace)
            && !flags.has(Flags::FIRST_NAME)
            && !flags.has(Flags::SURNAME)
    };
    for k in 1..mentions.len() {
        let (a, b) = (&mentions[k - 1], &mentions[k]);
        let between = text
            .get(usize::from(a.range.end())..usize::from(b.range.start()))
            .unwrap_or_default()
            .trim();
        if !matches!(between, "et" | "and" | "ou" | "or") || a.label == b.label {
            continue;
        }
        let sure = |m: &Mention| m.evidence >= Evidence::Lexicon && m.label != Label::Per;
        let (weak, strong) = match (a.evidence == Evidence::Guess, b.evidence == Evidence::Guess) {
            (true, false) if sure(b) => (k - 1, k),
            (false, true) if sure(a) => (k, k - 1),
            _ => continue,
        };
        if lone_word(&mentions[weak]) {
            mentions[weak].label = mentions[strong].label;
        }
    }
}

/// The label the curated list gives the whole of `range`, if it lists it.
fn curated_label(context: &Rules, range: TextRange) -> Option<Label> {
    let name = context.text.get(std::ops::Range::<usize>::from(range))?;
    let flags = context.lex.flags_of(name);
    [
        (Flags::CURATED_ORG, Label::Org),
        (Flags::CURATED_LOC, Label::Loc),
        (Flags::CURATED_PER, Label::Per),
        (Flags::CURATED_MISC, Label::Misc),
    ]
    .into_iter()
    .find(|(flag, _)| flags.has(*flag))
    .map(|(_, label)| label)
}

/// `Redmond-based`, `London-born`: the place in a mention that ends so, which the model took
/// whole for a name.
fn place_before_based(text: &str, range: TextRange) -> Option<TextRange> {
    let found = &text[range];
    let ends_with = |suffix: &str| {
        let at = found.len().checked_sub(suffix.len())?;
        let tail = found.get(at..)?;
        tail.eq_ignore_ascii_case(suffix).then_some(suffix.len())
    };
    let cut = ends_with("-based").or_else(|| ends_with("-born"))?;
    (found.len() > cut)
        .then(|| TextRange::new(range.start(), range.end() - TextSize::from(cut as u32)))
}

/// The rules' mentions, those named with their kind made what the text vouches for, so that
/// they stand where the tagger saw nothing: a storm with its capitalised kind ("Typhoon
/// Haiyan") an event, one word after a kind of thing that kind ("the moon Titan" a place), the
/// place in "London-born" a place.
pub(super) fn named_by_kind(
    context: &Rules,
    tokens: &[Token],
    mut rules: Vec<Mention>,
) -> Vec<Mention> {
    for m in &mut rules {
        let i = tokens.partition_point(|t| t.range.start() < m.range.start());
        let end = tokens.partition_point(|t| t.range.end() <= m.range.end());
        let kind = if context.named_storm(i, end) == Some(i) {
            Some(Label::Misc)
        } else if end == i + 1 {
            context.kind_word_before(i)
        } else {
            None
        };
        if let Some(label) = kind {
            m.label = label;
            m.evidence = Evidence::Context;
        } else if is_dateline(context, m.range) {
            m.label = Label::Loc;
            m.evidence = Evidence::Context;
        } else if let Some(place) = place_before_based(context.text, m.range) {
            m.range = place;
            m.label = Label::Loc;
            m.evidence = Evidence::Context;
        }
    }
    rules
}

/// The tagger's mentions, and the rules' mentions that overlap none of them: as they are when
/// the text says what they are ("le groupe de mercenaires Wagner"), else as candidates.
pub(super) fn with_candidates(tagged: Vec<Mention>, rules: &[Mention]) -> Vec<Mention> {
    // The tagged ranges by start, with the furthest end reached so far: a range overlaps some
    // tagged mention when one starting before its end ends after its start. Linear in the
    // mentions, where comparing every pair took minutes on a 10 MB paragraph.
    let mut spans: Vec<TextRange> = tagged.iter().map(|t| t.range).collect();
    spans.sort_by_key(|r| r.start());
    let furthest: Vec<TextSize> = spans
        .iter()
        .scan(TextSize::new(0), |end, r| {
            *end = (*end).max(r.end());
            Some(*end)
        })
        .collect();
    let overlaps_tagged = |range: TextRange| {
        let before_end = spans.partition_point(|r| r.start() < range.end());
        before_end > 0 && furthest[before_end - 1] > range.start()
    };
    let mut out = tagged;
    for m in rules {
        if !overlaps_tagged(m.range) {
            let evidence = if m.evidence == Evidence::Context {
                Evidence::Context
            } else {
                Evidence::Candidate
            };
            out.push(Mention {
                evidence,
                ..m.clone()
            });
        }
    }
    out.sort_by_key(|m| m.range.start());
    out
}

/// The tagger's mentions, with the evidence the rules found for the same span and label (a
/// guess otherwise), so that document-level agreement still weighs them.
pub(super) fn tagged_mentions(tagged: Vec<(TextRange, Label)>, rules: &[Mention]) -> Vec<Mention> {
    let mut by_range: FxHashMap<TextRange, &Mention> = FxHashMap::default();
    for m in rules {
        by_range.entry(m.range).or_insert(m);
    }
    tagged
        .into_iter()
        .map(|(range, label)| match by_range.get(&range) {
            Some(m) if m.label == label => (*m).clone(),
            _ => Mention {
                range,
                label,
                evidence: Evidence::Guess,
            },
        })
        .collect()
}
