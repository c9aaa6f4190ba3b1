//! Corrections written into `knowledge.toml`: text in, text out, keeping the user's comments,
//! order and formatting (with `toml_edit`).
//!
//! An entity is found by its name, then by its aliases, compared as lookup keys
//! ([`super::key`]). An edit that would change nothing returns the text unchanged.

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value, value};

use super::{KbEntry, KbError, key, kind_name, parse::error_at};
use crate::extract::Label;

/// Sets the kind of the entity `name`, creating `[[entity]]` with that name if there is none.
pub fn set_kind(text: &str, name: &str, label: Label) -> Result<String, KbError> {
    let mut doc = load(text)?;
    let entities = entities_mut(&mut doc, text)?;
    match find(entities, name) {
        Some(table) => set_kind_of(table, label),
        None => {
            entities.push(new_entity(name, label, doc_is_empty(text)));
        }
    }
    Ok(doc.to_string())
}

/// Adds `alias` to the entity `name`, creating the entity with kind `label_if_new` if there is
/// none. Nothing changes if the entity already has that form.
pub fn add_alias(
    text: &str,
    name: &str,
    alias: &str,
    label_if_new: Label,
) -> Result<String, KbError> {
    let mut doc = load(text)?;
    let entities = entities_mut(&mut doc, text)?;
    match find(entities, name) {
        Some(table) => push_new(table, "aliases", alias),
        None => {
            let mut table = new_entity(name, label_if_new, doc_is_empty(text));
            push_new(&mut table, "aliases", alias);
            entities.push(table);
        }
    }
    Ok(doc.to_string())
}

/// Adds `entry`, or merges it into the entity with the same name: the kind and a given
/// description replace the old ones, new aliases and links are appended.
pub fn add_entry(text: &str, entry: &KbEntry) -> Result<String, KbError> {
    let mut doc = load(text)?;
    let entities = entities_mut(&mut doc, text)?;
    let by_name = entities.iter_mut().position(|t| has_name(t, &entry.name));
    let table = match by_name {
        Some(i) => entities.get_mut(i).expect("position came from this array"),
        None => {
            entities.push(new_entity(&entry.name, entry.label, doc_is_empty(text)));
            let last = entities.len() - 1;
            entities.get_mut(last).expect("just pushed")
        }
    };
    set_kind_of(table, entry.label);
    for alias in &entry.aliases {
        push_new(table, "aliases", alias);
    }
    for (field, text) in [
        ("name_en", &entry.name_en),
        ("description", &entry.description),
        ("description_en", &entry.description_en),
    ] {
        if let Some(text) = text {
            table[field] = value(text.as_str());
        }
    }
    for link in &entry.links {
        push_new(table, "links", link);
    }
    Ok(doc.to_string())
}

/// Adds `form` to `[ignore] forms`, creating the table if needed.
pub fn ignore(text: &str, form: &str) -> Result<String, KbError> {
    let mut doc = load(text)?;
    let empty = doc_is_empty(text);
    let item = doc.entry("ignore").or_insert_with(|| {
        let mut table = Table::new();
        if !empty {
            table.decor_mut().set_prefix("\n");
        }
        Item::Table(table)
    });
    let Some(table) = item.as_table_like_mut() else {
        return Err(cannot_edit(text, "`ignore` is not a table"));
    };
    let forms = table
        .entry("forms")
        .or_insert_with(|| Item::Value(Value::Array(Array::new())));
    let Some(forms) = forms.as_array_mut() else {
        return Err(cannot_edit(text, "`ignore.forms` is not an array"));
    };
    if !forms
        .iter()
        .any(|f| f.as_str().is_some_and(|f| key(f) == key(form)))
    {
        forms.push(form);
    }
    Ok(doc.to_string())
}

/// The largest file a correction edits in place. An edit parses the whole file with its layout
/// (toml_edit's document: a 10 MB file took 291 MB), where reading a file for its entries
/// parses one section at a time; so the files that the reading cap lets in but this one does
/// not are read, and corrections to them are refused with a reason.
pub const MAX_EDITED_BYTES: usize = 16 << 20;

fn load(text: &str) -> Result<DocumentMut, KbError> {
    if text.len() > MAX_EDITED_BYTES {
        let why = format!(
            "the file is over {} MB; edit it by hand, or keep large imports in knowledge.jsonl",
            MAX_EDITED_BYTES >> 20
        );
        return Err(cannot_edit(text, &why));
    }
    text.parse::<DocumentMut>().map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        error_at(text, offset, err.message().trim().to_string())
    })
}

fn cannot_edit(text: &str, why: &str) -> KbError {
    error_at(text, 0, format!("cannot edit the knowledge base: {why}"))
}

fn doc_is_empty(text: &str) -> bool {
    text.trim().is_empty()
}

fn entities_mut<'d>(
    doc: &'d mut DocumentMut,
    text: &str,
) -> Result<&'d mut ArrayOfTables, KbError> {
    let item = doc
        .entry("entity")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    match item {
        Item::ArrayOfTables(tables) => Ok(tables),
        _ => Err(cannot_edit(
            text,
            "`entity` is not written as [[entity]] tables",
        )),
    }
}

/// The entity whose name is `name`, else the first whose aliases hold it.
fn find<'t>(entities: &'t mut ArrayOfTables, name: &str) -> Option<&'t mut Table> {
    let wanted = key(name);
    let by_name = entities.iter().position(|t| has_name(t, name));
    let index = by_name.or_else(|| {
        entities.iter().position(|t| {
            let aliases = t.get("aliases").and_then(Item::as_array);
            aliases.is_some_and(|a| {
                a.iter()
                    .any(|v| v.as_str().is_some_and(|s| key(s) == wanted))
            })
        })
    })?;
    entities.get_mut(index)
}

fn has_name(table: &Table, name: &str) -> bool {
    let wanted = key(name);
    table
        .get("name")
        .and_then(Item::as_str)
        .is_some_and(|n| key(n) == wanted)
}

fn new_entity(name: &str, label: Label, first_in_file: bool) -> Table {
    let mut table = Table::new();
    if !first_in_file {
        // A blank line between entities, as people write them.
        table.decor_mut().set_prefix("\n");
    }
    table["name"] = value(name);
    table["kind"] = value(kind_name(label));
    table
}

fn set_kind_of(table: &mut Table, label: Label) {
    let current = table.get("kind").and_then(Item::as_str);
    if current.and_then(super::parse_kind) != Some(label) {
        match table.get_mut("kind").and_then(Item::as_value_mut) {
            // Replacing the value in place keeps the comment after it.
            Some(old) => {
                let decor = old.decor().clone();
                *old = Value::from(kind_name(label));
                *old.decor_mut() = decor;
            }
            None => table["kind"] = value(kind_name(label)),
        }
    }
}

/// Appends `form` to the array `field` unless the entity already has it (for aliases, as its
/// name too).
fn push_new(table: &mut Table, field: &str, form: &str) {
    let wanted = key(form);
    if field == "aliases" && has_name(table, form) {
        return;
    }
    let item = table
        .entry(field)
        .or_insert_with(|| Item::Value(Value::Array(Array::new())));
    let Some(array) = item.as_array_mut() else {
        // A malformed field: the parser reports it; overwrite it with what was asked.
        *item = Item::Value(Value::Array(Array::from_iter([form])));
        return;
    };
    if !array
        .iter()
        .any(|v| v.as_str().is_some_and(|s| key(s) == wanted))
    {
        array.push(form);
    }
}
