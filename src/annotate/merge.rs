//! Writing nomen's changes into a `.ann` that someone else changed too: a three-way merge of
//! the lines by their brat id, so that nobody's lines are lost.
//!
//! `base` is the file as nomen last read or wrote it, `ours` what nomen would write now, and
//! `theirs` the file as it is (an editor's buffer with unsaved edits, or the file on disk
//! changed by another program). A brat file's meaning does not depend on the order of its
//! lines, so each line is matched by its id (`T3`, `A1`, `#2`; a line without one by its
//! whole text):
//! - a line they left as it was in `base` takes nomen's version, or goes if nomen removed it;
//! - a line they changed, added or removed stays as they have it (theirs win a conflict);
//! - a line nomen added is appended, unless they took its id for another line: then it is
//!   left out and counted in [`Merged::dropped`].

use rustc_hash::{FxHashMap, FxHashSet};

/// The merged file, and how many of nomen's new lines could not go in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// Lines nomen added whose id the other side gave to a different line.
    pub dropped: usize,
}

/// Merges `ours` (nomen's new file) and `theirs` (the file as it is now), both changed from
/// `base` (see the module's documentation).
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    if theirs == base || theirs == ours {
        return Merged {
            text: ours.to_string(),
            dropped: 0,
        };
    }
    if ours == base {
        return Merged {
            text: theirs.to_string(),
            dropped: 0,
        };
    }
    let base_lines: FxHashMap<Key, &str> = keyed(base).collect();
    let our_lines: Vec<(Key, &str)> = keyed(ours).collect();
    let ours_by_key: FxHashMap<Key, &str> = our_lines.iter().copied().collect();
    let mut their_lines: FxHashMap<Key, &str> = FxHashMap::default();
    let mut out: Vec<&str> = Vec::new();
    for (key, line) in keyed(theirs) {
        their_lines.insert(key, line);
        match base_lines.get(&key) {
            Some(&unchanged) if unchanged == line => out.extend(ours_by_key.get(&key).copied()),
            _ => out.push(line),
        }
    }
    let kept = out.len();
    let mut dropped = 0;
    for &(key, line) in &our_lines {
        if base_lines.contains_key(&key) {
            continue;
        }
        match their_lines.get(&key) {
            None => out.push(line),
            Some(&same) if same == line => {}
            Some(_) => dropped += 1,
        }
    }
    let eol = if theirs.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut text = out.join(eol);
    let unterminated = !theirs.is_empty() && !theirs.ends_with('\n') && out.len() == kept;
    if !out.is_empty() && !unterminated {
        text.push_str(eol);
    }
    Merged { text, dropped }
}

