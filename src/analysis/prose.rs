//! What of a block is prose: Markdown syntax, code, HTML, front matter and URLs become spaces,
//! so that extraction sees only prose while every byte keeps its offset.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::Format;
use crate::extract::Lang;

/// The prose of one block, the same length as the block, with everything else blanked.
pub(crate) fn prose(block: &str, format: Format, at_document_start: bool) -> Cow<'_, str> {
    let keep = match format {
        Format::Plain => std::iter::once(0..block.len()).collect(),
        Format::Markdown => markdown_prose(block, at_document_start),
    };
    let mut bytes = block.as_bytes().to_vec();
    let mut last = 0;
    for range in keep.iter().chain([&(block.len()..block.len())]) {
        blank(&mut bytes[last..range.start.max(last)]);
        last = last.max(range.end);
    }
    blank_urls(&mut bytes);
    // Whole characters are blanked, so the bytes stay UTF-8; the check costs one pass.
    match String::from_utf8(bytes) {
        Ok(s) if s == block => Cow::Borrowed(block),
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(block),
    }
}

/// The byte ranges of text that Markdown renders as prose.
fn markdown_prose(block: &str, at_document_start: bool) -> Vec<Range<usize>> {
    let mut options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    if at_document_start {
        options |= Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    }
    // Inside these, text is not prose: code, metadata, image descriptions and autolinks.
    let mut hidden = 0u32;
    let mut keep = Vec::new();
    for (event, range) in Parser::new_ext(block, options).into_offset_iter() {
        match event {
            Event::Start(
                Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::Image { .. } | Tag::HtmlBlock,
            ) => hidden += 1,
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => hidden += 1,
            Event::End(
                TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::Image | TagEnd::HtmlBlock,
            ) => hidden = hidden.saturating_sub(1),
            // Only autolinks were counted; an ordinary link's text stays prose.
            Event::End(TagEnd::Link) if is_autolink(&block[range.clone()]) => {
                hidden = hidden.saturating_sub(1)
            }
            Event::Text(_) if hidden == 0 => keep.push(range),
            _ => {}
        }
    }
    keep.sort_by_key(|r| r.start);
    keep
}

fn is_autolink(source: &str) -> bool {
    source.starts_with('<') && source.ends_with('>')
}

/// Blanks every character but line breaks.
fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// Blanks bare URLs (`https://...`, `www....`) up to the next white space.
fn blank_urls(bytes: &mut [u8]) {
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let starts_url = rest.starts_with(b"http://")
            || rest.starts_with(b"https://")
            || rest.starts_with(b"www.");
        let at_word_start =
            i == 0 || bytes[i - 1].is_ascii_whitespace() || b"(<[\"'".contains(&bytes[i - 1]);
        if starts_url && at_word_start {
            let mut len = rest.iter().take_while(|b| !b.is_ascii_whitespace()).count();
            // Punctuation that ends the sentence is not part of the URL.
            while len > 0 && b".,;:!?)]\"'".contains(&rest[len - 1]) {
                len -= 1;
            }
            blank(&mut bytes[i..i + len]);
            i += len;
        } else {
            i += 1;
        }
    }
}

/// What a block says of its language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Detected {
    /// The block's language when it is clear: eight words at least, and the function words
    /// decide, or else whatlang is sure.
    pub clear: Option<Lang>,
    /// Otherwise the language it leans to (a headline, a short note): the one with more
    /// function words, else whatlang's guess however unsure, once the block has four words.
    /// Only a document none of whose blocks is clear goes by it.
    pub leaning: Option<Lang>,
}

/// What `prose` says of its language, from its function words and at most one question to
/// whatlang.
pub(crate) fn detect_language(prose: &str) -> Detected {
    let words = prose.split_whitespace().take(8).count();
    // A paragraph's first few hundred bytes tell its language as well as the whole of it, at a
    // fraction of the cost.
    let mut end = prose.len().min(200);
    while !prose.is_char_boundary(end) {
        end -= 1;
    }
    let head = &prose[..end];
    let (fr, en) = function_words(head);
    // Short blocks (headlines, captions) are too little to be sure of.
    let long = words == 8;
    if let Some(lang) = by_function_words(fr, en).filter(|_| long) {
        return Detected {
            clear: Some(lang),
            leaning: None,
        };
    }
    let guess = || {
        let detector =
            whatlang::Detector::with_allowlist(vec![whatlang::Lang::Fra, whatlang::Lang::Eng]);
        let info = detector.detect(head)?;
        let lang = match info.lang() {
            whatlang::Lang::Fra => Lang::Fr,
            whatlang::Lang::Eng => Lang::En,
            _ => return None,
        };
        Some((lang, info.is_reliable()))
    };
    let asked = long.then(guess);
    if let Some(Some((lang, true))) = asked {
        return Detected {
            clear: Some(lang),
            leaning: None,
        };
    }
    let leaning = if fr != en {
        Some(if fr > en { Lang::Fr } else { Lang::En })
    } else if words < 4 {
        None
    } else {
        asked.unwrap_or_else(guess).map(|(lang, _)| lang)
    };
    Detected {
        clear: None,
        leaning,
    }
}

