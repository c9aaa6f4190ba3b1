//! A document's life: diagnostics versions, close, oversize, out-of-order changes, and the
//! requests that wait for an analysis.

use super::*;

#[tokio::test]
async fn diagnostics_carry_the_version_and_clear_on_close() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"diagnostics": {"debounceMs": 0}})).await;
    server
        .notify(
            "textDocument/didOpen",
            open("Madame Élise Dupont à Paris.\n", 7),
        )
        .await;
    let first = server.diagnostics(URI, 7).await;
    let names = |text: &str, diagnostics: &[Value]| -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| covered(text, &d["range"], true))
            .collect()
    };
    assert_eq!(
        names("Madame Élise Dupont à Paris.\n", &first),
        ["Élise Dupont", "Paris"]
    );
    for (version, insert) in [(8, "Olaf "), (9, "Scholz ")] {
        let change = json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": insert});
        server
            .notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]}))
            .await;
    }
    let latest = server.diagnostics(URI, 9).await;
    let text = "Scholz Olaf Madame Élise Dupont à Paris.\n";
    assert_eq!(
        names(text, &latest),
        ["Scholz Olaf", "Élise Dupont", "Paris"]
    );
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let cleared = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "textDocument/publishDiagnostics" && params["uri"] == URI {
                return Some((params["version"].clone(), params["diagnostics"].clone()));
            }
        }
        None
    })
    .await;
    // The first publication for the document after its close is the empty list, unversioned.
    assert_eq!(cleared, Ok(Some((Value::Null, json!([])))));
}

#[tokio::test]
async fn an_oversized_document_is_not_extracted() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"maxDocumentBytes": 100})).await;
    let text = "Le président Vladimir Poutine. ".repeat(10);
    server.notify("textDocument/didOpen", open(&text, 1)).await;
    assert!(server.diagnostics(URI, 1).await.is_empty());
    let hover = server
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 24}}),
        )
        .await;
    assert_eq!(hover, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_or_outgrowing_a_document_wakes_the_requests_waiting_for_it() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"maxDocumentBytes": 400_000})).await;
    let text = "Le président Vladimir Poutine a reçu Khalifa Haftar à Moscou hier. ".repeat(5000);
    let hover_at =
        |uri: &str| json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 20}});
    let closed = "file:///tmp/closed-while-waiting.txt";
    let outgrown = "file:///tmp/outgrown-while-waiting.txt";
    for uri in [closed, outgrown] {
        let open = json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}});
        server.notify("textDocument/didOpen", open).await;
    }
    let waiting_closed = server
        .request_later("textDocument/hover", hover_at(closed))
        .await;
    let waiting_outgrown = server
        .request_later("textDocument/hover", hover_at(outgrown))
        .await;
    // Give both requests the time to start waiting (sequencing, not a measure).
    tokio::time::sleep(Duration::from_millis(50)).await;
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": closed}}),
        )
        .await;
    let grow = json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": text});
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": outgrown, "version": 2}, "contentChanges": [grow]}),
        )
        .await;
    // The requests wait for the analysis up to a minute in tests: they must be woken.
    for waiting in [waiting_closed, waiting_outgrown] {
        let answer = tokio::time::timeout(Duration::from_secs(20), waiting)
            .await
            .expect("an answer at all")
            .unwrap();
        assert_eq!(answer, Some(Value::Null));
    }
}

#[tokio::test]
async fn no_diagnostics_arrive_after_the_close() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"diagnostics": {"debounceMs": 0}})).await;
    let text = "Le président Vladimir Poutine a reçu Khalifa Haftar à Moscou.\n";
    // The extractor is built by the first analysis: the next ones are quick.
    server.notify("textDocument/didOpen", open(text, 1)).await;
    server.diagnostics(URI, 1).await;
    // The worker now pauses between its snapshot of the diagnostics and their publication; the
    // close comes in that pause.
    crate::lsp::documents::PUBLISH_PAUSE.store(400, std::sync::atomic::Ordering::SeqCst);
    let uri = "file:///tmp/closed-while-publishing.txt";
    let open = json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}});
    server.notify("textDocument/didOpen", open).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    crate::lsp::documents::PUBLISH_PAUSE.store(0, std::sync::atomic::Ordering::SeqCst);
    let mut last = None;
    let drain = async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "textDocument/publishDiagnostics" && params["uri"] == uri {
                last = Some(params["diagnostics"].clone());
            }
        }
    };
    // Whatever comes within the next second: the stale diagnostics would come then.
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    assert_eq!(last, Some(json!([])));
}

#[tokio::test]
async fn an_out_of_order_change_is_reported_and_its_diagnostics_withheld() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"diagnostics": {"debounceMs": 0}})).await;
    server
        .notify(
            "textDocument/didOpen",
            open("Madame Élise Dupont à Paris.\n", 3),
        )
        .await;
    assert!(!server.diagnostics(URI, 3).await.is_empty());
    let insert = |text: &str| json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": text}]);
    // Two changes with versions the document has passed: dropped, the text is now wrong.
    for version in [2, 3] {
        server
            .notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": insert("Olaf Scholz ")}))
            .await;
    }
    server
        .notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": insert("Berlin. ")}))
        .await;
    let mut messages = Vec::new();
    let diagnostics = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "window/showMessage" {
                messages.push(params["message"].as_str().unwrap_or_default().to_string());
            }
            if method == "textDocument/publishDiagnostics" && params["version"] == 4 {
                return params["diagnostics"].clone();
            }
        }
        Value::Null
    })
    .await
    .expect("diagnostics in time");
    assert_eq!(diagnostics, json!([]));
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains(URI) && messages[0].contains("reopen"),
        "{messages:?}"
    );
}
