//! brat annotations in the server: shown, changed by commands and code actions, shifted by
//! edits, written at save (on disk, or through `workspace/applyEdit` when the `.ann` is open),
//! their problems shown in the `.ann`.

mod edits;
mod learning;

use super::*;

/// A workspace folder holding `files` (name, text): the folder and its URI.
fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Uri) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let root = Uri::from_file_path(dir.path()).unwrap();
    (dir, root)
}

fn uri_in(dir: &tempfile::TempDir, name: &str) -> String {
    Uri::from_file_path(dir.path().join(name))
        .unwrap()
        .as_str()
        .to_string()
}

async fn start(root: &Uri, capabilities: Value) -> TestServer {
    let (server, _) = TestServer::start_with(json!({"capabilities": capabilities,
        "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}}}))
    .await;
    server
}

async fn open_doc(server: &mut TestServer, uri: &str, text: &str) {
    server
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}),
        )
        .await;
}

/// Each diagnostic as `code severity "covered text" message`, in order.
fn shown(text: &str, diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {:?} {}",
                d["code"].as_str().unwrap_or(""),
                d["severity"],
                covered(text, &d["range"], false),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

async fn command(server: &mut TestServer, name: &str, argument: Value) -> Value {
    server
        .request(
            "workspace/executeCommand",
            json!({"command": name, "arguments": [argument]}),
        )
        .await
}

async fn save(server: &mut TestServer, uri: &str) {
    server
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
}

fn at(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn range(line: u32, from: u32, to: u32) -> Value {
    json!({"start": at(line, from), "end": at(line, to)})
}

const NOTE: &str = "La juge Camille Berthier a reçu Angela Merkel à Berlin.\n";
const NOTE_ANN: &str = "T1\tPerson 32 45\tAngela Merkel\n#1\tAnnotatorNotes T1\tchancelière\nA1\tNegated T1\nN1\tReference T1 Wikidata:Q567\tAngela Merkel\n";

#[tokio::test]
async fn an_annotated_document_shows_its_annotations_and_nomens_suggestions() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "note.txt");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, NOTE).await;
    let diagnostics = published(&mut server, &uri, |d| !d.is_empty()).await;
    assert_eq!(
        shown(NOTE, &diagnostics),
        [
            "suggestion 4 \"Camille Berthier\" Camille Berthier — Person (suggested by nomen)",
            "annotation 3 \"Angela Merkel\" Angela Merkel — Person",
            "suggestion 4 \"Berlin\" Berlin — Location (suggested by nomen)",
        ]
    );

    // The hover of an annotation says what the other lines say of it.
    let hover = server
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at(0, 35)}),
        )
        .await;
    assert_eq!(
        hover["contents"]["value"],
        "**Angela Merkel** — Person (annotation T1)\n\nNote: chancelière\n\nAttributes: Negated\n\nNormalisation: Wikidata:Q567 Angela Merkel"
    );

    // Semantic tokens colour the annotation only.
    let tokens = server
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(tokens["data"], json!([0, 32, 13, 0, 0]));

    // The suggestions' code actions: accept "Berlin", reject "Camille Berthier".
    let actions = server.code_actions(&uri, 0, 50, 50).await;
    let titles: Vec<&str> = actions
        .iter()
        .filter_map(|a| a["title"].as_str())
        .filter(|t| t.contains("annotat") || t.contains("suggest"))
        .collect();
    assert_eq!(
        titles,
        [
            "nomen: annotate “Berlin” as Location",
            "nomen: do not suggest “Berlin” again in this document"
        ]
    );
    let done = server
        .run_action(&actions, "nomen: annotate “Berlin” as Location")
        .await;
    assert_eq!(done, json!({"id": "T2"}));
    let actions = server.code_actions(&uri, 0, 10, 10).await;
    server
        .run_action(
            &actions,
            "nomen: do not suggest “Camille Berthier” again in this document",
        )
        .await;
    let after = published(&mut server, &uri, |d| {
        d.iter().all(|d| d["code"] != "suggestion")
    })
    .await;
    assert_eq!(
        shown(NOTE, &after),
        [
            "annotation 3 \"Angela Merkel\" Angela Merkel — Person",
            "annotation 3 \"Berlin\" Berlin — Location",
        ]
    );
    // Nothing is written before the document is saved.
    let ann = dir.path().join("note.ann");
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), NOTE_ANN);
    save(&mut server, &uri).await;
    assert_eq!(
        std::fs::read_to_string(&ann).unwrap(),
        format!("{NOTE_ANN}T2\tLocation 48 54\tBerlin\n")
    );
    // The rejection is kept outside the `.ann`, and holds when the document opens again.
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    open_doc(&mut server, &uri, NOTE).await;
    let again = published(&mut server, &uri, |d| !d.is_empty()).await;
    assert!(
        shown(NOTE, &again)
            .iter()
            .all(|d| !d.contains("Camille Berthier")),
        "{again:?}"
    );
}

