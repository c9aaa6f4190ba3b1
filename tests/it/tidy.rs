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

/// The files of the top-level module `name`: `src/name.rs` and those under `src/name/`.
fn module_files(name: &str) -> Vec<PathBuf> {
    let dir = root().join("src").join(name);
    let mut out = if dir.is_dir() {
        rust_files(&dir)
    } else {
        Vec::new()
    };
    let file = dir.with_extension("rs");
    if file.is_file() {
        out.push(file);
    }
    out
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
        // Errors in the core are typed; anyhow is for the shell.
        "anyhow",
    ];
    let mut problems = Vec::new();
    // The knowledge base reads JSON Lines, a data format: serde_json is allowed there.
    let modules: [(&str, &[&str]); 8] = [
        ("types", &[]),
        ("extract", &[]),
        ("pipeline", &[]),
        ("analysis", &[]),
        ("text", &[]),
        ("tagger", &[]),
        ("kb", &["serde_json"]),
        ("annotate", &["serde_json"]),
    ];
    for (module, allowed) in modules {
        for file in module_files(module) {
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

/// The layers of `src/`, lowest first. A module imports only from itself and from the layers
/// below it; modules in one layer do not import each other.
const LAYERS: &[&[&str]] = &[
    &["text"],
    &["types"],
    &["extract"],
    &["tagger"],
    &["pipeline"],
    &["kb"],
    &["annotate"],
    &["analysis"],
    &["eval", "files"],
    &["workspace"],
    &["lsp"],
    &["cli"],
];

/// The top-level module a file of `src/` belongs to (`None` for `lib.rs` and `main.rs`).
fn module_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root().join("src")).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        _ => Some(first.trim_end_matches(".rs").to_string()),
    }
}

/// The top-level modules a file names through `crate::` (in `use` or in paths), comments
/// left out.
fn crate_imports(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            out.push(ident(rest));
            continue;
        };
        // `crate::{a::X, b}`: the first name of each part at the top level of the braces.
        let mut depth = 0;
        let mut part_start = true;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => part_start = true,
                c if part_start && !c.is_whitespace() => {
                    out.push(ident(&group[i..]));
                    part_start = false;
                }
                _ => {}
            }
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

#[test]
fn modules_import_only_from_the_layers_below() {
    let layer_of = |m: &str| LAYERS.iter().position(|layer| layer.contains(&m));
    let mut problems = Vec::new();
    for file in rust_files(&root().join("src")) {
        let Some(module) = module_of(&file) else {
            continue;
        };
        let Some(layer) = layer_of(&module) else {
            problems.push(format!(
                "{}: module {module} is in no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for imported in crate_imports(&text) {
            let allowed = imported == module || layer_of(&imported).is_some_and(|l| l < layer);
            if !allowed {
                problems.push(format!("{} imports crate::{imported}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_import_check_reads_grouped_imports() {
    let text =
        "use crate::{extract::{Label, Lang}, kb};\n// crate::lsp\nfn f() { crate::text::x() }";
    assert_eq!(crate_imports(text), ["extract", "kb", "text"]);
}

#[test]
fn only_lsp_knows_the_protocol() {
    let mut problems = Vec::new();
    for file in rust_files(&root().join("src")) {
        if file.starts_with(root().join("src/lsp")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("tower_lsp_server") || text.contains("ls_types") {
            problems.push(file.display().to_string());
        }
    }
    assert!(
        problems.is_empty(),
        "LSP types outside src/lsp: {problems:?}"
    );
}

/// stdout is the protocol's channel: the server and the core log to stderr through `tracing`.
#[test]
fn the_server_and_the_core_never_print() {
    let mut problems = Vec::new();
    let modules = [
        "lsp", "analysis", "annotate", "pipeline", "extract", "tagger", "types", "kb", "text",
    ];
    for module in modules {
        for file in module_files(module) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let prints = ["print!(", "println!(", "dbg!("].iter().any(|m| {
                    line.match_indices(m)
                        .any(|(at, _)| !line[..at].ends_with(|c: char| c.is_alphanumeric()))
                });
                if prints {
                    problems.push(format!("{}:{}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "prints outside the shell: {problems:?}"
    );
}

/// Protocol positions are made and read only where offsets are converted.
#[test]
fn positions_are_converted_only_in_from_proto_and_to_proto() {
    let converters = [
        root().join("src/lsp/from_proto.rs"),
        root().join("src/lsp/to_proto.rs"),
    ];
    let mut problems = Vec::new();
    for file in rust_files(&root().join("src")) {
        if converters.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("Position {") || text.contains("Position::new") {
            problems.push(file.display().to_string());
        }
    }
    assert!(
        problems.is_empty(),
        "protocol positions made outside from_proto/to_proto: {problems:?}"
    );
}
