//! Consistency checks over a document's names, each a diagnostic with its own code and, where
//! one exists, a quick fix:
//! - `spelling-variant`: one name written two ways ("Choïgou" and "Choigou", "Yevkurov" and
//!   "Evkourov"), accent- and transliteration-aware;
//! - `surname-before-full-name`: a person called by a short form before the full name is given;
//! - `acronym-before-expansion`: an acronym used before the text expands it (unless well known);
//! - `mixed-kinds`: one name read as different kinds in one document.

use rustc_hash::FxHashMap;

use super::DocumentAnalysis;
use super::context::is_acronym;
use super::entities::fold;
use super::render::{Diagnostic, Fix, Severity, kind_name};
use crate::extract::{Evidence, Label};
use crate::text::{Text, TextRange, TextSize};

/// Which checks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChecksConfig {
    pub spelling_variants: bool,
    pub surname_before_full_name: bool,
    pub acronym_before_expansion: bool,
    pub mixed_kinds: bool,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            spelling_variants: true,
            surname_before_full_name: true,
            acronym_before_expansion: true,
            mixed_kinds: true,
        }
    }
}

/// Acronyms that readers know without an expansion.
#[rustfmt::skip]
const WELL_KNOWN: &[&str] = &[
    "ONU", "UN", "OTAN", "NATO", "UE", "EU", "USA", "US", "UK", "URSS", "USSR", "FBI", "CIA", "NSA", "KGB", "FSB",
    "TASS", "AFP", "AP", "BBC", "CNN", "RFI", "ONG", "NGO", "OMS", "WHO", "FMI", "IMF", "OCDE", "OECD", "OPEP",
    "OPEC", "UNESCO", "UNICEF", "G7", "G8", "G20", "BRICS", "SNCF", "RATP", "EDF", "PSG", "NASA", "PIB", "GDP",
    "PDG", "CEO", "TV", "SMS", "PC", "IBM", "BMW", "SUV", "ADN", "DNA", "VIH", "HIV", "SIDA", "AIDS", "CGT",
    "CFDT", "RN", "LR", "PS", "LFI", "SPD", "CDU", "RDC", "DRC", "EI", "ISIS", "OLP", "PLO", "CNRS", "INSEE",
];