#[tokio::test]
async fn commands_add_relabel_resize_link_remove_and_add_all() {
    let text = "Lou et Zoé 😀 voient Lou.\r\nLouise et Lou partent.\n";
    let (dir, root) = workspace(&[("pair.txt", text), ("other.md", "Lou écrit.\n")]);
    let uri = uri_in(&dir, "pair.txt");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, text).await;
    // Columns in UTF-16: the emoji counts two.
    let added = command(
        &mut server,
        "nomen.annotation.add",
        json!({"uri": uri, "range": range(0, 6, 11), "label": "Person"}),
    )
    .await;
    assert_eq!(added, json!({"id": "T1"}));
    let labels = command(&mut server, "nomen.annotation.labels", json!({"uri": uri})).await;
    assert!(
        labels
            .as_array()
            .is_some_and(|l| l.contains(&json!("Location")))
    );
    command(
        &mut server,
        "nomen.annotation.relabel",
        json!({"uri": uri, "position": at(0, 8), "label": "Location"}),
    )
    .await;
    command(
        &mut server,
        "nomen.annotation.resize",
        json!({"uri": uri, "position": at(0, 8), "range": range(0, 8, 10)}),
    )
    .await;
    command(
        &mut server,
        "nomen.annotation.link",
        json!({"uri": uri, "position": at(0, 8), "id": "https://www.wikidata.org/wiki/Q42"}),
    )
    .await;
    // "Lou" everywhere, whole words only: not in "Louise"; in the other file too.
    let all = command(
        &mut server,
        "nomen.annotation.addAll",
        json!({"uri": uri, "range": range(0, 0, 3), "label": "Person", "scope": "workspace"}),
    )
    .await;
    assert_eq!(all, json!({"added": 4}));
    let removed = command(
        &mut server,
        "nomen.annotation.remove",
        json!({"uri": uri, "position": at(1, 10)}),
    )
    .await;
    assert_eq!(removed, json!({"id": "T4"}));
    let nothing = command(
        &mut server,
        "nomen.annotation.remove",
        json!({"uri": uri, "position": at(1, 2)}),
    )
    .await;
    assert_eq!(nothing["message"], "nomen: there is no annotation here");
    let diagnostics = published(&mut server, &uri, |d| {
        d.iter().filter(|d| d["code"] == "annotation").count() == 3
    })
    .await;
    let annotations: Vec<String> = shown(text, &diagnostics)
        .into_iter()
        .filter(|d| d.starts_with("annotation"))
        .collect();
    assert_eq!(
        annotations,
        [
            "annotation 3 \"Lou\" Lou — Person",
            "annotation 3 \"oé\" oé — Location",
            "annotation 3 \"Lou\" Lou — Person",
        ]
    );
    // The file that is not open is written at once; the open one at its save.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.ann")).unwrap(),
        "T1\tPerson 0 3\tLou\n"
    );
    assert!(!dir.path().join("pair.ann").exists());
    save(&mut server, &uri).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pair.ann")).unwrap(),
        "T1\tLocation 8 10\toé\nN1\tReference T1 Wikidata:Q42\toé\nT2\tPerson 0 3\tLou\nT3\tPerson 20 23\tLou\n"
    );
}

/// Waits for the next `workspace/applyEdit` the server sends; its parameters.
async fn apply_edit_request(server: &mut TestServer) -> Value {
    let wait = async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            if method == "workspace/applyEdit" {
                return params.unwrap_or_default();
            }
        }
        panic!("the server stopped");
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("an applyEdit in time")
}

