//! Feature extraction for the tagger: hashed feature ids for every token of a paragraph.
//!
//! A feature is a template number and one or more strings, hashed with FNV-1a (64 bits) and a
//! final mix. The hash is spelled out here rather than taken from `std` so that the ids, and so
//! the model files, are the same on every platform and every Rust version.

use crate::extract::{
    Evidence, Flags, Keys, Lang, Lexicon, Mention, Shape, Token, TokenKind, road_code,
};

/// The features of every token of one paragraph, flattened: token `i` owns
/// `ids[starts[i]..starts[i + 1]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub ids: Vec<u64>,
    pub starts: Vec<u32>,
}

impl Features {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn of(&self, token: usize) -> &[u64] {
        &self.ids[self.starts[token] as usize..self.starts[token + 1] as usize]
    }
}

/// The ids of the features a workspace model learns for one token ([`Paragraph::learnable`]).
pub(crate) type Learnable = [u64; 7];

/// The lexicon lists that become features, with the name used in the feature string.
const FLAGS: [(Flags, &str); 17] = [
    (Flags::COUNTRY, "country"),
    (Flags::PLACE, "place"),
    (Flags::FIRST_NAME, "first"),
    (Flags::SURNAME, "surname"),
    (Flags::COMPANY_SUFFIX, "company"),
    (Flags::DEMONYM_EN, "demonym"),
    (Flags::FR_WORD, "frword"),
    (Flags::FR_ADJ, "fradj"),
    (Flags::EN_WORD, "enword"),
    (Flags::CURATED_PER, "cper"),
    (Flags::CURATED_ORG, "corg"),
    (Flags::CURATED_LOC, "cloc"),
    (Flags::CURATED_MISC, "cmisc"),
    (Flags::GAZ_COMMUNE, "commune"),
    (Flags::GAZ_ADMIN, "admin"),
    (Flags::GAZ_PLACE, "geo"),
    (Flags::GAZ_ORG, "gazorg"),
];

/// Longest multi-word lexicon entry looked for, in tokens.
const MAX_PHRASE: usize = 6;

/// What the features need to know of each token.
struct Word<'a> {
    /// Lexicon key: lower case, `’` as `'`.
    lower: &'a str,
    /// Hashes ([`part`]) of `lower`, of its [`shape`] and of its last three characters.
    h: u64,
    h_shape: u64,
    h_suffix3: u64,
    flags: Flags,
    capitalized: bool,
    /// A word of the French or English dictionary.
    common: bool,
    /// The word's cluster ([`super::clusters`]) as written (or in lower case), and that of its
    /// title-case form when it is not written so ("nigeria", "LIMERICK").
    cluster: Option<u32>,
    title_cluster: Option<u32>,
}

/// What the features of a paragraph's tokens are computed from: every token's [`Word`], the
/// paragraph's style, the lexicon's multi-word entries and the rules' mentions. The features
/// themselves are computed a token at a time ([`Paragraph::token`]), so that tagging a long
/// paragraph holds per token a word and the tag scores, not the features.
pub(crate) struct Paragraph<'a> {
    text: &'a str,
    tokens: &'a [Token],
    words: Vec<Word<'a>>,
    style: u64,
    phrases: Vec<PhraseTag>,
    gazetteer_phrases: Vec<PhraseTag>,
    rules: Vec<Option<(bool, &'static str, Evidence)>>,
    /// For each token in a run of two or more capitalised words, the run's first and last
    /// token plus one; empty in French ([`Paragraph::run`]).
    runs: Vec<Option<(u32, u32)>>,
    lang: Lang,
}

