//! The real server, driven in-process as a tower service: initialize and encoding negotiation,
//! ordered ranged edits, hover, diagnostics versions, and bad requests followed by good ones.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::Uri;

use super::handlers::Backend;
use super::service;

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
    assert_eq!(
        names,
        [
            "Khalifa Haftar",
            "Benghazi",
            "Vladimir Poutine",
            "Moscou",
            "Haftar",
            "Poutine"
        ]
    );
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
        assert!(
            value.contains("Khalifa Haftar") && value.contains("Also written: Haftar"),
            "{value}"
        );
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

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

#[tokio::test]
async fn navigation_on_entities() {
    let (mut server, init) = TestServer::start(caps("{}"), Value::Null).await;
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    assert_eq!(
        legend["tokenTypes"],
        json!(["function", "class", "enumMember", "macro"])
    );
    // UTF-16 columns, with an emoji (two units) before the names.
    let text = "😀 Le chancelier Olaf Scholz est arrivé à Paris. Scholz a parlé.\n";
    server.notify("textDocument/didOpen", open(text, 1)).await;
    let tokens = server
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // Olaf Scholz (person, first mention), Paris (place, first), Scholz (person, not first).
    assert_eq!(data, [0, 17, 11, 0, 1, 0, 25, 5, 2, 1, 0, 7, 6, 0, 0]);
    let refs = server.request("textDocument/references", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 52}, "context": {"includeDeclaration": true}})).await;
    let starts: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["character"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, [17, 49]);
    let definition = server.request("textDocument/definition", at(0, 52)).await;
    assert_eq!(definition["range"]["start"]["character"], 17);
    let highlights = server
        .request("textDocument/documentHighlight", at(0, 20))
        .await;
    assert_eq!(highlights.as_array().unwrap().len(), 2);
    let refused = server
        .request("textDocument/prepareRename", at(0, 30))
        .await;
    assert_eq!(refused["error"], -32602, "{refused}");
    let prepared = server
        .request("textDocument/prepareRename", at(0, 52))
        .await;
    assert_eq!(prepared["placeholder"], "Scholz");
    let mut params = at(0, 52);
    params["newName"] = json!("Schulz");
    let edit = server.request("textDocument/rename", params).await;
    let edits = edit["changes"][URI].as_array().unwrap();
    let renamed: Vec<(u64, &str)> = edits
        .iter()
        .map(|e| {
            (
                e["range"]["start"]["character"].as_u64().unwrap(),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(renamed, [(22, "Schulz"), (49, "Schulz")]);
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let groups: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["People (1)", "Places (1)"]);
    assert_eq!(symbols[0]["children"][0]["name"], "Olaf Scholz");
    assert_eq!(
        symbols[0]["children"][0]["children"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let workspace = server
        .request("workspace/symbol", json!({"query": "scho"}))
        .await;
    assert_eq!(workspace[0]["name"], "Olaf Scholz");
}

#[tokio::test]
async fn consistency_checks_come_with_quick_fixes() {
    let (mut server, _) =
        TestServer::start(caps(UTF8_CLIENT), json!({"diagnostics": {"debounceMs": 0}})).await;
    let text = "Haftar a parlé mardi.\n\nLe maréchal Khalifa Haftar dirige l’armée.\n";
    server.notify("textDocument/didOpen", open(text, 1)).await;
    let diagnostics = server.diagnostics(URI, 1).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"surname-before-full-name"), "{codes:?}");
    let actions = server.code_actions(URI, 0, 2, 2).await;
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["edit"]["changes"][URI][0]["newText"], "Khalifa Haftar");
    // Switched off in the settings, the check is gone.
    server
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"nomen": {"checks": {"surnameBeforeFullName": false}}}}),
        )
        .await;
    let change = json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": " "});
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]}),
        )
        .await;
    let after = server.diagnostics(URI, 2).await;
    assert!(
        after
            .iter()
            .all(|d| d["code"] != "surname-before-full-name")
    );
}

