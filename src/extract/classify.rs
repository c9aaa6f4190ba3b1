//! Labelling a chunk: dictionary checks, lexicon decisions and the cues around it.

use super::cues;
use super::lexicon::Flags;
use super::rules::Rules;
use super::tokenize::{Shape, TokenKind};
use super::{Evidence, Label, Lang};

/// Plural, feminine and verb endings, with what replaces them to give a dictionary stem
/// (`européennes` -> `européen`, `fréquentant` -> `fréquenter`).
#[rustfmt::skip]
const ENDINGS: &[(&str, &str)] = &[
    ("s", ""), ("x", ""), ("e", ""), ("es", ""), ("ne", ""), ("nes", ""), ("aux", "al"), ("le", ""),
    ("les", ""), ("ant", "er"), ("ants", "er"), ("é", "er"), ("ée", "er"), ("és", "er"),
    ("ées", "er"), ("ère", "er"), ("ères", "er"), ("is", "ir"), ("ait", "er"), ("aient", "er"),
    ("ent", "er"), ("euse", "eur"), ("euses", "eur"), ("ive", "if"), ("ives", "if"), ("ons", "er"),
    ("ons", "re"), ("ons", "ir"), ("ez", "er"), ("ez", "re"), ("ez", "ir"), ("ant", "re"),
    ("ant", "ir"), ("ant", "oir"),
];

