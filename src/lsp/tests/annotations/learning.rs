//! Learning from the annotator in the server: a save teaches the workspace model, the other
//! open documents' suggestions follow it, and `nomen.model.reset` brings the shipped ones back.

use super::*;

/// An annotated document about a made-up association the shipped model takes for a person.
const TAUGHT: &str = "L'équipe de Grelotte Verte organise une collecte samedi. Les bénévoles de \
Grelotte Verte trient les dons dans la salle des fêtes.\n\nLe local de Grelotte Verte ouvre à \
neuf heures. Merci à Grelotte Verte pour son aide.\n";

/// Another document, with the association in a new sentence.
const OTHER: &str =
    "Les dons remis à Grelotte Verte ont doublé depuis la visite d'Odile Farnèse à Quimper.\n";

/// The ranges (UTF-16 columns) of every occurrence of `form` in `text`.
fn ranges_of(text: &str, form: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (line, content) in text.split('\n').enumerate() {
        for (at, _) in content.match_indices(form) {
            let from = content[..at].encode_utf16().count() as u32;
            let to = from + form.encode_utf16().count() as u32;
            out.push(range(line as u32, from, to));
        }
    }
    out
}

/// Whether the diagnostics suggest the taught association as an organisation.
fn taught_org(diagnostics: &[Value]) -> bool {
    diagnostics.iter().any(|d| {
        d["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Grelotte Verte — ORG"))
    })
}

async fn annotate_all(server: &mut TestServer, uri: &str, text: &str, form: &str) {
    for range in ranges_of(text, form) {
        let added = command(
            server,
            "nomen.annotation.add",
            json!({"uri": uri, "range": range, "label": "Organization"}),
        )
        .await;
        assert!(added["id"].is_string(), "{added}");
    }
}

const SHIPPED: [&str; 3] = [
    "suggestion 4 \"Grelotte Verte\" Grelotte Verte — PER (suggested by nomen)",
    "suggestion 4 \"Odile Farnèse\" Odile Farnèse — PER (suggested by nomen)",
    "suggestion 4 \"Quimper\" Quimper — LOC (suggested by nomen)",
];

#[tokio::test]
async fn a_save_teaches_the_other_documents_and_a_reset_undoes_it() {
    let (dir, root) = workspace(&[
        ("taught.txt", TAUGHT),
        ("other.txt", OTHER),
        ("other.ann", ""),
    ]);
    let (taught, other) = (uri_in(&dir, "taught.txt"), uri_in(&dir, "other.txt"));
    let mut server = start(&root, json!({})).await;
    open_doc(&mut server, &other, OTHER).await;
    let before = published(&mut server, &other, |d| !d.is_empty()).await;
    assert_eq!(shown(OTHER, &before), SHIPPED);
    open_doc(&mut server, &taught, TAUGHT).await;
    annotate_all(&mut server, &taught, TAUGHT, "Grelotte Verte").await;
    let delta = dir.path().join(".nomen/model.delta");
    assert!(!delta.exists());

    // The save writes the `.ann`; then (after the handler, in the learning task) it is
    // learnt, and the other document is extracted again.
    save(&mut server, &taught).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taught.ann"))
            .unwrap()
            .lines()
            .count(),
        4
    );
    let learnt = published(&mut server, &other, taught_org).await;
    assert!(delta.exists());
    assert_eq!(
        shown(OTHER, &learnt),
        [
            "suggestion 4 \"Grelotte Verte\" Grelotte Verte — ORG (suggested by nomen)",
            SHIPPED[1],
            SHIPPED[2],
        ]
    );

    // The reset removes the file and gives back exactly the shipped suggestions.
    let reset = command(&mut server, "nomen.model.reset", json!({})).await;
    assert_eq!(reset, json!({"removed": true}));
    assert!(!delta.exists());
    let back = published(&mut server, &other, |d| !taught_org(d)).await;
    assert_eq!(back, before);
}

