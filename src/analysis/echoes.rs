//! Echoes: spans of a block that count as names only when the document names them surely
//! elsewhere. A name the tagger found in one paragraph and missed in another (at a sentence
//! start, in a context it never met) is marked there too, with the kind the document gives it:
//! "Tebboune" after "Abdelmadjid Tebboune". And where a mention holds only a part of a name the
//! document writes in full elsewhere ("Banque centrale" of "Banque centrale européenne"), the
//! full name stands.
//!
//! A block's echoes depend on its text and its mentions alone, so they are cached with them;
//! which stand is decided when the document is read ([`kept`]), against the entity index of the
//! whole document.

use super::document::BlockMention;
use super::entities::normalize;
use crate::extract::{Lang, Token, TokenKind, tokenize};
use crate::pipeline::pieces;
use crate::text::{TextRange, TextSize};

/// Runs of more capitalised words than this (a headline in capitals) give no echoes.
const MAX_RUN: usize = 8;
/// The most words an echo of capitalised words has.
const MAX_WORDS: usize = 6;
/// The most words an echo adds on either side of a mention.
const MAX_EXTENSION: usize = 3;

/// Small words that join the capitalised words of one name ("Banque de France", "Bank of
/// England"): a name cut there would be a piece of a longer one.
const JOINERS: &[&str] = &[
    "de", "du", "des", "d'", "d’", "of", "van", "von", "der", "den", "del", "da", "di", "dos",
];

/// Articles, which join two capitalised words only after a joiner ("Banque de la République",
/// "Bank of the West"): before a name they open it ("selon la Banque de France").
const ARTICLES: &[&str] = &["la", "le", "les", "l'", "l’", "the"];

/// A block's echoes: spans sorted by start, the longest first, and their forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Echoes {
    /// The block's text when it has echoes: their forms are read from it, so that an echo
    /// costs its range alone.
    text: Box<str>,
    spans: Vec<TextRange>,
    /// The forms that `normalize` changes (a typographic apostrophe, two spaces), by index.
    respelt: Vec<(u32, Box<str>)>,
}

impl Echoes {
    /// Each echo's block-relative range and form, in order.
    pub fn iter(&self) -> impl Iterator<Item = (TextRange, &str)> {
        let mut respelt = self.respelt.iter().peekable();
        self.spans.iter().enumerate().map(move |(i, range)| {
            let form = match respelt.next_if(|(at, _)| *at as usize == i) {
                Some((_, form)) => &**form,
                None => &self.text[*range],
            };
            (*range, form)
        })
    }
}

/// The echoes of a block whose `prose` (and `text`, for the forms) has the sorted,
/// non-overlapping `mentions`. Two kinds, each within one line:
/// - spans of capitalised words no mention covers that neither begin after nor end before a
///   connecting word of their run ("Banque de France" gives no "France"; a run is joined by a
///   joiner, then any connecting words: [`JOINERS`], [`ARTICLES`]);
/// - spans made of one mention and up to [`MAX_EXTENSION`] words on one side of it that no
///   mention covers, within its sentence; in English, where every word of a name but the small
///   ones is capitalised, only capitalised or connecting words.
///
/// An echo thus never overlaps a mention without holding it whole.
pub(crate) fn echoes(prose: &str, text: &str, mentions: &[BlockMention], lang: Lang) -> Echoes {
    let mut spans = Vec::new();
    // A piece at a time, as extraction reads a paragraph: memory stays bounded on a whole file
    // written on one line.
    let mut next = 0;
    for piece in pieces(prose) {
        let offset = TextSize::new(piece.start as u32);
        let mut tokens = tokenize(&prose[piece]);
        for token in &mut tokens {
            token.range += offset;
        }
        // Each token's mention, if any.
        let owner: Vec<Option<u32>> = tokens
            .iter()
            .map(|token| {
                while next < mentions.len() && mentions[next].range.end() <= token.range.start() {
                    next += 1;
                }
                mentions
                    .get(next)
                    .is_some_and(|m| m.range.start() < token.range.end())
                    .then_some(next as u32)
            })
            .collect();
        let piece = Piece {
            prose,
            tokens: &tokens,
            owner: &owner,
        };
        piece.uncovered_runs(&mut spans);
        piece.extensions(lang, &mut spans);
    }
    // Spans off `text`'s character boundaries cannot be (prose keeps them, text is its source).
    spans.retain(|r| text.get(std::ops::Range::<usize>::from(*r)).is_some());
    if spans.is_empty() {
        return Echoes::default();
    }
    spans.sort_by_key(|r| (r.start(), std::cmp::Reverse(r.end())));
    // Kept as long as the block: no room to spare.
    spans.shrink_to_fit();
    let respelt = spans
        .iter()
        .enumerate()
        .filter(|(_, r)| !is_normal(&text[**r]))
        .map(|(i, r)| (i as u32, normalize(&text[*r]).into()))
        .collect();
    Echoes {
        text: text.into(),
        spans,
        respelt,
    }
}