#[tokio::test]
async fn the_workspace_index_covers_files_that_are_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let open_path = dir.path().join("open.md");
    std::fs::write(&open_path, "La chancelière Angela Merkel est à Paris.\n").unwrap();
    std::fs::write(
        dir.path().join("closed.txt"),
        "Angela Merkel a rencontré Olaf Scholz à Berlin.\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(
        dir.path().join("notes/more.md"),
        "# Merkel\n\nAngela Merkel, encore.\n",
    )
    .unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let caps = json!({"window": {"workDoneProgress": true}});
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": caps, "rootUri": root.as_str()})).await;
    // The index reports its progress and ends.
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "$/progress" && params["value"]["kind"] == "end" {
                return params["value"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
            }
        }
        String::new()
    })
    .await
    .expect("the index finishes");
    assert!(ended.starts_with("3 files"), "{ended}");
    let symbols = server
        .request("workspace/symbol", json!({"query": "scholz"}))
        .await;
    assert_eq!(symbols[0]["name"], "Olaf Scholz");
    assert!(
        symbols[0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("closed.txt")
    );
    let uri = Uri::from_file_path(&open_path).unwrap();
    let open = json!({"textDocument": {"uri": uri.as_str(), "languageId": "markdown", "version": 1,
        "text": "La chancelière Angela Merkel est à Paris.\n"}});
    server.notify("textDocument/didOpen", open).await;
    let hover = server
        .request("textDocument/hover", json!({"textDocument": {"uri": uri.as_str()}, "position": {"line": 0, "character": 20}}))
        .await;
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        value.contains("Also in: notes/more.md (2), closed.txt (1)"),
        "{value}"
    );
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

