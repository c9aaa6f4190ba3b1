//! A tokenizer for French and English prose: words, elided articles and punctuation.
//!
//! Words keep their inner hyphens (`Yunus-Bek`, `Saint-Jean-Pied-de-Port`, `a-t-il`) and inner
//! apostrophes (`O'Brien`), but a French elided article or pronoun (`l’`, `d'`, `qu’`, `jusqu'`)
//! is a token of its own, so `l’Est` gives `l’` and `Est`. Whitespace (including NBSP and
//! U+202F) separates tokens and is not a token. Nothing here allocates per character.

use text_size::{TextRange, TextSize};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits, with inner hyphens and apostrophes.
    Word,
    /// A French elided word including its apostrophe: `l’`, `d'`, `qu’`.
    Elision,
    /// Any other single character.
    Punct,
}

/// The capitalisation of a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Starts with a lower-case letter (or has no letter at all).
    Lower,
    /// Starts with a capital, or with a lower-case Arabic article before one (`al-Assad`).
    Capitalized,
    /// Two letters or more, all capitals (`ONU`, `CNDD-FDD`).
    AllCaps,
    /// Starts with a digit.
    Number,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub kind: TokenKind,
    pub shape: Shape,
    /// The token starts a sentence, a line, a quotation or a title.
    pub sentence_start: bool,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.range]
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// A word that may begin or continue a name.
    pub fn is_capitalized(&self) -> bool {
        self.is_word() && matches!(self.shape, Shape::Capitalized | Shape::AllCaps)
    }
}

/// Elided French words, lower case, without the apostrophe.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "M", "Mme", "Mlle", "Mr", "Mrs", "Ms", "Dr", "St", "Me", "Jr", "Sr",
];

/// Splits `text` into tokens. Never panics; offsets always lie on `char` boundaries.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 5);
    let mut sentence_start = true;
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if c.is_whitespace() {
            sentence_start |= c == '\n';
            pos += c.len_utf8();
            continue;
        }
        let (end, kind) = if is_word_char(c) {
            scan_word(text, pos)
        } else {
            (pos + c.len_utf8(), TokenKind::Punct)
        };
        let range = TextRange::new(TextSize::new(pos as u32), TextSize::new(end as u32));
        let word = &text[pos..end];
        let shape = if kind == TokenKind::Punct {
            Shape::Lower
        } else {
            shape_of(word)
        };
        out.push(Token {
            range,
            kind,
            shape,
            sentence_start,
        });
        sentence_start = match kind {
            TokenKind::Punct => opens_sentence(c, out.iter().rev().nth(1).map(|t| t.text(text))),
            _ => false,
        };
        pos = end;
    }
    out
}

/// Whether the punctuation `c` makes the next word sentence-initial; `prev` is the word before it.
fn opens_sentence(c: char, prev: Option<&str>) -> bool {
    match c {
        '.' => !prev.is_some_and(|w| ABBREVIATIONS.contains(&w) || is_initial(w)),
        '!' | '?' | '…' | '«' | '“' | '"' | ':' | '(' | '[' | '–' | '—' | '•' | '*' => {
            true
        }
        _ => false,
    }
}

fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Combining marks, which continue the word they follow.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// Returns the end of the word starting at `start` and its kind.
fn scan_word(text: &str, start: usize) -> (usize, TokenKind) {
    let mut pos = start;
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if is_word_char(c) {
            pos += c.len_utf8();
        } else if c == '-' && next.is_some_and(char::is_alphanumeric) {
            pos += 1;
        } else if c == '.' && next.is_some_and(|n| n.is_lowercase() || n.is_ascii_digit()) {
            // Domain names and decimals (`Identi.ca`, `3.5`) are one token.
            pos += 1;
        } else if is_apostrophe(c) {
            if is_elision(&text[start..pos]) {
                return (pos + c.len_utf8(), TokenKind::Elision);
            }
            if !next.is_some_and(char::is_alphabetic)
                || is_english_clitic(&text[pos + c.len_utf8()..])
            {
                break;
            }
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    (pos, TokenKind::Word)
}

fn is_elision(word: &str) -> bool {
    word.len() <= 7 && ELISIONS.iter().any(|e| e.eq_ignore_ascii_case(word))
}

/// `'s`, `'re`, `'ll`, ... after an English word: not part of the name.
fn is_english_clitic(rest: &str) -> bool {
    let word_len = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    matches!(&rest[..word_len], "s" | "re" | "ll" | "ve" | "d" | "m")
}

fn shape_of(word: &str) -> Shape {
    let Some(first) = word.chars().next() else {
        return Shape::Lower;
    };
    if first.is_numeric() {
        return Shape::Number;
    }
    if first.is_uppercase() {
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let all_caps = letters.clone().count() >= 2 && letters.all(char::is_uppercase);
        return if all_caps {
            Shape::AllCaps
        } else {
            Shape::Capitalized
        };
    }
    match word.split_once('-') {
        Some(("al" | "el" | "ad" | "as" | "ash" | "an" | "ar" | "az" | "at", rest))
            if rest.chars().next().is_some_and(char::is_uppercase) =>
        {
            Shape::Capitalized
        }
        _ => Shape::Lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        let mut out = String::new();
        for t in tokenize(text) {
            let mark = match (t.kind, t.sentence_start) {
                (TokenKind::Elision, _) => "'",
                (_, true) => "^",
                _ => "",
            };
            out.push_str(&format!("{mark}[{}] ", t.text(text)));
        }
        out.trim_end().to_owned()
    }

    #[test]
    fn elisions_hyphens_and_particles() {
        let text = "L’homme de l'Est, qu’il a vu à Saint-Jean-Pied-de-Port, a-t-il dit. M. O'Brien d’al-Assad.";
        expect_test::expect!["'[L’] [homme] [de] '[l'] [Est] [,] '[qu’] [il] [a] [vu] [à] [Saint-Jean-Pied-de-Port] [,] [a-t-il] [dit] [.] ^[M] [.] [O'Brien] '[d’] [al-Assad] [.]"]
        .assert_eq(&render(text));
    }

    #[test]
    fn english_clitics_and_quotes() {
        let text = "Putin's aide said: \"NATO isn't\" (U.S.)";
        expect_test::expect![[r#"^[Putin] ['] [s] [aide] [said] [:] ^["] ^[NATO] [isn't] ["] ^[(] ^[U] [.] [S] [.] [)]"#]]
        .assert_eq(&render(text));
    }

    #[test]
    fn shapes() {
        let shapes: Vec<Shape> = tokenize("ONU Kremlin le al-Nosra 2019 CNDD-FDD")
            .iter()
            .map(|t| t.shape)
            .collect();
        assert_eq!(
            shapes,
            [
                Shape::AllCaps,
                Shape::Capitalized,
                Shape::Lower,
                Shape::Capitalized,
                Shape::Number,
                Shape::AllCaps
            ]
        );
    }
}
