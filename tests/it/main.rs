//! The integration tests, one binary: each module was a test binary of its own, and every one
//! linked the crate with its embedded models, which cost about a gigabyte of disk per build.

mod annotate_cli;
mod cli;
mod lifecycle;
mod seed;
mod settings;
mod stdin;
mod tidy;
mod tools;
mod unseen_names;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `nomen` with `args` in `dir`.
fn nomen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nomen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("nomen runs")
}
