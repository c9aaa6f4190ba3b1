//! The label map: nomen's four labels (PER, LOC, ORG, MISC) and an annotation file's own
//! (`Person`, `GPE`, ...), both ways. A default recognises the CoNLL and WiNER-style names; a
//! workspace says more in `.nomen/labels.toml`:
//!
//! ```toml
//! [labels]
//! PER = "Person"                 # written for PER, and read as PER
//! LOC = ["Location", "GPE"]      # the first is written, all are read
//! ```

use std::ops::Range;

use toml_edit::{Document, Item, Value};

use crate::text::{TextRange, TextSize};
use crate::types::Label;

use super::AnnDoc;

/// What is wrong in a label map's text, at a byte range of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelError {
    pub range: TextRange,
    pub message: String,
}

/// nomen's labels to a file's and back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelMap {
    /// What the workspace says, in its order: the first name of a label is the one written.
    configured: Vec<(String, Label)>,
}

/// The names recognised without a map (compared case aside), CoNLL's first.
const DEFAULT: &[(&str, Label)] = &[
    ("PER", Label::Per),
    ("LOC", Label::Loc),
    ("ORG", Label::Org),
    ("MISC", Label::Misc),
    ("Person", Label::Per),
    ("Location", Label::Loc),
    ("Organization", Label::Org),
    ("Misc", Label::Misc),
    ("PERS", Label::Per),
    ("People", Label::Per),
    ("GPE", Label::Loc),
    ("Place", Label::Loc),
    ("Organisation", Label::Org),
    ("Miscellaneous", Label::Misc),
    ("Event", Label::Misc),
    ("Product", Label::Misc),
    ("Work", Label::Misc),
    ("Work_of_art", Label::Misc),
    ("Other", Label::Misc),
];

/// The WiNER-style name of each label, written in a file that uses such names.
fn long_name(label: Label) -> &'static str {
    match label {
        Label::Per => "Person",
        Label::Loc => "Location",
        Label::Org => "Organization",
        Label::Misc => "Misc",
    }
}

impl LabelMap {
    /// Reads a label map (`[labels]`, each of `PER`, `LOC`, `ORG`, `MISC` a name or a list of
    /// names). On any error, all the errors and no map.
    pub fn parse(text: &str) -> Result<LabelMap, Vec<LabelError>> {
        let at = |span: Option<Range<usize>>, message: String| LabelError {
            range: span.map_or(TextRange::empty(0.into()), |s| {
                TextRange::new(TextSize::new(s.start as u32), TextSize::new(s.end as u32))
            }),
            message,
        };
        let doc = Document::parse(text)
            .map_err(|e| vec![at(e.span(), e.message().trim().to_string())])?;
        let mut map = LabelMap::default();
        let mut errors = Vec::new();
        let root = doc.as_table();
        for (key, item) in root.iter() {
            let span = root.key(key).and_then(|k| k.span());
            if key != "labels" {
                errors.push(at(span, format!("unknown table `{key}`: write `[labels]`")));
                continue;
            }
            let Some(table) = item.as_table_like() else {
                errors.push(at(
                    span,
                    "`labels` must be a table: write `[labels]`".into(),
                ));
                continue;
            };
            for (tag, item) in table.iter() {
                let span = table.key(tag).and_then(|k| k.span()).or(item.span());
                let Some(label) = Label::from_tag(tag) else {
                    let message = format!("unknown label `{tag}`: nomen's are PER, LOC, ORG, MISC");
                    errors.push(at(span, message));
                    continue;
                };
                match names(item) {
                    Ok(names) => map.configured.extend(names.into_iter().map(|n| (n, label))),
                    Err(message) => errors.push(at(item.span().or(span), message)),
                }
            }
        }
        match errors.is_empty() {
            true => Ok(map),
            false => Err(errors),
        }
    }

    /// nomen's label for a file's `label`: the workspace's map first, then the default names.
    pub fn to_nomen(&self, label: &str) -> Option<Label> {
        let configured = self.configured.iter().find(|(n, _)| n == label);
        let default = || DEFAULT.iter().find(|(n, _)| n.eq_ignore_ascii_case(label));
        configured
            .map(|&(_, l)| l)
            .or_else(|| default().map(|&(_, l)| l))
    }

