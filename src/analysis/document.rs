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
use super::cancel::Cancel;
use super::context::{Alias, Role, acronyms_after_names, aliases, expand_acronyms, roles};
use super::echoes::{Echoes, echoes, kept};
use super::entities::{EntityIndex, normalize};
use super::fenwick::Fenwick;
use super::known::known_names;
use super::prose::{detect_language, prose};
use super::{DocOptions, Format};
use crate::extract::{Evidence, Label, Lang};
use crate::kb::KnowledgeBase;
use crate::pipeline::Extractor;
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

/// A mention as the document reads it: a block's own, or an echo that stands (a candidate
/// whose kind is its entity's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MentionRef<'a> {
    pub form: &'a str,
    pub label: Label,
    pub evidence: Evidence,
}

impl<'a> From<&'a BlockMention> for MentionRef<'a> {
    fn from(m: &'a BlockMention) -> Self {
        MentionRef {
            form: &m.form,
            label: m.label,
            evidence: m.evidence,
        }
    }
}

/// The extraction result of one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockResult {
    /// The block's own language when it is clear.
    pub detected: Option<Lang>,
    /// When it is not, the language it leans to, which counts only in a document none of whose
    /// blocks is clear.
    pub leaning: Option<Lang>,
    /// The language it was extracted in.
    pub lang: Lang,
    pub mentions: Vec<BlockMention>,
    /// Acronyms given with their expansion in this block.
    pub aliases: Vec<Alias>,
    /// Roles the block's text gives its mentions.
    pub roles: Vec<Role>,
    /// Spans that stand as mentions where the document names their form surely elsewhere
    /// (see `echoes`).
    pub echoes: Echoes,
}

#[derive(Clone, Debug)]
struct Block {
    len: TextSize,
    /// Hash of the block's text and of whether it starts the document; 0 while dirty.
    hash: u64,
    result: Option<Arc<BlockResult>>,
}

/// The extraction work that a [`DocumentAnalysis::plan`] leaves to do.
#[derive(Debug)]
pub struct Batch {
    jobs: Vec<Job>,
    format: Format,
    setting: Option<Lang>,
    /// Bytes of the document's other blocks detected as French and English, then leaning so
    /// (see [`vote`]).
    votes: [u64; 4],
    /// The knowledge base whose names are marked (see [`known_names`]), and its generation.
    knowledge: Arc<KnowledgeBase>,
    generation: u64,
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
    /// The knowledge base generation the results were found with.
    generation: u64,
}

#[derive(Debug)]
pub struct DocumentAnalysis {
    options: DocOptions,
    /// The blocks, their starts and the entity index are shared with the snapshots that
    /// requests read ([`DocumentAnalysis::snapshot`]); a change copies what a snapshot still
    /// holds (`Arc::make_mut`), so neither waits for the other.
    blocks: Arc<Vec<Block>>,
    /// Block starts, kept in step with `blocks` (rebuilt when blocks are added or removed).
    starts: Arc<Fenwick>,
    /// Blocks that edits touched and that must be split again, in ascending order.
    dirty: Vec<usize>,
    /// Blocks without a result, and how many of them `plan` found itself (the rest, left by a
    /// change of language, need a scan to find).
    unextracted: usize,
    fresh: Vec<usize>,
    index: Arc<EntityIndex>,
    votes: [u64; 4],
    language: Lang,
    /// Results of blocks that edits removed, by hash, for blocks that come back unchanged.
    recycled: FxHashMap<u64, Arc<BlockResult>>,
    /// What the knowledge base says: how mentions resolve, and names it knows that extraction
    /// missed (so a new knowledge base means extracting again).
    knowledge: Arc<KnowledgeBase>,
    /// Counts knowledge bases set, so that results found with an older one are not installed.
    generation: u64,
    /// Asked before each block by the passes over the document: never, except in a snapshot.
    cancel: Cancel,
}

impl DocumentAnalysis {
    pub fn new(options: DocOptions) -> DocumentAnalysis {
        let language = options.language.unwrap_or(Lang::Fr);
        DocumentAnalysis {
            options,
            blocks: Arc::default(),
            starts: Arc::default(),
            dirty: Vec::new(),
            unextracted: 0,
            fresh: Vec::new(),
            index: Arc::default(),
            votes: [0; 4],
            language,
            recycled: FxHashMap::default(),
            knowledge: Arc::new(KnowledgeBase::default()),
            generation: 0,
            cancel: Cancel::never(),
        }
    }

