//! Evaluation against annotated corpora: exact-span precision, recall and F1 per label.
//!
//! A predicted mention is correct when its byte range and its label both equal a gold
//! mention's. Gold mentions are the outermost PER, LOC, ORG and MISC spans (see [`brat`]).

pub mod brat;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rustc_hash::FxHashSet;

use crate::analysis::{DocOptions, extract_document};
use crate::extract::{Label, Lang};
use crate::pipeline::Extractor;
use brat::GoldMention;

/// True positives, false positives and false negatives of one label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// One disagreement with the gold annotation, for error analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    pub file: PathBuf,
    /// `true` for a predicted mention that is not in the gold, `false` for a missed gold one.
    pub spurious: bool,
    pub label: Label,
    pub text: String,
    /// For a missed gold mention, the predictions that overlap it ("PER Obama").
    pub instead: Vec<(Label, String)>,
}

/// What went wrong, counted once per gold mention missed (the first four) or per prediction
/// that overlaps no gold mention at all (`spurious`), for error analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorKinds {
    /// A prediction has the gold span but another label.
    pub label: usize,
    /// A prediction with the gold label overlaps the gold span, with other bounds.
    pub span: usize,
    /// Only predictions with other bounds and another label overlap it.
    pub span_and_label: usize,
    /// No prediction overlaps it.
    pub missed: usize,
    /// Predictions that overlap no gold mention.
    pub spurious: usize,
}

impl ErrorKinds {
    fn add(&mut self, other: ErrorKinds) {
        self.label += other.label;
        self.span += other.span;
        self.span_and_label += other.span_and_label;
        self.missed += other.missed;
        self.spurious += other.spurious;
    }
}

/// The labels of the headline figure, the micro average the targets are set on.
pub const HEADLINE: &[Label] = &[Label::Per, Label::Loc, Label::Org];

/// The surface forms of the gold mentions a model was trained on: a gold mention whose form is
/// not among them is "unseen", and recall on those is what a user meets in new text.
#[derive(Clone, Debug, Default)]
pub struct SeenForms {
    forms: FxHashSet<String>,
}