impl DocumentAnalysis {
    /// The consistency diagnostics of the document, in document order.
    pub fn checks(&self, text: &Text, config: &ChecksConfig) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if config.spelling_variants {
            out.extend(self.spelling_variants(text));
            out.extend(self.unlike_knowledge_base(text));
        }
        if config.surname_before_full_name {
            out.extend(self.surnames_before_full_names(text));
        }
        if config.acronym_before_expansion {
            out.extend(self.acronyms_before_expansions(text));
        }
        if config.mixed_kinds {
            out.extend(self.mixed_kinds());
        }
        out.sort_by_key(|d| (d.range.start(), d.code));
        out
    }

    fn spelling_variants(&self, text: &Text) -> Vec<Diagnostic> {
        // Every word of every name, with where it occurs.
        let mut words: FxHashMap<String, Vec<TextRange>> = FxHashMap::default();
        let mut names: FxHashMap<&str, bool> = FxHashMap::default();
        for (range, m) in self.mentions() {
            if !*names
                .entry(m.form)
                .or_insert_with(|| self.resolve_form(m.form).is_some())
            {
                continue;
            }
            let mention = text.slice(range);
            for (word_range, word) in words_of(&mention) {
                if word.chars().count() >= 4 && word.chars().next().is_some_and(char::is_uppercase)
                {
                    words
                        .entry(word.to_string())
                        .or_default()
                        .push(word_range + range.start());
                }
            }
        }
        let mut groups: FxHashMap<String, Vec<(&String, &Vec<TextRange>)>> = FxHashMap::default();
        for (word, ranges) in &words {
            groups
                .entry(skeleton(word))
                .or_default()
                .push((word, ranges));
        }
        let mut out = Vec::new();
        for mut group in groups.into_values().filter(|g| g.len() > 1) {
            // The spelling used most is the reference; ties go to the one used first.
            group.sort_by_key(|(word, ranges)| {
                (
                    std::cmp::Reverse(ranges.len()),
                    ranges[0].start(),
                    (*word).clone(),
                )
            });
            let (reference, reference_ranges) = group[0];
            for (word, ranges) in &group[1..] {
                if word.to_lowercase() == reference.to_lowercase() {
                    continue; // Capitals only (a headline in upper case): not a spelling.
                }
                let times = if reference_ranges.len() == 1 {
                    "once".to_string()
                } else {
                    format!("{} times", reference_ranges.len())
                };
                for range in ranges.iter() {
                    out.push(warning(
                        *range,
                        "spelling-variant",
                        format!(
                            "“{word}” is also written “{reference}” in this document ({times})"
                        ),
                        Some(Fix {
                            title: format!("Write “{reference}”"),
                            edits: vec![(*range, reference.clone())],
                        }),
                    ));
                }
            }
        }
        out
    }

    /// Forms the knowledge base knows under another spelling (accents, case, apostrophes).
    fn unlike_knowledge_base(&self, text: &Text) -> Vec<Diagnostic> {
        let kb = self.knowledge();
        let mut out = Vec::new();
        for (range, m) in self.mentions() {
            let Some(entry) = kb.lookup(m.form) else {
                continue;
            };
            if entry
                .forms()
                .any(|f| super::entities::normalize(f) == *m.form)
            {
                continue;
            }
            // The spelling of the form that the lookup matched: the name, else an alias.
            let folded = fold(m.form);
            let known = entry
                .forms()
                .find(|f| fold(f) == folded)
                .unwrap_or(&entry.name)
                .to_string();
            let written = super::entities::normalize(&text.slice(range));
            out.push(warning(
                range,
                "spelling-variant",
                format!("“{written}” is written “{known}” in the knowledge base"),
                Some(Fix {
                    title: format!("Write “{known}”"),
                    edits: vec![(range, known.clone())],
                }),
            ));
        }
        out
    }

    fn surnames_before_full_names(&self, text: &Text) -> Vec<Diagnostic> {
        let mut first: FxHashMap<String, (TextRange, Label)> = FxHashMap::default();
        let mut first_full: FxHashMap<String, TextRange> = FxHashMap::default();
        for m in self.resolved() {
            let form = super::entities::normalize(&text.slice(m.range));
            if form == m.entity {
                first_full.entry(m.entity.clone()).or_insert(m.range);
            }
            first.entry(m.entity).or_insert((m.range, m.label));
        }
        let mut out = Vec::new();
        for (entity, (range, label)) in first {
            let Some(full) = first_full.get(&entity) else {
                continue;
            };
            if label != Label::Per || !entity.contains(' ') || full.start() <= range.start() {
                continue;
            }
            let short = super::entities::normalize(&text.slice(range));
            let line = text.line_of(full.start()) + 1;
            out.push(warning(
                range,
                "surname-before-full-name",
                format!("“{short}” comes before the full name “{entity}” is given (line {line})"),
                Some(Fix {
                    title: format!("Write the full name “{entity}” here"),
                    edits: vec![(range, entity.clone())],
                }),
            ));
        }
        out
    }

    fn acronyms_before_expansions(&self, text: &Text) -> Vec<Diagnostic> {
        // Where each acronym is first expanded.
        let mut expanded: FxHashMap<&str, (TextRange, &str)> = FxHashMap::default();
        for (start, block) in self.block_results() {
            for alias in &block.aliases {
                expanded
                    .entry(&alias.short)
                    .or_insert((alias.range + start, &alias.long));
            }
        }
        let mut seen = rustc_hash::FxHashSet::default();
        let mut out = Vec::new();
        for (range, m) in self.mentions() {
            if !is_acronym(m.form) || !seen.insert(m.form) || WELL_KNOWN.contains(&m.form) {
                continue;
            }
            let Some((at, long)) = expanded.get(m.form) else {
                continue;
            };
            if at.start() <= range.start() {
                continue;
            }
            let line = text.line_of(at.start()) + 1;
            let short = &m.form;
            out.push(warning(
                range,
                "acronym-before-expansion",
                format!("“{short}” is used before its expansion “{long}” (line {line})"),
                Some(Fix {
                    title: format!("Write “{long} ({short})” here"),
                    edits: vec![(range, format!("{long} ({short})"))],
                }),
            ));
        }
        out
    }

    fn mixed_kinds(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut labels: FxHashMap<&str, Option<(String, Label)>> = FxHashMap::default();
        for (range, m) in self.mentions() {
            if m.evidence <= Evidence::Guess {
                continue;
            }
            let resolved = labels
                .entry(m.form)
                .or_insert_with(|| self.resolve_form(m.form));
            let Some((entity, label)) = resolved else {
                continue;
            };
            if m.label != *label {
                out.push(warning(
                    range,
                    "mixed-kinds",
                    format!(
                        "“{}” reads as {} here, but “{entity}” is {} elsewhere in this document",
                        m.form,
                        article(m.label),
                        article(*label)
                    ),
                    None,
                ));
            }
        }
        out
    }
}

fn article(label: Label) -> String {
    let kind = kind_name(label);
    let an = matches!(label, Label::Org | Label::Misc);
    format!("{} {kind}", if an { "an" } else { "a" })
}

fn warning(range: TextRange, code: &'static str, message: String, fix: Option<Fix>) -> Diagnostic {
    Diagnostic {
        range,
        severity: Severity::Warning,
        code,
        message,
        fixes: fix.into_iter().collect(),
    }
}

