//! Architecture invariants, checked on the source tree (see ARCHITECTURE.md).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_core_knows_no_protocol_and_does_no_io() {
    let forbidden = [
        "tower_lsp_server",
        "lsp_types",
        "ls_types",
        "tokio",
        "serde_json",
        "std::fs",
        "std::io",
        "std::net",
        "std::process",
        "std::env",
    ];
    let mut problems = Vec::new();
    // The knowledge base reads JSON Lines, a data format: serde_json is allowed there.
    let modules: [(&str, &[&str]); 5] = [
        ("src/extract", &[]),
        ("src/analysis", &[]),
        ("src/text", &[]),
        ("src/tagger", &[]),
        ("src/kb", &["serde_json"]),
    ];
    for (module, allowed) in modules {
        for file in rust_files(&root().join(module)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for word in forbidden.iter().filter(|w| !allowed.contains(w)) {
                if text.contains(word) {
                    problems.push(format!("{} mentions {word}", file.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn ropey_stays_inside_text() {
    let mut problems = Vec::new();
    for file in rust_files(&root().join("src")) {
        let inside_text = file.starts_with(root().join("src/text"));
        let text = std::fs::read_to_string(&file).unwrap();
        if !inside_text && text.contains("ropey") {
            problems.push(file.display().to_string());
        }
    }
    assert!(
        problems.is_empty(),
        "ropey used outside src/text: {problems:?}"
    );
}

#[test]
fn every_file_says_what_it_is_for() {
    let mut problems = Vec::new();
    for dir in ["src", "tests", "examples"] {
        let path = root().join(dir);
        if !path.exists() {
            continue;
        }
        for file in rust_files(&path) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.starts_with("//!") {
                problems.push(file.display().to_string());
            }
        }
    }
    assert!(
        problems.is_empty(),
        "files without a //! line: {problems:?}"
    );
}
