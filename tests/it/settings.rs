//! The settings are defined once, by the server's `Config`: the VS Code extension's settings
//! and the README's table of settings say the same names, types, defaults and values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nomen::lsp::{CLIENT_SETTINGS, Config, EncodingSetting, LanguageSetting, SeveritySetting};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The server's settings with their defaults, by dotted name (`diagnostics.debounceMs`).
fn defaults() -> BTreeMap<String, Value> {
    fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let name = match prefix {
                        "" => key.clone(),
                        _ => format!("{prefix}.{key}"),
                    };
                    flatten(&name, value, out);
                }
            }
            _ => {
                out.insert(prefix.to_string(), value.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    flatten("", &Config::default().to_json(), &mut out);
    out
}

/// The values a setting that takes one of a list accepts, as the server spells them.
fn choices(name: &str) -> Option<Vec<Value>> {
    fn all<T: serde::Serialize>(values: impl IntoIterator<Item = T>) -> Option<Vec<Value>> {
        Some(
            values
                .into_iter()
                .map(|v| serde_json::to_value(v).unwrap())
                .collect(),
        )
    }
    match name {
        "language" => all(LanguageSetting::ALL),
        "diagnostics.severity" | "annotations.severity" => all(SeveritySetting::ALL),
        "positionEncoding" => all(EncodingSetting::ALL),
        _ => None,
    }
}

/// The JSON schema type of a value the server reads.
fn schema_type(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

#[test]
fn the_vscode_settings_are_the_servers() {
    let text = std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap();
    let package: Value = serde_json::from_str(&text).unwrap();
    let properties = package["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("contributes.configuration.properties");
    let mut declared = BTreeMap::new();
    for (key, schema) in properties {
        let name = key.strip_prefix("nomen.").expect("a nomen. setting");
        let section = name.split('.').next().unwrap_or(name);
        if !CLIENT_SETTINGS.contains(&section) {
            declared.insert(name.to_string(), schema.clone());
        }
    }
    let defaults = defaults();
    assert_eq!(
        declared.keys().collect::<Vec<_>>(),
        defaults.keys().collect::<Vec<_>>(),
        "package.json declares other settings than the server reads"
    );
    let mut problems = Vec::new();
    for (name, default) in &defaults {
        let schema = &declared[name];
        if schema["default"] != *default {
            problems.push(format!(
                "{name}: default {} in package.json, {default} in the server",
                schema["default"]
            ));
        }
        if schema["type"] != schema_type(default) {
            problems.push(format!(
                "{name}: type {} in package.json, {} in the server",
                schema["type"],
                schema_type(default)
            ));
        }
        let listed = schema["enum"].as_array().cloned();
        if listed != choices(name) {
            problems.push(format!(
                "{name}: values {listed:?} in package.json, {:?} in the server",
                choices(name)
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The rows of the README's table of settings: name, default, and the whole row.
fn readme_rows() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("| setting | default |"));
    assert!(lines.next().is_some(), "no `| setting | default |` table");
    let cell = |s: &str| s.trim().trim_matches('`').to_string();
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let name = cell(cells[0].trim_start_matches('|'));
            (name, cell(cells[1]), row.to_string())
        })
        .collect()
}

#[test]
fn the_readme_table_of_settings_is_the_servers() {
    let rows = readme_rows();
    let defaults = defaults();
    let mut listed: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    listed.sort();
    assert_eq!(
        listed,
        defaults.keys().collect::<Vec<_>>(),
        "the README's table lists other settings than the server reads"
    );
    let mut problems = Vec::new();
    for (name, default, row) in &rows {
        let expected = defaults[name].to_string();
        if *default != expected {
            problems.push(format!(
                "{name}: default {default} in the README, {expected} in the server"
            ));
        }
        for value in choices(name).unwrap_or_default() {
            if !row.contains(&format!("`{value}`")) {
                problems.push(format!("{name}: the README does not list {value}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
