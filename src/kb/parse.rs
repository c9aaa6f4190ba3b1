//! Reading `knowledge.toml`, written by hand, validated with every error located (the JSON
//! Lines imports are read by `jsonl.rs`).

use std::ops::Range;

use toml_edit::{Document, Item, TableLike, Value};
use toml_parser::lexer::TokenKind;

use super::{KbEntry, KbError, KbFile, parse_kind};
use crate::extract::Label;

/// Reads a `knowledge.toml` file. On any error, returns all the errors and no entries.
///
/// The file is read one section at a time (what comes before the first table header, then
/// each `[[entity]]` or `[ignore]` with its keys), each section parsed alone and dropped before
/// the next: toml_edit's document of a whole file holds about 2 KB per entity (its layout, to
/// edit it in place), hundreds of megabytes for a large file, where the entries take a tenth
/// of that. The sections give the entries and errors the whole file gives; where they might
/// not (another table header, a key that two sections define, a syntax error), the whole file
/// is parsed at once instead.
pub fn parse_toml(text: &str) -> Result<KbFile, Vec<KbError>> {
    by_sections(text).unwrap_or_else(|| whole(text))
}

fn whole(text: &str) -> Result<KbFile, Vec<KbError>> {
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let offset = err.span().map_or(0, |s| s.start);
            let message = err.message().trim().to_string();
            return Err(vec![error_at(text, offset, message)]);
        }
    };
    let mut reader = TomlReader::new(text);
    reader.root(doc.as_table());
    reader.finish()
}

/// [`parse_toml`] section by section; `None` where that might differ from the whole file.
fn by_sections(text: &str) -> Option<Result<KbFile, Vec<KbError>>> {
    let starts = section_starts(text);
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let mut reader = TomlReader::new(text);
    let first = starts.first().copied().unwrap_or(text.len());
    let (root_entity, root_ignore) = {
        let root = Document::parse(&text[..first]).ok()?;
        reader.root(root.as_table());
        let has = |key| root.as_table().contains_key(key);
        (has("entity"), has("ignore"))
    };
    // The whole file's errors come key by key, in the order the keys first appear.
    let root_errors = reader.errors.len();
    let mut ignore: Option<(bool, Vec<KbError>)> = None;
    let mut entity_seen = false;
    for (start, end) in starts.iter().copied().zip(ends) {
        let section = Document::parse(&text[start..end]).ok()?;
        reader.shift = start;
        let table = section.as_table();
        let mut keys = table.iter();
        let (name, item) = keys.next()?;
        if keys.next().is_some() {
            return None;
        }
        match (name, item) {
            ("entity", Item::ArrayOfTables(_)) if !root_entity => {
                entity_seen = true;
                reader.entities(item, None);
            }
            ("ignore", Item::Table(_)) if !root_ignore && ignore.is_none() => {
                let before = reader.errors.len();
                reader.ignore(item, table.key(name).and_then(|k| k.span()));
                ignore = Some((!entity_seen, reader.errors.split_off(before)));
            }
            _ => return None,
        }
    }
    if let Some((first, errors)) = ignore {
        let at = if first {
            root_errors
        } else {
            reader.errors.len()
        };
        reader.errors.splice(at..at, errors);
    }
    Some(reader.finish())
}

/// Where each top-level table header starts, found with TOML's own lexer so that a bracket in
/// a string, a comment or an array is never taken for one.
fn section_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0u32;
    let mut line_start = true;
    let mut in_header = false;
    for token in toml_parser::Source::new(text).lex() {
        match token.kind() {
            TokenKind::Newline => {
                line_start = true;
                in_header = false;
                continue;
            }
            TokenKind::Whitespace => continue,
            TokenKind::LeftSquareBracket if depth == 0 && line_start && !in_header => {
                starts.push(token.span().start());
                in_header = true;
            }
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket if !in_header => depth += 1,
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket if !in_header => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        line_start = false;
    }
    starts
}

struct TomlReader<'a> {
    text: &'a str,
    /// Where the section being read starts in `text`: its spans count from there.
    shift: usize,
    file: KbFile,
    errors: Vec<KbError>,
    /// Where each line starts, found at the first error: a file with thousands of errors must
    /// not be scanned again for each.
    lines: Option<LineStarts>,
}

