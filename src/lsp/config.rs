//! The server's settings: a typed `Config` read from `initializationOptions` and
//! `workspace/didChangeConfiguration`. A bad setting is reported and skipped; the others apply.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::analysis::{ChecksConfig, DiagnosticsConfig, Severity};
use crate::extract::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageSetting {
    #[default]
    Auto,
    Fr,
    En,
}

impl LanguageSetting {
    /// Every value, in the order the editors list them.
    pub const ALL: [LanguageSetting; 3] = [
        LanguageSetting::Auto,
        LanguageSetting::Fr,
        LanguageSetting::En,
    ];

    pub fn lang(self) -> Option<Lang> {
        match self {
            LanguageSetting::Auto => None,
            LanguageSetting::Fr => Some(Lang::Fr),
            LanguageSetting::En => Some(Lang::En),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeveritySetting {
    Error,
    Warning,
    #[default]
    Information,
    Hint,
    Off,
}

impl SeveritySetting {
    /// Every value, in the order the editors list them.
    pub const ALL: [SeveritySetting; 5] = [
        SeveritySetting::Error,
        SeveritySetting::Warning,
        SeveritySetting::Information,
        SeveritySetting::Hint,
        SeveritySetting::Off,
    ];

    fn severity(self) -> Option<Severity> {
        match self {
            SeveritySetting::Error => Some(Severity::Error),
            SeveritySetting::Warning => Some(Severity::Warning),
            SeveritySetting::Information => Some(Severity::Information),
            SeveritySetting::Hint => Some(Severity::Hint),
            SeveritySetting::Off => None,
        }
    }
}

/// `positionEncoding`: what a client that offers no encodings really counts in (Vim's ALE
/// counts bytes); read at `initialize` only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EncodingSetting {
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-16")]
    Utf16,
    #[serde(rename = "utf-32")]
    Utf32,
}

impl EncodingSetting {
    /// Every value, in the order the editors list them.
    pub const ALL: [EncodingSetting; 4] = [
        EncodingSetting::Auto,
        EncodingSetting::Utf8,
        EncodingSetting::Utf16,
        EncodingSetting::Utf32,
    ];

    pub fn encoding(self) -> Option<crate::text::Encoding> {
        match self {
            EncodingSetting::Auto => None,
            EncodingSetting::Utf8 => Some(crate::text::Encoding::Utf8),
            EncodingSetting::Utf16 => Some(crate::text::Encoding::Utf16),
            EncodingSetting::Utf32 => Some(crate::text::Encoding::Utf32),
        }
    }
}

/// The sections of the `nomen` settings that belong to the editors' clients, not to the
/// server: the server ignores them.
pub const CLIENT_SETTINGS: &[&str] = &["server", "trace", "documentSelector"];

/// Every setting, with its default. The keys are those of the `nomen` section, camelCased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `language`: "auto", "fr" or "en".
    pub language: LanguageSetting,
    /// `diagnostics.severity`: "error", "warning", "information", "hint" or "off".
    pub severity: SeveritySetting,
    /// `diagnostics.firstMentionOnly`: mark only the first mention of each entity.
    pub first_mention_only: bool,
    /// `diagnostics.debounceMs`: how long the text must rest before diagnostics are published.
    pub debounce_ms: u64,
    /// `diagnostics.maxPerDocument`: at most this many per-mention diagnostics per document
    /// (0: no limit), so that a huge document does not flood the editor.
    pub max_diagnostics: usize,
    /// `checks.spellingVariants`, `checks.surnameBeforeFullName`,
    /// `checks.acronymBeforeExpansion`, `checks.mixedKinds`: the consistency checks.
    pub checks: ChecksConfig,
    /// `maxDocumentBytes`: documents above this size get one warning and no extraction.
    pub max_document_bytes: u64,
    /// `positionEncoding`: see [`EncodingSetting`].
    pub position_encoding: EncodingSetting,
    /// `annotations.severity`: the severity of the diagnostic shown for each annotation of a
    /// document with a brat `.ann` beside it ("off": none).
    pub annotation_severity: SeveritySetting,
    /// `annotations.suggestions`: on an annotated document, nomen's own mentions that no
    /// annotation overlaps are shown as `suggestion` hints.
    pub suggestions: bool,
    /// `learning.onSave`: saving an annotated document teaches the workspace model (in
    /// `.nomen/model.delta`) what its annotations say.
    pub learn_on_save: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            language: LanguageSetting::Auto,
            severity: SeveritySetting::Information,
            first_mention_only: false,
            debounce_ms: 150,
            max_diagnostics: 5000,
            checks: ChecksConfig::default(),
            max_document_bytes: 8 * 1024 * 1024,
            position_encoding: EncodingSetting::Auto,
            annotation_severity: SeveritySetting::Information,
            suggestions: true,
            learn_on_save: true,
        }
    }
}

