//! Reading knowledge-base files: TOML written by hand and JSON Lines imports, validated with
//! every error located.

use std::ops::Range;

use serde::Deserialize;
use toml_edit::{Document, Item, TableLike, Value};

use super::{KbEntry, KbError, KbFile, parse_kind};
use crate::extract::Label;

/// Reads a `knowledge.toml` file. On any error, returns all the errors and no entries.
pub fn parse_toml(text: &str) -> Result<KbFile, Vec<KbError>> {
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let offset = err.span().map_or(0, |s| s.start);
            let message = err.message().trim().to_string();
            return Err(vec![error_at(text, offset, message)]);
        }
    };
    let mut reader = TomlReader {
        text,
        file: KbFile::default(),
        errors: Vec::new(),
        lines: None,
    };
    let root = doc.as_table();
    for (name, item) in root.iter() {
        let key_span = root.key(name).and_then(|k| k.span());
        match name {
            "entity" => reader.entities(item, key_span),
            "ignore" => reader.ignore(item, key_span),
            _ => reader.error(
                key_span.or(item.span()),
                format!("unknown key `{name}`: expected `entity` or `ignore`"),
            ),
        }
    }
    match reader.errors.is_empty() {
        true => Ok(reader.file),
        false => Err(reader.errors),
    }
}

struct TomlReader<'a> {
    text: &'a str,
    file: KbFile,
    errors: Vec<KbError>,
    /// Where each line starts, found at the first error: a file with thousands of errors must
    /// not be scanned again for each.
    lines: Option<LineStarts>,
}

impl TomlReader<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String) {
        let offset = span.map_or(0, |s| s.start);
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

fn unknown_kind(kind: &str) -> String {
    format!("unknown kind `{kind}`: expected person, organisation, place or other")
}

/// One line of a JSON Lines file. Unknown keys are ignored on purpose: see the module docs.
#[derive(Deserialize)]
struct JsonEntry {
    name: String,
    kind: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_en: Option<String>,
    #[serde(default)]
    links: Vec<String>,
}

/// Reads a `knowledge.jsonl` file. On any error, returns the errors of every bad line and
/// no entries.
pub fn parse_jsonl(text: &str) -> Result<KbFile, Vec<KbError>> {
    let mut file = KbFile::default();
    let mut errors = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number as u32;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonEntry>(line) {
            Ok(json) => match entry_of_json(json) {
                Ok(entry) => file.entries.push(entry),
                Err((needle, message)) => {
                    let offset = line.find(needle).unwrap_or(0);
                    errors.push(KbError {
                        line: number,
                        column: line[..offset].chars().count() as u32,
                        message,
                    });
                }
            },
            Err(err) => {
                // serde_json counts columns in bytes from 1; ours are chars from 0.
                let byte = err.column().saturating_sub(1).min(line.len());
                let byte = (0..=byte)
                    .rev()
                    .find(|&b| line.is_char_boundary(b))
                    .unwrap_or(0);
                errors.push(KbError {
                    line: number,
                    column: line[..byte].chars().count() as u32,
                    message: strip_position(&err.to_string()),
                });
            }
        }
    }
    match errors.is_empty() {
        true => Ok(file),
        false => Err(errors),
    }
}

/// Checks what serde cannot; on error, a text to look for in the line and a message.
fn entry_of_json(json: JsonEntry) -> Result<KbEntry, (&'static str, String)> {
    if json.name.trim().is_empty() {
        return Err(("\"name\"", "`name` must not be empty".into()));
    }
    let Some(label) = parse_kind(&json.kind) else {
        return Err(("\"kind\"", unknown_kind(&json.kind)));
    };
    if json.name_en.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(("\"name_en\"", "`name_en` must not be empty".into()));
    }
    if json.aliases.iter().any(|a| a.trim().is_empty()) {
        return Err(("\"aliases\"", "an item of `aliases` is empty".into()));
    }
    Ok(KbEntry {
        name: json.name,
        name_en: json.name_en,
        label,
        aliases: json.aliases,
        description: json.description,
        description_en: json.description_en,
        links: json.links,
    })
}

/// serde_json's message without its " at line 1 column 12" suffix, which we report apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
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
    use super::{LineStarts, error_at};

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
