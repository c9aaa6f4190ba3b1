//! The real server, driven in-process as a tower service: initialize and encoding negotiation,
//! ordered ranged edits, hover, diagnostics versions, and bad requests followed by good ones.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;

use super::handlers::Backend;
use super::service;

struct TestServer {
    service: LspService<Backend>,
    notifications: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
}

impl TestServer {
    async fn start(capabilities: Value, options: Value) -> (TestServer, Value) {
        let (service, mut socket) = service();
        let (tx, notifications) = mpsc::unbounded_channel();
        // Drain what the server sends, or it blocks when it publishes diagnostics.
        tokio::spawn(async move {
            while let Some(message) = socket.next().await {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut server = TestServer {
            service,
            notifications,
            next_id: 0,
        };
        let init = server
            .request(
                "initialize",
                json!({"capabilities": capabilities, "initializationOptions": options}),
            )
            .await;
        server.notify("initialized", json!({})).await;
        (server, init)
    }

    async fn call(&mut self, request: Request) -> Option<Value> {
        let response = self
            .service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap()?;
        let (_, result) = response.into_parts();
        Some(match result {
            Ok(value) => value,
            Err(error) => json!({"error": error.code.code(), "message": error.message}),
        })
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Value {
        self.next_id += 1;
        let request = Request::build(method)
            .id(self.next_id)
            .params(params)
            .finish();
        self.call(request).await.expect("a request gets a response")
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        assert!(
            self.call(Request::build(method).params(params).finish())
                .await
                .is_none()
        );
    }

    /// Waits for the diagnostics of `uri` published with `version`.
    async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let wait = async {
            while let Some(message) = self.notifications.recv().await {
                let (method, _, params) = message.into_parts();
                let params = params.unwrap_or_default();
                if method == "textDocument/publishDiagnostics"
                    && params["uri"] == uri
                    && params["version"] == version
                {
                    return params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                }
            }
            panic!("the server stopped before publishing");
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .expect("diagnostics in time")
    }
}

const UTF8_CLIENT: &str = r#"{"general": {"positionEncodings": ["utf-8", "utf-16"]}}"#;
const URI: &str = "file:///tmp/article.txt";

fn caps(json: &str) -> Value {
    serde_json::from_str(json).unwrap()
}

fn open(text: &str, version: i64) -> Value {
    json!({"textDocument": {"uri": URI, "languageId": "plaintext", "version": version, "text": text}})
}

/// The text a diagnostic's range covers, counting columns in UTF-16 or UTF-8.
fn covered(text: &str, range: &Value, utf8: bool) -> String {
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let col = pos["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = &text[start..];
        if utf8 {
            return start + col;
        }
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    text[offset(&range["start"])..offset(&range["end"])].to_string()
}

#[tokio::test]
async fn encodings_are_negotiated() {
    let cases = [
        (UTF8_CLIENT, "utf-8"),
        (
            r#"{"general": {"positionEncodings": ["utf-32", "utf-16"]}}"#,
            "utf-16",
        ),
        (
            r#"{"general": {"positionEncodings": ["utf-32"]}}"#,
            "utf-32",
        ),
        ("{}", "utf-16"),
    ];
    for (client, expected) in cases {
        let (_, init) = TestServer::start(caps(client), Value::Null).await;
        assert_eq!(
            init["capabilities"]["positionEncoding"], expected,
            "client {client}"
        );
        assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    }
}

#[tokio::test]
async fn ranged_edits_in_one_change_apply_in_order() {
    let (mut server, _) =
        TestServer::start(caps("{}"), json!({"diagnostics": {"debounceMs": 10}})).await;
    let text = "😀 Le général Khalifa Haftar est à Benghazi.\n";
    server.notify("textDocument/didOpen", open(text, 1)).await;
    server.diagnostics(URI, 1).await;
    // UTF-16 columns: the emoji counts two. The second edit's position is in the text the
    // first one left.
    let changes = json!([
        {"range": {"start": {"line": 0, "character": 44}, "end": {"line": 0, "character": 44}}, "text": " Puis Vladimir Poutine parla."},
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 2}}, "text": "Hier,"},
        {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\nÀ Moscou, Haftar a vu Poutine."},
    ]);
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": changes}),
        )
        .await;
    let expected = "Hier, Le général Khalifa Haftar est à Benghazi. Puis Vladimir Poutine parla.\n\nÀ Moscou, Haftar a vu Poutine.";
    let diagnostics = server.diagnostics(URI, 2).await;
    let names: Vec<String> = diagnostics
        .iter()
        .map(|d| covered(expected, &d["range"], false))
        .collect();
    assert!(names.iter().any(|n| n.contains("Poutine")), "{names:?}");
    for (d, name) in diagnostics.iter().zip(&names) {
        assert!(
            name.chars().next().is_some_and(char::is_uppercase),
            "{name:?} in {d}"
        );
        let full = d["message"]
            .as_str()
            .unwrap()
            .split(" — ")
            .next()
            .unwrap()
            .to_string();
        assert!(
            full.contains(name.as_str()) || name.contains(&full),
            "{name:?} vs {full:?}"
        );
        assert_eq!(d["source"], "nomen");
    }
}

#[tokio::test]
async fn hover_follows_the_client_markup() {
    for (client, kind) in [
        (
            r#"{"textDocument": {"hover": {"contentFormat": ["plaintext"]}}}"#,
            "plaintext",
        ),
        (
            r#"{"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}"#,
            "markdown",
        ),
    ] {
        let (mut server, _) = TestServer::start(caps(client), Value::Null).await;
        server
            .notify(
                "textDocument/didOpen",
                open("Le maréchal Khalifa Haftar a parlé. Haftar est parti.\n", 1),
            )
            .await;
        let hover = server
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 22}}),
            )
            .await;
        assert_eq!(hover["contents"]["kind"], kind, "{hover}");
        let value = hover["contents"]["value"].as_str().unwrap();
        assert!(
            value.contains("Haftar") && value.contains("first on line 1"),
            "{value}"
        );
        assert_eq!(hover["range"]["start"]["character"], 12);
    }
}

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
    assert!(!first.is_empty());
    for (version, insert) in [(8, "Olaf "), (9, "Scholz ")] {
        let change = json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": insert});
        server
            .notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]}))
            .await;
    }
    let latest = server.diagnostics(URI, 9).await;
    let text = "Scholz Olaf Madame Élise Dupont à Paris.\n";
    let names: Vec<String> = latest
        .iter()
        .map(|d| covered(text, &d["range"], true))
        .collect();
    assert!(names.iter().any(|n| n.contains("Paris")), "{names:?}");
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
            if method == "textDocument/publishDiagnostics" && params["version"].is_null() {
                return params["diagnostics"].as_array().map(Vec::len);
            }
        }
        None
    })
    .await;
    assert_eq!(cleared, Ok(Some(0)));
}

#[tokio::test]
async fn bad_requests_do_not_stop_the_server() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"language": "klingon"})).await;
    server
        .notify(
            "textDocument/didOpen",
            open("Le président Vladimir Poutine.\n", 1),
        )
        .await;
    // Far past the end: clamped to the end of the document, where there is no name.
    let far = server
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 999, "character": 9999}}),
        )
        .await;
    assert_eq!(far, Value::Null);
    // Malformed parameters get an error response.
    let malformed = server
        .request("textDocument/hover", json!({"textDocument": {"uri": URI}}))
        .await;
    assert_eq!(malformed["error"], -32602, "{malformed}");
    // A document that is not open: nothing, not an error.
    let unknown = server
        .request("textDocument/hover", json!({"textDocument": {"uri": "file:///nope.txt"}, "position": {"line": 0, "character": 0}}))
        .await;
    assert_eq!(unknown, Value::Null);
    // A column inside a multi-byte character and an edit past the end are clamped too.
    let change = json!({"range": {"start": {"line": 40, "character": 3}, "end": {"line": 50, "character": 0}}, "text": "Fin à Moscou."});
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]}),
        )
        .await;
    let good = server
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 24}}),
        )
        .await;
    assert!(
        good["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Poutine"),
        "{good}"
    );
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