impl Config {
    pub fn diagnostics(&self) -> DiagnosticsConfig {
        DiagnosticsConfig {
            severity: self.severity.severity(),
            first_mention_only: self.first_mention_only,
            limit: if self.max_diagnostics == 0 {
                usize::MAX
            } else {
                self.max_diagnostics
            },
        }
    }

    /// Applies the settings in `value`, either the `nomen` section itself or an object holding
    /// it under `nomen`. Returns one message per setting that was wrong and left unchanged.
    pub fn update(&mut self, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        let section = match value {
            Value::Null => return errors,
            Value::Object(map) => match map.get("nomen") {
                Some(Value::Object(inner)) => inner,
                Some(other) => {
                    errors.push(format!(
                        "nomen: expected an object of settings, got {other}"
                    ));
                    return errors;
                }
                None => map,
            },
            other => {
                errors.push(format!(
                    "nomen: expected an object of settings, got {other}"
                ));
                return errors;
            }
        };
        for (key, value) in section {
            match key.as_str() {
                "language" => set(&mut self.language, "language", value, &mut errors),
                "maxDocumentBytes" => set(&mut self.max_document_bytes, key, value, &mut errors),
                "positionEncoding" => set(&mut self.position_encoding, key, value, &mut errors),
                "diagnostics" => self.update_diagnostics(value, &mut errors),
                "checks" => self.update_checks(value, &mut errors),
                "annotations" => self.update_annotations(value, &mut errors),
                "learning" => self.update_learning(value, &mut errors),
                // Editors pass their client-side settings along; they are not the server's.
                key if CLIENT_SETTINGS.contains(&key) => {}
                _ => errors.push(format!("nomen.{key}: unknown setting")),
            }
        }
        errors
    }

    fn update_diagnostics(&mut self, value: &Value, errors: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            errors.push(format!(
                "nomen.diagnostics: expected an object, got {value}"
            ));
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "severity" => set(&mut self.severity, "diagnostics.severity", value, errors),
                "firstMentionOnly" => set(
                    &mut self.first_mention_only,
                    "diagnostics.firstMentionOnly",
                    value,
                    errors,
                ),
                "debounceMs" => set(
                    &mut self.debounce_ms,
                    "diagnostics.debounceMs",
                    value,
                    errors,
                ),
                "maxPerDocument" => set(
                    &mut self.max_diagnostics,
                    "diagnostics.maxPerDocument",
                    value,
                    errors,
                ),
                _ => errors.push(format!("nomen.diagnostics.{key}: unknown setting")),
            }
        }
    }

    fn update_annotations(&mut self, value: &Value, errors: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            errors.push(format!(
                "nomen.annotations: expected an object, got {value}"
            ));
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "severity" => set(
                    &mut self.annotation_severity,
                    "annotations.severity",
                    value,
                    errors,
                ),
                "suggestions" => set(
                    &mut self.suggestions,
                    "annotations.suggestions",
                    value,
                    errors,
                ),
                _ => errors.push(format!("nomen.annotations.{key}: unknown setting")),
            }
        }
    }

    fn update_learning(&mut self, value: &Value, errors: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            errors.push(format!("nomen.learning: expected an object, got {value}"));
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "onSave" => set(&mut self.learn_on_save, "learning.onSave", value, errors),
                _ => errors.push(format!("nomen.learning.{key}: unknown setting")),
            }
        }
    }

    /// The severity of annotation diagnostics; `None` when they are off.
    pub(crate) fn annotation_severity(&self) -> Option<Severity> {
        self.annotation_severity.severity()
    }

    fn update_checks(&mut self, value: &Value, errors: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            errors.push(format!("nomen.checks: expected an object, got {value}"));
            return;
        };
        for (key, value) in map {
            let field = match key.as_str() {
                "spellingVariants" => &mut self.checks.spelling_variants,
                "surnameBeforeFullName" => &mut self.checks.surname_before_full_name,
                "acronymBeforeExpansion" => &mut self.checks.acronym_before_expansion,
                "mixedKinds" => &mut self.checks.mixed_kinds,
                _ => {
                    errors.push(format!("nomen.checks.{key}: unknown setting"));
                    continue;
                }
            };
            set(field, &format!("checks.{key}"), value, errors);
        }
    }

    /// The settings as a JSON object, as `update` reads them. `Config::default().to_json()`
    /// is the one statement of the defaults: `tests/it/settings.rs` checks the VS Code
    /// extension's settings and the README's table against it.
    pub fn to_json(&self) -> Value {
        let mut diagnostics = Map::new();
        diagnostics.insert(
            "severity".into(),
            serde_json::to_value(self.severity).unwrap_or_default(),
        );
        diagnostics.insert("firstMentionOnly".into(), self.first_mention_only.into());
        diagnostics.insert("debounceMs".into(), self.debounce_ms.into());
        diagnostics.insert("maxPerDocument".into(), self.max_diagnostics.into());
        let mut out = Map::new();
        out.insert(
            "language".into(),
            serde_json::to_value(self.language).unwrap_or_default(),
        );
        out.insert("diagnostics".into(), diagnostics.into());
        out.insert("maxDocumentBytes".into(), self.max_document_bytes.into());
        out.insert(
            "positionEncoding".into(),
            serde_json::to_value(self.position_encoding).unwrap_or_default(),
        );
        let c = &self.checks;
        out.insert(
            "checks".into(),
            serde_json::json!({
                "spellingVariants": c.spelling_variants,
                "surnameBeforeFullName": c.surname_before_full_name,
                "acronymBeforeExpansion": c.acronym_before_expansion,
                "mixedKinds": c.mixed_kinds,
            }),
        );
        out.insert(
            "annotations".into(),
            serde_json::json!({
                "severity": serde_json::to_value(self.annotation_severity).unwrap_or_default(),
                "suggestions": self.suggestions,
            }),
        );
        out.insert(
            "learning".into(),
            serde_json::json!({ "onSave": self.learn_on_save }),
        );
        out.into()
    }
}