#[tokio::test]
async fn the_knowledge_base_reloads_and_corrections_stick() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    let kb_path = dir.path().join(".nomen/knowledge.toml");
    // A broken file: diagnostics in it, and nothing of it in force.
    std::fs::write(
        &kb_path,
        "[[entity]]\nname = \"Agence Iris\"\nkind = \"planet\"\n",
    )
    .unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let kb_uri = Uri::from_file_path(&kb_path).unwrap();
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}}}))
        .await;
    let errors = published(&mut server, kb_uri.as_str(), |d| !d.is_empty()).await;
    assert_eq!(errors[0]["range"]["start"]["line"], 2, "{errors:?}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("last good version")
    );

    let doc = dir.path().join("article.txt");
    let doc_uri = Uri::from_file_path(&doc).unwrap();
    let text = "Le journaliste Marc Tessier travaille pour Iris depuis Lyon.\n";
    std::fs::write(&doc, text).unwrap();
    server
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": doc_uri.as_str(), "languageId": "plaintext", "version": 1, "text": text}}))
        .await;
    let before = published(&mut server, doc_uri.as_str(), |d| !d.is_empty()).await;
    let iris_before = before
        .iter()
        .find(|d| d["range"]["start"]["character"] == 43)
        .map(|d| d["message"].clone());

    // The file mended on disk and reported by the client: in force at once.
    std::fs::write(&kb_path, "# Agences\n[[entity]]\nname = \"Iris\"\nkind = \"organisation\"\ndescription = \"Agence de presse lyonnaise\"\n").unwrap();
    server
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": kb_uri.as_str(), "type": 2}]}),
        )
        .await;
    assert!(
        published(&mut server, kb_uri.as_str(), |d| d.is_empty())
            .await
            .is_empty()
    );
    let hover = server
        .request("textDocument/hover", json!({"textDocument": {"uri": doc_uri.as_str()}, "position": {"line": 0, "character": 45}}))
        .await;
    let value = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        value.contains("Agence de presse lyonnaise") && value.contains("organisation"),
        "{value} (before: {iris_before:?})"
    );

    // A correction from a code action: "Marc Tessier" is not a name the user wants marked.
    let actions = server.code_actions(doc_uri.as_str(), 0, 17, 17).await;
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"nomen: “Marc Tessier” is an organisation"),
        "{titles:?}"
    );
    let done = server
        .run_action(&actions, "nomen: “Marc Tessier” is not a name")
        .await;
    assert_eq!(done, Value::Null);
    let written = std::fs::read_to_string(&kb_path).unwrap();
    assert!(
        written.starts_with("# Agences\n") && written.contains("Marc Tessier"),
        "{written}"
    );
    let after = published(&mut server, doc_uri.as_str(), |d| {
        d.iter().all(|d| d["range"]["start"]["character"] != 15)
    })
    .await;
    assert!(
        after.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .starts_with("Iris — organisation")),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_name_extraction_missed_can_be_marked_and_is_found_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    // A file that is never opened: indexed again with the new knowledge base.
    std::fs::write(
        dir.path().join("other.txt"),
        "Talks with zorbex holdings stalled in May.\n",
    )
    .unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}}}))
        .await;
    let doc = dir.path().join("article.txt");
    let doc_uri = Uri::from_file_path(&doc).unwrap();
    let text = "Dockers struck at the terminal run by zorbex holdings on Monday.\n\nSelon la porte-parole de l’Union des aéroports français, la perte est lourde.\n";
    std::fs::write(&doc, text).unwrap();
    server
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": doc_uri.as_str(), "languageId": "plaintext", "version": 1, "text": text}}))
        .await;
    let start = text.find("zorbex").unwrap();
    let before = published(&mut server, doc_uri.as_str(), |_| true).await;
    assert!(
        before
            .iter()
            .all(|d| d["range"]["start"]["character"] != start),
        "{before:?}"
    );
    let actions = server
        .code_actions(doc_uri.as_str(), 0, start, start + 15)
        .await;
    server
        .run_action(&actions, "nomen: “zorbex holdings” is an organisation")
        .await;
    let written = std::fs::read_to_string(dir.path().join(".nomen/knowledge.toml")).unwrap();
    assert!(written.contains("name = \"zorbex holdings\""), "{written}");
    let after = published(&mut server, doc_uri.as_str(), |d| {
        d.iter().any(|d| d["range"]["start"]["character"] == start)
    })
    .await;
    let marked = after
        .iter()
        .find(|d| d["range"]["start"]["character"] == start)
        .unwrap();
    assert_eq!(marked["message"], "zorbex holdings — organisation");
    assert_eq!(marked["range"]["end"]["character"], start + 15);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let hover = server
            .request("textDocument/hover", json!({"textDocument": {"uri": doc_uri.as_str()}, "position": {"line": 0, "character": start + 2}}))
            .await;
        let value = hover["contents"]["value"].as_str().unwrap_or_default();
        if value.contains("Also in: other.txt (1)") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the unopened file was not indexed again: {value}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Other bounds: extraction finds "Union des aéroports"; the annotator selects the whole
    // name (positions in UTF-16, the client's default here) and marks it.
    let line = text.lines().nth(2).unwrap();
    let utf16 = |s: &str| s.encode_utf16().count();
    let from = utf16(&line[..line.find("Union").unwrap()]);
    let to = from + utf16("Union des aéroports français");
    let on_line = |d: &[Value]| -> Vec<(Value, Value)> {
        d.iter()
            .filter(|d| d["range"]["start"]["line"] == 2)
            .map(|d| {
                (
                    d["range"]["start"]["character"].clone(),
                    d["range"]["end"]["character"].clone(),
                )
            })
            .collect()
    };
    let actions = server.code_actions(doc_uri.as_str(), 2, from, to).await;
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("“Union des aéroports” is not a name")),
        "the found mention's corrections are offered too: {titles:?}"
    );
    // A selection inside the mention offers no marking: the mention would stand over it.
    let inside = server
        .code_actions(doc_uri.as_str(), 2, from, from + 5)
        .await;
    assert!(
        inside
            .iter()
            .all(|a| a["title"] != "nomen: “Union” is an organisation"),
        "{inside:?}"
    );
    server
        .run_action(
            &actions,
            "nomen: “Union des aéroports français” is an organisation",
        )
        .await;
    let after = published(&mut server, doc_uri.as_str(), |d| {
        on_line(d).contains(&(json!(from), json!(to)))
    })
    .await;
    assert_eq!(on_line(&after), [(json!(from), json!(to))]);
}

/// Writes one framed message to the server's input.
async fn write_frame(input: &mut (impl tokio::io::AsyncWrite + Unpin), body: &[u8]) {
    use tokio::io::AsyncWriteExt;
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    input.write_all(header.as_bytes()).await.unwrap();
    input.write_all(body).await.unwrap();
}

/// Reads framed messages from the server's output until one has the id `id`.
async fn read_response(output: &mut (impl tokio::io::AsyncBufRead + Unpin), id: i64) -> Value {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                output.read_line(&mut line).await.unwrap() > 0,
                "the server hung up"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        output.read_exact(&mut body).await.unwrap();
        let message: Value = serde_json::from_slice(&body).unwrap();
        if message["id"] == id && message.get("method").is_none() {
            return message;
        }
    }
}

