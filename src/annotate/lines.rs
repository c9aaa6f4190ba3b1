//! One line of a brat standoff file: its text kept verbatim, its line ending, and what nomen
//! reads of it (a text-bound `T` line, or another kind with the ids it refers to).

use crate::text::TextRange;

/// How a line of the `.ann` ended, so that it is written back the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eol {
    /// The last line of a file with no final newline.
    None,
    Lf,
    CrLf,
}

impl Eol {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Eol::None => "",
            Eol::Lf => "\n",
            Eol::CrLf => "\r\n",
        }
    }
}

/// A line's text: a range of the file as read (no copy per line), or rewritten text.
#[derive(Clone, Debug)]
pub(super) enum Raw {
    Source(u32, u32),
    Owned(String),
}

impl Raw {
    pub(super) fn get<'a>(&'a self, source: &'a str) -> &'a str {
        match self {
            Raw::Source(s, e) => source.get(*s as usize..*e as usize).unwrap_or(""),
            Raw::Owned(s) => s,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Line {
    /// The line as it was read (or last rewritten), without its ending.
    pub(super) raw: Raw,
    pub(super) eol: Eol,
    pub(super) kind: Kind,
    pub(super) alive: bool,
}

#[derive(Clone, Debug)]
pub(super) enum Kind {
    /// A `T` line, by its index in the document's entities.
    Entity(usize),
    /// Any other line: its id (`A1`, `*`, ``) and the ids it points at.
    Other(Other),
}

#[derive(Clone, Debug, Default)]
pub(super) struct Other {
    pub(super) id: String,
    pub(super) refs: Vec<String>,
}

/// A `T` line read: offsets still in code points, as the file has them.
#[derive(Debug)]
pub(super) struct ParsedT {
    pub(super) id: String,
    pub(super) label: String,
    /// In code points still, held in `TextRange`s.
    pub(super) spans: Vec<TextRange>,
    pub(super) text: String,
}

/// The lines of `ann` with their endings. A lone `\r` stays inside its line.
pub(super) fn split(ann: &str) -> impl Iterator<Item = (&str, Eol)> {
    ann.split_inclusive('\n').map(|line| {
        if let Some(body) = line.strip_suffix("\r\n") {
            (body, Eol::CrLf)
        } else if let Some(body) = line.strip_suffix('\n') {
            (body, Eol::Lf)
        } else {
            (line, Eol::None)
        }
    })
}

/// The number of an id `T12` (for `prefix` `T`), if it is one.
pub(super) fn number(id: &str, prefix: char) -> Option<u32> {
    let digits = id.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The id of a line: what comes before its first tab.
pub(super) fn id_of(raw: &str) -> &str {
    raw.split('\t').next().unwrap_or("")
}

/// Reads a `T` line (`T1\tPerson 0 5;10 15\tAda Byron`); the error says what is wrong.
pub(super) fn parse_t(raw: &str) -> Result<ParsedT, String> {
    let mut fields = raw.splitn(3, '\t');
    let id = fields.next().unwrap_or("");
    let Some(middle) = fields.next() else {
        return Err(format!("{id}: no tab after the id"));
    };
    let Some(text) = fields.next() else {
        return Err(format!("{id}: no tab before the text"));
    };
    let Some((label, offsets)) = middle.split_once(' ') else {
        return Err(format!("{id}: no offsets after the label"));
    };
    if label.is_empty() {
        return Err(format!("{id}: no label"));
    }
    let mut spans = Vec::new();
    for fragment in offsets.split(';') {
        let pair = fragment.split_once(' ').and_then(|(s, e)| {
            let s: u32 = s.parse().ok()?;
            let e: u32 = e.parse().ok()?;
            Some((s, e))
        });
        match pair {
            Some((s, e)) if s < e => spans.push(TextRange::new(s.into(), e.into())),
            Some(_) => return Err(format!("{id}: an empty or reversed span `{fragment}`")),
            None => return Err(format!("{id}: `{fragment}` is not two offsets")),
        }
    }
    spans.sort_unstable_by_key(|s| (s.start(), s.end()));
    Ok(ParsedT {
        id: id.to_string(),
        label: label.to_string(),
        spans,
        text: text.to_string(),
    })
}

/// Reads a line that is not a `T` line: its id and the ids it refers to.
pub(super) fn parse_other(raw: &str) -> Other {
    let mut fields = raw.split('\t');
    let id = fields.next().unwrap_or("").to_string();
    let tokens: Vec<&str> = fields
        .next()
        .unwrap_or("")
        .split(' ')
        .filter(|t| !t.is_empty())
        .collect();
    let after_colon = |t: &&str| t.split_once(':').map(|(_, r)| r.to_string());
    let refs = match id.chars().next() {
        // `A1\tNegated T1`, `N1\tReference T1 Wikidata:Q90`, `#1\tAnnotatorNotes T1`.
        Some('A' | 'M' | 'N' | '#') => tokens.get(1).map(|t| t.to_string()).into_iter().collect(),
        // `R1\tOrigin Arg1:T3 Arg2:T4`.
        Some('R') => tokens.iter().skip(1).filter_map(after_colon).collect(),
        // `E1\tTravel:T2 Agent:T1`: the trigger first, then the arguments.
        Some('E') => tokens.iter().filter_map(after_colon).collect(),
        // `*\tAlias T1 T2`.
        Some('*') => tokens.iter().skip(1).map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    Other { id, refs }
}

/// `raw` with the tokens of its second field that refer to an id in `gone` left out: the
/// members of an equivalence, the arguments of an event. Returns the new line and its refs.
pub(super) fn without_refs(raw: &str, gone: &dyn Fn(&str) -> bool) -> (String, Vec<String>) {
    let mut fields = raw.splitn(3, '\t');
    let id = fields.next().unwrap_or("");
    let middle = fields.next().unwrap_or("");
    let tail = fields.next();
    let star = id.starts_with('*');
    let kept: Vec<&str> = middle
        .split(' ')
        .enumerate()
        .filter(|(i, t)| {
            let target = match t.split_once(':') {
                Some((_, r)) if !star => r,
                _ if star && *i > 0 => t,
                _ => return true,
            };
            !gone(target)
        })
        .map(|(_, t)| t)
        .collect();
    let mut line = format!("{id}\t{}", kept.join(" "));
    if let Some(tail) = tail {
        line.push('\t');
        line.push_str(tail);
    }
    let refs = parse_other(&line).refs;
    (line, refs)
}
