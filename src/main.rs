//! The `nomen` command line.
fn main() {}