impl<'a> Paragraph<'a> {
    /// `tokens` were cut from `text`; `hints` are the rules' mentions of the same text.
    pub(crate) fn new(
        text: &'a str,
        tokens: &'a [Token],
        keys: &'a Keys,
        lexicon: &Lexicon,
        lang: Lang,
        hints: &[Mention],
    ) -> Paragraph<'a> {
        let words: Vec<Word> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| word(text, t, keys.key(i), keys.flags()[i], lang))
            .collect();
        let style = style(&words, tokens);
        let (phrases, gazetteer_phrases) = phrase_tags(tokens, &words, lexicon, lang);
        let rules = hint_tags(tokens, hints);
        // English only: in French they changed no figure (unseen-form recall over three seeds
        // -6 and +19 mentions of 2,730 and 3,688, docs/accuracy.md), and a workspace model
        // learnt less from a French document with them.
        let runs = match lang {
            Lang::En => capitalized_runs(&words),
            Lang::Fr => Vec::new(),
        };
        Paragraph {
            text,
            tokens,
            words,
            style,
            phrases,
            gazetteer_phrases,
            rules,
            runs,
            lang,
        }
    }

    /// Appends the features of token `i` to `out`.
    pub(crate) fn token(&self, i: usize, out: &mut Vec<u64>) {
        let (text, tokens, words) = (self.text, self.tokens, &self.words);
        token_features(text, tokens, words, i, self.lang, self.phrases[i], out);
        extra_features(text, tokens, words, i, self.style, out);
        rule_features(&self.rules, i, words[i].h_shape, out);
        gazetteer_features(&words[i], tokens[i].sentence_start, out);
        if let Some((begin, tag)) = self.gazetteer_phrases[i] {
            out.push(id(GAZ_PHRASE, &[u64::from(begin), part(tag)]));
        }
        if let Some(prefix) = road_code(tokens[i].text(text)) {
            out.push(id(ROAD, &[part(prefix)]));
            out.push(id(ROAD, &[]));
        }
        if let Some((start, end)) = self.run(i) {
            run_features(words, i, start, end, out);
        }
    }

    /// The run of capitalised words token `i` stands in (first token, last plus one), if any.
    fn run(&self, i: usize) -> Option<(usize, usize)> {
        let (start, end) = self.runs.get(i).copied().flatten()?;
        Some((start as usize, end as usize))
    }

    /// The ids of the features a workspace model learns for token `i`: those of [`Self::identity`]
    /// and, in a run of capitalised words, those that name the run's first and last words unless
    /// that word is a short dictionary word (the first id again in their place).
    pub(crate) fn learnable(&self, i: usize) -> Learnable {
        let [a, b, c, d, e] = self.identity(i);
        let [f, g] = match self.run(i) {
            Some((start, end)) => {
                let [f, g] = run_names(&self.words, i, start, end);
                // Not by a short dictionary word ("The Labour Party"), as for a word itself.
                let short = |k: usize| {
                    let word = self.tokens[k].text(self.text);
                    self.words[k].flags.is_short_dictionary_word(word)
                };
                [
                    if short(end - 1) { a } else { f },
                    if short(start) { a } else { g },
                ]
            }
            None => [a, a],
        };
        [a, b, c, d, e, f, g]
    }

    /// The ids of the features that name token `i` itself (its word, raw form and the pairs
    /// with its neighbours), which training drops now and then so that the model also learns
    /// what carries a name it has never seen: shape, context, gazetteers.
    pub(crate) fn identity(&self, i: usize) -> [u64; 5] {
        let w = &self.words[i];
        let near = |j: Option<usize>| j.and_then(|j| self.words.get(j)).map(|n| n.h);
        const BOS: u64 = part("<s>");
        const EOS: u64 = part("</s>");
        let next_shape = self.words.get(i + 1).map_or(EOS, |n| n.h_shape);
        [
            id(W0, &[w.h]),
            id(W0_RAW, &[part(self.tokens[i].text(self.text))]),
            id(W_M1_W0, &[near(i.checked_sub(1)).unwrap_or(BOS), w.h]),
            id(W0_W_P1, &[w.h, near(Some(i + 1)).unwrap_or(EOS)]),
            id(SHAPE_P1_W0, &[w.h, next_shape]),
        ]
    }
}

/// Computes the features of every token of `tokens`, which were cut from `text`; `hints` are
/// the rules' mentions of the same text.
#[cfg(test)]
pub(crate) fn extract(
    text: &str,
    tokens: &[Token],
    keys: &Keys,
    lexicon: &Lexicon,
    lang: Lang,
    hints: &[Mention],
) -> Features {
    let paragraph = Paragraph::new(text, tokens, keys, lexicon, lang, hints);
    let mut out = Features {
        ids: Vec::with_capacity(tokens.len() * 48),
        starts: Vec::with_capacity(tokens.len() + 1),
    };
    out.starts.push(0);
    for i in 0..tokens.len() {
        paragraph.token(i, &mut out.ids);
        out.starts.push(out.ids.len() as u32);
    }
    out
}

fn word<'a>(text: &str, token: &Token, lower: &'a str, flags: Flags, lang: Lang) -> Word<'a> {
    let raw = token.text(text);
    let (cluster, title_cluster) = if token.kind == TokenKind::Word {
        let cluster = super::clusters::cluster(lang, raw)
            .or_else(|| (lower != raw).then(|| super::clusters::cluster(lang, lower))?);
        let title = title_case(raw);
        let title_cluster = (title != raw)
            .then(|| super::clusters::cluster(lang, &title))
            .flatten();
        (cluster, title_cluster)
    } else {
        (None, None)
    };
    let shape = shape(raw);
    Word {
        lower,
        h: part(lower),
        h_shape: part(&shape),
        h_suffix3: part(suffix3(lower)),
        flags,
        capitalized: token.is_capitalized(),
        common: flags.is_dictionary_word(),
        cluster,
        title_cluster,
    }
}

/// `Nigeria` for `nigeria` and `NIGERIA`.
pub(super) fn title_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for (i, c) in word.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// How the paragraph is written: too short to say (0), few capitalised words (1: chat written
/// in lower case), mostly capitalised words (2: titles, shouting), or ordinary prose (3).
/// Names look different in each.
fn style(words: &[Word], tokens: &[Token]) -> u64 {
    let (mut all, mut caps) = (0usize, 0usize);
    for (w, t) in words.iter().zip(tokens) {
        if t.kind == TokenKind::Word && t.shape != Shape::Number {
            all += 1;
            caps += usize::from(w.capitalized);
        }
    }
    if all < 4 {
        0
    } else if caps * 10 < all {
        1
    } else if caps * 10 > all * 6 {
        2
    } else {
        3
    }
}