    /// The name to write for `label` in `doc`: the workspace's, else the one `doc` uses most
    /// for it (the first among equals), else a WiNER-style name in a file that uses such
    /// names, else CoNLL's tag.
    pub fn file_label(&self, label: Label, doc: &AnnDoc) -> String {
        if let Some((name, _)) = self.configured.iter().find(|(_, l)| *l == label) {
            return name.clone();
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        let mut long = false;
        for entity in doc.entities().chain(doc.unanchored()) {
            let name = entity.label.as_str();
            long |= Label::ALL.iter().any(|&l| long_name(l) == name);
            if self.to_nomen(name) != Some(label) {
                continue;
            }
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
        let most = counts
            .iter()
            .fold(None, |best: Option<&(&str, usize)>, c| match best {
                Some(b) if b.1 >= c.1 => Some(b),
                _ => Some(c),
            });
        match (most, long) {
            (Some((name, _)), _) => name.to_string(),
            (None, true) => long_name(label).to_string(),
            (None, false) => label.tag().to_string(),
        }
    }
}

fn names(item: &Item) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v.as_str() {
        Some(s) if !s.is_empty() && !s.contains(char::is_whitespace) => Ok(s.to_string()),
        Some(_) => Err("a label name must not be empty nor hold spaces".to_string()),
        None => Err("a label name must be a string".to_string()),
    };
    match item.as_value() {
        Some(Value::Array(array)) if !array.is_empty() => array.iter().map(one).collect(),
        Some(Value::Array(_)) => Err("the list of names is empty".into()),
        Some(value) => one(value).map(|n| vec![n]),
        None => Err("a label's names must be a string or a list of strings".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_reads_conll_and_winer_names_and_writes_the_files_own() {
        let map = LabelMap::default();
        assert_eq!(map.to_nomen("Person"), Some(Label::Per));
        assert_eq!(map.to_nomen("loc"), Some(Label::Loc));
        assert_eq!(map.to_nomen("Event"), Some(Label::Misc));
        assert_eq!(map.to_nomen("Date"), None);
        let text = "Iris sailed to Oslo.";
        let winer = AnnDoc::parse("T1\tPerson 0 4\tIris\n", text);
        assert_eq!(map.file_label(Label::Per, &winer), "Person");
        assert_eq!(map.file_label(Label::Loc, &winer), "Location");
        let conll = AnnDoc::parse("T1\tGPE 15 19\tOslo\n", text);
        assert_eq!(map.file_label(Label::Loc, &conll), "GPE");
        assert_eq!(map.file_label(Label::Per, &conll), "PER");
        assert_eq!(map.file_label(Label::Org, &AnnDoc::empty()), "ORG");
    }

    #[test]
    fn a_workspace_map_wins_and_its_errors_are_placed() {
        let map =
            LabelMap::parse("[labels]\nPER = \"Human\"\nLOC = [\"Site\", \"GPE\"]\n").unwrap();
        assert_eq!(map.to_nomen("Site"), Some(Label::Loc));
        assert_eq!(map.to_nomen("GPE"), Some(Label::Loc));
        assert_eq!(map.to_nomen("Person"), Some(Label::Per));
        assert_eq!(map.file_label(Label::Loc, &AnnDoc::empty()), "Site");
        assert_eq!(map.file_label(Label::Per, &AnnDoc::empty()), "Human");
        let text = "[labels]\nPERSON = \"Human\"\nLOC = 3\n[colors]\n";
        let errors = LabelMap::parse(text).unwrap_err();
        let shown: Vec<String> = errors
            .iter()
            .map(|e| format!("{:?} {}: {}", e.range, &text[e.range], e.message))
            .collect();
        expect_test::expect![[r#"
            [
                "9..15 PERSON: unknown label `PERSON`: nomen's are PER, LOC, ORG, MISC",
                "32..33 3: a label name must be a string",
                "35..41 colors: unknown table `colors`: write `[labels]`",
            ]
        "#]]
        .assert_debug_eq(&shown);
        assert!(LabelMap::parse("[labels\n").is_err());
    }
}
