//! Document analysis: paragraphs, per-paragraph caches, entity linking, hover and diagnostics.