#[tokio::test]
async fn an_open_ann_is_edited_through_the_editor_and_closing_unsaved_loses_nothing() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "note.txt");
    let ann_uri = uri_in(&dir, "note.ann");
    let ann_path = dir.path().join("note.ann");
    let mut server = start(&root, json!({})).await;

    // A change that is never saved is lost at close: the file on disk stays as it was.
    open_doc(&mut server, &uri, NOTE).await;
    let berlin = json!({"uri": uri, "range": range(0, 48, 54), "label": "Location"});
    command(&mut server, "nomen.annotation.add", berlin.clone()).await;
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(std::fs::read_to_string(&ann_path).unwrap(), NOTE_ANN);

    // The `.ann` open in the editor is not prose, and the save goes through the editor.
    open_doc(&mut server, &ann_uri, NOTE_ANN).await;
    open_doc(&mut server, &uri, NOTE).await;
    command(&mut server, "nomen.annotation.add", berlin).await;
    save(&mut server, &uri).await;
    let edit = apply_edit_request(&mut server).await;
    assert_eq!(
        edit["edit"]["changes"][&ann_uri],
        json!([{"range": range(4, 0, 0), "newText": "T2\tLocation 48 54\tBerlin\n"}])
    );
    assert_eq!(std::fs::read_to_string(&ann_path).unwrap(), NOTE_ANN);

    // The editor applies it; then an edit before the annotations moves both T lines.
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": ann_uri, "version": 2},
                "contentChanges": [{"range": range(4, 0, 0), "text": "T2\tLocation 48 54\tBerlin\n"}]}),
        )
        .await;
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"range": range(0, 0, 0), "text": "Hier, "}]}),
        )
        .await;
    save(&mut server, &uri).await;
    let edit = apply_edit_request(&mut server).await;
    let changes = &edit["edit"]["changes"][&ann_uri];
    assert_eq!(changes.as_array().map(Vec::len), Some(1), "{edit}");
    assert_eq!(
        changes[0]["range"],
        json!({"start": at(0, 11), "end": at(4, 17)}),
        "{edit}"
    );
    assert_eq!(
        changes[0]["newText"],
        "8 51\tAngela Merkel\n#1\tAnnotatorNotes T1\tchancelière\nA1\tNegated T1\nN1\tReference T1 Wikidata:Q567\tAngela Merkel\nT2\tLocation 54 60"
    );
    assert_eq!(std::fs::read_to_string(&ann_path).unwrap(), NOTE_ANN);

    // The user edits the `.ann` by hand and saves it: the document takes it.
    let by_hand = "T1\tLocation 54 60\tBerlin\n";
    std::fs::write(&ann_path, by_hand).unwrap();
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": ann_uri, "version": 3},
                "contentChanges": [{"text": by_hand}]}),
        )
        .await;
    save(&mut server, &ann_uri).await;
    // The publication before it had Berlin too, with Angela Merkel: wait for Berlin alone.
    let taken = published(&mut server, &uri, |d| {
        d.iter().filter(|d| d["code"] == "annotation").count() == 1
            && d.iter().any(|d| d["message"] == "Berlin — Location")
    })
    .await;
    assert_eq!(
        shown(&format!("Hier, {NOTE}"), &taken)
            .into_iter()
            .filter(|d| d.starts_with("annotation"))
            .collect::<Vec<_>>(),
        ["annotation 3 \"Berlin\" Berlin — Location"]
    );
}

#[tokio::test]
async fn drift_from_outside_is_reanchored_and_what_is_lost_is_shown_in_the_ann() {
    // The text changed outside nomen: "Angela Merkel" moved, "Ilse Vogt" is gone.
    let text = "Hier, Angela Merkel a vu Paolo à Berlin.\n";
    let ann = "T1\tPerson 0 13\tAngela Merkel\nT2\tPerson 20 29\tIlse Vogt\nT3\tPerson x\tZ\n";
    let (dir, root) = workspace(&[("drift.txt", text), ("drift.ann", ann)]);
    let uri = uri_in(&dir, "drift.txt");
    let ann_uri = uri_in(&dir, "drift.ann");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, text).await;
    let problems = published(&mut server, &ann_uri, |d| !d.is_empty()).await;
    let problems: Vec<String> = problems
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["range"]["start"]["line"], d["code"], d["message"]
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            "1 \"annotation-file\" \"T2: “Ilse Vogt” is not in the text any more; the annotation is kept as it was\"",
            "2 \"annotation-file\" \"T3: `x` is not two offsets\"",
        ]
    );
    let diagnostics = published(&mut server, &uri, |d| !d.is_empty()).await;
    assert_eq!(
        shown(text, &diagnostics)
            .into_iter()
            .filter(|d| d.starts_with("annotation"))
            .collect::<Vec<_>>(),
        ["annotation 3 \"Angela Merkel\" Angela Merkel — Person"]
    );
    // A client that sends the whole text: only what differs counts as edited, so the
    // annotation moves instead of going with the text it replaced.
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"text": format!("Hier, à Bonn, {}", &text[6..])}]}),
        )
        .await;
    // The save writes the anchor found, and keeps what it could not place as it was.
    save(&mut server, &uri).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join("drift.ann")).unwrap(),
        "T1\tPerson 14 27\tAngela Merkel\nT2\tPerson 20 29\tIlse Vogt\nT3\tPerson x\tZ\n"
    );
}

