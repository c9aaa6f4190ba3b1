//! The real server, driven in-process as a tower service: the harness, and the tests by
//! feature in the modules below.

mod annotations;
mod documents;
mod knowledge;
mod navigation;
mod protocol;
mod snapshots;
mod workspace;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::Uri;

use crate::lsp::handlers::Backend;
use crate::lsp::service;

struct TestServer {
    service: LspService<Backend>,
    notifications: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
}

impl TestServer {
    async fn start(capabilities: Value, options: Value) -> (TestServer, Value) {
        TestServer::start_with(
            json!({"capabilities": capabilities, "initializationOptions": options}),
        )
        .await
    }

    async fn start_with(params: Value) -> (TestServer, Value) {
        let (service, socket) = service();
        let (tx, notifications) = mpsc::unbounded_channel();
        // Drain what the server sends, or it blocks when it publishes diagnostics; answer its
        // requests (progress tokens, registrations) as a client would.
        let (mut requests, mut responses) = socket.split();
        tokio::spawn(async move {
            while let Some(message) = requests.next().await {
                if let Some(id) = message.id().cloned() {
                    // An editor applies the edits it is asked to make.
                    let result = match message.method() {
                        "workspace/applyEdit" => json!({"applied": true}),
                        _ => Value::Null,
                    };
                    let _ = responses
                        .send(tower_lsp_server::jsonrpc::Response::from_ok(id, result))
                        .await;
                }
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
        let init = server.request("initialize", params).await;
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

    /// The code actions on line `line` of `uri` from column `from` to `to` (no diagnostics
    /// given).
    async fn code_actions(&mut self, uri: &str, line: usize, from: usize, to: usize) -> Vec<Value> {
        let actions = self
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": {"line": line, "character": from}, "end": {"line": line, "character": to}}, "context": {"diagnostics": []}}),
            )
            .await;
        actions.as_array().cloned().unwrap_or_default()
    }

    /// Runs the command of the action titled `title` among `actions`; its result.
    async fn run_action(&mut self, actions: &[Value], title: &str) -> Value {
        let Some(action) = actions.iter().find(|a| a["title"] == title) else {
            let titles: Vec<&Value> = actions.iter().map(|a| &a["title"]).collect();
            panic!("no action {title:?} among {titles:?}");
        };
        let command = &action["command"];
        self.request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await
    }

    /// Sends a request and answers its response later, from a spawned task: the server goes on
    /// reading meanwhile.
    async fn request_later(
        &mut self,
        method: &'static str,
        params: Value,
    ) -> tokio::task::JoinHandle<Option<Value>> {
        self.next_id += 1;
        let request = Request::build(method)
            .id(self.next_id)
            .params(params)
            .finish();
        let response = self.service.ready().await.unwrap().call(request);
        tokio::spawn(async move {
            let (_, result) = response.await.ok()??.into_parts();
            result.ok()
        })
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

/// Waits for the diagnostics published for `uri` (any version) that satisfy `done`.
async fn published(
    server: &mut TestServer,
    uri: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let wait = async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "textDocument/publishDiagnostics" && params["uri"] == uri {
                let diagnostics = params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if done(&diagnostics) {
                    return diagnostics;
                }
            }
        }
        panic!("the server stopped");
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("diagnostics in time")
}