impl SeenForms {
    /// The forms of the given texts' gold mentions (white space runs as one space).
    pub fn from_gold<'a>(mentions: impl IntoIterator<Item = &'a str>) -> SeenForms {
        SeenForms {
            forms: mentions.into_iter().map(form).collect(),
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        self.forms.contains(&form(text))
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}

/// A mention's form as compared for "seen": as written, white space runs as one space (a form
/// cut by a line break is the same form).
fn form(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Recall on the gold mentions whose form the training gold never has, and on the others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Novelty {
    /// Indexed like [`Label::ALL`]: (found, gold) of unseen forms.
    pub unseen: [(usize, usize); 4],
    /// Indexed like [`Label::ALL`]: (found, gold) of seen forms.
    pub seen: [(usize, usize); 4],
}

impl Novelty {
    fn add(&mut self, other: &Novelty) {
        for k in 0..4 {
            self.unseen[k].0 += other.unseen[k].0;
            self.unseen[k].1 += other.unseen[k].1;
            self.seen[k].0 += other.seen[k].0;
            self.seen[k].1 += other.seen[k].1;
        }
    }

    /// (found, gold) of unseen (or seen) forms over the given labels.
    pub fn total(&self, labels: &[Label], unseen: bool) -> (usize, usize) {
        let table = if unseen { &self.unseen } else { &self.seen };
        labels.iter().fold((0, 0), |(f, g), &l| {
            let (a, b) = table[label_index(l)];
            (f + a, g + b)
        })
    }
}

/// The scores of a run over a set of documents.
#[derive(Clone, Debug, Default)]
pub struct EvalReport {
    pub documents: usize,
    /// Indexed like [`Label::ALL`].
    pub per_label: [Counts; 4],
    pub errors: ErrorKinds,
    pub misses: Vec<Miss>,
    /// Recall on unseen and seen forms, when the training forms were given.
    pub novelty: Option<Novelty>,
}

impl EvalReport {
    pub fn counts(&self, label: Label) -> Counts {
        self.per_label[label_index(label)]
    }

    /// Micro average over the given labels.
    pub fn micro(&self, labels: &[Label]) -> Counts {
        let mut total = Counts::default();
        for &label in labels {
            total.add(self.counts(label));
        }
        total
    }

    /// Adds another run's documents, counts and misses to this one.
    pub fn merge(&mut self, other: EvalReport) {
        self.documents += other.documents;
        for (mine, theirs) in self.per_label.iter_mut().zip(other.per_label) {
            mine.add(theirs);
        }
        self.errors.add(other.errors);
        self.misses.extend(other.misses);
        if let Some(theirs) = other.novelty {
            self.novelty.get_or_insert_default().add(&theirs);
        }
    }

    /// Counts the gold mentions found and missed by whether the training gold has their form.
    fn score_novelty(
        &mut self,
        seen: &SeenForms,
        text: &str,
        gold: &[GoldMention],
        predicted: &[GoldMention],
    ) {
        let novelty = self.novelty.get_or_insert_default();
        for g in gold {
            let k = label_index(g.label);
            let slot = if seen.contains(&text[g.range]) {
                &mut novelty.seen[k]
            } else {
                &mut novelty.unseen[k]
            };
            slot.1 += 1;
            slot.0 += usize::from(predicted.binary_search(g).is_ok());
        }
    }

    /// Scores one document: `gold` and `predicted` sorted.
    pub fn score(
        &mut self,
        file: &Path,
        text: &str,
        gold: &[GoldMention],
        predicted: &[GoldMention],
    ) {
        self.documents += 1;
        for p in predicted {
            let hit = gold.binary_search(p).is_ok();
            let counts = &mut self.per_label[label_index(p.label)];
            if hit {
                counts.tp += 1;
            } else {
                counts.fp += 1;
                self.misses.push(miss(file, text, p, true));
            }
        }
        for g in gold.iter().filter(|g| predicted.binary_search(g).is_err()) {
            self.per_label[label_index(g.label)].fn_ += 1;
            let overlapping: Vec<&GoldMention> = overlaps(predicted, g).collect();
            let mut missed = miss(file, text, g, false);
            missed.instead = overlapping
                .iter()
                .map(|p| (p.label, text[p.range].to_owned()))
                .collect();
            self.misses.push(missed);
            let kind = if overlapping.iter().any(|p| p.range == g.range) {
                &mut self.errors.label
            } else if overlapping.iter().any(|p| p.label == g.label) {
                &mut self.errors.span
            } else if !overlapping.is_empty() {
                &mut self.errors.span_and_label
            } else {
                &mut self.errors.missed
            };
            *kind += 1;
        }
        self.errors.spurious += predicted
            .iter()
            .filter(|p| overlaps(gold, p).next().is_none())
            .count();
    }
}

/// The mentions of `sorted` (sorted by range) that share at least one byte with `m`.
fn overlaps<'a>(
    sorted: &'a [GoldMention],
    m: &'a GoldMention,
) -> impl Iterator<Item = &'a GoldMention> + 'a {
    sorted
        .iter()
        .take_while(move |o| o.range.start() < m.range.end())
        .filter(move |o| o.range.end() > m.range.start())
}

fn miss(file: &Path, text: &str, m: &GoldMention, spurious: bool) -> Miss {
    Miss {
        file: file.to_owned(),
        spurious,
        label: m.label,
        text: text[m.range].to_owned(),
        instead: Vec::new(),
    }
}

fn label_index(label: Label) -> usize {
    Label::ALL.iter().position(|&l| l == label).unwrap_or(0)
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} documents, exact span and label match",
            self.documents
        )?;
        writeln!(
            f,
            "{:<18} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
            "label", "tp", "fp", "fn", "P", "R", "F1"
        )?;
        let mut row = |name: &str, c: Counts| {
            writeln!(
                f,
                "{:<18} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3}",
                name,
                c.tp,
                c.fp,
                c.fn_,
                c.precision(),
                c.recall(),
                c.f1()
            )
        };
        for label in Label::ALL {
            row(label.tag(), self.counts(label))?;
        }
        row("micro PER+LOC+ORG", self.micro(HEADLINE))?;
        row("micro all", self.micro(&Label::ALL))?;
        let e = &self.errors;
        writeln!(
            f,
            "gold mentions missed: {} with the right span and another label, {} with the right \
             label and other bounds, {} with both wrong, {} with nothing predicted; {} predictions \
             overlap no gold mention",
            e.label, e.span, e.span_and_label, e.missed, e.spurious
        )?;
        if let Some(n) = &self.novelty {
            for (unseen, name) in [(true, "unseen"), (false, "seen")] {
                write!(f, "recall on {name} forms:")?;
                for label in HEADLINE {
                    let (found, gold) = n.total(&[*label], unseen);
                    write!(
                        f,
                        " {} {:.3} ({found}/{gold}),",
                        label.tag(),
                        ratio(found, gold)
                    )?;
                }
                let (found, gold) = n.total(HEADLINE, unseen);
                writeln!(
                    f,
                    " micro PER+LOC+ORG {:.3} ({found}/{gold})",
                    ratio(found, gold)
                )?;
            }
        }
        Ok(())
    }
}