#[tokio::test]
async fn learning_can_be_turned_off_and_the_model_is_read_or_rebuilt_at_start_up() {
    let (dir, root) = workspace(&[
        ("taught.txt", TAUGHT),
        ("other.txt", OTHER),
        ("other.ann", ""),
    ]);
    let (taught, other) = (uri_in(&dir, "taught.txt"), uri_in(&dir, "other.txt"));
    let (mut server, _) = TestServer::start_with(json!({"capabilities": {},
        "rootUri": root.as_str(),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}, "learning": {"onSave": false}}}))
    .await;
    open_doc(&mut server, &taught, TAUGHT).await;
    annotate_all(&mut server, &taught, TAUGHT, "Grelotte Verte").await;
    save(&mut server, &taught).await;
    assert!(dir.path().join("taught.ann").exists());
    assert!(!dir.path().join(".nomen/model.delta").exists());

    // A model learnt from the annotations on disk (as `nomen learn` does) is used from the
    // start.
    let extractor = crate::pipeline::Extractor::new();
    let (model, _) = crate::files::learned::rebuild(
        dir.path(),
        &extractor,
        crate::tagger::LearnConfig::default(),
        |e| panic!("{e:#}"),
    )
    .unwrap();
    crate::files::learned::save(dir.path(), &model).unwrap();
    let delta = dir.path().join(".nomen/model.delta");
    let bytes = std::fs::read(&delta).unwrap();
    let start = || async {
        let (mut server, _) = TestServer::start_with(json!({"capabilities": {},
            "rootUri": root.as_str(),
            "initializationOptions": {"diagnostics": {"debounceMs": 0}}}))
        .await;
        open_doc(&mut server, &other, OTHER).await;
        let learnt = published(&mut server, &other, taught_org).await;
        assert_eq!(
            shown(OTHER, &learnt)[0],
            "suggestion 4 \"Grelotte Verte\" Grelotte Verte — ORG (suggested by nomen)"
        );
    };
    start().await;

    // A model learnt over another shipped model (its fingerprint, after `NOMENWD1f`, differs)
    // is learnt again from the `.ann` files at start-up, and saved.
    let mut stale = bytes.clone();
    stale[9] ^= 1;
    std::fs::write(&delta, &stale).unwrap();
    start().await;
    assert_eq!(std::fs::read(&delta).unwrap(), bytes);
}

#[tokio::test]
async fn a_second_workspace_folder_keeps_the_shipped_model() {
    let (dir, _) = workspace(&[
        ("a/taught.txt", TAUGHT),
        ("a/other.txt", OTHER),
        ("a/other.ann", ""),
        ("b/other.txt", OTHER),
        ("b/other.ann", ""),
    ]);
    let folder = |name: &str| {
        let path = dir.path().join(name);
        json!({"uri": Uri::from_file_path(&path).unwrap().as_str(), "name": name})
    };
    let (mut server, _) = TestServer::start_with(json!({"capabilities": {},
        "workspaceFolders": [folder("a"), folder("b")],
        "initializationOptions": {"diagnostics": {"debounceMs": 0}}}))
    .await;
    let (taught, in_a, in_b) = (
        uri_in(&dir, "a/taught.txt"),
        uri_in(&dir, "a/other.txt"),
        uri_in(&dir, "b/other.txt"),
    );
    open_doc(&mut server, &in_b, OTHER).await;
    let before = published(&mut server, &in_b, |d| !d.is_empty()).await;
    assert_eq!(shown(OTHER, &before), SHIPPED);
    open_doc(&mut server, &in_a, OTHER).await;
    open_doc(&mut server, &taught, TAUGHT).await;
    annotate_all(&mut server, &taught, TAUGHT, "Grelotte Verte").await;
    save(&mut server, &taught).await;

    // The first folder learns; the second one's document is extracted again (every open
    // document is, at a swap) with the shipped model, and says the same as before.
    published(&mut server, &in_a, taught_org).await;
    assert!(dir.path().join("a/.nomen/model.delta").exists());
    assert!(!dir.path().join("b/.nomen/model.delta").exists());
    server
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": in_b, "version": 2},
                "contentChanges": [{"range": range(0, 0, 0), "text": " "}]}),
        )
        .await;
    // The publication for the edited text: every diagnostic one column further.
    let moved: Vec<u64> = before
        .iter()
        .map(|d| d["range"]["start"]["character"].as_u64().unwrap() + 1)
        .collect();
    let after = published(&mut server, &in_b, |d| {
        let starts: Vec<u64> = d
            .iter()
            .filter_map(|d| d["range"]["start"]["character"].as_u64())
            .collect();
        starts == moved
    })
    .await;
    assert_eq!(shown(&format!(" {OTHER}"), &after), SHIPPED);
}
