//! The incremental analysis of one document: its blocks, their cached extraction results and
//! the entity index built from them.
//!
//! An update runs in three steps so that extraction never happens under a lock that request
//! handlers take: [`DocumentAnalysis::plan`] applies edits to the block table and re-splits
//! only the blocks they touched (cheap, under the lock); [`Batch::run`] extracts the new blocks
//! (pure, on a blocking thread, no lock); [`DocumentAnalysis::install`] puts the results in
//! (cheap, under the lock). Blocks whose text did not change keep their results, and a block
//! that comes back with the same text reuses the result it had.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use super::blocks::split;
use super::entities::{EntityIndex, normalize};
use super::prose::{detect_language, prose};
use super::{DocOptions, Format};
use crate::extract::{Evidence, Extractor, Label, Lang};
use crate::text::{Edit, Text, TextRange, TextSize};

/// One mention inside a block, with a block-relative range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockMention {
    pub range: TextRange,
    pub label: Label,
    pub evidence: Evidence,
    /// The normalised text of the mention (see `entities::normalize`).
    pub form: Box<str>,
}

/// The extraction result of one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockResult {
    /// The block's own language when it is clear.
    pub detected: Option<Lang>,
    /// The language it was extracted in.
    pub lang: Lang,
    pub mentions: Vec<BlockMention>,
}

#[derive(Clone, Debug)]
struct Block {
    range: TextRange,
    /// Hash of the block's text and of whether it starts the document; 0 while dirty.
    hash: u64,
    dirty: bool,
    result: Option<Arc<BlockResult>>,
}

/// The extraction work that a [`DocumentAnalysis::plan`] leaves to do.
#[derive(Debug)]
pub struct Batch {
    jobs: Vec<Job>,
    format: Format,
    setting: Option<Lang>,
    /// Bytes of the document's other blocks detected as French and English.
    votes: [u64; 2],
}

#[derive(Debug)]
struct Job {
    block: usize,
    hash: u64,
    text: String,
    at_start: bool,
}

/// Extraction results of a [`Batch`], to give back to [`DocumentAnalysis::install`].
#[derive(Debug)]
pub struct BatchResult {
    results: Vec<(usize, u64, Arc<BlockResult>)>,
}

#[derive(Debug)]
pub struct DocumentAnalysis {
    options: DocOptions,
    blocks: Vec<Block>,
    index: EntityIndex,
    votes: [u64; 2],
    language: Lang,
    /// Results of blocks that edits removed, by hash, for blocks that come back unchanged.
    recycled: FxHashMap<u64, Arc<BlockResult>>,
}

impl DocumentAnalysis {
    pub fn new(options: DocOptions) -> DocumentAnalysis {
        let language = options.language.unwrap_or(Lang::Fr);
        DocumentAnalysis {
            options,
            blocks: Vec::new(),
            index: EntityIndex::default(),
            votes: [0; 2],
            language,
            recycled: FxHashMap::default(),
        }
    }

    pub fn options(&self) -> &DocOptions {
        &self.options
    }

    /// The document's language: the setting, else the language most of its text is in.
    pub fn language(&self) -> Lang {
        self.language
    }

    /// Every block has its extraction result.
    pub fn is_ready(&self) -> bool {
        self.blocks.iter().all(|b| b.result.is_some() && !b.dirty)
    }

    pub(crate) fn index(&self) -> &EntityIndex {
        &self.index
    }

    /// Applies `edits` (in order, each in the coordinates the previous one left) to the block
    /// table, re-splits what they touched in `text` (the text after all of them), and returns
    /// the blocks left to extract. With no edits it only collects pending work.
    pub fn plan(&mut self, edits: &[Edit], text: &Text) -> Batch {
        if self.blocks.is_empty() {
            self.blocks.push(Block {
                range: TextRange::up_to(0.into()),
                hash: 0,
                dirty: true,
                result: None,
            });
        }
        for edit in edits {
            self.apply_edit(edit);
        }
        if self.blocks.last().map(|b| b.range.end()) != Some(text.len()) {
            // The table and the text disagree (an edit the table could not follow): start over.
            tracing::warn!(
                "block table out of step with the text; re-splitting the whole document"
            );
            self.clear();
            self.blocks.push(Block {
                range: TextRange::up_to(text.len()),
                hash: 0,
                dirty: true,
                result: None,
            });
        }
        self.resplit(text);
        self.batch(text)
    }

    /// Forgets everything, keeping the options.
    fn clear(&mut self) {
        for i in 0..self.blocks.len() {
            self.forget(i);
        }
        self.blocks.clear();
        self.index = EntityIndex::default();
        self.votes = [0; 2];
    }

