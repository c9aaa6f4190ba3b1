//! The command line as users run it: `nomen check` and `nomen extract` use the knowledge base
//! of the nearest `.nomen/` folder above each file, as the server uses its workspace's, so that
//! corrections made in the editor are in what the command line prints and exports.

use std::process::{Command, Output};

use crate::nomen;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn check_and_extract_use_the_nearest_knowledge_base() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".nomen")).unwrap();
    std::fs::create_dir_all(dir.path().join("articles/2026")).unwrap();
    std::fs::write(
        dir.path().join(".nomen/knowledge.toml"),
        "[[entity]]\nname = \"zorbex holdings\"\nkind = \"organisation\"\n\n[ignore]\nforms = [\"Dockers\"]\n",
    )
    .unwrap();
    let article = "articles/2026/strike.txt";
    std::fs::write(
        dir.path().join(article),
        "Dockers struck at the terminal run by zorbex holdings on Monday.\n",
    )
    .unwrap();

    let check = nomen(&["check", article], dir.path());
    assert!(check.status.success(), "{check:?}");
    let printed = stdout(&check);
    assert!(
        printed.contains("zorbex holdings — organisation"),
        "{printed}"
    );
    assert!(!printed.contains("Dockers"), "an ignored form: {printed}");

    let extract = nomen(&["extract", article], dir.path());
    let printed = stdout(&extract);
    assert!(
        printed.contains(r#""label":"ORG","text":"zorbex holdings""#),
        "{printed}"
    );

    // Outside the folder, only the embedded default applies.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("strike.txt"),
        "Dockers struck at the terminal run by zorbex holdings on Monday.\n",
    )
    .unwrap();
    let printed = stdout(&nomen(&["check", "strike.txt"], elsewhere.path()));
    assert!(!printed.contains("zorbex"), "{printed}");
}

#[test]
fn a_broken_knowledge_file_is_reported_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".nomen")).unwrap();
    std::fs::write(
        dir.path().join(".nomen/knowledge.toml"),
        "[[entity]]\nname = \"zorbex holdings\"\nkind = \"planet\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Talks with zorbex holdings resumed in Paris.\n",
    )
    .unwrap();
    let check = nomen(&["check", "a.txt"], dir.path());
    assert!(check.status.success(), "{check:?}");
    let errors = String::from_utf8_lossy(&check.stderr);
    assert!(
        errors.contains("knowledge.toml:3:8: unknown kind `planet`") && errors.contains("not used"),
        "{errors}"
    );
    let printed = stdout(&check);
    assert!(printed.contains("Paris — place"), "{printed}");
    assert!(!printed.contains("zorbex"), "{printed}");
}

/// Issue 14, item 9: a FIFO, a link to a device or a huge file is refused by name, without
/// being read; the other files are still checked.
#[cfg(unix)]
#[test]
fn only_regular_files_under_the_cap_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::create_dir_all(path(".nomen")).unwrap();
    std::fs::write(path("good.txt"), "Angela Merkel est arrivée à Paris.\n").unwrap();
    std::fs::write(path("big.txt"), "Paris. ".repeat(1_400_000)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", path("zero.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", path(".nomen/knowledge.toml")).unwrap();
    // Over the cap by its size alone (sparse: nothing is written), and never read.
    let big = std::fs::File::create(path(".nomen/knowledge.jsonl")).unwrap();
    big.set_len(65 << 20).unwrap();
    let mut files = vec!["good.txt", "big.txt", "zero.txt"];
    let fifo = Command::new("mkfifo").arg(path("fifo.txt")).status();
    if fifo.is_ok_and(|s| s.success()) {
        files.push("fifo.txt");
    }
    let check = nomen(&[&["check"], files.as_slice()].concat(), dir.path());
    assert_eq!(check.status.code(), Some(2), "{check:?}");
    assert!(stdout(&check).contains("good.txt:1:1: "), "{check:?}");
    let errors = String::from_utf8_lossy(&check.stderr);
    for expected in [
        "big.txt: 9800000 bytes, over the cap of 8388608 bytes",
        "zero.txt: not a regular file (a device)",
        "knowledge.toml: not a regular file (a device); not used",
        "knowledge.jsonl: 68157440 bytes, over the cap of 67108864 bytes; not used",
    ] {
        assert!(errors.contains(expected), "{expected}\n{errors}");
    }
    if files.contains(&"fifo.txt") {
        assert!(
            errors.contains("fifo.txt: not a regular file (a FIFO)"),
            "{errors}"
        );
    }
}

/// Issue 14, item 11: two inputs of one name would write one output over the other.
#[test]
fn same_named_inputs_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/x.txt"), "Angela Merkel est à Paris.\n").unwrap();
    std::fs::write(dir.path().join("b/x.md"), "Emmanuel Macron est à Berlin.\n").unwrap();
    for format in ["brat", "conll"] {
        let args = [
            "extract",
            "--format",
            format,
            "--out-dir",
            "out",
            "a/x.txt",
            "b/x.md",
        ];
        let extract = nomen(&args, dir.path());
        assert_eq!(extract.status.code(), Some(2), "{extract:?}");
        let errors = String::from_utf8_lossy(&extract.stderr);
        assert!(
            errors.contains("a/x.txt and b/x.md would both be written"),
            "{errors}"
        );
        let out = dir.path().join("out");
        assert!(!out.join("x.ann").exists() && !out.join("x.conll").exists());
    }
    // Names that differ before their last dot are different outputs.
    std::fs::write(dir.path().join("a/x.v2.txt"), "Angela Merkel est à Rome.\n").unwrap();
    let args = [
        "extract",
        "--format",
        "brat",
        "--out-dir",
        "out",
        "a/x.txt",
        "a/x.v2.txt",
    ];
    let extract = nomen(&args, dir.path());
    assert!(extract.status.success(), "{extract:?}");
    let ann = |name: &str| std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
    assert!(ann("x.ann").contains("Paris") && ann("x.v2.ann").contains("Rome"));
}

/// Issue 14, item 12: a byte-order mark is neither a CoNLL token nor a column of `check`.
#[test]
fn a_byte_order_mark_is_no_token_and_no_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bom.txt"),
        "\u{feff}Paris accueille Angela Merkel.\n",
    )
    .unwrap();
    let check = nomen(&["check", "bom.txt"], dir.path());
    assert!(stdout(&check).starts_with("bom.txt:1:1: "), "{check:?}");
    let conll = nomen(&["extract", "--format", "conll", "bom.txt"], dir.path());
    assert!(stdout(&conll).starts_with("Paris B-LOC\n"), "{conll:?}");
}

/// Issue 14, item 12: `check` prints what the server publishes, consistency warnings included.
#[test]
fn check_prints_the_consistency_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Haftar a parlé mardi.\n\nLe maréchal Khalifa Haftar dirige l’armée.\n",
    )
    .unwrap();
    let printed = stdout(&nomen(&["check", "a.txt"], dir.path()));
    assert!(
        printed.contains("a.txt:1:1: warning: “Haftar” comes before the full name “Khalifa Haftar” is given (line 3)"),
        "{printed}"
    );
}
