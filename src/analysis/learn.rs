//! Learning from annotated documents: a document is cut into blocks, made prose and given a
//! language as its analysis does, so that the tagger learns from the features that
//! extraction will see; each block's annotations are learnt into the workspace model.

use super::DocOptions;
use super::blocks::split;
use super::prose::{detect_language, prose};
use crate::pipeline::{Extractor, LearnExample, WorkspaceModel};
use crate::tagger::LearnConfig;
use crate::text::{Text, TextRange, TextSize};
use crate::types::{Label, Lang};

/// An annotated document: its text, the spans the annotator marked (byte ranges, with nomen's
/// labels) and the spans they rejected (not an entity of that label).
#[derive(Clone, Copy, Debug)]
pub struct Annotated<'a> {
    pub text: &'a str,
    pub gold: &'a [(TextRange, Label)],
    pub rejected: &'a [(TextRange, Label)],
    /// Every name of the document is annotated: what is not annotated is no entity. Otherwise
    /// (a document being annotated) the text outside the annotations and rejections teaches
    /// nothing.
    pub complete: bool,
}

/// The document's learning examples: one per block (or piece of a long block) that holds an
/// annotation or a rejection.
pub fn learn_examples(
    extractor: &Extractor,
    doc: &Annotated<'_>,
    options: &DocOptions,
) -> Vec<LearnExample> {
    let text = Text::new(doc.text);
    let mut blocks = Vec::new();
    split(
        text.lines_from(0),
        TextSize::new(0),
        options.format,
        |range| {
            blocks.push(range);
            true
        },
    );
    let mut at_start = true;
    let prose: Vec<String> = blocks
        .iter()
        .map(|&range| {
            let p = prose(&doc.text[range], options.format, at_start).into_owned();
            at_start = false;
            p
        })
        .collect();
    let detected: Vec<Option<Lang>> = prose
        .iter()
        .map(|p| match options.language {
            Some(lang) => Some(lang),
            None => detect_language(p).clear,
        })
        .collect();
    let fallback = options
        .language
        .unwrap_or_else(|| majority(&prose, &detected));
    let mut out = Vec::new();
    for ((&range, prose), lang) in blocks.iter().zip(&prose).zip(detected) {
        let local = |spans: &[(TextRange, Label)]| -> Vec<(TextRange, Label)> {
            spans
                .iter()
                .filter(|(r, _)| range.contains_range(*r))
                .map(|&(r, l)| (r - range.start(), l))
                .collect()
        };
        let (gold, rejected) = (local(doc.gold), local(doc.rejected));
        if gold.is_empty() && rejected.is_empty() && !doc.complete {
            continue;
        }
        let lang = lang.unwrap_or(fallback);
        out.extend(extractor.learn_examples(prose, lang, &gold, &rejected, doc.complete));
    }
    out
}

/// The language of the blocks that do not make theirs clear: that of most bytes of the clear
/// ones, French when none is.
fn majority(prose: &[String], detected: &[Option<Lang>]) -> Lang {
    let mut bytes = [0usize; 2];
    for (p, lang) in prose.iter().zip(detected) {
        match lang {
            Some(Lang::Fr) => bytes[0] += p.len(),
            Some(Lang::En) => bytes[1] += p.len(),
            None => {}
        }
    }
    if bytes[1] > bytes[0] {
        Lang::En
    } else {
        Lang::Fr
    }
}

/// Learns one annotated document into `model`: its examples are visited in order, up to
/// `config.passes` times, until a visit changes nothing. Returns the number of examples whose
/// visit changed the model.
pub fn learn_document(
    extractor: &Extractor,
    model: &mut WorkspaceModel,
    doc: &Annotated<'_>,
    options: &DocOptions,
    config: LearnConfig,
) -> usize {
    let examples = learn_examples(extractor, doc, options);
    learn_prepared(extractor, model, &examples, config)
}

/// [`learn_document`] over examples made by [`learn_examples`].
pub fn learn_prepared(
    extractor: &Extractor,
    model: &mut WorkspaceModel,
    examples: &[LearnExample],
    config: LearnConfig,
) -> usize {
    let mut updates = 0;
    for _ in 0..config.passes {
        let changed = examples
            .iter()
            .filter(|e| extractor.learn(model, e, &config))
            .count();
        updates += changed;
        if changed == 0 {
            break;
        }
    }
    updates
}

#[cfg(test)]
mod tests;
