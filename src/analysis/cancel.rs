//! Stopping work over a document's blocks whose result nobody wants any more.

use std::sync::Arc;

/// Asked between blocks whether to go on. A request the client cancelled, and a batch or a
/// request for a version that a newer edit has replaced, stop at the next block: their
/// partial result is thrown away by whoever asked for it. The analysis never cancels anything
/// itself; the shell says when (a flag, a change count).
#[derive(Clone, Default)]
pub struct Cancel(Option<Arc<dyn Fn() -> bool + Send + Sync>>);

impl Cancel {
    /// Work that always runs to its end.
    pub fn never() -> Cancel {
        Cancel(None)
    }

    /// Work that stops once `stop` says so.
    pub fn new(stop: impl Fn() -> bool + Send + Sync + 'static) -> Cancel {
        Cancel(Some(Arc::new(stop)))
    }

    /// Whether to stop now: called once before each block.
    pub fn is_cancelled(&self) -> bool {
        self.0.as_ref().is_some_and(|stop| stop())
    }
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Some(_) => "Cancel(..)",
            None => "Cancel::never",
        })
    }
}
