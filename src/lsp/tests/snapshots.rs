//! Requests answered from snapshots on the blocking pool: the client cancels one, or an edit
//! overtakes one. A probe in the snapshot counts the blocks the work visits and can hold it at
//! the first, so that what follows does not depend on timing.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tower_lsp_server::jsonrpc::{ErrorCode, Response};

use super::*;
use crate::lsp::documents::{DocHandle, Probe};

/// Three paragraphs, three blocks, a city named in each.
const THREE: &str = "Le ministre est arrivé à Lyon.\n\nIl a ensuite visité Marseille.\n\nPuis il est rentré à Toulouse.\n";

/// The probe of one request: counts the blocks visited, holds the work at the first one until
/// released when asked to.
struct Gate {
    visited: Arc<AtomicUsize>,
    entered: mpsc::UnboundedReceiver<()>,
    release: std::sync::mpsc::Sender<()>,
    /// Closes once every snapshot holding the probe is dropped: the work is over.
    finished: mpsc::UnboundedReceiver<()>,
}

impl Gate {
    fn set(doc: &DocHandle, hold: bool) -> Gate {
        let visited = Arc::new(AtomicUsize::new(0));
        let (entered_tx, entered) = mpsc::unbounded_channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let (alive, finished) = mpsc::unbounded_channel::<()>();
        let count = visited.clone();
        let probe: Probe = Arc::new(move || {
            let _alive = &alive;
            if count.fetch_add(1, Ordering::SeqCst) == 0 && hold {
                let _ = entered_tx.send(());
                let _ = release_rx.lock().unwrap().recv();
            }
        });
        *doc.probe.lock().unwrap() = Some(probe);
        Gate {
            visited,
            entered,
            release,
            finished,
        }
    }

    /// Takes the probe off the document, lets the work go on, and waits for its end.
    async fn finish(mut self, doc: &DocHandle) -> usize {
        doc.probe.lock().unwrap().take();
        let _ = self.release.send(());
        assert_eq!(self.finished.recv().await, None);
        self.visited.load(Ordering::SeqCst)
    }
}

async fn opened(text: &str) -> (TestServer, Arc<DocHandle>) {
    let (mut server, _) = TestServer::start(caps("{}"), Value::Null).await;
    server.notify("textDocument/didOpen", open(text, 1)).await;
    // Published: the worker takes no more snapshots until the next change.
    server.diagnostics(URI, 1).await;
    let doc = server
        .service
        .inner()
        .shared()
        .doc(&Uri::from_str(URI).unwrap())
        .unwrap();
    (server, doc)
}

/// A `documentSymbol` request sent with `id`, answered later from a spawned task.
async fn symbols_later(
    server: &mut TestServer,
    id: i64,
) -> tokio::task::JoinHandle<tower_lsp_server::jsonrpc::Result<Value>> {
    let request = Request::build("textDocument/documentSymbol")
        .id(id)
        .params(json!({"textDocument": {"uri": URI}}))
        .finish();
    let response = server.service.ready().await.unwrap().call(request);
    tokio::spawn(async move {
        let response: Response = response.await.unwrap().unwrap();
        response.into_parts().1
    })
}

/// The outline's entities, under their kinds' headings.
fn names(symbols: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for heading in symbols.as_array().unwrap() {
        for s in heading["children"].as_array().unwrap() {
            out.push(format!(
                "{} > {}",
                heading["name"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            ));
        }
    }
    out
}

#[tokio::test]
async fn a_cancelled_request_gets_the_cancelled_error_and_stops() {
    let (mut server, doc) = opened(THREE).await;
    // Uncancelled, the symbols visit the three blocks.
    let gate = Gate::set(&doc, false);
    let symbols = symbols_later(&mut server, 100)
        .await
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        names(&symbols),
        [
            "Places (3) > Lyon",
            "Places (3) > Marseille",
            "Places (3) > Toulouse"
        ]
    );
    assert_eq!(gate.finish(&doc).await, 3);

    let mut gate = Gate::set(&doc, true);
    let pending = symbols_later(&mut server, 101).await;
    gate.entered.recv().await.unwrap();
    server.notify("$/cancelRequest", json!({"id": 101})).await;
    let answer = pending.await.unwrap();
    assert_eq!(
        answer.unwrap_err().code,
        ErrorCode::RequestCancelled,
        "the protocol's -32800"
    );
    // Released after the cancel, the work stops before the second block.
    assert_eq!(gate.finish(&doc).await, 1);
}

#[tokio::test]
async fn a_request_overtaken_by_an_edit_answers_the_newer_version() {
    let (mut server, doc) = opened(THREE).await;
    let mut gate = Gate::set(&doc, true);
    let pending = symbols_later(&mut server, 100).await;
    gate.entered.recv().await.unwrap();
    let change = json!({"text": THREE.replace("Toulouse", "Bordeaux")});
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]}),
        )
        .await;
    doc.probe.lock().unwrap().take();
    let _ = gate.release.send(());
    let symbols = pending.await.unwrap().unwrap();
    assert_eq!(
        names(&symbols),
        [
            "Places (3) > Lyon",
            "Places (3) > Marseille",
            "Places (3) > Bordeaux"
        ]
    );
    let bordeaux = &symbols[0]["children"][2]["selectionRange"]["start"];
    assert_eq!(bordeaux, &json!({"line": 4, "character": 21}));
}
