//! The rules: find capitalised chunks, trim them, and label them from lexicons and cues.
//!
//! One left-to-right pass over the tokens. At each capitalised word the rules try, in order:
//! a multi-word lexicon name (`Nations unies`), then a chunk of capitalised words joined by
//! particles (`Charles de Gaulle`, `Banque de France`), trimmed of a sentence-initial common
//! word (`Selon`) or an English title (`President`), and labelled by [`Rules::classify`].

use super::cues;
use super::lexicon::{Flags, Keys, Lexicon};
use super::tokenize::{Shape, Token, TokenKind};
use super::{Evidence, Label, Lang, Mention};

/// The longest multi-word lexicon name tried, in tokens.
const MAX_PHRASE: usize = 8;

pub(crate) struct Rules<'a> {
    pub(crate) text: &'a str,
    pub(super) toks: &'a [Token],
    pub(crate) lex: &'a Lexicon,
    pub(crate) lang: Lang,
    pub(super) keys: &'a Keys,
    pub(super) flags: &'a [Flags],
}

impl<'a> Rules<'a> {
    pub(crate) fn new(
        text: &'a str,
        toks: &'a [Token],
        lex: &'a Lexicon,
        lang: Lang,
        keys: &'a Keys,
    ) -> Rules<'a> {
        Rules {
            text,
            toks,
            lex,
            lang,
            keys,
            flags: keys.flags(),
        }
    }

    pub(super) fn key(&self, i: usize) -> &str {
        self.keys.key(i)
    }

    pub(super) fn word_key(&self, i: usize) -> Option<&str> {
        self.toks
            .get(i)
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|_| self.key(i))
    }

    pub(crate) fn run(&self) -> Vec<Mention> {
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
            let end = self.event_complement(end, label);
            self.push(out, i, end, label, Evidence::Lexicon);
            return end;
        }
        if let Some((end, label)) = self.possessive_name(i, i + 1) {
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
            let label = match evidence {
                Evidence::Guess => self.coordinated_label(start, out).unwrap_or(label),
                _ => label,
            };
            self.push(out, start, end, label, evidence);
        }
        end
    }

    /// `Faial, Pico et Terceira`: a guessed name joined by `et` or a comma to the mention just
    /// before it is likely of the same kind.
    fn coordinated_label(&self, start: usize, out: &[Mention]) -> Option<Label> {
        let joiner = start.checked_sub(1)?;
        if !matches!(self.key(joiner), "," | "et" | "ou" | "and" | "or") {
            return None;
        }
        let last = out.last()?;
        let before = self.toks.get(joiner.checked_sub(1)?)?;
        (last.range.end() == before.range.end()).then_some(last.label)
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
        // `à la place de Marie`: instead of her, no square.
        if key == "place"
            && i >= 2
            && self.word_key(i - 1) == Some("la")
            && self.word_key(i - 2) == Some("à")
        {
            return None;
        }
        let mut j = self.adjectives_from(i + 1);
        let direct = self
            .toks
            .get(j)
            .is_some_and(|t| t.is_capitalized() && !t.sentence_start);
        match self
            .particles_end(j, cues::org_particle)
            .or(direct.then_some(j))
        {
            Some(k) if cues::cardinal(self.key(k)) => return None,
            Some(k) => j = self.chunk_end(k),
            None if j > i + 1 && takes_adjective => {}
            None => return None,
        }
        Some((self.with_year(j, label), label))
    }

    /// Extends a known event's name over its place and year (`Jeux olympiques de Rio 2016`).
    fn event_complement(&self, end: usize, label: Label) -> usize {
        if label != Label::Misc {
            return end;
        }
        let end = match self.particles_end(end, |k| matches!(k, "de" | "d'" | "du")) {
            Some(k) => k + 1,
            None => end,
        };
        self.with_year(end, label)
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
        let mut flags = self.flags[i];
        let mut best = None;
        for j in i + 1..self.toks.len().min(i + MAX_PHRASE) {
            if self.toks[j].kind == TokenKind::Punct {
                break;
            }
            if self.toks[j - 1].kind != TokenKind::Elision {
                // No entry goes on past a word that begins none.
                if j > i + 1 && !flags.has(Flags::PHRASE_PREFIX) {
                    break;
                }
                buf.push(' ');
            }
            buf.push_str(self.key(j));
            flags = self.lex.get(&buf);
            if let Some(label) = flags.entity_label() {
                best = Some((j + 1, label));
            }
        }
        best
    }

    /// A lexicon name written with its `'s` (`McDonald's`, `Sainsbury’s`): when tokens
    /// `start..end` are followed, with no space, by an apostrophe and `s` that end the word, and
    /// the lexicon has the whole as a name, the end past the `s` and the name's label.
    pub(crate) fn possessive_name(&self, start: usize, end: usize) -> Option<(usize, Label)> {
        let (apostrophe, s) = (self.toks.get(end)?, self.toks.get(end + 1)?);
        let glued = |a: &Token, b: &Token| a.range.end() == b.range.start();
        if !glued(&self.toks[end - 1], apostrophe)
            || !glued(apostrophe, s)
            || self.key(end) != "'"
            || self.key(end + 1) != "s"
            || self
                .toks
                .get(end + 2)
                .is_some_and(|next| glued(s, next) && next.kind != TokenKind::Punct)
        {
            return None;
        }
        let mut key = String::new();
        for k in start..end {
            if k > start && !glued(&self.toks[k - 1], &self.toks[k]) {
                key.push(' ');
            }
            key.push_str(self.key(k));
        }
        key.push_str("'s");
        let label = self.lex.get(&key).entity_label()?;
        Some((end + 2, label))
    }

    /// The end of the chunk of capitalised words (and particles between them) starting at `i`.
    fn chunk_end(&self, i: usize) -> usize {
        let head = self.key(i);
        let org = cues::org_head(head) || cues::loc_head(head) || cues::event_head(head);
        let person = self.flags[i].has(Flags::FIRST_NAME);
        // `the architecture firm Hardie and Lennox`: after a word naming a kind of company,
        // `and`/`et` joins the names of its founders into one.
        let company = i > 0 && self.org_cue_before(i);
        let mut j = i + 1;
        if org && self.lang == Lang::Fr && self.toks[i].shape == Shape::Capitalized {
            j = self.lower_tail(j);
        }
        loop {
            if cues::event_head(head) && j > i + 1 {
                j = self.with_year(j, Label::Misc);
            }
            // `Conseil italien Matteo Renzi`: a first name ends an organisation's name.
            let first_name =
                org && j > i + 1 && self.flags.get(j).is_some_and(|f| f.has(Flags::FIRST_NAME));
            let headline_word = self.toks.get(j).is_some_and(|t| t.shape == Shape::AllCaps)
                && self.in_capitals_headline(j);
            if !first_name
                && !headline_word
                && self
                    .toks
                    .get(j)
                    .is_some_and(|t| t.is_capitalized() && !t.sentence_start)
            {
                j += 1;
                continue;
            }
            let particle = |k: &str| {
                if company && matches!(k, "and" | "et") {
                    true
                } else if org {
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

    /// The lower-case words that continue a capitalised organisation's name:
    /// adjectives (`Union européenne`) and up to two `de` + noun complements
    /// (`Bureau international du travail`, `Conseil de sécurité`).
    fn lower_tail(&self, mut j: usize) -> usize {
        j = self.adjectives_from(j);
        for _ in 0..2 {
            let mut k = j;
            match self.word_key(k) {
                Some("de" | "du" | "des" | "pour") => k += 1,
                _ => break,
            }
            if matches!(self.word_key(k), Some("la" | "l'" | "le" | "les")) {
                k += 1;
            }
            if !(self.is_lower_word(k) && self.is_fr_noun(k)) {
                break;
            }
            j = self.adjectives_from(k + 1);
        }
        j
    }

    /// The end of the run of French adjectives from token `k` (`k` itself if there is none);
    /// participles (`soutenu`), present participles (`traversant`) and adjectives that are
    /// also a verb's present (`Le Parisien précise`) are left out.
    pub(crate) fn adjectives_from(&self, mut k: usize) -> usize {
        while self.is_lower_word(k)
            && self.is_fr_adj(k)
            && !is_participle(self.key(k))
            && !self.key(k).ends_with("ant")
            && !cues::is_function_word(self.key(k))
            && !self.is_fr_verb_form(k)
        {
            k += 1;
        }
        k
    }

    /// Token `k` exists and is a word in lower case.
    fn is_lower_word(&self, k: usize) -> bool {
        self.toks
            .get(k)
            .is_some_and(|t| t.is_word() && t.shape == Shape::Lower)
    }

    /// A word that is also the present of a verb (`précise` of préciser, `dément` of
    /// démentir): after a name it is more often the verb than an adjective.
    fn is_fr_verb_form(&self, k: usize) -> bool {
        let mut infinitive = String::with_capacity(self.key(k).len() + 2);
        infinitive.push_str(self.key(k));
        infinitive.push('r');
        if self.lex.get(&infinitive).has(Flags::FR_WORD) {
            return true;
        }
        infinitive.insert(infinitive.len() - 1, 'i');
        self.lex.get(&infinitive).has(Flags::FR_WORD)
    }

    /// When the tokens from `j` are one or two particles followed by a capitalised word, the
    /// index of that word.
    fn particles_end(&self, j: usize, is_particle: impl Fn(&str) -> bool) -> Option<usize> {
        let first = self.word_key(j)?;
        if !is_particle(first) || self.toks[j].is_capitalized() {
            return None;
        }
        let mut k = j + 1;
        let second = self.word_key(k);
        let pair = match first {
            "de" => matches!(second, Some("la" | "l'" | "los" | "las")),
            "van" => matches!(second, Some("der" | "den" | "de")),
            "von" => matches!(second, Some("der" | "dem" | "den")),
            _ => false,
        };
        if pair {
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
                && !(k + 1 < end && (is_head(key) || flags.has(Flags::FIRST_NAME))))
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

    /// `Selon Merkel`, `Hier Paris`: token `k` opens a sentence and a mention of several tokens
    /// but is a preposition, adverb or conjunction, and a capitalised word follows, so the name
    /// starts after it. Applied to the tagger's mentions.
    pub(crate) fn sentence_opener(&self, k: usize) -> bool {
        self.toks[k].sentence_start
            && cues::sentence_opener(self.key(k))
            && self.toks.get(k + 1).is_some_and(|t| t.is_capitalized())
    }

    /// `Mr Smith`, `Mrs. Jones`, `M. Macron`, `Mme Merkel`: the mention of several tokens
    /// starting at `k` (and ending before `end`) opens with a form of address, which is no part
    /// of the name; returns where the name starts, past the address and its full stop.
    pub(crate) fn past_address(&self, k: usize, end: usize) -> Option<usize> {
        let key = self.word_key(k)?;
        let dotted = self
            .toks
            .get(k + 1)
            .is_some_and(|t| &self.text[t.range] == ".");
        let address = matches!(
            key,
            "mr" | "mrs" | "ms" | "dr" | "prof" | "mme" | "mmes" | "mlle" | "mlles"
        ) || (key == "m" && dotted);
        let start = k + 1 + usize::from(dotted);
        (address && start < end && self.toks[start].is_capitalized()).then_some(start)
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