/// Words that belong to one of the two languages only (not `a`, `en`, `on`, `as`, `son`).
#[rustfmt::skip]
const FR_WORDS: &[&str] = &[
    "le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "que", "qui", "sur",
    "aux", "par", "avec", "il", "elle", "ils", "ont", "été", "pas", "cette", "ses", "sont", "au",
    "mais", "lui", "leur", "nous", "vous", "être", "aussi", "selon", "après",
];
#[rustfmt::skip]
const EN_WORDS: &[&str] = &[
    "the", "and", "of", "to", "is", "was", "for", "that", "with", "by", "at", "from", "it", "he",
    "she", "his", "her", "are", "were", "has", "have", "had", "this", "be", "they", "their",
    "which", "would", "will", "been", "not", "but", "after", "said",
];

/// A cheap first opinion: when one language's function words clearly outnumber the other's
/// (three at least, three times as many), that is the language, and whatlang is not asked.
fn by_function_words(fr: usize, en: usize) -> Option<Lang> {
    if fr >= 3 && fr >= 3 * en {
        Some(Lang::Fr)
    } else if en >= 3 && en >= 3 * fr {
        Some(Lang::En)
    } else {
        None
    }
}

/// How many French and English function words `text` has.
fn function_words(text: &str) -> (usize, usize) {
    let (mut fr, mut en) = (0usize, 0usize);
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() || word.len() > 6 {
            continue;
        }
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        fr += usize::from(FR_WORDS.contains(&lower.as_str()));
        en += usize::from(EN_WORDS.contains(&lower.as_str()));
    }
    (fr, en)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    fn by_words(text: &str) -> Option<Lang> {
        let (fr, en) = function_words(text);
        by_function_words(fr, en)
    }

    fn md(text: &str) -> String {
        prose(text, Format::Markdown, true).into_owned()
    }

    #[test]
    fn markdown_syntax_code_html_and_urls_are_blanked() {
        let text = "# Titre\n\nLe **général** `Haftar` voit <b>Paris</b>, [Tripoli](https://x.org/a) et <https://y.fr>.\n";
        let got = md(text);
        assert_eq!(got.len(), text.len());
        expect![[r#"
              Titre

            Le   général            voit    Paris    ,  Tripoli                   et               .
        "#]]
        .assert_eq(&got);
    }

    #[test]
    fn front_matter_and_fences_are_blanked_but_keep_lines() {
        let text = "---\ntitle: Moscou\n---\nTexte à Moscou.\n```\nParis\n```\n";
        assert_eq!(
            md(text),
            "   \n             \n   \nTexte à Moscou.\n   \n     \n   \n"
        );
        // Front matter counts only at the start of the document.
        let later = prose("---\ntitle: Moscou\n---\n", Format::Markdown, false);
        assert!(later.contains("Moscou"));
    }

    #[test]
    fn plain_text_keeps_everything_but_urls() {
        let text = "Voir https://exemple.fr/l’article et www.exemple.org, dit Peskov.";
        let got = prose(text, Format::Plain, true);
        assert_eq!(got.len(), text.len());
        assert!(got.starts_with("Voir ") && got.ends_with(", dit Peskov."));
        assert!(!got.contains("exemple"));
    }

    #[test]
    fn languages_are_told_apart() {
        let fr = "Le ministre a déclaré mardi que la situation restait très préoccupante dans la région.";
        let en =
            "The minister said on Tuesday that the situation remained very worrying in the region.";
        assert_eq!(detect_language(fr).clear, Some(Lang::Fr));
        assert_eq!(detect_language(en).clear, Some(Lang::En));
        assert_eq!(detect_language("Vladimir Poutine").clear, None);
        // Function words decide clear cases without whatlang; a tweet is English by them.
        let tweet = "Get the twins out , they are vile and it was the worst";
        assert_eq!(by_words(tweet), Some(Lang::En));
        assert_eq!(by_words("Le maire et les élus de la ville"), Some(Lang::Fr));
        assert_eq!(by_words("Paris Lyon Marseille Bordeaux Lille"), None);
        assert_eq!(by_words("the cat and le chien et la souris of"), None);
    }
}