fn set<T: DeserializeOwned>(field: &mut T, name: &str, value: &Value, errors: &mut Vec<String>) {
    match T::deserialize(value) {
        Ok(v) => *field = v,
        Err(e) => errors.push(format!(
            "nomen.{name}: {e} (got {value}); keeping the previous value"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn settings_apply_with_or_without_the_section_name() {
        let mut c = Config::default();
        let errors = c.update(&json!({"nomen": {"language": "en", "diagnostics": {"severity": "off", "debounceMs": 0}}}));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (c.language, c.severity, c.debounce_ms),
            (LanguageSetting::En, SeveritySetting::Off, 0)
        );
        assert!(
            c.update(&json!({"diagnostics": {"firstMentionOnly": true}}))
                .is_empty()
        );
        assert!(c.first_mention_only);
        assert_eq!(c.update(&Value::Null), Vec::<String>::new());
    }

    #[test]
    fn a_bad_setting_is_reported_and_the_others_still_apply() {
        let mut c = Config::default();
        let errors = c.update(
            &json!({"language": "klingon", "maxDocumentBytes": 1000, "colour": 3,
            "diagnostics": {"severity": 7}}),
        );
        assert_eq!(c.language, LanguageSetting::Auto);
        assert_eq!(c.max_document_bytes, 1000);
        assert_eq!(c.severity, SeveritySetting::Information);
        let joined = errors.join("\n");
        assert_eq!(errors.len(), 3, "{joined}");
        assert!(
            joined.contains("nomen.language")
                && joined.contains("nomen.colour")
                && joined.contains("diagnostics.severity")
        );
        assert_eq!(c.update(&json!([1, 2])).len(), 1);
    }

    #[test]
    fn the_json_form_reads_back_to_the_same_config() {
        let mut c = Config {
            language: LanguageSetting::Fr,
            first_mention_only: true,
            ..Config::default()
        };
        c.debounce_ms = 42;
        c.max_diagnostics = 0;
        c.checks.mixed_kinds = false;
        c.position_encoding = EncodingSetting::Utf8;
        c.annotation_severity = SeveritySetting::Hint;
        c.suggestions = false;
        c.learn_on_save = false;
        let mut back = Config::default();
        assert!(back.update(&c.to_json()).is_empty());
        assert_eq!(back, c);
    }
}