/// What matches a line across the three versions: its brat id, or (for a line without one,
/// or the second line with an id) its text and which occurrence of that text it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key<'a> {
    Id(&'a str),
    Line(&'a str, usize),
}

/// The lines of a file (without their endings) with their keys.
fn keyed(file: &str) -> impl Iterator<Item = (Key<'_>, &str)> {
    let mut ids: FxHashSet<&str> = FxHashSet::default();
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    file.split_inclusive('\n').map(move |raw| {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let id = line
            .split_once('\t')
            .map(|(id, _)| id.trim())
            .filter(|id| !id.is_empty());
        let key = match id {
            Some(id) if ids.insert(id) => Key::Id(id),
            _ => {
                let n = seen.entry(line).or_default();
                *n += 1;
                Key::Line(line, *n)
            }
        };
        (key, line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "T1\tPER 0 5\tAlice\nT2\tLOC 10 15\tParis\n#1\tAnnotatorNotes T1\tmaire\n";

    #[test]
    fn untouched_file_takes_ours_whole() {
        let ours = "T1\tPER 2 7\tAlice\nT3\tORG 20 23\tONU\n#1\tAnnotatorNotes T1\tmaire\n";
        assert_eq!(merge(BASE, ours, BASE).text, ours);
        assert_eq!(merge(BASE, BASE, ours).text, ours);
    }

    #[test]
    fn both_sides_keep_their_changes() {
        // nomen shifted T1 and added T3; by hand, T2 was relabelled and T4 and a note added.
        let ours = "T1\tPER 2 7\tAlice\nT2\tLOC 12 17\tParis\n#1\tAnnotatorNotes T1\tmaire\nT3\tORG 20 23\tONU\n";
        let theirs = "T1\tPER 0 5\tAlice\nT2\tGPE 10 15\tParis\n#1\tAnnotatorNotes T1\tmaire\nT4\tPER 30 33\tBob\n#2\tAnnotatorNotes T4\tvu\n";
        let merged = merge(BASE, ours, theirs);
        assert_eq!(
            merged.text,
            "T1\tPER 2 7\tAlice\nT2\tGPE 10 15\tParis\n#1\tAnnotatorNotes T1\tmaire\nT4\tPER 30 33\tBob\n#2\tAnnotatorNotes T4\tvu\nT3\tORG 20 23\tONU\n"
        );
        assert_eq!(merged.dropped, 0);
    }

    #[test]
    fn deletions_on_either_side_hold() {
        // nomen removed T2; by hand, the note was removed.
        let ours = "T1\tPER 0 5\tAlice\n#1\tAnnotatorNotes T1\tmaire\n";
        let theirs = "T1\tPER 0 5\tAlice\nT2\tLOC 10 15\tParis\n";
        assert_eq!(merge(BASE, ours, theirs).text, "T1\tPER 0 5\tAlice\n");
        // A line they changed stays, even where nomen removed it.
        let theirs = "T1\tPER 0 5\tAlice\nT2\tGPE 10 15\tParis\n#1\tAnnotatorNotes T1\tmaire\n";
        assert_eq!(
            merge(BASE, ours, theirs).text,
            "T1\tPER 0 5\tAlice\nT2\tGPE 10 15\tParis\n#1\tAnnotatorNotes T1\tmaire\n"
        );
    }

    #[test]
    fn an_id_taken_by_hand_keeps_their_line_and_counts_ours() {
        let ours = format!("{BASE}T3\tORG 20 23\tONU\n");
        let theirs = format!("{BASE}T3\tPER 40 43\tEve");
        let merged = merge(BASE, &ours, &theirs);
        assert_eq!(merged.text, theirs);
        assert_eq!(merged.dropped, 1);
        // The same line added on both sides is no loss.
        let merged = merge(BASE, &ours, &format!("T0\tPER 1 2\tA\n{ours}"));
        assert_eq!(merged.dropped, 0);
        assert_eq!(merged.text, format!("T0\tPER 1 2\tA\n{ours}"));
    }

    #[test]
    fn line_endings_and_a_missing_final_newline() {
        let base = "T1\tPER 0 5\tAlice\r\n";
        let theirs = "T1\tPER 0 5\tAlice\r\nT2\tLOC 10 15\tParis";
        let ours = "T1\tPER 0 5\tAlice\r\nT3\tORG 20 23\tONU\r\n";
        assert_eq!(
            merge(base, ours, theirs).text,
            "T1\tPER 0 5\tAlice\r\nT2\tLOC 10 15\tParis\r\nT3\tORG 20 23\tONU\r\n"
        );
        // Nothing appended: their file keeps its unterminated last line.
        let ours = "T1\tPER 1 6\tAlice\r\n";
        assert_eq!(
            merge(base, ours, theirs).text,
            "T1\tPER 1 6\tAlice\r\nT2\tLOC 10 15\tParis"
        );
    }

    #[test]
    fn lines_without_ids_and_an_empty_base() {
        let theirs = "\n# a comment without a tab\nT9\tPER 0 1\tA\n";
        let ours = "T1\tPER 0 5\tAlice\n";
        assert_eq!(
            merge("", ours, theirs).text,
            "\n# a comment without a tab\nT9\tPER 0 1\tA\nT1\tPER 0 5\tAlice\n"
        );
    }

    /// A small file: lines of a few ids and labels, some repeated, some without an id.
    fn file() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let line = prop_oneof![
            (1..5u8, 0..3u8).prop_map(|(id, label)| format!("T{id}\tL{label} 0 1\tx")),
            (1..3u8).prop_map(|id| format!("#{id}\tAnnotatorNotes T1\tn")),
            Just("no id here".to_string()),
            Just(String::new()),
        ];
        proptest::collection::vec(line, 0..6)
            .prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect::<String>())
    }

    proptest::proptest! {
        #[test]
        fn nobodys_lines_are_lost(base in file(), ours in file(), theirs in file()) {
            let merged = merge(&base, &ours, &theirs);
            let lines: Vec<&str> = merged.text.lines().collect();
            proptest::prop_assert_eq!(&merge(&base, &ours, &base).text, &ours);
            proptest::prop_assert_eq!(&merge(&base, &base, &theirs).text, &theirs);
            let in_base: Vec<&str> = base.lines().collect();
            // A line they added or changed is kept.
            for line in theirs.lines().filter(|l| !in_base.contains(l)) {
                proptest::prop_assert!(lines.contains(&line), "{line:?} lost: {merged:?}");
            }
            // A line of ours with an id neither base nor theirs has is added.
            let ids = |f: &str| f.lines().filter_map(|l| l.split_once('\t')).map(|(id, _)| id.to_string()).collect::<Vec<_>>();
            let (base_ids, their_ids) = (ids(&base), ids(&theirs));
            for line in ours.lines() {
                if let Some((id, _)) = line.split_once('\t') {
                    if !base_ids.iter().any(|i| i == id) && !their_ids.iter().any(|i| i == id) {
                        proptest::prop_assert!(lines.contains(&line), "{line:?} lost: {merged:?}");
                    }
                }
            }
        }
    }
}