/// The parts of a handle or run-together name: `OttawaPolice` gives `ottawa`, `police`;
/// `kburton_25` gives `kburton`, `25`. Nothing for an ordinary word.
fn parts(word: &str) -> Vec<String> {
    // Between two characters of different parts: punctuation, `aB`, a letter next to a digit.
    let boundary = |p: char, c: char| {
        !c.is_alphanumeric()
            || !p.is_alphanumeric()
            || (p.is_lowercase() && c.is_uppercase())
            || (p.is_alphabetic() != c.is_alphabetic())
    };
    // Most words have no parts: find out without allocating.
    let mut pairs = word.chars().zip(word.chars().skip(1));
    if !pairs.any(|(p, c)| boundary(p, c)) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in word.chars() {
        if prev.is_some_and(|p| boundary(p, c)) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    if out.len() < 2 { Vec::new() } else { out }
}

fn extra_features(
    text: &str,
    tokens: &[Token],
    words: &[Word],
    i: usize,
    style: u64,
    out: &mut Vec<u64>,
) {
    let w = &words[i];
    out.push(id(STYLE_SHAPE, &[style, w.h_shape]));
    // After a sigil: a handle as tweets write it (`@name`), or the sigil cut off by a space
    // (`@ name`), which is how some corpora's tokenizers left their handles.
    if let Some(p) = i.checked_sub(1).map(|p| &tokens[p]) {
        let sigil = p.text(text);
        if sigil == "@" || sigil == "#" {
            let glued = p.range.end() == tokens[i].range.start();
            out.push(id(SIGIL, &[part(sigil), u64::from(glued)]));
        }
    }
    if w.capitalized {
        out.push(id(STYLE_CAP, &[style, u64::from(w.common)]));
    }
    let pieces = parts(tokens[i].text(text));
    if let (Some(first), Some(last)) = (pieces.first(), pieces.last()) {
        out.push(id(PART_LAST, &[part(last)]));
        out.push(id(PART_FIRST, &[part(first)]));
        for p in &pieces {
            out.push(id(PART, &[part(p)]));
        }
    }
    if let Some(c) = w.title_cluster {
        for len in [4, 8, 12, 20] {
            out.push(id(TITLE_CLUSTER, &[cluster_prefix(c, len), len]));
        }
    }
    for (side, j) in [(0, i.checked_sub(1)), (1, Some(i + 1))] {
        let Some(n) = j.and_then(|j| words.get(j)) else {
            continue;
        };
        if let Some(c) = n.cluster.or(n.title_cluster) {
            for len in [4, 8, 12] {
                out.push(id(CLUSTER_NEAR, &[side, cluster_prefix(c, len), len]));
            }
        }
    }
}

/// For each word in a run of two or more capitalised words, the run (first word, last word plus
/// one). A run goes on over one or two connecting words before a capitalised one ("Ohio
/// Department of Natural Resources", "Bank of the Ozarks", "Marks & Spencer"; the French ones
/// join names of French origin in English text, "Rue de la Paix").
fn capitalized_runs(words: &[Word]) -> Vec<Option<(u32, u32)>> {
    let cap = |k: usize| words.get(k).is_some_and(|w| w.capitalized);
    let connects = |k: usize| {
        words.get(k).is_some_and(|w| {
            !w.capitalized
                && matches!(
                    w.lower,
                    "of" | "de"
                        | "du"
                        | "des"
                        | "d'"
                        | "and"
                        | "&"
                        | "for"
                        | "et"
                        | "la"
                        | "l'"
                        | "the"
                )
        })
    };
    let mut out = vec![None; words.len()];
    let mut start = 0;
    while start < words.len() {
        if !cap(start) {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        loop {
            if cap(end) {
                end += 1;
            } else if connects(end) && words[end].lower != "the" && cap(end + 1) {
                end += 2;
            } else if connects(end) && connects(end + 1) && cap(end + 2) {
                end += 3;
            } else {
                break;
            }
        }
        if end - start >= 2 {
            for slot in &mut out[start..end] {
                *slot = Some((start as u32, end as u32));
            }
        }
        start = end;
    }
    out
}

/// What a word learns of the run of capitalised words it stands in, beyond its neighbours:
/// the run's last word (the head of many organisations' names, "Brightwater Plumbing") and its
/// last three letters, its first word, its length and the word's place in it, and the words
/// around the run.
fn run_features(words: &[Word], i: usize, start: usize, end: usize, out: &mut Vec<u64>) {
    const BOS: u64 = part("<s>");
    const EOS: u64 = part("</s>");
    let place = if i == start {
        0
    } else if i + 1 == end {
        2
    } else {
        1
    };
    let len = (end - start).min(4) as u64;
    out.extend(run_names(words, i, start, end));
    out.push(id(RUN_PLACE, &[len, place]));
    let before = start.checked_sub(1).map_or(BOS, |j| words[j].h);
    out.push(id(RUN_BEFORE, &[before, place]));
    out.push(id(RUN_AFTER, &[words.get(end).map_or(EOS, |w| w.h), place]));
    out.push(id(RUN_LAST_SUFFIX, &[words[end - 1].h_suffix3, place]));
}

/// The run features that name words of the run (its last and first), which a workspace model
/// learns as it learns a word itself.
fn run_names(words: &[Word], i: usize, start: usize, end: usize) -> [u64; 2] {
    [
        id(RUN_LAST, &[words[end - 1].h, u64::from(i + 1 == end)]),
        id(RUN_FIRST, &[words[start].h, u64::from(i == start)]),
    ]
}

/// A gazetteer's word weighed with what makes it a name or not: how it is written, whether it
/// is a dictionary word or a person's name, and the population of the largest place so called
/// ("Orange" the commune and the colour, "Y" the village of 90 people).
fn gazetteer_features(w: &Word, sentence_start: bool, out: &mut Vec<u64>) {
    let kinds = [
        Flags::GAZ_COMMUNE,
        Flags::GAZ_ADMIN,
        Flags::GAZ_PLACE,
        Flags::GAZ_ORG,
    ]
    .iter()
    .enumerate()
    .fold(0u64, |acc, (k, f)| acc | (u64::from(w.flags.has(*f)) << k));
    if kinds == 0 {
        return;
    }
    let population = if w.flags.has(Flags::POP_SMALL) {
        0
    } else if w.flags.has(Flags::POP_LARGE) {
        2
    } else {
        1
    };
    let how = [
        u64::from(w.capitalized),
        u64::from(w.common),
        u64::from(w.flags.is_name()),
        u64::from(sentence_start),
    ];
    out.push(id(GAZ_GATE, &[kinds, how[0], how[1], how[2], population]));
    out.push(id(GAZ_GATE, &[how[0], how[1], how[3], population]));
    out.push(id(GAZ_GATE, &[kinds, how[0]]));
}

/// `Xx`, `XX`, `Xx-Xx`, `d`, `x'`: each run of one character class written once.
pub fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c == '’' {
            '\''
        } else {
            c
        };
        if last != Some(class) {
            out.push(class);
            last = Some(class);
        }
    }
    out
}