impl Rules<'_> {
    /// A word of the language's dictionary that no strong lexicon claims as a name.
    pub(super) fn is_common(&self, k: usize) -> bool {
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

    pub(super) fn is_dictionary_word(&self, k: usize) -> bool {
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

    /// A French common noun that may follow `de` inside an organisation's name.
    pub(super) fn is_fr_noun(&self, k: usize) -> bool {
        let key = self.key(k);
        key.chars().count() > 3 && !cues::is_function_word(key) && self.is_dictionary_word(k)
    }

    pub(super) fn is_fr_adj(&self, k: usize) -> bool {
        self.fr_inflected(k, Flags::FR_ADJ)
    }

    /// Whether token `k`, or a stem of it with a plural or feminine ending removed, is in `list`.
    fn fr_inflected(&self, k: usize, list: Flags) -> bool {
        if self.flags[k].has(list) {
            return true;
        }
        let key = self.key(k);
        let mut candidate = String::with_capacity(key.len() + 2);
        ENDINGS.iter().any(|(ending, stem_end)| {
            key.strip_suffix(ending).is_some_and(|stem| {
                candidate.clear();
                candidate.push_str(stem);
                candidate.push_str(stem_end);
                self.lex.get(&candidate).has(list)
            })
        })
    }

    /// `LA RUSSIE ET LA LIBYE`: a common word in a line of capitals is not an acronym.
    pub(super) fn in_capitals_headline(&self, i: usize) -> bool {
        let caps = |k: usize| self.toks.get(k).is_some_and(|t| t.shape == Shape::AllCaps);
        let neighbour = (i > 0 && caps(i - 1)) || caps(i + 1);
        neighbour && self.flags[i].entity_label().is_none() && self.is_dictionary_word(i)
    }

    /// Labels the chunk `start..end`, or rejects it.
    pub(super) fn classify(&self, start: usize, end: usize) -> Option<(Label, Evidence)> {
        let n = end - start;
        let (head, last) = (self.key(start), self.key(end - 1));
        let not_alone = cues::cardinal(head)
            || cues::not_a_name(head)
            || cues::event_head(head)
            || cues::person_before(head);
        let headline_word =
            self.toks[start].shape == Shape::AllCaps && self.in_capitals_headline(start);
        if n == 1 && (not_alone || headline_word || self.after_ministry(start)) {
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
        if self.lang == Lang::En && flags.has(Flags::DEMONYM_EN) && label.is_none() {
            return Some((Label::Misc, Evidence::Lexicon));
        }
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
            None if acronym && !self.in_capitals_headline(i) => Some((Label::Org, Evidence::Guess)),
            None => None,
        }
    }

    fn classify_by_cues(&self, start: usize, end: usize) -> Option<(Label, Evidence)> {
        let common =
            end - start == 1 && !self.flags[start].is_name() && self.is_dictionary_word(start);
        // `le groupe Orange`, `le quotidien Libération`, `une entreprise, Abysséo,`: right after
        // a word that names a kind of company, one capitalised word is that company's name, even
        // a common word.
        if end - start == 1 && self.after_company_word(start) {
            return Some((Label::Org, Evidence::Context));
        }
        if end - start == 1 && self.after_storm_word(start) {
            return Some((Label::Misc, Evidence::Context));
        }
        if common {
            // `le chef de l'État`: a capitalised common word after a title is not a person.
            return None;
        }
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
            // "à Genève", but also "a écrit à Neymar": in French a hint, not a statement.
            let evidence = match self.lang {
                Lang::Fr => Evidence::Guess,
                Lang::En => Evidence::Context,
            };
            return Some((Label::Loc, evidence));
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
        Some((self.guess_label(start, end), Evidence::Guess))
    }

    /// The likeliest label of an unknown name from the word before it: after `de` a place
    /// (`la région de X`), after an article or an opening parenthesis an organisation
    /// (`le X`, `(X)`), else a person. Measured on the WiNER-fr 2016 articles.
    fn guess_label(&self, start: usize, end: usize) -> Label {
        if end - start > 1 || start == 0 {
            return Label::Per;
        }
        match self.key(start - 1) {
            "de" | "d'" | "des" => Label::Loc,
            "(" | "le" | "la" | "les" | "du" | "au" | "aux" => Label::Org,
            _ => Label::Per,
        }
    }

    /// `le groupe Orange`: token `i` comes right after a word naming a kind of company, so a
    /// one-word name there is the company's, whatever else the word may name (a town).
    /// Also in an apposition between commas: `une jeune entreprise, Abysséo, fondée en 2019`.
    pub(super) fn after_company_word(&self, i: usize) -> bool {
        let company = |k: usize| self.is_cue(k, cues::company_before);
        if i > 0 && company(i - 1) {
            return true;
        }
        let punct = |k: usize, p: &str| {
            self.toks
                .get(k)
                .is_some_and(|t| t.kind == TokenKind::Punct && self.key(k) == p)
        };
        i > 1 && punct(i - 1, ",") && company(i - 2) && punct(i + 1, ",")
    }

    /// `moved to Paisley`: one word right after a preposition of place, that the lexicons know
    /// as a place and not as anybody's name, is the place even when the model reads a person.
    pub(crate) fn place_after_preposition(&self, i: usize) -> bool {
        let flags = self.flags[i];
        let place = flags.has(Flags::PLACE) || flags.has(Flags::COUNTRY);
        let person = flags.has(Flags::FIRST_NAME)
            || flags.has(Flags::SURNAME)
            || flags.has(Flags::CURATED_PER);
        let preposition = |k: usize| match self.lang {
            Lang::En => matches!(self.key(k), "in" | "to" | "from" | "near"),
            Lang::Fr => matches!(self.key(k), "à" | "vers"),
        };
        place && !person && i > 0 && preposition(i - 1)
    }

    /// `Réunion à Genève`, `Réunion des ministres`: token `i` opens a French sentence or title,
    /// is a common noun of the dictionary, and a preposition follows, so it reads as the noun
    /// even when a place is spelt alike (La Réunion). Only a candidate, then.
    pub(crate) fn common_word_heading_a_phrase(&self, i: usize) -> bool {
        self.lang == Lang::Fr
            && self.toks[i].sentence_start
            && self.toks[i].shape == Shape::Capitalized
            && self.flags[i].has(Flags::FR_WORD)
            && self.word_key(i + 1).is_some_and(cues::noun_complement)
    }

    /// `la tempête Egon`, `l’ouragan Matthew`: token `i` names a storm, an event.
    pub(super) fn after_storm_word(&self, i: usize) -> bool {
        i > 0 && self.is_cue(i - 1, cues::storm_before)
    }

    /// `Hurricane Milton`, `Storm Babet`: where a storm's name written with its capitalised
    /// kind starts, when the mention of tokens `i..end` is that name or the name after it.
    pub(crate) fn named_storm(&self, i: usize, end: usize) -> Option<usize> {
        let storm =
            |k: usize| self.toks[k].shape == Shape::Capitalized && cues::storm_before(self.key(k));
        if end > i + 1 && storm(i) && self.toks[i + 1].shape == Shape::Capitalized {
            Some(i)
        } else if i > 0 && storm(i - 1) && self.toks[i].shape == Shape::Capitalized {
            Some(i - 1)
        } else {
            None
        }
    }

    /// The kind of thing a one-word name at token `i` is, said by the word before it: a
    /// heavenly body or a natural place is a place (`la planète Mars`, `le fleuve Niger`, and
    /// after the name `the Amazon river`), a storm an event (`la tempête Egon`), a
    /// craft a product (`la sonde Cassini`, `le télescope spatial Hubble`), a kind of company
    /// that company (`le groupe Orange`). The first that applies, in that order.
    pub(crate) fn kind_word_before(&self, i: usize) -> Option<Label> {
        let spatial = |k: usize| matches!(self.key(k), "spatial" | "spatiale" | "space");
        let craft = (i > 0 && self.is_cue(i - 1, cues::craft_before))
            || (i > 1 && spatial(i - 1) && self.is_cue(i - 2, cues::craft_before));
        let place =
            |k: usize| self.is_cue(k, cues::body_before) || self.is_cue(k, cues::geo_before);
        if (i > 0 && place(i - 1))
            || (i + 1 < self.toks.len() && self.is_cue(i + 1, cues::geo_after))
        {
            Some(Label::Loc)
        } else if craft || self.after_storm_word(i) {
            Some(Label::Misc)
        } else if self.after_company_word(i) {
            Some(Label::Org)
        } else {
            None
        }
    }

    /// Token `k` is a lower-case word of the list `cue`.
    fn is_cue(&self, k: usize, cue: fn(&str) -> bool) -> bool {
        self.toks[k].shape == Shape::Lower && cue(self.key(k))
    }

    /// `ministre de la Défense`: the portfolio after a minister is not a name of its own.
    /// A portfolio hangs on a preposition ("ministre de la Défense"); a name right after the
    /// title ("la ministre Marie Dupont") is the minister's own.
    pub(crate) fn after_ministry(&self, i: usize) -> bool {
        let mut k = i;
        let mut steps = 0;
        let mut linked = false;
        while k > 0 && steps < 4 {
            k -= 1;
            steps += 1;
            match self.word_key(k) {
                Some("de" | "du" | "des" | "of") => linked = true,
                Some("la" | "l'" | "the") => continue,
                Some(_) if self.toks[k].shape == Shape::Lower && self.is_fr_adj(k) => continue,
                Some(key) => {
                    return linked
                        && (key.ends_with("ministre")
                            || key.ends_with("ministres")
                            || key == "minister");
                }
                None => return false,
            }
        }
        false
    }

    /// A title or role before the name, possibly with adjectives and a portfolio in between:
    /// `le président russe X`, `le ministre de la Défense X`, `M. X`.
    pub(super) fn person_cue_before(&self, start: usize) -> bool {
        // A name right after "de" completes the title ("maire de Lyon"): it is not the person.
        if start > 0 && matches!(self.key(start - 1), "de" | "d'" | "du" | "des" | "of") {
            return false;
        }
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
    pub(super) fn org_cue_before(&self, start: usize) -> bool {
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
