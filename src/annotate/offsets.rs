//! Code points and bytes, and the text of spans: conversions done in one walk over the text
//! for a sorted list of offsets, never one walk per annotation.

use crate::text::{TextRange, TextSize};

/// The byte offset of each code point offset in `sorted` (ascending); `None` past the end.
pub fn cps_to_bytes(text: &str, sorted: &[u32]) -> Vec<Option<TextSize>> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut k = 0;
    for (cp, (byte, _)) in text.char_indices().enumerate() {
        while k < sorted.len() && sorted[k] as usize == cp {
            out.push(Some(TextSize::new(byte as u32)));
            k += 1;
        }
        if k == sorted.len() {
            return out;
        }
    }
    let chars = text.chars().count();
    for &cp in &sorted[k..] {
        out.push((cp as usize == chars).then(|| TextSize::of(text)));
    }
    out
}

/// The code point offset of each byte offset in `sorted` (ascending). An offset inside a
/// character counts as the next one; one past the end as the end.
pub fn bytes_to_cps(text: &str, sorted: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut chars = text.char_indices().peekable();
    let mut cp = 0;
    for &byte in sorted {
        while chars.next_if(|&(i, _)| (i as u32) < byte).is_some() {
            cp += 1;
        }
        out.push(cp);
    }
    out
}

/// How a `T` line stores a character: line breaks and tabs would break the line.
fn stored(c: char) -> char {
    match c {
        '\n' | '\r' | '\t' => ' ',
        c => c,
    }
}

/// The text a `T` line stores for `spans`: the fragments joined by a space.
pub(super) fn span_text(text: &str, spans: &[TextRange]) -> String {
    let mut out = String::new();
    for (i, span) in spans.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(
            text.get(std::ops::Range::<usize>::from(*span))
                .unwrap_or("")
                .chars()
                .map(stored),
        );
    }
    out
}

/// Whether `spans` hold `stored_text` in `text` (compared without allocating).
pub(super) fn matches(text: &str, spans: &[TextRange], stored_text: &str) -> bool {
    let mut want = stored_text.chars();
    for (i, span) in spans.iter().enumerate() {
        if i > 0 && want.next() != Some(' ') {
            return false;
        }
        let Some(fragment) = text.get(std::ops::Range::<usize>::from(*span)) else {
            return false;
        };
        if !fragment.chars().all(|c| want.next() == Some(stored(c))) {
            return false;
        }
    }
    want.next().is_none()
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The start of the occurrence of `needle` nearest to `around` (the earlier of two as near).
/// Looks in windows that grow around the place, so a text found nearby costs little.
pub(super) fn nearest(text: &str, needle: &str, around: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut radius = 256usize;
    loop {
        let lo = floor(text, around.saturating_sub(radius));
        let hi = ceil(text, around.saturating_add(radius + needle.len()));
        let window = &text[lo..hi];
        let mut best: Option<usize> = None;
        let mut from = 0;
        while let Some(i) = window[from..].find(needle) {
            let at = lo + from + i;
            if best.is_none_or(|b| at.abs_diff(around) < b.abs_diff(around)) {
                best = Some(at);
            }
            from += i + window[from + i..].chars().next().map_or(1, char::len_utf8);
        }
        let whole = lo == 0 && hi == text.len();
        match best {
            Some(b) if b.abs_diff(around) <= radius || whole => return Some(b),
            None if whole => return None,
            _ => radius = radius.saturating_mul(4),
        }
    }
}