/// A token's place in a multi-word lexicon entry: first or not, and the entry's label.
type PhraseTag = Option<(bool, &'static str)>;

/// For each token, the label and position (`B`/`I`) of the longest multi-word lexicon entry
/// that covers it, if any: first by the lists the rules act on ([`Flags::entity_label`]), then
/// with the gazetteers too ([`Flags::gazetteer_label`]). One walk looks each key up once for
/// both; each reading resumes after the entry it found, as if it walked alone.
fn phrase_tags(
    tokens: &[Token],
    words: &[Word],
    lexicon: &Lexicon,
    lang: Lang,
) -> (Vec<PhraseTag>, Vec<PhraseTag>) {
    let gazetteer_label = |f: Flags| f.gazetteer_label().or_else(|| f.entity_label());
    let mut lists = (vec![None; tokens.len()], vec![None; tokens.len()]);
    // The first token each reading may tag next.
    let mut next = (0, 0);
    let mut key = String::new();
    for i in 0..tokens.len() {
        // French names are capitalised: a window of lower-case words (`de la`) is looked up no
        // further. English keeps them: tweets write `new york`.
        let last = tokens.len().min(i + MAX_PHRASE);
        if (i < next.0 && i < next.1)
            || !words[i].flags.has(Flags::PHRASE_START)
            || (lang == Lang::Fr && !words[i..last].iter().any(|w| w.capitalized))
        {
            continue;
        }
        // The key of the text from token `i` to token `j`, as `Keys` normalises
        // it: words as their keys, any white space between them as one space. It grows while
        // it is the beginning of some entry.
        key.clear();
        key.push_str(words[i].lower);
        let mut flags = words[i].flags;
        let mut found = (None, None);
        for j in i + 1..last {
            if tokens[j].range.start() > tokens[j - 1].range.end() {
                if j > i + 1 && !flags.has(Flags::PHRASE_PREFIX) {
                    break;
                }
                key.push(' ');
            }
            key.push_str(words[j].lower);
            flags = lexicon.get(&key);
            if let Some(label) = flags.entity_label() {
                found.0 = Some((j, label.tag()));
            }
            if let Some(label) = gazetteer_label(flags) {
                found.1 = Some((j, label.tag()));
            }
        }
        if i >= next.0 {
            next.0 = mark(&mut lists.0, i, found.0);
        }
        if i >= next.1 {
            next.1 = mark(&mut lists.1, i, found.1);
        }
    }
    lists
}

/// Tags tokens `i..=j` with the entry found from `i`, if any; the next token a reading may tag.
fn mark(out: &mut [PhraseTag], i: usize, found: Option<(usize, &'static str)>) -> usize {
    let Some((j, tag)) = found else {
        return i + 1;
    };
    out[i] = Some((true, tag));
    for slot in &mut out[i + 1..=j] {
        *slot = Some((false, tag));
    }
    j + 1
}

/// For each token, the tag the rules give it: `B-PER`, `I-LOC`, ... with their evidence.
fn hint_tags(tokens: &[Token], hints: &[Mention]) -> Vec<Option<(bool, &'static str, Evidence)>> {
    let mut out = vec![None; tokens.len()];
    let mut h = 0;
    for (i, token) in tokens.iter().enumerate() {
        while h < hints.len() && hints[h].range.end() <= token.range.start() {
            h += 1;
        }
        if let Some(m) = hints.get(h).filter(|m| m.range.contains_range(token.range)) {
            let begin = m.range.start() == token.range.start();
            out[i] = Some((begin, m.label.tag(), m.evidence));
        }
    }
    out
}

fn rule_features(
    rules: &[Option<(bool, &'static str, Evidence)>],
    i: usize,
    shape: u64,
    out: &mut Vec<u64>,
) {
    // `B-` and `I-` as 1 and 2, outside a rule's mention as 0, beyond the paragraph as 3.
    let position = |t: Option<&Option<(bool, &'static str, Evidence)>>| match t {
        Some(Some((true, tag, _))) => part(tag),
        Some(Some((false, _, _))) => 2,
        Some(None) => 0,
        None => 3,
    };
    let here = match rules[i] {
        Some((begin, tag, evidence)) => {
            out.push(id(
                RULE_EVIDENCE,
                &[u64::from(begin), part(tag), evidence as u64],
            ));
            if begin { 1 } else { 2 }
        }
        None => 0,
    };
    let tag = rules[i].map_or(0, |(_, tag, _)| part(tag));
    out.push(id(RULE, &[here, tag]));
    out.push(id(RULE_SHAPE, &[here, tag, shape]));
    let prev = if i == 0 { None } else { rules.get(i - 1) };
    out.push(id(
        RULE_NEIGHBOURS,
        &[position(prev), here, tag, position(rules.get(i + 1))],
    ));
}

// Template numbers: part of every hash, so that equal strings in two templates differ.
const BIAS: u8 = 0;
const W0: u8 = 1;
const W0_RAW: u8 = 2;
const W_M1: u8 = 3;
const W_P1: u8 = 4;
const W_M2: u8 = 5;
const W_P2: u8 = 6;
const W_M1_W0: u8 = 7;
const W0_W_P1: u8 = 8;
const SHAPE0: u8 = 9;
const SHAPE_M1: u8 = 10;
const SHAPE_P1: u8 = 11;
const SHAPE_TRI: u8 = 12;
const PREFIX: u8 = 13;
const SUFFIX: u8 = 14;
const START_SHAPE: u8 = 15;
const FLAG0: u8 = 16;
const FLAG_M1: u8 = 17;
const FLAG_P1: u8 = 18;
const CAP_COMMON: u8 = 19;
const PHRASE: u8 = 20;
const W_M1_SHAPE0: u8 = 21;
const LANG_CAP: u8 = 22;
const NAME_PAIR: u8 = 23;
const W_M2_M1: u8 = 28;
const W_P1_P2: u8 = 29;
const SHAPE_M2: u8 = 30;
const SHAPE_P2: u8 = 31;
const SUFFIX_M1: u8 = 32;
const SUFFIX_P1: u8 = 33;
const SHAPE_P1_W0: u8 = 34;
const CLUSTER: u8 = 35;
const STYLE_SHAPE: u8 = 36;
const STYLE_CAP: u8 = 37;
const PART: u8 = 38;
const PART_LAST: u8 = 39;
const PART_FIRST: u8 = 40;
const TITLE_CLUSTER: u8 = 41;
const CLUSTER_NEAR: u8 = 42;
const ALL_CAPS: u8 = 43;
const SIGIL: u8 = 44;
const GAZ_GATE: u8 = 45;
const GAZ_PHRASE: u8 = 46;
const ROAD: u8 = 47;
const RUN_LAST: u8 = 48;
const RUN_FIRST: u8 = 49;
const RUN_PLACE: u8 = 50;
const RUN_BEFORE: u8 = 51;
const RUN_AFTER: u8 = 52;
const RUN_LAST_SUFFIX: u8 = 53;

/// [`part`] of each name in [`FLAGS`].
const FLAG_PARTS: [u64; FLAGS.len()] = {
    let mut out = [0; FLAGS.len()];
    let mut k = 0;
    while k < FLAGS.len() {
        out[k] = part(FLAGS[k].1);
        k += 1;
    }
    out
};

const RULE: u8 = 24;
const RULE_EVIDENCE: u8 = 25;
const RULE_SHAPE: u8 = 26;
const RULE_NEIGHBOURS: u8 = 27;

#[allow(clippy::too_many_arguments)]
fn token_features(
    text: &str,
    tokens: &[Token],
    words: &[Word],
    i: usize,
    lang: Lang,
    phrase: PhraseTag,
    out: &mut Vec<u64>,
) {
    const BOS: u64 = part("<s>");
    const EOS: u64 = part("</s>");
    let w = &words[i];
    let near = |k: isize, of: fn(&Word) -> u64| -> u64 {
        let j = i as isize + k;
        if j < 0 {
            BOS
        } else {
            words.get(j as usize).map_or(EOS, of)
        }
    };
    let at = |k: isize| near(k, |w| w.h);
    let shape_at = |k: isize| near(k, |w| w.h_shape);
    out.push(id(BIAS, &[]));
    out.push(id(W0, &[w.h]));
    out.push(id(W0_RAW, &[part(tokens[i].text(text))]));
    out.push(id(W_M1, &[at(-1)]));
    out.push(id(W_P1, &[at(1)]));
    out.push(id(W_M2, &[at(-2)]));
    out.push(id(W_P2, &[at(2)]));
    out.push(id(W_M1_W0, &[at(-1), w.h]));
    out.push(id(W0_W_P1, &[w.h, at(1)]));
    out.push(id(SHAPE0, &[w.h_shape]));
    out.push(id(SHAPE_M1, &[shape_at(-1)]));
    out.push(id(SHAPE_P1, &[shape_at(1)]));
    out.push(id(SHAPE_TRI, &[shape_at(-1), w.h_shape, shape_at(1)]));
    out.push(id(W_M1_SHAPE0, &[at(-1), w.h_shape]));
    out.push(id(W_M2_M1, &[at(-2), at(-1)]));
    out.push(id(W_P1_P2, &[at(1), at(2)]));
    out.push(id(SHAPE_M2, &[shape_at(-2)]));
    out.push(id(SHAPE_P2, &[shape_at(2)]));
    out.push(id(SUFFIX_M1, &[near(-1, |w| w.h_suffix3)]));
    out.push(id(SUFFIX_P1, &[near(1, |w| w.h_suffix3)]));
    out.push(id(SHAPE_P1_W0, &[w.h, shape_at(1)]));
    // Prefixes and suffixes of one to four characters.
    for (b, c) in w.lower.char_indices().take(4) {
        out.push(id(PREFIX, &[part(&w.lower[..b + c.len_utf8()])]));
    }
    for (b, _) in w.lower.char_indices().rev().take(4) {
        out.push(id(SUFFIX, &[part(&w.lower[b..])]));
    }
    let start = if tokens[i].sentence_start {
        const { part("start") }
    } else {
        const { part("inside") }
    };
    out.push(id(START_SHAPE, &[start, w.h_shape]));
    let prev = if i > 0 {
        words[i - 1].flags
    } else {
        Flags::NONE
    };
    let next = words.get(i + 1).map_or(Flags::NONE, |n| n.flags);
    for (k, (flag, _)) in FLAGS.iter().enumerate() {
        if w.flags.has(*flag) {
            out.push(id(FLAG0, &[FLAG_PARTS[k]]));
        }
        if prev.has(*flag) {
            out.push(id(FLAG_M1, &[FLAG_PARTS[k]]));
        }
        if next.has(*flag) {
            out.push(id(FLAG_P1, &[FLAG_PARTS[k]]));
        }
    }
    if w.capitalized {
        let c = if w.common {
            const { part("common") }
        } else {
            const { part("rare") }
        };
        out.push(id(CAP_COMMON, &[start, c]));
        let own = match lang {
            Lang::Fr => w.flags.has(Flags::FR_WORD),
            Lang::En => w.flags.has(Flags::EN_WORD),
        };
        let own = if own {
            const { part("own") }
        } else {
            const { part("foreign") }
        };
        out.push(id(LANG_CAP, &[own]));
    }
    if w.capitalized
        && w.flags.is_name()
        && words
            .get(i + 1)
            .is_some_and(|n| n.capitalized && !n.flags.has(Flags::FR_WORD))
    {
        out.push(id(NAME_PAIR, &[]));
    }
    if let Some((begin, tag)) = phrase {
        out.push(id(PHRASE, &[u64::from(begin), part(tag)]));
    }
    match w.cluster {
        Some(c) => {
            for len in [4, 6, 10, 14, 20] {
                out.push(id(CLUSTER, &[cluster_prefix(c, len), len]));
            }
        }
        None => out.push(id(CLUSTER, &[])),
    }
    if tokens[i].shape == Shape::AllCaps {
        out.push(id(ALL_CAPS, &[]));
    }
}

/// The first `len` binary digits of a Brown cluster's number (all of them when it is shorter),
/// as a number.
fn cluster_prefix(cluster: u32, len: u64) -> u64 {
    let bits = u64::from(32 - cluster.leading_zeros());
    u64::from(cluster) >> bits.saturating_sub(len)
}

/// The last three characters of a word.
fn suffix3(word: &str) -> &str {
    let start = word.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
    &word[start..]
}

/// FNV-1a (64 bits) of a string: one part of a feature, computed once per word and reused by
/// every template that looks at it.
pub const fn part(s: &str) -> u64 {
    let bytes = s.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

/// A feature id: the template number and the parts, each mixed in turn (so order matters),
/// then a SplitMix64 finaliser so that the low bits, which pick the model's slot, are well
/// mixed. Spelt out here, like [`part`], so that ids and model files are the same on every
/// platform and every Rust version.
pub fn id(template: u8, parts: &[u64]) -> u64 {
    let mut h = (u64::from(template) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &p in parts {
        h = (h ^ p).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 29;
    }
    let mut z = h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over the template number and the parts (each followed by a separator), then a
/// SplitMix64 finaliser so that the low bits, which pick the slot, are well mixed.
pub fn hash(template: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    eat(template);
    for part in parts {
        for &b in part.as_bytes() {
            eat(b);
        }
        eat(0xff);
    }
    let mut z = h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokenize;
    use crate::tagger::clusters;

    fn features_of(text: &str) -> (Vec<Token>, Features) {
        let lexicon = Lexicon::embedded();
        let tokens = tokenize(text);
        let keys = Keys::new(text, &tokens, &lexicon);
        let feats = extract(text, &tokens, &keys, &lexicon, Lang::Fr, &[]);
        (tokens, feats)
    }

    /// The id of a feature whose parts are all strings.
    fn feature(template: u8, parts: &[&str]) -> u64 {
        let parts: Vec<u64> = parts.iter().map(|p| part(p)).collect();
        id(template, &parts)
    }

    fn has(text: &str, token: usize, template: u8, parts: &[&str]) -> bool {
        let (_, feats) = features_of(text);
        feats.of(token).contains(&feature(template, parts))
    }

    #[test]
    fn typographic_elisions_read_like_straight_ones() {
        // `l’` and `l'` give the same word features; only the raw form differs.
        let curly = "Il vient de l’Aveyron.";
        let straight = "Il vient de l'Aveyron.";
        assert!(has(curly, 3, W0, &["l'"]) && has(straight, 3, W0, &["l'"]));
        assert!(has(curly, 4, W_M1, &["l'"]) && has(straight, 4, W_M1, &["l'"]));
        assert!(has(curly, 3, SHAPE0, &["x'"]));
        assert!(has(curly, 4, W0, &["aveyron"]));
    }

    #[test]
    fn hyphenated_names_are_one_word() {
        let text = "Selon Marie-Claire Dubois-Rey, tout va bien.";
        let (tokens, feats) = features_of(text);
        assert_eq!(tokens[1].text(text), "Marie-Claire");
        assert!(feats.of(1).contains(&feature(SHAPE0, &["Xx-Xx"])));
        assert!(feats.of(2).contains(&feature(W0, &["dubois-rey"])));
        assert!(feats.of(2).contains(&feature(SUFFIX, &["-rey"])));
    }

    #[test]
    fn all_caps_headlines_and_sentence_starts() {
        let text = "LE MAIRE DE NANTES DÉMISSIONNE";
        assert!(has(text, 1, ALL_CAPS, &[]));
        assert!(has(text, 1, SHAPE0, &["X"]));
        // A capitalised common word is marked as such, at the start or inside a sentence.
        assert!(has(text, 0, CAP_COMMON, &["start", "common"]));
        assert!(has(text, 1, CAP_COMMON, &["inside", "common"]));
        let text = "Demain, Nantes vote.";
        assert!(has(text, 0, START_SHAPE, &["start", "Xx"]));
        assert!(has(text, 2, START_SHAPE, &["inside", "Xx"]));
    }

    #[test]
    fn non_breaking_spaces_and_quotes() {
        let text = "«\u{a0}Bonjour\u{202f}», dit-il à Rennes\u{a0}!";
        let (tokens, feats) = features_of(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        assert_eq!(
            words,
            ["«", "Bonjour", "»", ",", "dit-il", "à", "Rennes", "!"]
        );
        assert!(feats.of(6).contains(&feature(W_M1, &["à"])));
        assert!(feats.of(6).contains(&feature(FLAG0, &["place"])));
    }

    #[test]
    fn handles_and_run_together_names_have_parts() {
        assert_eq!(parts("OttawaPolice"), ["ottawa", "police"]);
        assert_eq!(parts("kburton_25"), ["kburton", "25"]);
        assert_eq!(parts("Jean-Luc"), ["jean", "luc"]);
        assert!(parts("Paris").is_empty() && parts("ONU").is_empty() && parts("").is_empty());
        let text = "Merci à MairieDeLyon pour tout.";
        assert!(has(text, 2, PART_LAST, &["lyon"]) && has(text, 2, PART, &["mairie"]));
    }

    #[test]
    fn a_sigil_glued_to_a_word_differs_from_one_cut_off_by_a_space() {
        let sigil = |text: &str, token: usize, glued: bool| {
            let (tokens, feats) = features_of(text);
            let sigil = tokens[token - 1].text(text);
            feats
                .of(token)
                .contains(&id(SIGIL, &[part(sigil), u64::from(glued)]))
        };
        // `RT @acme :` as tweets write it, and as a corpus tokenizer left it.
        assert!(sigil("RT @acme : ok", 2, true) && !sigil("RT @acme : ok", 2, false));
        assert!(sigil("RT @ acme : ok", 2, false) && !sigil("RT @ acme : ok", 2, true));
        assert!(sigil("vive #Lyon", 2, true));
        // Other words have no sigil feature.
        let (_, feats) = features_of("RT @acme : ok");
        let sigils = |t: usize| {
            [0, 1]
                .iter()
                .filter(|&&g| feats.of(t).contains(&id(SIGIL, &[part("@"), g])))
                .count()
        };
        assert_eq!((sigils(0), sigils(3), sigils(4)), (0, 0, 0));
    }

    #[test]
    fn english_words_written_in_lower_case_or_capitals_get_their_title_case_cluster() {
        let lexicon = Lexicon::embedded();
        let text = "flights to nigeria and NIGERIA";
        let tokens = tokenize(text);
        let keys = Keys::new(text, &tokens, &lexicon);
        let feats = extract(text, &tokens, &keys, &lexicon, Lang::En, &[]);
        let title = clusters::cluster(Lang::En, "Nigeria").expect("Nigeria has a Brown cluster");
        let expected = id(TITLE_CLUSTER, &[cluster_prefix(title, 8), 8]);
        assert!(feats.of(2).contains(&expected) && feats.of(4).contains(&expected));
        assert_eq!(cluster_prefix(0b1011_0110, 4), 0b1011);
        assert_eq!(cluster_prefix(0b101, 8), 0b101);
    }

    /// Calls `f` with the tokens of an English `text` and their words.
    fn with_words<R>(text: &str, f: impl FnOnce(&[Token], &[Word]) -> R) -> R {
        let lexicon = Lexicon::embedded();
        let tokens = tokenize(text);
        let keys = Keys::new(text, &tokens, &lexicon);
        let words: Vec<Word> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| word(text, t, keys.key(i), keys.flags()[i], Lang::En))
            .collect();
        f(&tokens, &words)
    }

    #[test]
    fn paragraph_styles() {
        let style_of = |text: &str| with_words(text, |tokens, words| style(words, tokens));
        assert_eq!(style_of("Hi Bo"), 0);
        assert_eq!(
            style_of("omg cant believe tom and jerry are on at the mall lol"),
            1
        );
        assert_eq!(style_of("Minister Resigns Over Budget Row In Leeds"), 2);
        assert_eq!(
            style_of("The minister in Leeds resigned over the budget row."),
            3
        );
    }

    #[test]
    fn road_numbers() {
        let text = "Un accident sur l’A62 près de Langon.";
        assert!(has(text, 4, ROAD, &["A"]) && !has(text, 6, ROAD, &[]));
    }

    /// The runs of capitalised words in `text`, as their words joined by `|`.
    fn runs(text: &str) -> Vec<String> {
        with_words(text, |tokens, words| {
            let mut out: Vec<String> = capitalized_runs(words)
                .into_iter()
                .flatten()
                .map(|(s, e)| {
                    let words: Vec<&str> = tokens[s as usize..e as usize]
                        .iter()
                        .map(|t| t.text(text))
                        .collect();
                    words.join("|")
                })
                .collect();
            out.dedup();
            out
        })
    }

    #[test]
    fn runs_of_capitalised_words_and_what_joins_them() {
        let text = "Yesterday Ohio Department of Natural Resources staff met Marks & Spencer \
                    buyers and the Bank of the Ozarks in Dayton.";
        assert_eq!(
            runs(text),
            [
                "Yesterday|Ohio|Department|of|Natural|Resources",
                "Marks|&|Spencer",
                "Bank|of|the|Ozarks"
            ]
        );
        // Not "the" alone, nor connecting words that lead to no capital.
        assert!(runs("Paris the Great").is_empty());
        assert!(runs("Ohio of the people").is_empty());
    }

    #[test]
    fn english_runs_reach_every_word_and_learn_their_names() {
        let text = "Staff at the Greenfield County Sheriff Office said nothing.";
        let lexicon = Lexicon::embedded();
        let tokens = tokenize(text);
        let keys = Keys::new(text, &tokens, &lexicon);
        let paragraph = Paragraph::new(text, &tokens, &keys, &lexicon, Lang::En, &[]);
        let features = |i: usize| {
            let mut out = Vec::new();
            paragraph.token(i, &mut out);
            out
        };
        assert_eq!(tokens[3].text(text), "Greenfield");
        let head = id(RUN_LAST, &[part("office"), 0]);
        assert!(features(3).contains(&head) && features(5).contains(&head));
        assert!(features(3).contains(&id(RUN_PLACE, &[4, 0])));
        assert!(!features(2).contains(&head) && !features(7).contains(&head));
        // What a workspace model learns of a word includes the run's first and last words.
        assert!(paragraph.learnable(3).contains(&head));
        assert!(!paragraph.learnable(2).contains(&head));
        // French paragraphs have none.
        let french = "Le Conseil National Des Sages siège.";
        let (_, feats) = features_of(french);
        assert!((0..6).all(|i| {
            !feats
                .of(i)
                .iter()
                .any(|f| *f == id(RUN_PLACE, &[4, 0]) || *f == id(RUN_PLACE, &[4, 1]))
        }));
    }

    #[test]
    fn gazetteer_words_are_weighed_with_their_writing_and_population() {
        let text = "Il habite Figeac et mange une orange à Orange.";
        let (tokens, feats) = features_of(text);
        assert_eq!(
            [
                tokens[2].text(text),
                tokens[6].text(text),
                tokens[8].text(text)
            ],
            ["Figeac", "orange", "Orange"]
        );
        // Figeac: a commune and a GeoNames place, capitalised.
        let (commune, geo) = (1u64, 4u64);
        assert!(has(text, 2, FLAG0, &["commune"]) && has(text, 2, FLAG0, &["geo"]));
        assert!(feats.of(2).contains(&id(GAZ_GATE, &[commune | geo, 1])));
        // The fruit and the town are both in the gazetteers; the capital tells them apart.
        assert!(feats.of(8).contains(&id(GAZ_GATE, &[commune | geo, 1])));
        assert!(feats.of(6).contains(&id(GAZ_GATE, &[commune | geo, 0])));
        // A word no gazetteer holds has no gazetteer feature.
        let gated = |i: usize| {
            (0..16u64).any(|k| {
                [0u64, 1]
                    .iter()
                    .any(|&c| feats.of(i).contains(&id(GAZ_GATE, &[k, c])))
            })
        };
        assert!(!gated(1) && !gated(7));
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("Jean-Luc"), "Xx-Xx");
        assert_eq!(shape("G7"), "Xd");
        assert_eq!(shape("d’"), "x'");
        assert_eq!(shape("McDonald"), "XxXx");
    }
}