#[tokio::test]
async fn broken_messages_on_the_wire_do_not_stop_the_server() {
    // The whole stdio stack: the relay, tower-lsp-server's codec, the service. Without the relay
    // the first broken body ends the session.
    let (mut client_out, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_in) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(super::serve(server_in, server_out));
    let mut client_in = tokio::io::BufReader::new(client_in);
    let request = |id: i64, method: &str, params: Value| {
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .unwrap()
    };
    write_frame(
        &mut client_out,
        &request(1, "initialize", json!({"capabilities": {}})),
    )
    .await;
    read_response(&mut client_in, 1).await;
    write_frame(
        &mut client_out,
        br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    )
    .await;
    let uri = "file:///tmp/nomen-wire-test.md";
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                         "text": "Le maréchal Khalifa Haftar est arrivé à Moscou.\n"}}});
    write_frame(&mut client_out, &serde_json::to_vec(&open).unwrap()).await;
    for garbage in [
        &b"{not json"[..],
        b"\xff\xfe\x00",
        b"[]",
        b"Content-Length: x\r\n\r\n",
    ] {
        write_frame(&mut client_out, garbage).await;
    }
    // A request without its version: an error response, not silence.
    write_frame(
        &mut client_out,
        br#"{"id":2,"method":"textDocument/hover"}"#,
    )
    .await;
    let answer = read_response(&mut client_in, 2).await;
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    let position = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 22}});
    write_frame(&mut client_out, &request(3, "textDocument/hover", position)).await;
    let hover = read_response(&mut client_in, 3).await;
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("Khalifa Haftar"), "{hover}");
    write_frame(&mut client_out, &request(4, "shutdown", Value::Null)).await;
    read_response(&mut client_in, 4).await;
    write_frame(&mut client_out, br#"{"jsonrpc":"2.0","method":"exit"}"#).await;
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server exits after `exit`")
        .unwrap();
}

#[tokio::test]
async fn odd_ids_and_wrong_lengths_on_the_wire_do_not_make_the_server_deaf() {
    let (mut client_out, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_in) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(super::serve(server_in, server_out));
    let mut client_in = tokio::io::BufReader::new(client_in);
    let request = |id: i64, method: &str| {
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": null}))
            .unwrap()
    };
    let initialize =
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    write_frame(&mut client_out, &serde_json::to_vec(&initialize).unwrap()).await;
    read_response(&mut client_in, 1).await;
    // Ids tower-lsp-server cannot hold: each gets an error, and reading goes on.
    for id in ["1.5", "1e2", "9223372036854775808"] {
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#);
        write_frame(&mut client_out, body.as_bytes()).await;
    }
    write_frame(&mut client_out, &request(2, "shutdown")).await;
    read_response(&mut client_in, 2).await;
    // Lengths off by one either way, and by ten, then garbage with no line break.
    use tokio::io::AsyncWriteExt;
    for (id, delta) in [(3, 1), (4, -1), (5, 10)] {
        let body = request(id, "shutdown");
        let length = body.len() as i64 + delta;
        let header = format!("Content-Length: {length}\r\n\r\n");
        client_out.write_all(header.as_bytes()).await.unwrap();
        client_out.write_all(&body).await.unwrap();
    }
    client_out.write_all(b"garbage").await.unwrap();
    write_frame(&mut client_out, &request(6, "shutdown")).await;
    // Answered (the requests after the first `shutdown` are refused, but answered).
    read_response(&mut client_in, 6).await;
    write_frame(&mut client_out, br#"{"jsonrpc":"2.0","method":"exit"}"#).await;
    let clean = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server exits after `exit`")
        .unwrap();
    assert!(clean, "shutdown came before exit");
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
    super::documents::PUBLISH_PAUSE.store(400, std::sync::atomic::Ordering::SeqCst);
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
    super::documents::PUBLISH_PAUSE.store(0, std::sync::atomic::Ordering::SeqCst);
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

#[tokio::test]
async fn a_correction_into_a_broken_knowledge_file_says_it_is_not_in_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    let kb_path = dir.path().join(".nomen/knowledge.toml");
    std::fs::write(
        &kb_path,
        "[[entity]]\nname = \"Agence Iris\"\nkind = \"planet\"\n",
    )
    .unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str()})).await;
    let doc_uri = Uri::from_file_path(dir.path().join("article.txt")).unwrap();
    let correction = json!({"action": "ignore", "uri": doc_uri.as_str(), "form": "Marc Tessier"});
    let answer = server
        .request(
            "workspace/executeCommand",
            json!({"command": "nomen.correct", "arguments": [correction]}),
        )
        .await;
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("not in force") && message.contains("line 3: "),
        "{answer}"
    );
    assert!(
        std::fs::read_to_string(&kb_path)
            .unwrap()
            .contains("Marc Tessier")
    );
}

