//! The knowledge base: reloads, corrections from code actions, open and broken knowledge files.

use super::*;

/// A workspace folder whose `.nomen/knowledge.toml` holds `text`: the folder, the file's path
/// and the folder's URI.
fn workspace_with_knowledge(text: &str) -> (tempfile::TempDir, std::path::PathBuf, Uri) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    let kb_path = dir.path().join(".nomen/knowledge.toml");
    std::fs::write(&kb_path, text).unwrap();
    let root = Uri::from_file_path(dir.path()).unwrap();
    (dir, kb_path, root)
}

/// A knowledge file that does not parse: a kind that is no kind.
const BROKEN: &str = "[[entity]]\nname = \"Agence Iris\"\nkind = \"planet\"\n";

#[tokio::test]
async fn the_knowledge_base_reloads_and_corrections_stick() {
    // A broken file: diagnostics in it, and nothing of it in force.
    let (dir, kb_path, root) = workspace_with_knowledge(BROKEN);
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
    let text = "Dockers struck at the terminal run by zorbex holdings on Monday.\n\nSelon la porte-parole de l’Association des amis du vieux Lectoure, la perte est lourde.\n";
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

    // Other bounds: extraction finds "Association des amis" and "Lectoure"; the annotator selects the whole
    // name (positions in UTF-16, the client's default here) and marks it.
    let line = text.lines().nth(2).unwrap();
    let utf16 = |s: &str| s.encode_utf16().count();
    let from = utf16(&line[..line.find("Association").unwrap()]);
    let to = from + utf16("Association des amis du vieux Lectoure");
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
            .any(|t| t.contains("“Association des amis” is not a name")),
        "the found mention's corrections are offered too: {titles:?}"
    );
    // A selection inside the mention offers no marking: the mention would stand over it.
    let inside = server
        .code_actions(doc_uri.as_str(), 2, from, from + 5)
        .await;
    assert!(
        inside
            .iter()
            .all(|a| a["title"] != "nomen: “Assoc” is an organisation"),
        "{inside:?}"
    );
    server
        .run_action(
            &actions,
            "nomen: “Association des amis du vieux Lectoure” is an organisation",
        )
        .await;
    let after = published(&mut server, doc_uri.as_str(), |d| {
        on_line(d).contains(&(json!(from), json!(to)))
    })
    .await;
    assert_eq!(on_line(&after), [(json!(from), json!(to))]);
}

#[tokio::test]
async fn a_correction_into_a_broken_knowledge_file_says_it_is_not_in_force() {
    let (dir, kb_path, root) = workspace_with_knowledge(BROKEN);
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
    let (dir, kb_path, root) = workspace_with_knowledge("# Agences\n");
    let (mut server, _) =
        TestServer::start_with(json!({"capabilities": {}, "rootUri": root.as_str()})).await;
    let doc_uri = Uri::from_file_path(dir.path().join("article.txt")).unwrap();
    let correction = json!({"action": "ignore", "uri": doc_uri.as_str(), "form": "Marc Tessier"});
    // The server pauses between its read of the file and its write; the file changes then.
    crate::lsp::corrections::CORRECTION_PAUSE.store(300, std::sync::atomic::Ordering::SeqCst);
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
    crate::lsp::corrections::CORRECTION_PAUSE.store(0, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(answer, Some(Value::Null));
    let written = std::fs::read_to_string(&kb_path).unwrap();
    assert!(
        written.contains("name = \"Iris\"") && written.contains("Marc Tessier"),
        "{written}"
    );
}

#[tokio::test]
async fn a_correction_goes_into_the_open_knowledge_file_not_under_it() {
    let saved = "# Agences\n";
    let (dir, kb_path, root) = workspace_with_knowledge(saved);
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
