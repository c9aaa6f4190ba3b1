//! The protocol itself: encoding negotiation, ordered ranged edits, bad requests, and broken
//! messages on the wire (the whole stdio stack) followed by good ones.

use super::*;

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
    let server = tokio::spawn(crate::lsp::serve(server_in, server_out));
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
    let server = tokio::spawn(crate::lsp::serve(server_in, server_out));
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

#[tokio::test]
async fn a_length_too_long_with_nothing_after_it_is_still_answered() {
    let (mut client_out, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_in) = tokio::io::duplex(1 << 16);
    let _server = tokio::spawn(crate::lsp::serve(server_in, server_out));
    let mut client_in = tokio::io::BufReader::new(client_in);
    use tokio::io::AsyncWriteExt;
    // The client declares ten bytes too many, then waits for the answer.
    let body = serde_json::to_vec(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    )
    .unwrap();
    let header = format!("Content-Length: {}\r\n\r\n", body.len() + 10);
    client_out.write_all(header.as_bytes()).await.unwrap();
    client_out.write_all(&body).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), read_response(&mut client_in, 1))
        .await
        .expect("an answer at all");
    assert_eq!(answer["result"]["serverInfo"]["name"], "nomen", "{answer}");
}