impl TomlReader<'_> {
    fn new(text: &str) -> TomlReader<'_> {
        TomlReader {
            text,
            shift: 0,
            file: KbFile::default(),
            errors: Vec::new(),
            lines: None,
        }
    }

    fn finish(self) -> Result<KbFile, Vec<KbError>> {
        match self.errors.is_empty() {
            true => Ok(self.file),
            false => Err(self.errors),
        }
    }

    fn root(&mut self, root: &toml_edit::Table) {
        for (name, item) in root.iter() {
            let key_span = root.key(name).and_then(|k| k.span());
            match name {
                "entity" => self.entities(item, key_span),
                "ignore" => self.ignore(item, key_span),
                _ => self.error(
                    key_span.or(item.span()),
                    format!("unknown key `{name}`: expected `entity` or `ignore`"),
                ),
            }
        }
    }

    fn error(&mut self, span: Option<Range<usize>>, message: String) {
        let offset = span.map_or(0, |s| s.start + self.shift);
        let lines = self.lines.get_or_insert_with(|| LineStarts::new(self.text));
        self.errors.push(lines.error_at(self.text, offset, message));
    }

    fn entities(&mut self, item: &Item, key_span: Option<Range<usize>>) {
        match item {
            Item::ArrayOfTables(tables) => {
                for table in tables.iter() {
                    self.entity(table, table.span());
                }
            }
            Item::Value(Value::Array(array)) => {
                for value in array.iter() {
                    match value.as_inline_table() {
                        Some(table) => self.entity(table, table.span()),
                        None => self.error(value.span(), "an entity must be a table".into()),
                    }
                }
            }
            _ => self.error(
                key_span.or(item.span()),
                "`entity` must be an array of tables: write `[[entity]]`".into(),
            ),
        }
    }

    fn entity(&mut self, table: &dyn TableLike, span: Option<Range<usize>>) {
        let errors_before = self.errors.len();
        let mut name = None;
        let mut label = None;
        let mut entry = KbEntry::new("", Label::Misc);
        for (field, item) in table.iter() {
            let key_span = table.key(field).and_then(|k| k.span());
            match field {
                "name" => name = self.string(item, "name", true),
                "kind" => label = self.kind(item),
                "aliases" => entry.aliases = self.strings(item, "aliases"),
                "name_en" => entry.name_en = self.string(item, "name_en", true),
                "description" => entry.description = self.string(item, "description", false),
                "description_en" => {
                    entry.description_en = self.string(item, "description_en", false)
                }
                "links" => entry.links = self.strings(item, "links"),
                _ => self.error(
                    key_span.or(item.span()),
                    format!(
                        "unknown field `{field}`: expected name, name_en, kind, aliases, description, \
                         description_en or links"
                    ),
                ),
            }
        }
        let span = || {
            span.clone()
                .or(table.iter().next().and_then(|(_, i)| i.span()))
        };
        if !table.contains_key("name") {
            self.error(span(), "this entity has no `name`".into());
        }
        if !table.contains_key("kind") {
            self.error(span(), missing_kind().into());
        }
        if let (Some(name), Some(label), true) = (name, label, self.errors.len() == errors_before) {
            entry.name = name;
            entry.label = label;
            self.file.entries.push(entry);
        }
    }

    fn kind(&mut self, item: &Item) -> Option<Label> {
        let kind = self.string(item, "kind", true)?;
        let label = parse_kind(&kind);
        if label.is_none() {
            self.error(item.span(), unknown_kind(&kind));
        }
        label
    }

    fn string(&mut self, item: &Item, field: &str, required: bool) -> Option<String> {
        let Some(s) = item.as_str() else {
            self.error(item.span(), format!("`{field}` must be a string"));
            return None;
        };
        if required && s.trim().is_empty() {
            self.error(item.span(), format!("`{field}` must not be empty"));
            return None;
        }
        Some(s.to_string())
    }

    fn strings(&mut self, item: &Item, field: &str) -> Vec<String> {
        let Some(array) = item.as_array() else {
            self.error(
                item.span(),
                format!("`{field}` must be an array of strings, like [\"…\"]"),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(array.len());
        for value in array.iter() {
            match value.as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.to_string()),
                Some(_) => self.error(value.span(), format!("an item of `{field}` is empty")),
                None => self.error(value.span(), format!("`{field}` must hold strings only")),
            }
        }
        out
    }

    fn ignore(&mut self, item: &Item, key_span: Option<Range<usize>>) {
        let Some(table) = item.as_table_like() else {
            let span = key_span.or(item.span());
            self.error(span, "`ignore` must be a table: write `[ignore]`".into());
            return;
        };
        for (field, value) in table.iter() {
            match field {
                "forms" => {
                    let forms = self.strings(value, "forms");
                    self.file.ignored.extend(forms);
                }
                _ => {
                    let span = table.key(field).and_then(|k| k.span()).or(value.span());
                    self.error(
                        span,
                        format!("unknown key `{field}` in [ignore]: expected `forms`"),
                    );
                }
            }
        }
    }
}

