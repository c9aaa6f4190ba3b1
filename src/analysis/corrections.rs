//! The corrections a user can make at a place in a document, decided from the analysis: on the
//! entity there (its kind, not a name, the same as another, into the knowledge base), and the
//! name extraction missed that can be marked. `lsp/` turns them into code actions.

use super::{DocumentAnalysis, Entity};
use crate::extract::Label;
use crate::text::{Text, TextRange};

/// What can be corrected at a place of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corrections {
    /// The entity under the place, if any.
    pub entity: Option<EntityCorrections>,
    /// A name to offer marking, in the form to write into the knowledge base.
    pub to_mark: Option<String>,
}

/// The entity a correction would be about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityCorrections {
    /// The mention's text, its white space made single spaces.
    pub form: String,
    pub entity: Entity,
    /// The knowledge base knows the entity already.
    pub known: bool,
    /// The document's other entities, likely targets of "the same as" first: the same kind,
    /// then the most mentioned.
    pub others: Vec<(String, Label)>,
}

impl DocumentAnalysis {
    /// What can be corrected at `at` (a cursor or a selection) in `text`, this analysis's text.
    pub fn corrections_at(&self, text: &Text, at: TextRange) -> Corrections {
        let at_entity = self.entity_at(at.start());
        // What to offer marking as a name: where no mention is, the selection or the
        // capitalised word under the cursor (a name extraction missed); on a mention, a
        // selection that holds it and more ("Union des aéroports français" where "Union
        // des aéroports" was found). Marking puts it in the knowledge base, whose
        // names are marked wherever they are written, and a known form replaces the
        // mentions it holds. A form the knowledge base has already is not offered: its
        // kind is set where the entity is marked.
        let to_mark = unmarked_name(text, at).filter(|form| {
            // Only wider bounds: extraction's mention stands over a known form it holds.
            let other_bounds = at_entity.as_ref().is_none_or(|(range, _)| {
                at.contains_range(*range) && *form != normalized(&text.slice(*range))
            });
            other_bounds && self.knowledge().lookup(form).is_none()
        });
        let entity = at_entity.and_then(|(range, key)| {
            let entity = self.entity_info(&key)?;
            let known = self.knowledge().lookup(&key).is_some();
            let mut others: Vec<_> = self
                .symbols()
                .into_iter()
                .filter(|s| s.name != key)
                .collect();
            others.sort_by_key(|s| (s.label != entity.label, std::cmp::Reverse(s.mentions.len())));
            Some(EntityCorrections {
                form: normalized(&text.slice(range)),
                entity,
                known,
                others: others.into_iter().map(|s| (s.name, s.label)).collect(),
            })
        });
        Corrections { entity, to_mark }
    }
}

/// `text` with every run of white space made one space.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name to offer marking at `at`: the selection (one line, up to 100 bytes, some letter in
/// it), else the word under the cursor if it starts with a capital.
fn unmarked_name(text: &Text, at: TextRange) -> Option<String> {
    let selected = if at.is_empty() {
        let line = text.line_of(at.start());
        let start = text.line_start(line);
        let line_text = text.slice(TextRange::new(start, text.line_end(line)));
        let offset = usize::from(at.start() - start);
        let is_part = |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’');
        let from = line_text[..offset]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_part(*c))
            .last()
            .map_or(offset, |(i, _)| i);
        let to = line_text[offset..]
            .char_indices()
            .find(|(_, c)| !is_part(*c))
            .map_or(line_text.len(), |(i, _)| offset + i);
        let word = line_text[from..to]
            .trim_matches(['-', '\'', '’'])
            .to_string();
        if !word.starts_with(char::is_uppercase) {
            return None;
        }
        word
    } else {
        text.slice(at).into_owned()
    };
    let form = normalized(&selected);
    let one_line = !selected.trim().contains('\n');
    (one_line && form.len() <= 100 && form.chars().any(char::is_alphabetic)).then_some(form)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::unmarked_name;
    use crate::analysis::{DocOptions, SymbolQuery, analyze_with, default_knowledge};
    use crate::pipeline::Extractor;
    use crate::text::{Text, TextRange, TextSize};

    #[test]
    fn corrections_on_a_mention_and_on_a_missed_name() {
        let source = "Le président Emmanuel Macron a reçu Olaf Scholz à Paris. Macron a parlé.\n";
        let text = Text::new(source);
        let analysis = analyze_with(
            &Extractor::new(),
            &text,
            &DocOptions::default(),
            default_knowledge(),
        );
        let at = |word: &str, selected: bool| {
            let start = TextSize::new(source.find(word).unwrap() as u32);
            let len = TextSize::new(if selected { word.len() as u32 } else { 0 });
            TextRange::at(start, len)
        };
        let on_scholz = analysis.corrections_at(&text, at("Scholz", false));
        let on_words = analysis.corrections_at(&text, at("Le président", true));
        let symbols = analysis.symbols_matching(&SymbolQuery::new("MACRÓN"));
        let rendered = format!(
            "{:?}\n{:?}\n{:?}",
            on_scholz
                .entity
                .map(|e| (e.form, e.entity.name, e.known, e.others)),
            (on_words.entity.is_some(), on_words.to_mark),
            symbols
                .iter()
                .map(|s| (&s.name, s.mentions.len()))
                .collect::<Vec<_>>(),
        );
        expect![[r#"
            Some(("Olaf Scholz", "Olaf Scholz", false, [("Emmanuel Macron", Per), ("Paris", Loc)]))
            (false, Some("Le président"))
            [("Emmanuel Macron", 2)]"#]]
        .assert_eq(&rendered);
    }

    #[test]
    fn the_name_offered_is_the_selection_or_a_capitalised_word() {
        let text = Text::new("Talks with Peel Ports resumed.\nA second\nline.\n");
        let at = |start: u32, end: u32| TextRange::new(TextSize::new(start), TextSize::new(end));
        let name = |start, end| unmarked_name(&text, at(start, end));
        assert_eq!(name(11, 21).as_deref(), Some("Peel Ports"));
        assert_eq!(
            name(13, 13).as_deref(),
            Some("Peel"),
            "the word under the cursor"
        );
        assert_eq!(
            name(11, 11).as_deref(),
            Some("Peel"),
            "the cursor before it"
        );
        assert_eq!(name(7, 7), None, "a word in lower case");
        assert_eq!(name(30, 30), None, "no word");
        assert_eq!(name(31, 44), None, "a selection over two lines");
        assert_eq!(name(29, 30), None, "no letter");
    }
}
