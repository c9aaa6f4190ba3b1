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