/// Scores the extractor on brat documents: each path is an `.ann` file (its `.txt` is beside
/// it) or a `.txt` file (its `.ann` is beside it).
/// The `.ann` files under `path` (a file or a directory, searched recursively), sorted.
pub fn collect_brat(path: &std::path::Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            collect_brat(&entry, files)?;
        }
    } else if path.extension().is_some_and(|e| e == "ann" || e == "txt") {
        files.push(path.with_extension("ann"));
    }
    files.dedup();
    Ok(())
}

pub fn evaluate_brat(
    paths: &[PathBuf],
    extractor: &Extractor,
    language: Option<Lang>,
    seen: Option<&SeenForms>,
) -> anyhow::Result<EvalReport> {
    let mut report = EvalReport::default();
    for path in paths {
        let (txt, ann) = (path.with_extension("txt"), path.with_extension("ann"));
        let text =
            std::fs::read_to_string(&txt).with_context(|| format!("reading {}", txt.display()))?;
        let annotations =
            std::fs::read_to_string(&ann).with_context(|| format!("reading {}", ann.display()))?;
        let gold = brat::parse_ann(&text, &annotations).reported(&ann);
        let options = DocOptions {
            language,
            ..DocOptions::default()
        };
        let doc = extract_document(extractor, &text, &options);
        let predicted = GoldMention::sorted_from(&doc.mentions);
        let mut gold = gold;
        gold.sort();
        report.score(&ann, &text, &gold, &predicted);
        if let Some(seen) = seen {
            report.score_novelty(seen, &text, &gold, &predicted);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    #[test]
    fn evaluates_brat_files_on_disk() {
        let dir = std::env::temp_dir().join(format!("nomen-eval-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "Élodie Marchal a quitté Lyon pour rejoindre l’ONU.";
        let ann = "T1\tPerson 0 14\tÉlodie Marchal\nT2\tLocation 24 28\tLyon\nT3\tOrganization 46 49\tONU\n";
        std::fs::write(dir.join("doc.txt"), text).unwrap();
        std::fs::write(dir.join("doc.ann"), ann).unwrap();
        let extractor = Extractor::new();
        let report =
            evaluate_brat(&[dir.join("doc.ann")], &extractor, Some(Lang::Fr), None).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            report.micro(&Label::ALL),
            Counts {
                tp: 3,
                fp: 0,
                fn_: 0
            },
            "{:?}",
            report.misses
        );
    }

    fn g(start: u32, end: u32, label: Label) -> GoldMention {
        GoldMention {
            range: TextRange::new(start.into(), end.into()),
            label,
        }
    }

    /// Scores one document and returns the report.
    fn scored(text: &str, gold: &[GoldMention], predicted: &[GoldMention]) -> EvalReport {
        let mut report = EvalReport::default();
        report.score(Path::new("x.ann"), text, gold, predicted);
        report
    }

    #[test]
    fn sorts_errors_by_kind() {
        let text = "Jean Roux est allé au Crédit Mutuel de Brest avec Paul.";
        let gold = [
            g(0, 9, Label::Per),
            g(23, 46, Label::Org),
            g(52, 56, Label::Per),
        ];
        let predicted = [
            g(10, 13, Label::Loc),
            g(23, 37, Label::Loc),
            g(41, 46, Label::Loc),
        ];
        let report = scored(text, &gold, &predicted);
        assert_eq!(
            report.errors,
            ErrorKinds {
                label: 0,
                span: 0,
                span_and_label: 1,
                missed: 2,
                spurious: 1
            }
        );
        let instead: Vec<_> = report.misses.iter().map(|m| m.instead.len()).collect();
        assert_eq!(instead, [0, 0, 0, 0, 2, 0]);
    }

    #[test]
    fn recall_on_unseen_forms() {
        let text = "Anna Berg vit à Oslo chez Acme, loin de Bergen.";
        let gold = [
            g(0, 9, Label::Per),
            g(17, 21, Label::Loc),
            g(27, 31, Label::Org),
            g(41, 47, Label::Loc),
        ];
        assert_eq!(
            [&text[0..9], &text[17..21], &text[27..31], &text[41..47]],
            ["Anna Berg", "Oslo", "Acme", "Bergen"]
        );
        // The training gold wrote "Anna Berg" across a line break: the same form.
        let seen = SeenForms::from_gold(["Anna\nBerg", "Bergen", "Paris"]);
        let predicted = [
            g(0, 9, Label::Per),
            g(17, 21, Label::Loc),
            g(42, 48, Label::Org),
        ];
        let mut report = EvalReport::default();
        report.score_novelty(&seen, text, &gold, &predicted);
        let n = report.novelty.unwrap();
        assert_eq!(n.total(&[Label::Loc], true), (1, 1));
        assert_eq!(n.total(&[Label::Org], true), (0, 1));
        assert_eq!(n.total(&[Label::Per], false), (1, 1));
        assert_eq!(n.total(&[Label::Loc], false), (0, 1));
        assert_eq!(n.total(HEADLINE, true), (1, 2));
        let mut total = EvalReport::default();
        total.merge(report.clone());
        total.merge(report);
        assert_eq!(total.novelty.unwrap().total(HEADLINE, false), (2, 4));
    }

    #[test]
    fn merged_reports_add_up() {
        let text = "Anna Berg vit à Oslo.";
        let mut total = scored(text, &[g(0, 9, Label::Per)], &[g(0, 4, Label::Per)]);
        total.merge(scored(
            text,
            &[g(16, 20, Label::Loc)],
            &[g(16, 20, Label::Loc)],
        ));
        assert_eq!(total.documents, 2);
        assert_eq!(
            total.micro(&Label::ALL),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(total.errors.span, 1);
        assert_eq!(total.misses.len(), 2);
    }

    #[test]
    fn scores_exact_matches_only() {
        let text = "Anna Berg vit à Oslo chez Acme.";
        let gold = [
            g(0, 9, Label::Per),
            g(16, 20, Label::Loc),
            g(26, 30, Label::Org),
        ];
        let predicted = [
            g(0, 4, Label::Per),
            g(16, 20, Label::Loc),
            g(26, 30, Label::Per),
        ];
        let report = scored(text, &gold, &predicted);
        assert_eq!(
            report.counts(Label::Loc),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            report.counts(Label::Per),
            Counts {
                tp: 0,
                fp: 2,
                fn_: 1
            }
        );
        assert_eq!(
            report.counts(Label::Org),
            Counts {
                tp: 0,
                fp: 0,
                fn_: 1
            }
        );
        assert_eq!(
            report.errors,
            ErrorKinds {
                label: 1,
                span: 1,
                span_and_label: 0,
                missed: 0,
                spurious: 0
            }
        );
        expect_test::expect![[r#"
            1 documents, exact span and label match
            label                  tp     fp     fn       P       R      F1
            PER                     0      2      1   0.000   0.000   0.000
            ORG                     0      0      1   0.000   0.000   0.000
            LOC                     1      0      0   1.000   1.000   1.000
            MISC                    0      0      0   0.000   0.000   0.000
            micro PER+LOC+ORG       1      2      2   0.333   0.333   0.333
            micro all               1      2      2   0.333   0.333   0.333
            gold mentions missed: 1 with the right span and another label, 1 with the right label and other bounds, 0 with both wrong, 0 with nothing predicted; 0 predictions overlap no gold mention
        "#]]
        .assert_eq(&report.to_string());
    }
}
