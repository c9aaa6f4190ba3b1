//! The rules: find capitalised chunks, trim them, and label them from lexicons and cues.
//!
//! One left-to-right pass over the tokens. At each capitalised word the rules try, in order:
//! a multi-word lexicon name (`Nations unies`), then a chunk of capitalised words joined by
//! particles (`Charles de Gaulle`, `Banque de France`), trimmed of a sentence-initial common
//! word (`Selon`) or an English title (`President`), and labelled by [`Rules::classify`].

use super::cues;
use super::lexicon::{Flags, Lexicon, push_normalized};
use super::tokenize::{Shape, Token, TokenKind};
use super::{Evidence, Label, Lang, Mention};

/// The longest multi-word lexicon name tried, in tokens.
const MAX_PHRASE: usize = 8;

pub(super) struct Rules<'a> {
    text: &'a str,
    toks: &'a [Token],
    lex: &'a Lexicon,
    lang: Lang,
    /// Lexicon keys of all tokens, one after another; `key_ends[i]` ends token `i`'s key.
    keys: String,
    key_ends: Vec<u32>,
    flags: Vec<Flags>,
}

impl<'a> Rules<'a> {
    pub(super) fn new(text: &'a str, toks: &'a [Token], lex: &'a Lexicon, lang: Lang) -> Rules<'a> {
        let mut keys = String::with_capacity(text.len() + 16);
        let mut key_ends = Vec::with_capacity(toks.len());
        let mut flags = Vec::with_capacity(toks.len());
        for t in toks {
            let start = keys.len();
            push_normalized(&mut keys, t.text(text));
            key_ends.push(keys.len() as u32);
            let is_word = t.kind != TokenKind::Punct;
            flags.push(if is_word {
                lex.get(&keys[start..])
            } else {
                Flags::NONE
            });
        }
        Rules {
            text,
            toks,
            lex,
            lang,
            keys,
            key_ends,
            flags,
        }
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.key_ends[i - 1] as usize
        };
        &self.keys[start..self.key_ends[i] as usize]
    }

