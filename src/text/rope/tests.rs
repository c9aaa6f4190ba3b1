//! The position table: offsets and positions in the three encodings, on tricky text.

use expect_test::{Expect, expect};

use super::*;

const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

/// Renders, for every char boundary of `text`, its offset and its position in each encoding,
/// and checks that every position converts back to the same offset.
fn check_table(text: &str, expect: Expect) {
    let t = Text::new(text);
    let mut out = String::new();
    let boundaries = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    for byte in boundaries {
        let offset = TextSize::new(byte as u32);
        let ch = text[byte..]
            .chars()
            .next()
            .map_or("EOF".to_string(), |c| format!("{c:?}"));
        let mut row = format!("@{byte:<3} {ch:<10}");
        for enc in ENCODINGS {
            let lc = t.line_col(offset, enc);
            // The middle of a "\r\n" has no position of its own: it reads back as the line end.
            let inside_crlf = text[..byte].ends_with('\r') && text[byte..].starts_with('\n');
            if !inside_crlf {
                assert_eq!(
                    t.offset(lc, enc),
                    offset,
                    "{enc:?} round trip at byte {byte}"
                );
            }
            row.push_str(&format!(" {enc:?}={}:{}", lc.line, lc.col));
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    expect.assert_eq(&out);
}

#[test]
fn position_table_non_ascii() {
    check_table(
        "aé中😀e\u{301}\r\nx\ry\n",
        expect![[r#"
            @0   'a'        Utf8=0:0 Utf16=0:0 Utf32=0:0
            @1   'é'        Utf8=0:1 Utf16=0:1 Utf32=0:1
            @3   '中'        Utf8=0:3 Utf16=0:2 Utf32=0:2
            @6   '😀'        Utf8=0:6 Utf16=0:3 Utf32=0:3
            @10  'e'        Utf8=0:10 Utf16=0:5 Utf32=0:4
            @11  '\u{301}'  Utf8=0:11 Utf16=0:6 Utf32=0:5
            @13  '\r'       Utf8=0:13 Utf16=0:7 Utf32=0:6
            @14  '\n'       Utf8=0:14 Utf16=0:8 Utf32=0:7
            @15  'x'        Utf8=1:0 Utf16=1:0 Utf32=1:0
            @16  '\r'       Utf8=1:1 Utf16=1:1 Utf32=1:1
            @17  'y'        Utf8=2:0 Utf16=2:0 Utf32=2:0
            @18  '\n'       Utf8=2:1 Utf16=2:1 Utf32=2:1
            @19  EOF        Utf8=3:0 Utf16=3:0 Utf32=3:0
        "#]],
    );
}

#[test]
fn position_table_empty_document() {
    check_table(
        "",
        expect![[r#"
        @0   EOF        Utf8=0:0 Utf16=0:0 Utf32=0:0
    "#]],
    );
}

#[test]
fn positions_clamp_instead_of_panicking() {
    let t = Text::new("é😀\r\nab");
    let at = |line, col, enc| u32::from(t.offset(LineCol { line, col }, enc));
    // A column past the end of a line lands before the line break, in every encoding.
    for enc in ENCODINGS {
        assert_eq!(at(0, 99, enc), 6);
        assert_eq!(at(1, 99, enc), 10);
        // A line past the end lands at the end of the text.
        assert_eq!(at(7, 0, enc), 10);
        assert_eq!(at(u32::MAX, u32::MAX, enc), 10);
    }
    // Inside a character: back to its start.
    assert_eq!(at(0, 1, Encoding::Utf8), 0);
    assert_eq!(at(0, 3, Encoding::Utf8), 2);
    // Inside a surrogate pair: back to the emoji's start.
    assert_eq!(at(0, 2, Encoding::Utf16), 2);
    assert_eq!(u32::from(t.clamp(TextSize::new(1000))), 10);
}

#[test]
fn line_ends_exclude_every_kind_of_break() {
    let t = Text::new("a\r\nbb\rccc\nd");
    let ends: Vec<u32> = (0..5).map(|l| u32::from(t.line_end(l))).collect();
    assert_eq!(ends, [1, 5, 9, 11, 11]);
    assert_eq!(t.line_count(), 4);
}

#[test]
fn edits_clamp_and_keep_utf8_valid() {
    let mut t = Text::new("Poutine à Moscou");
    t.apply(&Edit {
        range: TextRange::new(8.into(), 10.into()),
        insert: "au".into(),
    });
    assert_eq!(t.to_string(), "Poutine au Moscou");
    // A range that ends inside a character and past the end is clamped, not a panic.
    t.apply(&Edit {
        range: TextRange::new(11.into(), 500.into()),
        insert: "Kremlin 😀".into(),
    });
    assert_eq!(t.to_string(), "Poutine au Kremlin 😀");
    t.apply(&Edit {
        range: TextRange::new(21.into(), 22.into()),
        insert: String::new(),
    });
    assert_eq!(t.to_string(), "Poutine au Kremlin 😀");
}