#[tokio::test]
async fn a_correction_keeps_an_edit_made_to_the_file_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    let kb_path = dir.path().join(".nomen/knowledge.toml");
    std::fs::write(&kb_path, "# Agences\n").unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str()})).await;
    let doc_uri = Uri::from_file_path(dir.path().join("article.txt")).unwrap();
    let correction = json!({"action": "ignore", "uri": doc_uri.as_str(), "form": "Marc Tessier"});
    // The server pauses between its read of the file and its write; the file changes then.
    super::knowledge::CORRECTION_PAUSE.store(300, std::sync::atomic::Ordering::SeqCst);
    let answer = server
        .request_later(
            "workspace/executeCommand",
            json!({"command": "nomen.correct", "arguments": [correction]}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    std::fs::write(
        &kb_path,
        "# Agences\n[[entity]]\nname = \"Iris\"\nkind = \"organisation\"\n",
    )
    .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(20), answer)
        .await
        .expect("an answer at all")
        .unwrap();
    super::knowledge::CORRECTION_PAUSE.store(0, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(answer, Some(Value::Null));
    let written = std::fs::read_to_string(&kb_path).unwrap();
    assert!(
        written.contains("name = \"Iris\"") && written.contains("Marc Tessier"),
        "{written}"
    );
}

#[tokio::test]
async fn a_correction_goes_into_the_open_knowledge_file_not_under_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    let kb_path = dir.path().join(".nomen/knowledge.toml");
    let saved = "# Agences\n";
    std::fs::write(&kb_path, saved).unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    let kb_uri = Uri::from_file_path(&kb_path).unwrap();
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str()})).await;
    // The file is open, with an entity typed and not saved.
    let unsaved = "# Agences\n[[entity]]\nname = \"Iris\"\nkind = \"organisation\"\n";
    server
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": kb_uri.as_str(), "languageId": "toml", "version": 1, "text": "# Agences\n"}}))
        .await;
    let typed = json!({"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": &unsaved["# Agences\n".len()..]});
    server
        .notify("textDocument/didChange", json!({"textDocument": {"uri": kb_uri.as_str(), "version": 2}, "contentChanges": [typed]}))
        .await;
    let doc_uri = Uri::from_file_path(dir.path().join("article.txt")).unwrap();
    let correction = json!({"action": "ignore", "uri": doc_uri.as_str(), "form": "Marc Tessier"});
    let answer = server
        .request(
            "workspace/executeCommand",
            json!({"command": "nomen.correct", "arguments": [correction]}),
        )
        .await;
    assert_eq!(answer, Value::Null);
    assert_eq!(
        std::fs::read_to_string(&kb_path).unwrap(),
        saved,
        "the file on disk is left alone"
    );
    // The edit the editor was asked to make, applied to its text.
    let edit = loop {
        let message = server.notifications.recv().await.expect("an edit");
        let (method, _, params) = message.into_parts();
        if method == "workspace/applyEdit" {
            break params.unwrap()["edit"]["changes"][kb_uri.as_str()][0].clone();
        }
    };
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let start: usize = unsaved.split_inclusive('\n').take(line).map(str::len).sum();
        start + pos["character"].as_u64().unwrap() as usize
    };
    let (from, to) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    let edited = format!(
        "{}{}{}",
        &unsaved[..from],
        edit["newText"].as_str().unwrap(),
        &unsaved[to..]
    );
    assert!(
        edited.starts_with(unsaved) && edited.contains("Marc Tessier"),
        "{edited}"
    );
}