/// Words with their ranges, split at spaces and hyphens ("Yunus-Bek" is two words).
fn words_of(s: &str) -> impl Iterator<Item = (TextRange, &str)> {
    s.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(move |w| {
            let start = w.as_ptr() as usize - s.as_ptr() as usize;
            (
                TextRange::at(TextSize::new(start as u32), TextSize::of(w)),
                w,
            )
        })
}

/// A rough key under which the transliterations of one name agree: accents and case folded,
/// common French and English renderings of Russian and Arabic sounds made one, doubled letters
/// made single, and a leading "i" before a vowel dropped ("Yevkurov", "Evkourov" → "evkurov").
pub(crate) fn skeleton(word: &str) -> String {
    let mut s = fold(word);
    for (from, to) in [
        ("chtch", "ch"),
        ("shch", "ch"),
        ("tch", "ch"),
        ("sch", "ch"),
        ("sh", "ch"),
        ("ou", "u"),
        ("kh", "h"),
        ("ck", "k"),
        ("ph", "f"),
        ("dj", "j"),
        ("y", "i"),
        ("w", "v"),
        ("’", ""),
        ("'", ""),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    let vowel = |c: char| "aeiou".contains(c);
    let mut chars = out.chars();
    if chars.next() == Some('i') && chars.next().is_some_and(vowel) {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::{DocOptions, analyze};
    use crate::pipeline::Extractor;

    fn check(text: &str, expect: Expect) {
        let t = Text::new(text);
        let analysis = analyze(&Extractor::new(), &t, &DocOptions::default());
        let mut out = String::new();
        for d in analysis.checks(&t, &ChecksConfig::default()) {
            let line = t.line_of(d.range.start()) + 1;
            out.push_str(&format!(
                "{line}: {} [{}] {}\n",
                &text[d.range], d.code, d.message
            ));
            for fix in &d.fixes {
                out.push_str(&format!("   fix: {}\n", fix.title));
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn skeletons_agree_across_transliterations() {
        assert_eq!(skeleton("Yevkurov"), skeleton("Evkourov"));
        assert_eq!(skeleton("Choïgou"), skeleton("Shoigu"));
        assert_eq!(skeleton("Iouchtchenko"), skeleton("Yushchenko"));
        assert_ne!(skeleton("Poutine"), skeleton("Peskov"));
    }

    #[test]
    fn a_name_spelled_two_ways() {
        check(
            "Le ministre Sergueï Choïgou est arrivé. Choïgou a parlé.\n\nPlus tard, Choigou est reparti.\n",
            expect![[r#"
                3: Choigou [spelling-variant] “Choigou” is also written “Choïgou” in this document (2 times)
                   fix: Write “Choïgou”
            "#]],
        );
    }

    #[test]
    fn a_name_spelled_unlike_the_knowledge_base() {
        check(
            "Le président ukrainien s’est rendu en Lybie puis en Cote d’Ivoire.\n",
            expect![[r#"
            1: Cote d’Ivoire [spelling-variant] “Cote d'Ivoire” is written “Côte d’Ivoire” in the knowledge base
               fix: Write “Côte d’Ivoire”
        "#]],
        );
    }

    #[test]
    fn a_surname_before_the_full_name() {
        check(
            "Haftar a parlé mardi.\n\nLe maréchal Khalifa Haftar dirige l’armée.\n",
            expect![[r#"
                1: Haftar [surname-before-full-name] “Haftar” comes before the full name “Khalifa Haftar” is given (line 3)
                   fix: Write the full name “Khalifa Haftar” here
            "#]],
        );
    }

    #[test]
    fn an_acronym_before_its_expansion() {
        check(
            "La FINUL a quitté le pays.\n\nLa Force intérimaire des Nations unies au Liban (FINUL) était déployée depuis 1978. L’ONU a approuvé.\n\nThe SCO met in June. Members of the Shanghai Cooperation Organisation (SCO) signed.\n",
            expect![[r#"
                1: FINUL [acronym-before-expansion] “FINUL” is used before its expansion “Force intérimaire des Nations unies au Liban” (line 3)
                   fix: Write “Force intérimaire des Nations unies au Liban (FINUL)” here
                5: SCO [acronym-before-expansion] “SCO” is used before its expansion “Shanghai Cooperation Organisation” (line 5)
                   fix: Write “Shanghai Cooperation Organisation (SCO)” here
            "#]],
        );
    }

    #[test]
    fn checks_can_be_switched_off() {
        let text = "Haftar a parlé mardi.\n\nLe maréchal Khalifa Haftar dirige l’armée.\n";
        let t = Text::new(text);
        let analysis = analyze(&Extractor::new(), &t, &DocOptions::default());
        let off = ChecksConfig {
            spelling_variants: false,
            surname_before_full_name: false,
            acronym_before_expansion: false,
            mixed_kinds: false,
        };
        assert!(analysis.checks(&t, &off).is_empty());
        assert!(!analysis.checks(&t, &ChecksConfig::default()).is_empty());
    }
}
