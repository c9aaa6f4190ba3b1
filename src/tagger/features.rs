//! Feature extraction for the tagger: hashed feature ids for every token of a paragraph.
//!
//! A feature is a template number and one or more strings, hashed with FNV-1a (64 bits) and a
//! final mix. The hash is spelled out here rather than taken from `std` so that the ids, and so
//! the model files, are the same on every platform and every Rust version.

use crate::extract::{
    Evidence, Flags, Lang, Lexicon, Mention, Shape, Token, TokenKind, push_normalized,
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

/// The lexicon lists that become features, with the name used in the feature string.
const FLAGS: [(Flags, &str); 13] = [
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
];

/// Longest multi-word lexicon entry looked for, in tokens.
const MAX_PHRASE: usize = 6;

/// What the features need to know of each token.
struct Word {
    /// Lexicon key: lower case, `’` as `'`.
    lower: String,
    shape: String,
    flags: Flags,
    capitalized: bool,
}

/// Computes the features of `tokens`, which were cut from `text`; `hints` are the rules'
/// mentions of the same text.
pub(crate) fn extract(
    text: &str,
    tokens: &[Token],
    lexicon: &Lexicon,
    lang: Lang,
    hints: &[Mention],
) -> Features {
    let words: Vec<Word> = tokens.iter().map(|t| word(text, t, lexicon)).collect();
    let phrases = phrase_tags(text, tokens, &words, lexicon);
    let rules = hint_tags(tokens, hints);
    let mut out = Features {
        ids: Vec::with_capacity(tokens.len() * 48),
        starts: Vec::with_capacity(tokens.len() + 1),
    };
    out.starts.push(0);
    for i in 0..tokens.len() {
        token_features(text, tokens, &words, i, lang, phrases[i], &mut out.ids);
        rule_features(&rules, i, &words[i].shape, &mut out.ids);
        out.starts.push(out.ids.len() as u32);
    }
    out
}

fn word(text: &str, token: &Token, lexicon: &Lexicon) -> Word {
    let raw = token.text(text);
    let mut lower = String::with_capacity(raw.len());
    push_normalized(&mut lower, raw);
    let flags = if token.kind == TokenKind::Punct {
        Flags::NONE
    } else {
        lexicon.get(&lower)
    };
    Word {
        lower,
        shape: shape(raw),
        flags,
        capitalized: token.is_capitalized(),
    }
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

/// For each token, the label and position (`B`/`I`) of the longest multi-word lexicon entry
/// that covers it, if any.
fn phrase_tags(
    text: &str,
    tokens: &[Token],
    words: &[Word],
    lexicon: &Lexicon,
) -> Vec<Option<(bool, &'static str)>> {
    let mut out = vec![None; tokens.len()];
    let mut key = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if !words[i].flags.has(Flags::PHRASE_START) {
            i += 1;
            continue;
        }
        let mut found = None;
        for j in (i + 1..tokens.len().min(i + MAX_PHRASE)).rev() {
            key.clear();
            let range = tokens[i].range.cover(tokens[j].range);
            push_normalized(&mut key, &text[range]);
            if let Some(label) = lexicon.get(&key).entity_label() {
                found = Some((j, label.tag()));
                break;
            }
        }
        match found {
            Some((j, tag)) => {
                out[i] = Some((true, tag));
                for slot in &mut out[i + 1..=j] {
                    *slot = Some((false, tag));
                }
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
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
    shape: &str,
    out: &mut Vec<u64>,
) {
    let name = |t: Option<&Option<(bool, &'static str, Evidence)>>| match t {
        Some(Some((true, tag, _))) => *tag,
        Some(Some((false, _, _))) => "I",
        Some(None) => "O",
        None => "-",
    };
    let here = match rules[i] {
        Some((begin, tag, evidence)) => {
            let ev = match evidence {
                Evidence::Candidate => "candidate",
                Evidence::Guess => "guess",
                Evidence::Lexicon => "lexicon",
                Evidence::Context => "context",
            };
            out.push(hash(
                RULE_EVIDENCE,
                &[if begin { "B" } else { "I" }, tag, ev],
            ));
            if begin { "B" } else { "I" }
        }
        None => "O",
    };
    let tag = rules[i].map_or("O", |(_, tag, _)| tag);
    out.push(hash(RULE, &[here, tag]));
    out.push(hash(RULE_SHAPE, &[here, tag, shape]));
    let prev = if i == 0 { None } else { rules.get(i - 1) };
    out.push(hash(
        RULE_NEIGHBOURS,
        &[name(prev), here, tag, name(rules.get(i + 1))],
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
    phrase: Option<(bool, &'static str)>,
    out: &mut Vec<u64>,
) {
    let w = &words[i];
    let at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 {
            "<s>"
        } else {
            words.get(j as usize).map_or("</s>", |w| w.lower.as_str())
        }
    };
    let shape_at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 {
            "<s>"
        } else {
            words.get(j as usize).map_or("</s>", |w| w.shape.as_str())
        }
    };
    out.push(hash(BIAS, &[]));
    out.push(hash(W0, &[&w.lower]));
    out.push(hash(W0_RAW, &[tokens[i].text(text)]));
    out.push(hash(W_M1, &[at(-1)]));
    out.push(hash(W_P1, &[at(1)]));
    out.push(hash(W_M2, &[at(-2)]));
    out.push(hash(W_P2, &[at(2)]));
    out.push(hash(W_M1_W0, &[at(-1), &w.lower]));
    out.push(hash(W0_W_P1, &[&w.lower, at(1)]));
    out.push(hash(SHAPE0, &[&w.shape]));
    out.push(hash(SHAPE_M1, &[shape_at(-1)]));
    out.push(hash(SHAPE_P1, &[shape_at(1)]));
    out.push(hash(SHAPE_TRI, &[shape_at(-1), &w.shape, shape_at(1)]));
    out.push(hash(W_M1_SHAPE0, &[at(-1), &w.shape]));
    out.push(hash(W_M2_M1, &[at(-2), at(-1)]));
    out.push(hash(W_P1_P2, &[at(1), at(2)]));
    out.push(hash(SHAPE_M2, &[shape_at(-2)]));
    out.push(hash(SHAPE_P2, &[shape_at(2)]));
    out.push(hash(SUFFIX_M1, &[suffix3(at(-1))]));
    out.push(hash(SUFFIX_P1, &[suffix3(at(1))]));
    out.push(hash(SHAPE_P1_W0, &[&w.lower, shape_at(1)]));
    let chars: Vec<(usize, char)> = w.lower.char_indices().collect();
    for k in 1..=4.min(chars.len()) {
        let end = chars.get(k).map_or(w.lower.len(), |&(b, _)| b);
        out.push(hash(PREFIX, &[&w.lower[..end]]));
        let start = chars[chars.len() - k].0;
        out.push(hash(SUFFIX, &[&w.lower[start..]]));
    }
    let start = if tokens[i].sentence_start {
        "start"
    } else {
        "inside"
    };
    out.push(hash(START_SHAPE, &[start, &w.shape]));
    for (flag, name) in FLAGS {
        if w.flags.has(flag) {
            out.push(hash(FLAG0, &[name]));
        }
        if i > 0 && words[i - 1].flags.has(flag) {
            out.push(hash(FLAG_M1, &[name]));
        }
        if words.get(i + 1).is_some_and(|n| n.flags.has(flag)) {
            out.push(hash(FLAG_P1, &[name]));
        }
    }
    let common = w.flags.has(Flags::FR_WORD) || w.flags.has(Flags::EN_WORD);
    if w.capitalized {
        out.push(hash(
            CAP_COMMON,
            &[start, if common { "common" } else { "rare" }],
        ));
        let own = match lang {
            Lang::Fr => w.flags.has(Flags::FR_WORD),
            Lang::En => w.flags.has(Flags::EN_WORD),
        };
        out.push(hash(LANG_CAP, &[if own { "own" } else { "foreign" }]));
    }
    if w.capitalized
        && w.flags.is_name()
        && words
            .get(i + 1)
            .is_some_and(|n| n.capitalized && !n.flags.has(Flags::FR_WORD))
    {
        out.push(hash(NAME_PAIR, &[]));
    }
    if let Some((begin, tag)) = phrase {
        out.push(hash(PHRASE, &[if begin { "B" } else { "I" }, tag]));
    }
    if lang == Lang::En {
        let raw = tokens[i].text(text);
        let found = super::clusters::cluster(raw).or_else(|| super::clusters::cluster(&w.lower));
        match found {
            Some(c) => {
                let bits = format!("{c:b}");
                for len in [4, 6, 10, 14, 20] {
                    out.push(hash(
                        CLUSTER,
                        &[&bits[..len.min(bits.len())], &len.to_string()],
                    ));
                }
            }
            None => out.push(hash(CLUSTER, &["none"])),
        }
    }
    if tokens[i].shape == Shape::AllCaps {
        out.push(hash(SHAPE0, &["ALLCAPS"]));
    }
}

/// The last three characters of a word.
fn suffix3(word: &str) -> &str {
    let start = word.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
    &word[start..]
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
    use crate::extract::{Extractor, tokenize};

    fn features_of(text: &str) -> (Vec<Token>, Features) {
        let extractor = Extractor::rules_only();
        let tokens = tokenize(text);
        let feats = extract(text, &tokens, extractor.lexicon(), Lang::Fr, &[]);
        (tokens, feats)
    }

    fn has(text: &str, token: usize, template: u8, parts: &[&str]) -> bool {
        let (_, feats) = features_of(text);
        feats.of(token).contains(&hash(template, parts))
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
        assert!(feats.of(1).contains(&hash(SHAPE0, &["Xx-Xx"])));
        assert!(feats.of(2).contains(&hash(W0, &["dubois-rey"])));
        assert!(feats.of(2).contains(&hash(SUFFIX, &["-rey"])));
    }

    #[test]
    fn all_caps_headlines_and_sentence_starts() {
        let text = "LE MAIRE DE NANTES DÉMISSIONNE";
        assert!(has(text, 1, SHAPE0, &["ALLCAPS"]));
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
        assert!(feats.of(6).contains(&hash(W_M1, &["à"])));
        assert!(feats.of(6).contains(&hash(FLAG0, &["place"])));
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("Jean-Luc"), "Xx-Xx");
        assert_eq!(shape("G7"), "Xd");
        assert_eq!(shape("d’"), "x'");
        assert_eq!(shape("McDonald"), "XxXx");
    }
}