    fn apply_edit(&mut self, edit: &Edit) {
        let total = self.blocks.last().map_or(0.into(), |b| b.range.end());
        let start = edit.range.start().min(total);
        let end = edit.range.end().clamp(start, total);
        let first = self.block_at(start, true);
        let last = self.block_at(end, false).max(first);
        let inserted = TextSize::of(edit.insert.as_str());
        let new_end = self.blocks[last].range.end() - (end - start) + inserted;
        for i in first..=last {
            self.forget(i);
        }
        let merged = Block {
            range: TextRange::new(self.blocks[first].range.start(), new_end),
            hash: 0,
            dirty: true,
            result: None,
        };
        self.blocks.splice(first..=last, [merged]);
        for block in &mut self.blocks[first + 1..] {
            block.range = TextRange::new(
                block.range.start() - (end - start) + inserted,
                block.range.end() - (end - start) + inserted,
            );
        }
    }

    /// The block holding `offset`. At a boundary, `before` picks the block that ends there, so
    /// that an insertion there also re-splits the block it may join.
    fn block_at(&self, offset: TextSize, before: bool) -> usize {
        let i = self
            .blocks
            .partition_point(|b| b.range.end() < offset || (!before && b.range.end() == offset));
        i.min(self.blocks.len() - 1)
    }

    /// Takes a block's mentions out of the index and keeps its result for reuse.
    fn forget(&mut self, i: usize) {
        let block = &mut self.blocks[i];
        let Some(result) = block.result.take() else {
            return;
        };
        for m in &result.mentions {
            self.index.remove(&m.form, m.label, m.evidence);
        }
        if let Some(lang) = result.detected {
            self.votes[lang as usize] -=
                u64::from(u32::from(block.range.len())).min(self.votes[lang as usize]);
        }
        if self.recycled.len() > 4096 {
            self.recycled.clear();
        }
        self.recycled.insert(block.hash, result);
    }

    /// Re-splits every dirty block, running on into the following blocks until the new
    /// boundaries fall back onto old ones.
    fn resplit(&mut self, text: &Text) {
        let mut i = 0;
        while i < self.blocks.len() {
            if !self.blocks[i].dirty {
                i += 1;
                continue;
            }
            let start = self.blocks[i].range.start();
            let mut need_end = self.blocks[i].range.end();
            let mut next_old = i + 1;
            let mut new_blocks = Vec::new();
            let line = text.line_of(start);
            split(
                text.lines_from(line),
                text.line_start(line),
                self.options.format,
                |range| {
                    new_blocks.push(range);
                    let end = range.end();
                    while next_old < self.blocks.len() && self.blocks[next_old].range.start() < end
                    {
                        if self.blocks[next_old].dirty {
                            need_end = need_end.max(self.blocks[next_old].range.end());
                        }
                        next_old += 1;
                    }
                    let in_step =
                        next_old == self.blocks.len() || self.blocks[next_old].range.start() == end;
                    !(end >= need_end && in_step)
                },
            );
            // A block that the new split only partly covered is replaced as well.
            let covered = new_blocks.last().map_or(start, |r| r.end());
            let replaced_end =
                if next_old < self.blocks.len() && self.blocks[next_old].range.start() < covered {
                    next_old + 1
                } else {
                    next_old
                };
            for j in i..replaced_end {
                self.forget(j);
            }
            let replacement: Vec<Block> = new_blocks
                .iter()
                .map(|range| {
                    let hash = block_hash(&text.slice(*range), range.start() == 0.into());
                    let result = self
                        .recycled
                        .get(&hash)
                        .filter(|r| r.detected.is_some() || r.lang == self.language)
                        .cloned();
                    Block {
                        range: *range,
                        hash,
                        dirty: false,
                        result,
                    }
                })
                .collect();
            let added = replacement.len();
            self.blocks.splice(i..replaced_end, replacement);
            for j in i..i + added {
                self.remember(j);
            }
            i += added.max(1);
        }
        if self.blocks.is_empty() {
            self.blocks.push(Block {
                range: TextRange::up_to(0.into()),
                hash: block_hash("", true),
                dirty: false,
                result: None,
            });
        }
    }

    /// Puts a block's reused result into the index.
    fn remember(&mut self, i: usize) {
        let block = &self.blocks[i];
        let Some(result) = &block.result else { return };
        for m in &result.mentions {
            self.index.add(&m.form, m.label, m.evidence);
        }
        if let Some(lang) = result.detected {
            self.votes[lang as usize] += u64::from(u32::from(block.range.len()));
        }
    }

