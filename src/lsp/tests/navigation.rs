//! Hover, navigation and the consistency checks' quick fixes.

use super::*;

#[tokio::test]
async fn hover_follows_the_client_markup() {
    for (client, kind, expected) in [
        (
            r#"{"textDocument": {"hover": {"contentFormat": ["plaintext"]}}}"#,
            "plaintext",
            "Khalifa Haftar — person\nRole: maréchal (line 1)\nAlso written: Haftar\n2 mentions, first on line 1",
        ),
        (
            r#"{"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}"#,
            "markdown",
            "**Khalifa Haftar** — person\n\nRole: maréchal (line 1)\n\nAlso written: Haftar\n\n2 mentions, first on line 1",
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
        assert_eq!(hover["contents"]["value"], expected);
        assert_eq!(hover["range"]["start"]["character"], 12);
        assert_eq!(hover["range"]["end"]["character"], 26);
    }
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