    fn word_key(&self, i: usize) -> Option<&str> {
        self.toks
            .get(i)
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|_| self.key(i))
    }

    pub(super) fn run(&self) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            i = self.step(i, &mut out).max(i + 1);
        }
        out
    }

    /// Handles the name that may start at token `i`; returns the index to continue from.
    fn step(&self, i: usize, out: &mut Vec<Mention>) -> usize {
        if let Some((end, label)) = self.lower_head(i) {
            self.push(out, i, end, label, Evidence::Context);
            return end;
        }
        if !self.toks[i].is_capitalized() {
            return i + 1;
        }
        if let Some((end, label)) = self.phrase(i) {
            let end = self.with_year(end, label);
            self.push(out, i, end, label, Evidence::Lexicon);
            return end;
        }
        let end = self.chunk_end(i);
        let start = self.trim_start(i, end, out);
        if start == end {
            return end;
        }
        if let Some((pend, label)) = self.phrase(start) {
            self.push(out, start, pend, label, Evidence::Lexicon);
            return pend;
        }
        if let Some((label, evidence)) = self.classify(start, end) {
            self.push(out, start, end, label, evidence);
        }
        end
    }

    fn push(
        &self,
        out: &mut Vec<Mention>,
        start: usize,
        end: usize,
        label: Label,
        evidence: Evidence,
    ) {
        let range = self.toks[start].range.cover(self.toks[end - 1].range);
        out.push(Mention {
            range,
            label,
            evidence,
        });
    }

    /// A lower-case head noun that starts a name: `ministère de l'Intérieur`,
    /// `armée syrienne`, `championnat de France 2016`.
    fn lower_head(&self, i: usize) -> Option<(usize, Label)> {
        let key = self.word_key(i)?;
        if self.toks[i].shape != Shape::Lower {
            return None;
        }
        let (label, takes_adjective) = cues::lower_head(key)?;
        let mut j = i + 1;
        while self
            .toks
            .get(j)
            .is_some_and(|t| t.is_word() && t.shape == Shape::Lower)
            && self.is_fr_adj(j)
            && !is_participle(self.key(j))
        {
            j += 1;
        }
        match self.particles_end(j, cues::org_particle) {
            Some(k) if cues::cardinal(self.key(k)) => return None,
            Some(k) => j = self.chunk_end(k),
            None if j > i + 1 && takes_adjective => {}
            None => return None,
        }
        Some((self.with_year(j, label), label))
    }

    /// Extends an event's name over a year that follows it (`Tour de France 2016`).
    fn with_year(&self, end: usize, label: Label) -> usize {
        let year = self.toks.get(end).is_some_and(|t| {
            t.shape == Shape::Number
                && self.key(end).len() == 4
                && self.key(end).starts_with(['1', '2'])
        });
        if label == Label::Misc && year {
            end + 1
        } else {
            end
        }
    }

    /// The longest multi-word lexicon name starting at `i`, with its label.
    fn phrase(&self, i: usize) -> Option<(usize, Label)> {
        if !self.flags[i].has(Flags::PHRASE_START) {
            return None;
        }
        let mut buf = String::from(self.key(i));
        let mut best = None;
        for j in i + 1..self.toks.len().min(i + MAX_PHRASE) {
            if self.toks[j].kind == TokenKind::Punct {
                break;
            }
            if self.toks[j - 1].kind != TokenKind::Elision {
                buf.push(' ');
            }
            buf.push_str(self.key(j));
            if let Some(label) = self.lex.get(&buf).entity_label() {
                best = Some((j + 1, label));
            }
        }
        best
    }

    /// The end of the chunk of capitalised words (and particles between them) starting at `i`.
    fn chunk_end(&self, i: usize) -> usize {
        let head = self.key(i);
        let org = cues::org_head(head) || cues::loc_head(head) || cues::event_head(head);
        let person = self.flags[i].has(Flags::FIRST_NAME);
        let mut j = i + 1;
        if org && self.lang == Lang::Fr {
            while self
                .toks
                .get(j)
                .is_some_and(|t| t.is_word() && t.shape == Shape::Lower)
                && self.is_fr_adj(j)
            {
                j += 1;
            }
        }
        loop {
            if cues::event_head(head) && j > i + 1 {
                j = self.with_year(j, Label::Misc);
            }
            if self
                .toks
                .get(j)
                .is_some_and(|t| t.is_capitalized() && !t.sentence_start)
            {
                j += 1;
                continue;
            }
            let particle = |k: &str| {
                if org {
                    cues::org_particle(k)
                } else {
                    cues::name_particle(k)
                        && (person || !matches!(k, "de" | "du" | "des" | "d'" | "la" | "le"))
                }
            };
            match self.particles_end(j, particle) {
                Some(k) if j > i => j = k + 1,
                _ => return j,
            }
        }
    }

    /// When the tokens from `j` are one or two particles followed by a capitalised word, the
    /// index of that word.
    fn particles_end(&self, j: usize, is_particle: impl Fn(&str) -> bool) -> Option<usize> {
        let first = self.word_key(j)?;
        if !is_particle(first) || self.toks[j].is_capitalized() {
            return None;
        }
        let mut k = j + 1;
        if first == "de" && matches!(self.word_key(k), Some("la" | "l'")) {
            k += 1;
        }
        let next = self.toks.get(k)?;
        (next.is_capitalized() && !next.sentence_start).then_some(k)
    }

    /// Drops sentence-initial common words and English titles and demonyms from the chunk's start.
    fn trim_start(&self, i: usize, end: usize, out: &mut Vec<Mention>) -> usize {
        let mut k = i;
        while k < end {
            let key = self.key(k);
            let flags = self.flags[k];
            if self.lang == Lang::En && flags.has(Flags::DEMONYM_EN) && k + 1 < end {
                self.push(out, k, k + 1, Label::Misc, Evidence::Lexicon);
            } else if !(self.toks[k].sentence_start
                && self.is_common(k)
                && !(k + 1 < end && is_head(key)))
                && !(k + 1 < end && (cues::person_before(key) || self.is_portfolio(k)))
                && !(k + 1 < end && k == i && self.is_leading_article(k))
            {
                break;
            }
            k += 1;
        }
        // What is left after a trimmed word may start with a particle (`des Champions`).
        while k < end && !self.toks[k].is_capitalized() {
            k += 1;
        }
        k
    }

    /// `Le Loir-et-Cher`, `Russe Ivan Petrov`: an article or a nationality before a name.
    fn is_leading_article(&self, k: usize) -> bool {
        let article = matches!(self.key(k), "le" | "la" | "les" | "l'");
        let nationality = self.lang == Lang::Fr
            && !self.flags[k].is_name()
            && self.toks[k].shape == Shape::Capitalized
            && self.is_fr_adj(k);
        article || nationality
    }

    /// `la Défense Ivan Petrov`: a capitalised common word before a first name, or a minister's
    /// portfolio, is not part of the name that follows it.
    fn is_portfolio(&self, k: usize) -> bool {
        let next_is_first = self
            .flags
            .get(k + 1)
            .is_some_and(|f| f.has(Flags::FIRST_NAME));
        self.after_ministry(k)
            || (next_is_first && !self.flags[k].is_name() && self.is_dictionary_word(k))
    }

    /// A word of the language's dictionary that no strong lexicon claims as a name.
    fn is_common(&self, k: usize) -> bool {
        let flags = self.flags[k];
        let strong = flags.has(Flags::COUNTRY)
            || flags.has(Flags::CURATED_ORG)
            || flags.has(Flags::CURATED_LOC);
        if strong || self.toks[k].shape == Shape::AllCaps {
            return false;
        }
        if flags.is_name() && self.key(k).chars().count() >= 5 {
            return false;
        }
        self.is_dictionary_word(k)
    }

    fn is_dictionary_word(&self, k: usize) -> bool {
        match self.lang {
            Lang::Fr => self.fr_inflected(k, Flags::FR_WORD),
            Lang::En => {
                let key = self.key(k);
                self.flags[k].has(Flags::EN_WORD)
                    || key
                        .strip_suffix('s')
                        .is_some_and(|s| self.lex.get(s).has(Flags::EN_WORD))
            }
        }
    }

    fn is_fr_adj(&self, k: usize) -> bool {
        self.fr_inflected(k, Flags::FR_ADJ)
    }

    /// Whether token `k`, or a stem of it with a plural or feminine ending removed, is in `list`.
    fn fr_inflected(&self, k: usize, list: Flags) -> bool {
        if self.flags[k].has(list) {
            return true;
        }
        let key = self.key(k);
        const ENDINGS: &[(&str, &str)] = &[
            ("s", ""),
            ("x", ""),
            ("e", ""),
            ("es", ""),
            ("ne", ""),
            ("nes", ""),
            ("aux", "al"),
            ("le", ""),
            ("les", ""),
            ("ant", "er"),
            ("ants", "er"),
            ("é", "er"),
            ("ée", "er"),
            ("és", "er"),
            ("ées", "er"),
            ("ère", "er"),
            ("ères", "er"),
            ("is", "ir"),
            ("ait", "er"),
            ("aient", "er"),
            ("ent", "er"),
            ("euse", "eur"),
            ("euses", "eur"),
            ("ive", "if"),
            ("ives", "if"),
        ];
        ENDINGS.iter().any(|(ending, stem_end)| {
            key.strip_suffix(ending).is_some_and(|stem| {
                let mut s = String::with_capacity(stem.len() + 2);
                s.push_str(stem);
                s.push_str(stem_end);
                self.lex.get(&s).has(list)
            })
        })
    }

    /// Labels the chunk `start..end`, or rejects it.
    fn classify(&self, start: usize, end: usize) -> Option<(Label, Evidence)> {
        let n = end - start;
        let (head, last) = (self.key(start), self.key(end - 1));
        if n == 1 && (cues::cardinal(head) || cues::not_a_name(head) || self.after_ministry(start))
        {
            return None;
        }
        if n == 2 && self.key(end - 1).chars().count() == 1 {
            // `Groupe A`, `Poule B`: a label, not a name.
            return None;
        }
        if n >= 2 && cues::event_head(head) {
            return Some((Label::Misc, Evidence::Context));
        }
        if n >= 2
            && (cues::org_head(head)
                || cues::org_head(last)
                || self.flags[end - 1].has(Flags::COMPANY_SUFFIX))
        {
            return Some((Label::Org, Evidence::Context));
        }
        if n >= 2 && cues::loc_head(head) {
            return Some((Label::Loc, Evidence::Context));
        }
        if n == 1 {
            if let Some(found) = self.classify_word(start) {
                return Some(found);
            }
        }
        self.classify_by_cues(start, end)
            .or_else(|| self.classify_by_names(start, end))
    }

    /// A single word that a lexicon or its shape decides.
    fn classify_word(&self, i: usize) -> Option<(Label, Evidence)> {
        let flags = self.flags[i];
        let label = flags.entity_label();
        let acronym =
            self.toks[i].shape == Shape::AllCaps && self.text[self.toks[i].range].len() <= 8;
        let city_only = !flags.has(Flags::COUNTRY) && !flags.has(Flags::CURATED_LOC);
        match label {
            Some(Label::Loc) if city_only && self.is_dictionary_word(i) => {
                // A town named like a common word (`Valence`, `Mobile`) needs a preposition.
                let cue = i > 0 && self.word_key(i - 1).is_some_and(cues::loc_before);
                cue.then_some((Label::Loc, Evidence::Context))
            }
            Some(Label::Loc) if city_only && flags.is_name() => {
                if self.person_cue_before(i) {
                    Some((Label::Per, Evidence::Context))
                } else {
                    Some((Label::Loc, Evidence::Lexicon))
                }
            }
            Some(label) => Some((label, Evidence::Lexicon)),
            None if acronym => Some((Label::Org, Evidence::Guess)),
            None => None,
        }
    }

    fn classify_by_cues(&self, start: usize, end: usize) -> Option<(Label, Evidence)> {
        if self.person_cue_before(start) {
            return Some((Label::Per, Evidence::Context));
        }
        if self.org_cue_before(start) {
            return Some((Label::Org, Evidence::Context));
        }
        if self.word_key(end).is_some_and(cues::person_after) {
            return Some((Label::Per, Evidence::Context));
        }
        None
    }

    fn classify_by_names(&self, start: usize, end: usize) -> Option<(Label, Evidence)> {
        let n = end - start;
        let (first, last) = (self.flags[start], self.flags[end - 1]);
        if first.has(Flags::FIRST_NAME) || last.has(Flags::SURNAME) || (n == 1 && first.is_name()) {
            return Some((Label::Per, Evidence::Lexicon));
        }
        if n == 1 && start > 0 && self.word_key(start - 1).is_some_and(cues::loc_before) {
            return Some((Label::Loc, Evidence::Context));
        }
        if self.loc_noun_before(start) {
            return Some((Label::Loc, Evidence::Context));
        }
        if self.key(start) == "the" {
            return Some((Label::Org, Evidence::Guess));
        }
        if n == 1 && self.is_dictionary_word(start) {
            // A capitalised common word inside a sentence (`la Défense`) is rarely a name alone.
            return None;
        }
        Some((Label::Per, Evidence::Guess))
    }

    /// `ministre de la Défense`: the portfolio after a minister is not a name of its own.
    fn after_ministry(&self, i: usize) -> bool {
        let mut k = i;
        let mut steps = 0;
        while k > 0 && steps < 4 {
            k -= 1;
            steps += 1;
            match self.word_key(k) {
                Some("de" | "la" | "l'" | "du" | "des" | "of" | "the") => continue,
                Some(_) if self.toks[k].shape == Shape::Lower && self.is_fr_adj(k) => continue,
                Some(key) => {
                    return key.ends_with("ministre")
                        || key.ends_with("ministres")
                        || key == "minister";
                }
                None => return false,
            }
        }
        false
    }

    /// A title or role before the name, possibly with adjectives and a portfolio in between:
    /// `le président russe X`, `le ministre de la Défense X`, `M. X`.
    fn person_cue_before(&self, start: usize) -> bool {
        let mut k = start;
        for _ in 0..7 {
            if k == 0 {
                return false;
            }
            k -= 1;
            let t = self.toks[k];
            let key = self.key(k);
            if t.kind == TokenKind::Punct {
                if key == "."
                    && k > 0
                    && matches!(self.key(k - 1), "m" | "dr" | "mr" | "mrs" | "ms" | "st")
                {
                    continue;
                }
                return false;
            }
            if cues::person_before(key) {
                return true;
            }
            let skippable = matches!(key, "de" | "la" | "l'" | "du" | "des" | "d'" | "the" | "of")
                || (t.shape == Shape::Lower
                    && (self.is_fr_adj(k) || self.flags[k].has(Flags::DEMONYM_EN)))
                || (t.is_capitalized() && self.is_dictionary_word(k))
                || self.flags[k].has(Flags::DEMONYM_EN);
            if !skippable {
                return false;
            }
        }
        false
    }

    /// A place noun before the name: `la région de X`, `la commune d'X`.
    fn loc_noun_before(&self, start: usize) -> bool {
        let Some(k) = start.checked_sub(1) else {
            return false;
        };
        match self.word_key(k) {
            Some("de" | "d'") => k > 0 && self.word_key(k - 1).is_some_and(cues::loc_noun),
            Some(key) => cues::loc_noun(key),
            None => false,
        }
    }

    /// An organisation noun before the name: `le groupe X`, `l'agence de presse russe X`.
    fn org_cue_before(&self, start: usize) -> bool {
        let mut k = start;
        for _ in 0..5 {
            if k == 0 {
                return false;
            }
            k -= 1;
            let t = self.toks[k];
            if t.kind == TokenKind::Punct || t.is_capitalized() {
                return false;
            }
            let key = self.key(k);
            if cues::org_before(key) {
                return true;
            }
            let skippable = matches!(key, "de" | "du" | "des" | "d'" | "l'" | "la" | "le" | "les")
                || self.is_fr_adj(k)
                || key.ends_with('s');
            if !skippable {
                return false;
            }
        }
        false
    }
}

/// French past participles read as adjectives (`soutenu`, `armé`) do not continue a name.
fn is_participle(key: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "é", "ée", "és", "ées", "u", "ue", "us", "ues", "i", "ie", "is", "ies", "it",
    ];
    ENDINGS.iter().any(|e| key.ends_with(e))
}

/// Words that start an organisation's, a place's or an event's name.
fn is_head(key: &str) -> bool {
    cues::org_head(key) || cues::loc_head(key) || cues::event_head(key)
}
