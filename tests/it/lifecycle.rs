//! The server process's life as a crashed or hasty editor sees it: `nomen lsp` ends when its
//! stdin closes, in every state (a request to the client unanswered, a request of the client in
//! flight), and its exit code says whether `shutdown` came before `exit`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Generous: the server should exit within a second; this only checks that it exits at all.
const BOUND: Duration = Duration::from_secs(5);

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The messages the server writes, read on a thread.
    messages: mpsc::Receiver<Value>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nomen"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("nomen lsp starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            while let Some(message) = read_message(&mut stdout) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin still open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn request(&mut self, id: i64, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits for the first message that `matches`.
    fn wait_for(&self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(_) => {}
                Err(_) => panic!("no {what} from the server"),
            }
        }
    }

    fn initialize(&mut self, capabilities: Value) {
        let root = std::env::temp_dir();
        let root = format!("file://{}", root.display());
        self.request(
            1,
            "initialize",
            json!({"capabilities": capabilities, "rootUri": root, "processId": null}),
        );
        self.wait_for("initialize response", |m| m["id"] == 1);
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit status, if the process ends within [`BOUND`]; the process is killed otherwise.
    fn exit_status(mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + BOUND;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A client that the server asks things of: settings, progress tokens, file watching.
fn demanding_client() -> Value {
    json!({
        "workspace": {
            "configuration": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true}
        },
        "window": {"workDoneProgress": true}
    })
}

#[test]
fn stdin_closing_with_a_registration_unanswered_ends_the_server() {
    let mut server = Server::start();
    server.initialize(demanding_client());
    server.notify("initialized", json!({}));
    server.wait_for("registration request", |m| {
        m["method"] == "client/registerCapability"
    });
    server.close_stdin();
    assert!(server.exit_status().is_some(), "still running");
}

#[test]
fn stdin_closing_right_after_initialize_ends_the_server() {
    let mut server = Server::start();
    server.initialize(demanding_client());
    server.close_stdin();
    assert!(server.exit_status().is_some(), "still running");
}

#[test]
fn exit_before_the_registration_is_answered_ends_the_server() {
    let mut server = Server::start();
    server.initialize(demanding_client());
    server.notify("initialized", json!({}));
    server.wait_for("registration request", |m| {
        m["method"] == "client/registerCapability"
    });
    server.notify("exit", Value::Null);
    let status = server.exit_status().expect("still running");
    // `exit` without `shutdown`: the protocol says 1.
    assert_eq!(status.code(), Some(1));
}

#[test]
fn stdin_closing_with_a_hover_in_flight_ends_the_server() {
    let mut server = Server::start();
    server.initialize(json!({}));
    server.notify("initialized", json!({}));
    let uri = "file:///tmp/nomen-lifecycle-long.txt";
    let text = "Le président Vladimir Poutine a reçu Khalifa Haftar à Moscou. ".repeat(4000);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}),
    );
    server.request(
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 20}}),
    );
    server.close_stdin();
    assert!(server.exit_status().is_some(), "still running");
}

#[test]
fn exit_codes_say_whether_shutdown_came_first() {
    let mut server = Server::start();
    server.initialize(json!({}));
    server.notify("initialized", json!({}));
    server.request(2, "shutdown", Value::Null);
    server.wait_for("shutdown response", |m| m["id"] == 2);
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().and_then(|s| s.code()), Some(0));

    let mut server = Server::start();
    server.initialize(json!({}));
    server.notify("initialized", json!({}));
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().and_then(|s| s.code()), Some(1));
}
