//! Mention replacement: copies of training paragraphs whose names are swapped for others of
//! the same kind, drawn from the lexicon's sourced lists (first names and surnames, INSEE and
//! GeoNames places, countries, French media), so that the model meets names it could not have
//! memorised in their real contexts. The curated list is never drawn from (it was partly
//! written from development errors), nor any word of the dictionaries.
//!
//! Deterministic: a copy depends on the seed, the paragraph's number and the mention's.

use text_size::{TextRange, TextSize};

use super::train::mix;
use super::{Example, features};
use crate::extract::{Flags, Label, Lexicon};

/// The names a replacement is drawn from, title-cased from the lexicon's keys.
#[derive(Clone, Debug, Default)]
pub struct Names {
    first: Vec<String>,
    last: Vec<String>,
    places: Vec<String>,
    orgs: Vec<String>,
}

impl Names {
    /// The lists of `lexicon`'s sourced entries (a few hundred thousand strings).
    pub fn from_lexicon(lexicon: &Lexicon) -> Names {
        let mut names = Names::default();
        let any = |flags: Flags, of: &[Flags]| of.iter().any(|&f| flags.has(f));
        let curated = [
            Flags::CURATED_PER,
            Flags::CURATED_ORG,
            Flags::CURATED_LOC,
            Flags::CURATED_MISC,
        ];
        let places = [
            Flags::GAZ_COMMUNE,
            Flags::GAZ_ADMIN,
            Flags::GAZ_PLACE,
            Flags::COUNTRY,
        ];
        for (key, flags) in lexicon.entries() {
            if any(flags, &curated) || flags.is_dictionary_word() || !plain(key) {
                continue;
            }
            let one_word = !key.contains(' ');
            if one_word && flags.has(Flags::FIRST_NAME) && !flags.has(Flags::SURNAME) {
                names.first.push(title_case(key));
            } else if one_word && flags.has(Flags::SURNAME) && !flags.has(Flags::FIRST_NAME) {
                names.last.push(title_case(key));
            } else if flags.is_name() {
                continue;
            } else if flags.has(Flags::GAZ_ORG) {
                names.orgs.push(title_case(key));
            } else if any(flags, &places) {
                names.places.push(title_case(key));
            }
        }
        names
    }

    /// A name for `label` picked by `pick` (`None` where a list is empty or for MISC).
    fn pick(&self, label: Label, mut pick: impl FnMut(usize) -> usize) -> Option<String> {
        let from = |list: &[String], i: usize| list.get(i).cloned();
        match label {
            Label::Per => {
                let first = from(&self.first, pick(self.first.len().max(1)))?;
                let last = from(&self.last, pick(self.last.len().max(1)))?;
                Some(format!("{first} {last}"))
            }
            Label::Loc => from(&self.places, pick(self.places.len().max(1))),
            Label::Org => from(&self.orgs, pick(self.orgs.len().max(1))),
            _ => None,
        }
    }

    pub fn len(&self) -> [usize; 4] {
        [
            self.first.len(),
            self.last.len(),
            self.places.len(),
            self.orgs.len(),
        ]
    }
}

/// For each example with a PER, LOC or ORG mention, `copies` copies in which each such mention
/// is replaced, with probability one half, by a name of its kind (a copy that would replace
/// nothing replaces its first mention).
pub fn substituted(examples: &[Example], names: &Names, copies: u32, seed: u64) -> Vec<Example> {
    let mut out = Vec::new();
    for (n, ex) in examples.iter().enumerate() {
        let swappable: Vec<usize> = (0..ex.gold.len())
            .filter(|&m| matches!(ex.gold[m].1, Label::Per | Label::Loc | Label::Org))
            .collect();
        if swappable.is_empty() {
            continue;
        }
        for copy in 0..u64::from(copies) {
            let mut state = mix(seed ^ mix((n as u64) << 8 | copy));
            let mut next = move || {
                state = mix(state);
                state
            };
            let mut chosen: Vec<usize> = swappable
                .iter()
                .copied()
                .filter(|_| next() & 1 == 1)
                .collect();
            if chosen.is_empty() {
                chosen.push(swappable[0]);
            }
            if let Some(copy) = replaced(ex, &chosen, names, &mut next) {
                out.push(copy);
            }
        }
    }
    out
}