    fn batch(&self, text: &Text) -> Batch {
        let jobs = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.result.is_none())
            .map(|(block, b)| Job {
                block,
                hash: b.hash,
                text: text.slice(b.range).into_owned(),
                at_start: b.range.start() == 0.into(),
            })
            .collect();
        Batch {
            jobs,
            format: self.options.format,
            setting: self.options.language,
            votes: self.votes,
        }
    }

    /// Installs the results of a batch planned on this analysis. Returns `true` when the
    /// document's language changed so that more blocks need extracting (plan again).
    pub fn install(&mut self, done: BatchResult) -> bool {
        for (i, hash, result) in done.results {
            let Some(block) = self.blocks.get_mut(i) else {
                continue;
            };
            if block.hash != hash || block.result.is_some() {
                continue;
            }
            block.result = Some(result);
            self.remember(i);
        }
        let language = self
            .options
            .language
            .unwrap_or_else(|| majority(self.votes));
        if language == self.language {
            return false;
        }
        self.language = language;
        let stale: Vec<usize> = (0..self.blocks.len())
            .filter(|i| {
                self.blocks[*i]
                    .result
                    .as_ref()
                    .is_some_and(|r| r.detected.is_none() && r.lang != language)
            })
            .collect();
        for i in &stale {
            self.forget(*i);
        }
        !stale.is_empty()
    }

    /// Every mention in document order, with document ranges.
    pub(crate) fn mentions(&self) -> impl Iterator<Item = (TextRange, &BlockMention)> {
        self.blocks.iter().flat_map(|b| {
            let start = b.range.start();
            b.result
                .iter()
                .flat_map(move |r| r.mentions.iter().map(move |m| (m.range + start, m)))
        })
    }

    /// The mention covering `offset` (its end included, so a cursor just after a name counts).
    pub(crate) fn mention_at(&self, offset: TextSize) -> Option<(TextRange, &BlockMention)> {
        let i = self.blocks.partition_point(|b| b.range.end() < offset);
        let candidates = i.saturating_sub(1)..(i + 1).min(self.blocks.len());
        self.blocks[candidates].iter().find_map(|b| {
            let result = b.result.as_ref()?;
            let local = offset.checked_sub(b.range.start())?;
            let m = result
                .mentions
                .iter()
                .find(|m| m.range.contains_inclusive(local))?;
            Some((m.range + b.range.start(), m))
        })
    }
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Bytes of text to extract.
    pub fn len_bytes(&self) -> usize {
        self.jobs.iter().map(|j| j.text.len()).sum()
    }

    /// Extracts every block of the batch. Pure: no lock, no IO.
    pub fn run(self, extractor: &Extractor) -> BatchResult {
        let prose: Vec<_> = self
            .jobs
            .iter()
            .map(|j| prose(&j.text, self.format, j.at_start).into_owned())
            .collect();
        let detected: Vec<Option<Lang>> = match self.setting {
            Some(_) => vec![None; prose.len()],
            None => prose.iter().map(|p| detect_language(p)).collect(),
        };
        let mut votes = self.votes;
        for (job, lang) in self.jobs.iter().zip(&detected) {
            if let Some(lang) = lang {
                votes[*lang as usize] += job.text.len() as u64;
            }
        }
        let fallback = self.setting.unwrap_or_else(|| majority(votes));
        let results = self
            .jobs
            .iter()
            .zip(prose)
            .zip(detected)
            .map(|((job, prose), detected)| {
                let lang = self.setting.or(detected).unwrap_or(fallback);
                let mentions = extract_block(extractor, &job.text, &prose, lang);
                (
                    job.block,
                    job.hash,
                    Arc::new(BlockResult {
                        detected,
                        lang,
                        mentions,
                    }),
                )
            })
            .collect();
        BatchResult { results }
    }
}

fn extract_block(extractor: &Extractor, text: &str, prose: &str, lang: Lang) -> Vec<BlockMention> {
    extractor
        .extract(prose, lang)
        .into_iter()
        .filter_map(|m| {
            let form = normalize(text.get(std::ops::Range::<usize>::from(m.range))?);
            (!form.is_empty()).then(|| BlockMention {
                range: m.range,
                label: m.label,
                evidence: m.evidence,
                form: form.into(),
            })
        })
        .collect()
}

/// The language most of the detected text is in; French when none is (or on a tie), so that
/// the answer depends on the text alone, never on the order of edits.
fn majority(votes: [u64; 2]) -> Lang {
    if votes[Lang::En as usize] > votes[Lang::Fr as usize] {
        Lang::En
    } else {
        Lang::Fr
    }
}

fn block_hash(text: &str, at_start: bool) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    at_start.hash(&mut hasher);
    // 0 marks a dirty block.
    hasher.finish().max(1)
}