fn missing_kind() -> &'static str {
    "this entity has no `kind`: write person, organisation, place or other"
}

pub(super) fn unknown_kind(kind: &str) -> String {
    format!("unknown kind `{kind}`: expected person, organisation, place or other")
}

/// The start of every line of a text. Lines end at `\n`, `\r\n` or a lone `\r`, as in LSP.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineStarts(starts)
    }

    /// [`error_at`], in the time it takes to count the columns of one line.
    fn error_at(&self, text: &str, offset: usize, message: String) -> KbError {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // A line starts after its break: an offset on the break belongs to the line before.
        let line = self.0.partition_point(|start| *start <= offset) - 1;
        let line_start = self.0[line];
        KbError {
            line: line as u32,
            column: text[line_start..offset].chars().count() as u32,
            message,
        }
    }
}

/// A [`KbError`] at a byte offset of `text`, converted to a line and a column in chars.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in LSP.
pub(super) fn error_at(text: &str, offset: usize, message: String) -> KbError {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    KbError {
        line,
        column: before[line_start..].chars().count() as u32,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::{LineStarts, by_sections, error_at, whole};

    #[test]
    fn sections_read_like_the_whole_file() {
        let entity = |name: &str| format!("[[entity]]\nname = \"{name}\"\nkind = \"place\"\n");
        let cases = [
            // Read by sections: the entries and the errors of the whole file, in its order.
            (
                true,
                format!("# a comment\n{}\n{}", entity("Lyon"), entity("Brest")),
            ),
            (
                true,
                format!(
                    "{}alias = [\"x\"]\n[ignore]\nforms = [\"Lundi\"]\nform = 1\n{}colour = 2\n",
                    entity("Lyon"),
                    entity("Brest")
                ),
            ),
            (
                true,
                format!(
                    "[ignore]\nform = 1\n\n{}alias = [\"x\"]\n{}",
                    entity("Lyon"),
                    entity("Brest")
                ),
            ),
            (
                true,
                "colour = 1\nentity = [{ name = \"Lyon\", kind = \"place\" }]\n[ignore]\nforms = []\n"
                    .to_string(),
            ),
            (
                true,
                format!(
                    "{}description = \"\"\"\n[[entity]]\nname = 'x'\n\"\"\"\naliases = [\n  \"[a]\",\n]\n{}",
                    entity("Lyon"),
                    entity("Brest")
                ),
            ),
            (true, format!("\u{feff}{}", entity("Lyon"))),
            (
                true,
                entity("Lyon").replace('\n', "\r\n") + "[[entity]]\r\nname = 1\r\n",
            ),
            (true, String::new()),
            // Read whole: the sections might differ from it.
            (
                false,
                format!(
                    "entity = [{{ name = \"Lyon\", kind = \"place\" }}]\n{}",
                    entity("Brest")
                ),
            ),
            (false, format!("{}[entity.x]\na = 1\n", entity("Lyon"))),
            (
                false,
                "[ignore]\nforms = []\n[ignore]\nforms = []\n".to_string(),
            ),
            (false, format!("{}[other]\n", entity("Lyon"))),
            (
                false,
                format!("{}name = \"Brest\n{}", entity("Lyon"), entity("Nice")),
            ),
            (false, format!("{}name = \"Lyon\"\n", entity("Lyon"))),
        ];
        for (sections, text) in cases {
            let by_sections = by_sections(&text);
            assert_eq!(by_sections.is_some(), sections, "{text}");
            if let Some(read) = by_sections {
                assert_eq!(read, whole(&text), "{text}");
            }
        }
    }

    #[test]
    fn errors_are_placed_alike_with_the_line_starts() {
        let text = "a = 1\nbé = \"x\"\r\n\r\nc = [\r  1,\n]\n\nd";
        let lines = LineStarts::new(text);
        for offset in 0..=text.len() + 3 {
            // Between the two bytes of a `\r\n` is inside a line break, not a place in a line.
            if text.get(offset..offset + 1) == Some("\n") && text[..offset].ends_with('\r') {
                continue;
            }
            if !text.is_char_boundary(offset.min(text.len())) {
                continue;
            }
            assert_eq!(
                lines.error_at(text, offset, String::new()),
                error_at(text, offset, String::new()),
                "at {offset}"
            );
        }
    }
}