    /// The analysis as it is, to read on another thread with no lock held: a few shared
    /// pointers, not a copy. Its passes over the blocks (mentions, symbols, checks, roles)
    /// stop early once `cancel` says so, and their answers are then partial: the caller that
    /// cancelled throws them away.
    pub fn snapshot(&self, cancel: Cancel) -> DocumentAnalysis {
        DocumentAnalysis {
            options: self.options.clone(),
            blocks: self.blocks.clone(),
            starts: self.starts.clone(),
            dirty: self.dirty.clone(),
            unextracted: self.unextracted,
            fresh: Vec::new(),
            index: self.index.clone(),
            votes: self.votes,
            language: self.language,
            recycled: FxHashMap::default(),
            knowledge: self.knowledge.clone(),
            generation: self.generation,
            cancel,
        }
    }

    /// A fresh analysis with other options and the same knowledge base.
    pub fn restart(&self, options: DocOptions) -> DocumentAnalysis {
        let mut fresh = DocumentAnalysis::new(options);
        fresh.knowledge = self.knowledge.clone();
        fresh
    }

    /// Resolves mentions through `knowledge` from now on, and marks the names it knows: every
    /// block is extracted again (the next [`DocumentAnalysis::plan`] returns them all) unless
    /// it is the knowledge base already in use.
    pub fn set_knowledge(&mut self, knowledge: Arc<KnowledgeBase>) {
        if Arc::ptr_eq(&self.knowledge, &knowledge) {
            return;
        }
        self.knowledge = knowledge;
        self.generation += 1;
        for i in 0..self.blocks.len() {
            if self.blocks[i].result.is_some() {
                self.forget(i);
                Arc::make_mut(&mut self.blocks)[i].result = None;
                self.unextracted += 1;
            }
        }
        // Results kept for reuse (`forget` keeps these too) were found with the old one.
        self.recycled.clear();
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.knowledge
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
        self.unextracted == 0 && self.dirty.is_empty() && !self.blocks.is_empty()
    }

    pub(crate) fn index(&self) -> &EntityIndex {
        &self.index
    }

    fn range(&self, i: usize) -> TextRange {
        TextRange::at(TextSize::new(self.starts.prefix(i)), self.blocks[i].len)
    }

    fn total_len(&self) -> TextSize {
        TextSize::new(self.starts.prefix(self.blocks.len()))
    }

    /// Applies `edits` (in order, each in the coordinates the previous one left) to the block
    /// table, re-splits what they touched in `text` (the text after all of them), and returns
    /// the blocks left to extract. With no edits it only collects pending work.
    pub fn plan(&mut self, edits: &[Edit], text: &Text) -> Batch {
        self.fresh.clear();
        if self.blocks.is_empty() {
            self.replace(
                0..0,
                vec![Block {
                    len: text.len(),
                    hash: 0,
                    result: None,
                }],
            );
            self.dirty = vec![0];
        } else {
            for edit in edits {
                self.apply_edit(edit);
            }
        }
        if self.total_len() != text.len() {
            // The table and the text disagree (an edit the table could not follow): start over.
            tracing::warn!(table = ?self.total_len(), text = ?text.len(), "block table out of step; re-splitting");
            let all = 0..self.blocks.len();
            self.replace(
                all,
                vec![Block {
                    len: text.len(),
                    hash: 0,
                    result: None,
                }],
            );
            self.dirty = vec![0];
        }
        self.resplit(text);
        self.batch(text)
    }

    /// Replaces blocks `range` by `with`, taking the old ones out of the index (keeping their
    /// results for reuse) and putting the reused results of the new ones in.
    fn replace(&mut self, range: std::ops::Range<usize>, with: Vec<Block>) {
        for i in range.clone() {
            self.forget(i);
            self.unextracted -= usize::from(self.blocks[i].result.is_none());
        }
        let (at, removed, added) = (range.start, range.len(), with.len());
        if removed == 1 && added == 1 {
            let delta = u32::from(with[0].len).wrapping_sub(u32::from(self.blocks[at].len));
            Arc::make_mut(&mut self.starts).add(at, delta);
            Arc::make_mut(&mut self.blocks)[at] =
                with.into_iter().next().unwrap_or_else(|| unreachable!());
        } else {
            Arc::make_mut(&mut self.blocks).splice(range, with);
            self.starts = Arc::new(Fenwick::build(self.blocks.iter().map(|b| u32::from(b.len))));
        }
        for i in at..at + added {
            self.unextracted += usize::from(self.blocks[i].result.is_none());
            self.remember(i);
        }
    }