#[tokio::test]
async fn an_ann_that_cannot_be_read_is_never_written_over() {
    let (dir, root) = workspace(&[("bad.txt", NOTE)]);
    let ann = dir.path().join("bad.ann");
    std::fs::write(&ann, b"T1\tPerson 0 2\t\xff\xfe\n").unwrap();
    let uri = uri_in(&dir, "bad.txt");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, NOTE).await;
    let berlin = json!({"uri": uri, "range": range(0, 48, 54), "label": "Location"});
    assert_eq!(
        command(&mut server, "nomen.annotation.add", berlin).await,
        json!({"id": "T1"})
    );
    save(&mut server, &uri).await;
    assert_eq!(std::fs::read(&ann).unwrap(), b"T1\tPerson 0 2\t\xff\xfe\n");
    let warned = async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let text = params.unwrap_or_default()["message"].to_string();
            if method == "window/showMessage" && text.contains("bad.ann") {
                return text;
            }
        }
        panic!("the server stopped");
    };
    let warned = tokio::time::timeout(Duration::from_secs(20), warned)
        .await
        .unwrap();
    assert!(warned.contains("never written"), "{warned}");
}

#[tokio::test]
async fn the_settings_and_the_workspace_label_map_apply() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    std::fs::create_dir(dir.path().join(".nomen")).unwrap();
    std::fs::write(
        dir.path().join(".nomen/labels.toml"),
        "[labels]\nPER = [\"Person\", \"Human\"]\nLOC = \"Site\"\n",
    )
    .unwrap();
    let uri = uri_in(&dir, "note.txt");
    let (mut server, _) = TestServer::start_with(json!({"capabilities": {},
        "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0},
            "annotations": {"severity": "hint", "suggestions": false}}}))
    .await;
    open_doc(&mut server, &uri, NOTE).await;
    let diagnostics = published(&mut server, &uri, |d| !d.is_empty()).await;
    assert_eq!(
        shown(NOTE, &diagnostics),
        ["annotation 4 \"Angela Merkel\" Angela Merkel — Person"]
    );
    // No suggestion is offered; a selection is offered the map's labels, and for those it
    // does not name, the WiNER-style names the file's own "Person" calls for.
    let actions = server.code_actions(&uri, 0, 48, 54).await;
    let titles: Vec<&str> = actions
        .iter()
        .filter_map(|a| a["title"].as_str())
        .filter(|t| t.contains("annotat") || t.contains("suggest"))
        .collect();
    assert_eq!(
        titles,
        [
            "nomen: annotate “Berlin” as Person",
            "nomen: annotate “Berlin” as Organization",
            "nomen: annotate “Berlin” as Site",
            "nomen: annotate “Berlin” as Misc",
        ]
    );
}

#[tokio::test]
async fn a_ann_changed_on_disk_is_taken_unless_changes_are_unsaved() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "note.txt");
    let ann_uri = uri_in(&dir, "note.ann");
    let ann = dir.path().join("note.ann");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, NOTE).await;
    published(&mut server, &uri, |d| !d.is_empty()).await;
    let changed = json!({"changes": [{"uri": ann_uri, "type": 2}]});
    std::fs::write(&ann, "T1\tLocation 48 54\tBerlin\n").unwrap();
    server
        .notify("workspace/didChangeWatchedFiles", changed.clone())
        .await;
    let after = published(&mut server, &uri, |d| {
        d.iter().any(|d| d["message"] == "Berlin — Location")
    })
    .await;
    assert_eq!(
        shown(NOTE, &after)
            .into_iter()
            .filter(|d| d.starts_with("annotation"))
            .collect::<Vec<_>>(),
        ["annotation 3 \"Berlin\" Berlin — Location"]
    );
    // An annotation added and not saved: the change on disk is not taken, and the user is told.
    let add = json!({"uri": uri, "range": range(0, 8, 24), "label": "Person"});
    command(&mut server, "nomen.annotation.add", add).await;
    std::fs::write(&ann, "").unwrap();
    server
        .notify("workspace/didChangeWatchedFiles", changed)
        .await;
    let told = async {
        while let Some(message) = server.notifications.recv().await {
            let (method, _, params) = message.into_parts();
            let text = params.unwrap_or_default()["message"].to_string();
            if method == "window/showMessage" && text.contains("not saved yet") {
                return text;
            }
        }
        panic!("the server stopped");
    };
    tokio::time::timeout(Duration::from_secs(20), told)
        .await
        .unwrap();
    // The save merges nomen's addition into the file as it is: Berlin was removed there.
    save(&mut server, &uri).await;
    assert_eq!(
        std::fs::read_to_string(&ann).unwrap(),
        "T2\tPerson 8 24\tCamille Berthier\n"
    );
}

