//! Reading `knowledge.jsonl`, the bulk imports: one entity per line, each line parsed alone,
//! every bad line reported.

use serde::Deserialize;

use super::parse::unknown_kind;
use super::{KbEntry, KbError, KbFile, parse_kind};

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