    fn apply_edit(&mut self, edit: &Edit) {
        let total = self.total_len();
        let start = edit.range.start().min(total);
        let end = edit.range.end().clamp(start, total);
        // At a boundary an insertion may join the block before it: take that one too.
        let first = self
            .starts
            .count_while(|e| e < u32::from(start))
            .min(self.blocks.len() - 1);
        let last = self
            .starts
            .count_while(|e| e <= u32::from(end))
            .min(self.blocks.len() - 1)
            .max(first);
        let range_start = TextSize::new(self.starts.prefix(first));
        let old_end = TextSize::new(self.starts.prefix(last + 1));
        let len = old_end - (end - start) + TextSize::of(edit.insert.as_str()) - range_start;
        self.replace(
            first..last + 1,
            vec![Block {
                len,
                hash: 0,
                result: None,
            }],
        );
        let removed = last - first;
        self.dirty.retain(|d| *d < first || *d > last);
        for d in &mut self.dirty {
            if *d > last {
                *d -= removed;
            }
        }
        let at = self.dirty.partition_point(|d| *d < first);
        self.dirty.insert(at, first);
    }

    /// Takes a block's mentions out of the index and keeps its result for reuse.
    fn forget(&mut self, i: usize) {
        let block = &self.blocks[i];
        let Some(result) = &block.result else { return };
        let index = Arc::make_mut(&mut self.index);
        for m in &result.mentions {
            index.remove(&m.form, m.label, m.evidence);
        }
        for a in &result.aliases {
            index.unlink_alias(&a.short, &a.long);
        }
        if let Some(slot) = vote(result.detected, result.leaning) {
            let votes = &mut self.votes[slot];
            *votes -= u64::from(u32::from(block.len)).min(*votes);
        }
        if self.recycled.len() > 4096 {
            self.recycled.clear();
        }
        self.recycled.insert(block.hash, result.clone());
    }

    /// Puts a block's reused result into the index.
    fn remember(&mut self, i: usize) {
        let block = &self.blocks[i];
        let Some(result) = &block.result else { return };
        let index = Arc::make_mut(&mut self.index);
        for m in &result.mentions {
            index.add(&m.form, m.label, m.evidence);
        }
        for a in &result.aliases {
            index.link_alias(&a.short, &a.long);
        }
        if let Some(slot) = vote(result.detected, result.leaning) {
            self.votes[slot] += u64::from(u32::from(block.len));
        }
    }

    /// Re-splits every dirty block, running on into the following blocks until the new
    /// boundaries fall back onto old ones.
    fn resplit(&mut self, text: &Text) {
        let mut dirty = std::mem::take(&mut self.dirty);
        let mut k = 0;
        while k < dirty.len() {
            let i = dirty[k];
            let start = self.range(i).start();
            let mut need_end = self.range(i).end();
            let mut next_old = i + 1;
            let mut new_ranges = Vec::new();
            let line = text.line_of(start);
            split(
                text.lines_from(line),
                text.line_start(line),
                self.options.format,
                |range| {
                    new_ranges.push(range);
                    let end = range.end();
                    while next_old < self.blocks.len()
                        && TextSize::new(self.starts.prefix(next_old)) < end
                    {
                        if dirty[k..].contains(&next_old) {
                            need_end = need_end.max(self.range(next_old).end());
                        }
                        next_old += 1;
                    }
                    // Past the last old block, only the end of the text is in step: the new
                    // blocks must tile the rest ("```" opened at the top can turn a fence that
                    // ran to the end into prose, with boundaries of its own).
                    let in_step = if next_old == self.blocks.len() {
                        end == text.len()
                    } else {
                        TextSize::new(self.starts.prefix(next_old)) == end
                    };
                    !(end >= need_end && in_step)
                },
            );
            // Dirty blocks that this split swallowed are done too.
            let swallowed = dirty[k..].iter().take_while(|d| **d < next_old).count();
            let with: Vec<Block> = new_ranges
                .iter()
                .map(|range| {
                    let hash = block_hash(&text.slice(*range), range.start() == 0.into());
                    let result = self
                        .recycled
                        .get(&hash)
                        .filter(|r| r.detected.is_some() || r.lang == self.language)
                        .cloned();
                    Block {
                        len: range.len(),
                        hash,
                        result,
                    }
                })
                .collect();
            let added = with.len();
            self.replace(i..next_old, with);
            self.fresh
                .extend((i..i + added).filter(|j| self.blocks[*j].result.is_none()));
            let shift = added as isize - (next_old - i) as isize;
            k += swallowed.max(1);
            for d in &mut dirty[k..] {
                *d = (*d as isize + shift) as usize;
            }
        }
        if self.blocks.is_empty() {
            self.replace(
                0..0,
                vec![Block {
                    len: 0.into(),
                    hash: block_hash("", true),
                    result: None,
                }],
            );
            self.fresh.push(0);
        }
    }

