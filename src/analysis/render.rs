//! What hovers and diagnostics say, as plain strings; the protocol layer only wraps them.

use super::{DocumentAnalysis, Entity};
use crate::text::TextRange;

/// The word users read for a label: the one the knowledge base's files use.
pub use crate::kb::kind_name;

/// Markdown or plain text, as the client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    Markdown,
    PlainText,
}

/// The facts a hover shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    /// The mention hovered, in document bytes.
    pub range: TextRange,
    /// The entity's name in the document's language (see [`DocumentAnalysis::shown_name`]).
    pub shown: String,
    pub entity: Entity,
    /// Zero-based line of the entity's first mention.
    pub first_line: u32,
    /// Roles the text gives the entity, with the zero-based line each is stated on.
    pub roles: Vec<(String, u32)>,
    /// Other files of the workspace that mention the entity, with how often (filled in by the
    /// server from its workspace index).
    pub elsewhere: Vec<(String, u32)>,
    /// The knowledge base's description and links, if it knows the entity.
    pub description: Option<String>,
    pub links: Vec<String>,
}

impl HoverInfo {
    pub fn render(&self, markup: Markup) -> String {
        let e = &self.entity;
        let text = |s: &str| match markup {
            Markup::Markdown => escape_markdown(s),
            Markup::PlainText => s.to_string(),
        };
        let shown = self.shown.as_str();
        let title = match markup {
            Markup::Markdown => format!("**{}** — {}", text(shown), kind_name(e.label)),
            Markup::PlainText => format!("{} — {}", shown, kind_name(e.label)),
        };
        let mut lines = vec![title];
        if let Some(description) = &self.description {
            lines.push(text(description));
        }
        if !self.roles.is_empty() {
            let roles: Vec<String> = self
                .roles
                .iter()
                .map(|(role, line)| format!("{} (line {})", text(role), line + 1))
                .collect();
            let head = if roles.len() == 1 { "Role" } else { "Roles" };
            lines.push(format!("{head}: {}", roles.join("; ")));
        }
        let others: Vec<String> = e
            .forms
            .iter()
            .filter(|(f, _)| f != shown)
            .map(|(f, _)| text(f))
            .collect();
        if !others.is_empty() {
            lines.push(format!("Also written: {}", others.join(", ")));
        }
        let mentions = if e.mentions == 1 {
            "1 mention".to_string()
        } else {
            format!("{} mentions", e.mentions)
        };
        lines.push(format!("{mentions}, first on line {}", self.first_line + 1));
        if !self.elsewhere.is_empty() {
            let shown: Vec<String> = self
                .elsewhere
                .iter()
                .take(5)
                .map(|(file, n)| format!("{} ({n})", text(file)))
                .collect();
            let more = self.elsewhere.len().saturating_sub(5);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            lines.push(format!("Also in: {}{more}", shown.join(", ")));
        }
        if !self.links.is_empty() {
            // Links stay as they are: escaping would break them.
            lines.push(self.links.join(" · "));
        }
        // Markdown needs a blank line between paragraphs; plain text shows lines as they are.
        lines.join(if markup == Markup::Markdown {
            "\n\n"
        } else {
            "\n"
        })
    }
}

/// Escapes what would change how `s` renders in Markdown, and only that, so that names such as
/// "porte-parole" or "Yunus-Bek (Ingouchie)" read as written in clients that show the source.
/// Everywhere: emphasis, code, links, HTML and autolinks, tables, strikethrough, backslashes,
/// an `&` that could start an entity. At the start of a line only: headings, list markers,
/// block quotes' cousins (`+`, `-`, `=` underlines) and ordered lists (`1.`, `1)`).
pub(super) fn escape_markdown(s: &str) -> String {
    #[derive(PartialEq)]
    enum LineSoFar {
        Blank,
        Digits,
        Other,
    }
    let mut out = String::with_capacity(s.len());
    let mut line = LineSoFar::Blank;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => true,
            '&' => starts_entity(&s[i + 1..]),
            '#' | '+' | '-' | '=' => line == LineSoFar::Blank,
            '.' | ')' => line == LineSoFar::Digits,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        line = match c {
            '\n' => LineSoFar::Blank,
            ' ' | '\t' if line == LineSoFar::Blank => LineSoFar::Blank,
            '0'..='9' if line != LineSoFar::Other => LineSoFar::Digits,
            _ => LineSoFar::Other,
        };
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// What the per-mention diagnostics look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiagnosticsConfig {
    /// `None` turns them off.
    pub severity: Option<Severity>,
    /// Mark only the first mention of each entity.
    pub first_mention_only: bool,
    /// At most this many diagnostics, the first ones in the document.
    pub limit: usize,
}

impl Default for DiagnosticsConfig {
    fn default() -> Self {
        DiagnosticsConfig {
            severity: Some(Severity::Information),
            first_mention_only: false,
            limit: usize::MAX,
        }
    }
}

/// One diagnostic, in document bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// `entity` for a mention, else the name of the consistency check.
    pub code: &'static str,
    pub message: String,
    /// Quick fixes, if the check has one.
    pub fixes: Vec<Fix>,
}

/// A quick fix: text edits, in document bytes, with a title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<(TextRange, String)>,
}

impl DocumentAnalysis {
    /// One diagnostic per mention: "Khalifa Haftar — person".
    pub fn diagnostics(&self, config: &DiagnosticsConfig) -> Vec<Diagnostic> {
        let Some(severity) = config.severity else {
            return Vec::new();
        };
        let mut seen = rustc_hash::FxHashSet::default();
        let mut shown: rustc_hash::FxHashMap<String, String> = Default::default();
        self.resolved()
            .filter(|m| !config.first_mention_only || seen.insert(m.entity.clone()))
            .take(config.limit)
            .map(|m| {
                let name = shown
                    .entry(m.entity.clone())
                    .or_insert_with(|| self.shown_name(&m.entity));
                Diagnostic {
                    range: m.range,
                    severity,
                    code: "entity",
                    message: format!("{name} — {}", kind_name(m.label)),
                    fixes: Vec::new(),
                }
            })
            .collect()
    }
}

/// Whether `rest` (what follows an `&`) makes a character reference: `amp;`, `#38;`.
fn starts_entity(rest: &str) -> bool {
    let name = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    name > 0 && rest.as_bytes().get(name) == Some(&b';')
}

#[cfg(test)]
mod tests {
    use super::escape_markdown;

    #[test]
    fn markdown_escapes_only_what_changes_the_rendering() {
        for (text, escaped) in [
            ("porte-parole", "porte-parole"),
            ("Yunus-Bek (Ingouchie)", "Yunus-Bek (Ingouchie)"),
            ("M. Dupont, 3.5 ans. Fin!", "M. Dupont, 3.5 ans. Fin!"),
            ("AT&T", "AT&T"),
            (
                "a *b* _c_ `d` [e](f) <g> h|i ~j~ k\\l",
                "a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<g\\> h\\|i \\~j\\~ k\\\\l",
            ),
            ("&amp; &#38;", "\\&amp; \\&#38;"),
            ("# titre", "\\# titre"),
            ("- point\n+ point\n  = x", "\\- point\n\\+ point\n  \\= x"),
            ("1. premier\n12) second", "1\\. premier\n12\\) second"),
            ("Le #1 - 2.", "Le #1 - 2."),
        ] {
            assert_eq!(escape_markdown(text), escaped, "{text:?}");
        }
    }
}