#[tokio::test]
async fn a_document_over_the_size_cap_still_takes_commands_and_saves_its_annotations() {
    let (dir, root) = workspace(&[("big.txt", NOTE), ("big.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "big.txt");
    // The note is 57 bytes: over the cap, it is never analysed, but its annotations follow it.
    let (mut server, _) = TestServer::start_with(json!({"capabilities": {},
        "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}, "maxDocumentBytes": 40}}))
    .await;
    open_doc(&mut server, &uri, NOTE).await;
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"range": range(0, 0, 0), "text": "Hier, "}]}),
        )
        .await;
    // The commands work on it too.
    let berlin = json!({"uri": uri, "range": range(0, 54, 60), "label": "Location"});
    let added = command(&mut server, "nomen.annotation.add", berlin).await;
    assert_eq!(added["id"], "T2", "{added}");
    save(&mut server, &uri).await;
    let written = std::fs::read_to_string(dir.path().join("big.ann")).unwrap();
    assert_eq!(
        written,
        "T1\tPerson 38 51\tAngela Merkel\n#1\tAnnotatorNotes T1\tchancelière\nA1\tNegated T1\nN1\tReference T1 Wikidata:Q567\tAngela Merkel\nT2\tLocation 54 60\tBerlin\n"
    );
}

/// Applies one LSP edit (positions in code points: the texts here are in the BMP) to `text`.
fn applied(text: &str, edit: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start
            + text[start..]
                .chars()
                .take(character)
                .map(char::len_utf8)
                .sum::<usize>()
    };
    let (from, to) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    format!(
        "{}{}{}",
        &text[..from],
        edit["newText"].as_str().unwrap(),
        &text[to..]
    )
}

#[tokio::test]
async fn unsaved_hand_edits_in_an_open_ann_survive_nomens_write() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "note.txt");
    let ann_uri = uri_in(&dir, "note.ann");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &ann_uri, NOTE_ANN).await;
    open_doc(&mut server, &uri, NOTE).await;

    // By hand, unsaved: the note on T1 is rewritten and a person is added at the end.
    let by_hand = NOTE_ANN.replace("chancelière", "ancienne chancelière")
        + "T7\tPerson 8 24\tCamille Berthier\n";
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": ann_uri, "version": 2},
                "contentChanges": [{"text": by_hand}]}),
        )
        .await;
    // nomen relabels T1 and adds Berlin; the document is saved.
    let t1 = json!({"uri": uri, "position": at(0, 33), "label": "Organization"});
    command(&mut server, "nomen.annotation.relabel", t1).await;
    let berlin = json!({"uri": uri, "range": range(0, 48, 54), "label": "Location"});
    command(&mut server, "nomen.annotation.add", berlin).await;
    save(&mut server, &uri).await;
    let edit = apply_edit_request(&mut server).await;
    let changes = edit["edit"]["changes"][&ann_uri]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(changes.len(), 1, "{edit}");
    assert_eq!(
        applied(&by_hand, &changes[0]),
        "T1\tOrganization 32 45\tAngela Merkel\n#1\tAnnotatorNotes T1\tancienne chancelière\nA1\tNegated T1\nN1\tReference T1 Wikidata:Q567\tAngela Merkel\nT7\tPerson 8 24\tCamille Berthier\nT2\tLocation 48 54\tBerlin\n"
    );
}

#[tokio::test]
async fn a_file_changed_on_disk_meanwhile_gets_nomens_changes_merged_in() {
    let (dir, root) = workspace(&[("note.txt", NOTE), ("note.ann", NOTE_ANN)]);
    let uri = uri_in(&dir, "note.txt");
    let ann_path = dir.path().join("note.ann");
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &uri, NOTE).await;
    let berlin = json!({"uri": uri, "range": range(0, 48, 54), "label": "Location"});
    command(&mut server, "nomen.annotation.add", berlin).await;
    // Another program changes the file; no watcher tells the server.
    let elsewhere =
        NOTE_ANN.replace("A1\tNegated T1\n", "") + "T9\tPerson 8 24\tCamille Berthier\n";
    std::fs::write(&ann_path, &elsewhere).unwrap();
    save(&mut server, &uri).await;
    let written = async {
        loop {
            let now = std::fs::read_to_string(&ann_path).unwrap();
            if now != elsewhere {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let now = tokio::time::timeout(Duration::from_secs(20), written)
        .await
        .expect("the save in time");
    assert_eq!(now, format!("{elsewhere}T2\tLocation 48 54\tBerlin\n"));
}