    fn batch(&self, text: &Text) -> Batch {
        let job = |block: usize| {
            let range = self.range(block);
            Job {
                block,
                hash: self.blocks[block].hash,
                text: text.slice(range).into_owned(),
                at_start: block == 0,
            }
        };
        let jobs = if self.unextracted == self.fresh.len() {
            self.fresh.iter().map(|i| job(*i)).collect()
        } else {
            (0..self.blocks.len())
                .filter(|i| self.blocks[*i].result.is_none())
                .map(job)
                .collect()
        };
        Batch {
            jobs,
            format: self.options.format,
            setting: self.options.language,
            votes: self.votes,
            knowledge: self.knowledge.clone(),
            generation: self.generation,
        }
    }

    /// Installs the results of a batch planned on this analysis. Returns `true` when the
    /// document's language changed so that more blocks need extracting (plan again).
    pub fn install(&mut self, done: BatchResult) -> bool {
        if done.generation != self.generation {
            return false;
        }
        for (i, hash, result) in done.results {
            let Some(block) = Arc::make_mut(&mut self.blocks).get_mut(i) else {
                continue;
            };
            if block.hash != hash || block.result.is_some() {
                continue;
            }
            block.result = Some(result);
            self.unextracted -= 1;
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
            Arc::make_mut(&mut self.blocks)[*i].result = None;
            self.unextracted += 1;
        }
        !stale.is_empty()
    }

