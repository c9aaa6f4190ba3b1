//! The workspace index: files that are not open.

use super::*;

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