/// Whether `normalize` leaves `form` as it is: no typographic apostrophe, no white space but
/// single spaces.
fn is_normal(form: &str) -> bool {
    !form.contains('’')
        && !form.contains("  ")
        && !form.contains(|c: char| c.is_whitespace() && c != ' ')
}

/// The echoes that stand: those `confirmed` (the document names their form surely), the
/// longest first, none overlapping another.
pub(crate) fn kept<'a>(
    echoes: &'a Echoes,
    mut confirmed: impl FnMut(&'a str) -> bool,
) -> Vec<(TextRange, &'a str)> {
    let mut out: Vec<(TextRange, &str)> = Vec::new();
    for (range, form) in echoes.iter() {
        if out.last().is_some_and(|(k, _)| k.end() > range.start()) {
            continue;
        }
        if confirmed(form) {
            out.push((range, form));
        }
    }
    out
}

/// One piece of a block: its tokens (with ranges in the whole `prose`) and each token's
/// mention, if any.
struct Piece<'a> {
    prose: &'a str,
    tokens: &'a [Token],
    owner: &'a [Option<u32>],
}

impl Piece<'_> {
    /// No line break between tokens `a` and `a + 1`.
    fn same_line(&self, a: usize) -> bool {
        let gap = self.tokens[a].range.end()..self.tokens[a + 1].range.start();
        !self.prose[usize::from(gap.start)..usize::from(gap.end)].contains('\n')
    }

    fn is_joiner(&self, i: usize) -> bool {
        self.is_one_of(i, JOINERS)
    }

    fn is_connector(&self, i: usize) -> bool {
        self.is_one_of(i, JOINERS) || self.is_one_of(i, ARTICLES)
    }

    fn is_one_of(&self, i: usize, words: &[&str]) -> bool {
        let token = &self.tokens[i];
        matches!(token.kind, TokenKind::Word | TokenKind::Elision)
            && words.contains(&token.text(self.prose))
    }

    fn echo(&self, first: usize, last: usize, out: &mut Vec<TextRange>) {
        // A letter alone is an initial, a variable or "I": one sure mention of it elsewhere is
        // too little to mark it everywhere.
        if first == last && self.tokens[first].text(self.prose).chars().nth(1).is_none() {
            return;
        }
        out.push(TextRange::new(
            self.tokens[first].range.start(),
            self.tokens[last].range.end(),
        ));
    }

    /// The echoes of the runs of capitalised words (and the connectors between them) that no
    /// mention covers.
    fn uncovered_runs(&self, out: &mut Vec<TextRange>) {
        let free = |i: usize| self.owner[i].is_none();
        let capital = |i: usize| free(i) && self.tokens[i].is_capitalized();
        let mut i = 0;
        while i < self.tokens.len() {
            if !capital(i) {
                i += 1;
                continue;
            }
            // The run: capitalised words, and connectors between two of them, on one line.
            let first = i;
            let mut last = i;
            loop {
                let mut j = last + 1;
                while j < self.tokens.len()
                    && free(j)
                    && (if j == last + 1 {
                        self.is_joiner(j)
                    } else {
                        self.is_connector(j)
                    })
                    && self.same_line(j - 1)
                {
                    j += 1;
                }
                if j < self.tokens.len() && capital(j) && self.same_line(j - 1) {
                    last = j;
                } else {
                    break;
                }
            }
            i = last + 1;
            let capitals = (first..=last).filter(|k| capital(*k)).count();
            if capitals > MAX_RUN {
                continue;
            }
            for start in first..=last {
                if !capital(start) || (start > first && !capital(start - 1)) {
                    continue;
                }
                for end in start..=last.min(start + MAX_WORDS - 1) {
                    if capital(end) && (end == last || capital(end + 1)) {
                        self.echo(start, end, out);
                    }
                }
            }
        }
    }

    /// The echoes that hold a mention and words beside it.
    fn extensions(&self, lang: Lang, out: &mut Vec<TextRange>) {
        let tokens = self.tokens;
        let free = |i: usize| {
            self.owner[i].is_none()
                && matches!(tokens[i].kind, TokenKind::Word | TokenKind::Elision)
                && (lang != Lang::En
                    || tokens[i].is_capitalized()
                    || self.is_connector(i)
                    || matches!(tokens[i].text(self.prose), "and" | "for"))
        };
        let mut i = 0;
        while i < tokens.len() {
            let Some(m) = self.owner[i] else {
                i += 1;
                continue;
            };
            let first = i;
            let mut last = i;
            while last + 1 < tokens.len() && self.owner[last + 1] == Some(m) {
                last += 1;
            }
            i = last + 1;
            // The words it may take on each side, nearest first: free, on its line, within its
            // sentence.
            let mut left = Vec::new();
            while left.len() < MAX_EXTENSION {
                let at = first - left.len();
                if at == 0 || !free(at - 1) || !self.same_line(at - 1) || tokens[at].sentence_start
                {
                    break;
                }
                left.push(at - 1);
            }
            let mut right = Vec::new();
            while right.len() < MAX_EXTENSION {
                let at = last + right.len() + 1;
                if at >= tokens.len()
                    || !free(at)
                    || !self.same_line(at - 1)
                    || tokens[at].sentence_start
                {
                    break;
                }
                right.push(at);
            }
            // An echo neither begins nor ends on a small word.
            let edge = |k: usize| tokens[k].kind == TokenKind::Word && !self.is_connector(k);
            for start in std::iter::once(first).chain(left.iter().copied()) {
                if start != first && !edge(start) {
                    continue;
                }
                for end in std::iter::once(last).chain(right.iter().copied()) {
                    // One side at a time: either side alone gave the same names as both.
                    if end != last && !edge(end) || (start == first) == (end == last) {
                        continue;
                    }
                    self.echo(start, end, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Evidence, Label};
    use crate::text::TextSize;

    /// The forms of the echoes of `text` in `lang` whose mentions are the spans of `names`.
    fn forms(text: &str, names: &[&str], lang: Lang) -> Vec<String> {
        let mut mentions: Vec<BlockMention> = names
            .iter()
            .map(|name| {
                let at = text.find(name).expect("the name is in the text");
                BlockMention {
                    range: TextRange::at(TextSize::new(at as u32), TextSize::of(*name)),
                    label: Label::Per,
                    evidence: Evidence::Guess,
                    form: (*name).into(),
                }
            })
            .collect();
        mentions.sort_by_key(|m| m.range.start());
        echoes(text, text, &mentions, lang)
            .iter()
            .map(|(range, form)| {
                assert_eq!(form, &text[range]);
                form.to_string()
            })
            .collect()
    }

    #[test]
    fn capitalised_words_no_mention_covers_and_words_beside_a_mention_make_echoes() {
        assert_eq!(
            forms(
                "Selon Jean Dupont, Marie Curie a parlé.",
                &["Marie Curie"],
                Lang::Fr
            ),
            [
                "Selon Jean Dupont",
                "Selon Jean",
                "Selon",
                "Jean Dupont",
                "Jean",
                "Dupont",
                "Marie Curie a parlé",
                "Marie Curie a",
            ]
        );
    }

    #[test]
    fn a_run_joined_by_a_connector_is_not_cut_there() {
        assert_eq!(
            forms("La Banque de France et la Bank of England.", &[], Lang::Fr),
            [
                "La Banque de France",
                "La",
                "Banque de France",
                "Bank of England"
            ]
        );
        // A connector joins only capitalised words.
        assert_eq!(
            forms("Visite de Macron de nuit.", &[], Lang::Fr),
            ["Visite de Macron"]
        );
        // An article joins them after a joiner only: before a name, it opens it.
        assert_eq!(
            forms("Selon la Banque de la République d'Haïti.", &[], Lang::Fr),
            ["Selon", "Banque de la République d'Haïti"]
        );
    }

    #[test]
    fn an_english_mention_takes_only_capitalised_and_small_words_beside_it() {
        // One side at a time, never ending on a small word, never past the sentence.
        assert_eq!(
            forms("Bank of India officials met. The", &["Bank"], Lang::En),
            ["Bank of India", "India", "The"]
        );
        assert_eq!(
            forms("Reserve Bank said so.", &["Bank"], Lang::En),
            ["Reserve Bank", "Reserve"]
        );
        // Three words at most.
        assert_eq!(
            forms("Bank of India officials met.", &["Bank"], Lang::Fr),
            ["Bank of India officials", "Bank of India", "India"]
        );
    }

    #[test]
    fn lines_and_long_runs_of_capitals_make_no_echo_across_them() {
        assert_eq!(forms("Paris\nBerlin", &[], Lang::Fr), ["Paris", "Berlin"]);
        assert_eq!(
            forms("Le maire Anne Hidalgo\nParis", &["Anne Hidalgo"], Lang::Fr),
            ["Le maire Anne Hidalgo", "Le", "maire Anne Hidalgo", "Paris"]
        );
        assert!(
            forms(
                "UN DEUX TROIS QUATRE CINQ SIX SEPT HUIT NEUF",
                &[],
                Lang::Fr
            )
            .is_empty()
        );
    }

    #[test]
    fn an_echo_has_the_form_the_index_knows() {
        let text = "La Côte d’Ivoire  Nord vote.";
        let all: Vec<(TextRange, String)> = echoes(text, text, &[], Lang::Fr)
            .iter()
            .map(|(range, form)| (range, form.to_string()))
            .collect();
        let forms: Vec<&str> = all.iter().map(|(_, f)| &**f).collect();
        assert_eq!(
            forms,
            [
                "La Côte d'Ivoire Nord",
                "La Côte d'Ivoire",
                "La",
                "Côte d'Ivoire Nord",
                "Côte d'Ivoire",
                "Nord"
            ]
        );
        assert_eq!(&text[all[0].0], "La Côte d’Ivoire  Nord");
        for s in [
            "Côte d’Ivoire",
            "A  B",
            "A\u{a0}B",
            "A\tB",
            "A B",
            "d'Ivoire",
        ] {
            assert_eq!(is_normal(s), normalize(s) == s, "{s:?}");
        }
    }

    #[test]
    fn a_paragraph_read_in_pieces_loses_no_echo() {
        let sentence = "Selon Jean Dupont, la Banque de France a parlé. ";
        let one = forms(sentence, &[], Lang::Fr);
        assert_eq!(one.len(), 7);
        // Over 128 KB on one line: read in pieces cut after sentences.
        let text = sentence.repeat(4000);
        let all = forms(&text, &[], Lang::Fr);
        assert_eq!(all.len(), one.len() * 4000);
        assert_eq!(all[all.len() - one.len()..], one[..]);
    }

    #[test]
    fn the_longest_confirmed_echo_stands_and_no_other_over_it() {
        let text = "Selon Jean Dupont, Dupont et Jean partent.";
        let all = echoes(text, text, &[], Lang::Fr);
        let kept: Vec<&str> = kept(&all, |f| matches!(f, "Jean Dupont" | "Dupont"))
            .into_iter()
            .map(|(_, form)| form)
            .collect();
        assert_eq!(kept, ["Jean Dupont", "Dupont"]);
    }
}