    /// The blocks in document order, until the work is cancelled: every pass over the whole
    /// document goes through here.
    fn visited_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .take_while(|_| !self.cancel.is_cancelled())
    }

    /// Every block's start and result, in document order.
    pub(crate) fn block_results(&self) -> impl Iterator<Item = (TextSize, &BlockResult)> {
        let mut start = TextSize::new(0);
        self.visited_blocks().filter_map(move |b| {
            let block_start = start;
            start += b.len;
            Some((block_start, b.result.as_deref()?))
        })
    }

    /// Every mention in document order, with document ranges: the blocks' mentions and the
    /// echoes that stand.
    pub(crate) fn mentions(&self) -> impl Iterator<Item = (TextRange, MentionRef<'_>)> {
        let mut start = TextSize::new(0);
        let mut memo = FxHashMap::default();
        self.visited_blocks().flat_map(move |b| {
            let block_start = start;
            start += b.len;
            let mentions = match b.result.as_deref() {
                Some(result) => self.block_mentions(result, &mut memo),
                None => Vec::new(),
            };
            mentions
                .into_iter()
                .map(move |(range, m)| (range + block_start, m))
        })
    }

    /// A block's mentions and the echoes that stand (`memo` remembers which forms do), sorted
    /// by start, with block-relative ranges.
    fn block_mentions<'a>(
        &'a self,
        result: &'a BlockResult,
        memo: &mut FxHashMap<&'a str, bool>,
    ) -> Vec<(TextRange, MentionRef<'a>)> {
        let own = |m: &'a BlockMention| (m.range, MentionRef::from(m));
        let echoes = kept(&result.echoes, |form| {
            *memo
                .entry(form)
                .or_insert_with(|| self.resolve_form(form).is_some())
        });
        if echoes.is_empty() {
            return result.mentions.iter().map(own).collect();
        }
        // An echo holds whole mentions or none: those it holds give way to it.
        let mut all: Vec<(TextRange, MentionRef)> = result
            .mentions
            .iter()
            .filter(|m| {
                let at = echoes.partition_point(|(e, _)| e.end() <= m.range.start());
                !echoes
                    .get(at)
                    .is_some_and(|(e, _)| e.contains_range(m.range))
            })
            .map(own)
            .collect();
        all.extend(echoes.into_iter().map(|(range, form)| {
            let echo = MentionRef {
                form,
                // Its entity's kind: see `DocumentAnalysis::resolve_form`.
                label: Label::Misc,
                evidence: Evidence::Candidate,
            };
            (range, echo)
        }));
        all.sort_by_key(|(range, _)| range.start());
        all
    }

    /// The mention covering `offset` (its end included, so a cursor just after a name counts).
    pub(crate) fn mention_at(&self, offset: TextSize) -> Option<(TextRange, MentionRef<'_>)> {
        let i = self.starts.count_while(|end| end < u32::from(offset));
        let candidates = i.saturating_sub(1)..(i + 1).min(self.blocks.len());
        candidates.into_iter().find_map(|i| {
            let range = self.range(i);
            let result = self.blocks[i].result.as_ref()?;
            let local = offset.checked_sub(range.start())?;
            let (at, m) = self
                .block_mentions(result, &mut FxHashMap::default())
                .into_iter()
                .find(|(r, _)| r.contains_inclusive(local))?;
            Some((at + range.start(), m))
        })
    }
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Extracts every block of the batch. Pure: no lock, no IO.
    pub fn run(self, extractor: &Extractor) -> BatchResult {
        self.run_until(extractor, &Cancel::never())
    }

    /// Extracts the blocks of the batch in order until `cancel` says to stop (a newer edit
    /// made the batch obsolete), asked before each block once an eighth of the batch's bytes
    /// are done: the blocks done are returned, and installing them is right, since each result
    /// depends on its block's text alone; the rest are planned again.
    pub fn run_until(self, extractor: &Extractor, cancel: &Cancel) -> BatchResult {
        let prose: Vec<_> = self
            .jobs
            .iter()
            .map(|j| prose(&j.text, self.format, j.at_start).into_owned())
            .collect();
        let detected: Vec<(Option<Lang>, Option<Lang>)> = match self.setting {
            Some(_) => vec![(None, None); prose.len()],
            None => prose
                .iter()
                .map(|p| {
                    let detected = detect_language(p);
                    (detected.clear, detected.leaning)
                })
                .collect(),
        };
        let mut votes = self.votes;
        for (job, (clear, leaning)) in self.jobs.iter().zip(&detected) {
            if let Some(slot) = vote(*clear, *leaning) {
                votes[slot] += job.text.len() as u64;
            }
        }
        let fallback = self.setting.unwrap_or_else(|| majority(votes));
        // The passes above cost a little for every byte of the batch: a batch cut short by
        // every keystroke must still advance, so it stops only once an eighth of it is done.
        let total: usize = self.jobs.iter().map(|j| j.text.len()).sum();
        let mut done = 0;
        let results = self
            .jobs
            .iter()
            .zip(prose)
            .zip(detected)
            .take_while(|((job, _), _)| {
                let go_on = done == 0 || done * 8 < total || !cancel.is_cancelled();
                done += job.text.len().max(1);
                go_on
            })
            .map(|((job, prose), (detected, leaning))| {
                let lang = self.setting.or(detected).unwrap_or(fallback);
                let mut mentions = extract_block(extractor, &job.text, &prose, lang);
                known_names(
                    &self.knowledge,
                    &prose,
                    &job.text,
                    |w| extractor.is_dictionary_word(w),
                    &mut mentions,
                );
                acronyms_after_names(
                    &prose,
                    &job.text,
                    |w| extractor.is_dictionary_word(w),
                    &mut mentions,
                );
                expand_acronyms(&prose, &job.text, &mut mentions);
                let aliases = aliases(&prose, &mentions);
                let roles = roles(&prose, &mentions);
                let echoes = echoes(&prose, &job.text, &mentions, lang);
                let result = BlockResult {
                    detected,
                    leaning,
                    lang,
                    mentions,
                    aliases,
                    roles,
                    echoes,
                };
                (job.block, job.hash, Arc::new(result))
            })
            .collect();
        BatchResult {
            results,
            generation: self.generation,
        }
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

/// Where a block's bytes count in the votes: its clear language (0, 1), else the language it
/// leans to (2, 3).
fn vote(detected: Option<Lang>, leaning: Option<Lang>) -> Option<usize> {
    match (detected, leaning) {
        (Some(lang), _) => Some(lang as usize),
        (None, Some(lang)) => Some(2 + lang as usize),
        (None, None) => None,
    }
}

/// The language most of the detected text is in; when no block is clear, the language most of
/// the text leans to; French when none does (or on a tie), so that the answer depends on the
/// text alone, never on the order of edits.
fn majority(votes: [u64; 4]) -> Lang {
    let [fr, en] = if votes[0] + votes[1] > 0 {
        [votes[0], votes[1]]
    } else {
        [votes[2], votes[3]]
    };
    if en > fr { Lang::En } else { Lang::Fr }
}

fn block_hash(text: &str, at_start: bool) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    at_start.hash(&mut hasher);
    // 0 marks a dirty block.
    hasher.finish().max(1)
}