/// `ex` with the mentions `chosen` (indices into its gold, which is sorted and disjoint)
/// replaced by names drawn with `next`.
fn replaced(
    ex: &Example,
    chosen: &[usize],
    names: &Names,
    next: &mut impl FnMut() -> u64,
) -> Option<Example> {
    let mut gold: Vec<(TextRange, Label)> = ex.gold.clone();
    gold.sort_by_key(|(r, _)| r.start());
    let mut text = String::with_capacity(ex.text.len() + 32);
    let mut out_gold = Vec::with_capacity(gold.len());
    let mut at = 0usize;
    for (m, &(range, label)) in gold.iter().enumerate() {
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        if start < at || end > ex.text.len() {
            return None;
        }
        text.push_str(&ex.text[at..start]);
        let new_start = TextSize::of(text.as_str());
        let swap = chosen
            .contains(&m)
            .then(|| names.pick(label, |len| (next() % len as u64) as usize))
            .flatten();
        match swap {
            Some(name) => text.push_str(&name),
            None => text.push_str(&ex.text[start..end]),
        }
        out_gold.push((
            TextRange::new(new_start, TextSize::of(text.as_str())),
            label,
        ));
        at = end;
    }
    text.push_str(&ex.text[at..]);
    Some(Example {
        text,
        gold: out_gold,
        domain: ex.domain,
    })
}

/// A key made of letters, spaces, hyphens and apostrophes only.
fn plain(key: &str) -> bool {
    key.chars().any(char::is_alphabetic)
        && key
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))
}

/// Words that stay in lower case inside a French place name ("Saint-Martin-d'Hères",
/// "Pays de la Loire").
const PARTICLES: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "sur", "sous", "en", "lès", "lez", "et", "aux", "au",
    "d'", "l'", "of", "the", "on", "upon", "and",
];

/// A lexicon key (lower case) written as a name.
fn title_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut first = true;
    for part in key.split_inclusive([' ', '-']) {
        let (word, sep) = match part.strip_suffix([' ', '-']) {
            Some(w) => (w, &part[w.len()..]),
            None => (part, ""),
        };
        let (elided, rest) = match word.find('\'') {
            Some(i) if i + 1 < word.len() && i <= 2 => word.split_at(i + 1),
            _ => ("", word),
        };
        if !elided.is_empty() {
            if first {
                out.push_str(&features::title_case(elided));
            } else {
                out.push_str(elided);
            }
            out.push_str(&features::title_case(rest));
        } else if !first && PARTICLES.contains(&rest) {
            out.push_str(rest);
        } else {
            out.push_str(&features::title_case(rest));
        }
        out.push_str(sep);
        first = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_written_as_names() {
        assert_eq!(title_case("saint-martin-d'hères"), "Saint-Martin-d'Hères");
        assert_eq!(title_case("pays de la loire"), "Pays de la Loire");
        assert_eq!(title_case("l'haÿ-les-roses"), "L'Haÿ-les-Roses");
        assert_eq!(title_case("la rochelle"), "La Rochelle");
    }

    #[test]
    fn copies_swap_names_of_the_same_kind_and_keep_the_rest() {
        let names = Names {
            first: vec!["Maëlle".into()],
            last: vec!["Quéré".into()],
            places: vec!["Saint-Flour".into()],
            orgs: vec!["Radio Loire".into()],
        };
        let text = "Jean Dupont a quitté Lyon pour la CGT hier.";
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            TextRange::new(TextSize::new(i as u32), TextSize::new((i + s.len()) as u32))
        };
        let ex = Example {
            text: text.into(),
            gold: vec![
                (at("Jean Dupont"), Label::Per),
                (at("Lyon"), Label::Loc),
                (at("CGT"), Label::Org),
            ],
            domain: 3,
        };
        let copies = substituted(std::slice::from_ref(&ex), &names, 8, 1);
        assert_eq!(copies.len(), 8);
        let mut all_swapped = false;
        for copy in &copies {
            assert_eq!(copy.domain, 3);
            let spans: Vec<(&str, Label)> =
                copy.gold.iter().map(|&(r, l)| (&copy.text[r], l)).collect();
            assert!(
                matches!(spans[0], ("Jean Dupont" | "Maëlle Quéré", Label::Per)),
                "{spans:?}"
            );
            assert!(
                matches!(spans[1], ("Lyon" | "Saint-Flour", Label::Loc)),
                "{spans:?}"
            );
            assert!(
                matches!(spans[2], ("CGT" | "Radio Loire", Label::Org)),
                "{spans:?}"
            );
            assert!(copy.text.ends_with(" hier."));
            assert_ne!(copy.text, text);
            all_swapped |=
                copy.text == "Maëlle Quéré a quitté Saint-Flour pour la Radio Loire hier.";
        }
        assert!(all_swapped, "{copies:?}");
        assert_eq!(substituted(std::slice::from_ref(&ex), &names, 8, 1), copies);
    }

    #[test]
    fn the_lists_come_from_sourced_entries_only() {
        let names = Names::from_lexicon(&Lexicon::embedded());
        let [first, last, places, orgs] = names.len();
        assert!(
            first > 1000 && last > 1000 && places > 10_000 && orgs > 50,
            "{:?}",
            names.len()
        );
        // Neither dictionary words nor curated entries.
        assert!(!names.places.iter().any(|p| p == "Orange" || p == "Tours"));
    }
}
