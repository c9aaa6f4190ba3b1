//! The byte stream from the client, checked frame by frame before tower-lsp-server reads it.
//!
//! tower-lsp-server stops reading, and the server exits, at the first message it cannot decode
//! (tokio-util ends a framed stream after any decoder error): a body that is not JSON, not
//! UTF-8 or not a JSON-RPC message, a header block without a usable `Content-Length`, a
//! charset other than UTF-8. [`relay`] reads the frames itself and passes on, re-framed, only
//! messages the server decodes. A broken message is logged and skipped; one that still shows a
//! request's `id` and `method` becomes a call of [`INVALID_REQUEST`], so that the client gets an
//! error response instead of waiting forever.

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method a broken request is turned into; its handler answers with an `InvalidRequest`
/// error that says what was wrong.
pub(crate) const INVALID_REQUEST: &str = "nomen/invalidRequest";

/// Bodies above this size are skipped unread (a 10 MB document is about 10 MB of JSON).
const MAX_BODY: usize = 512 << 20;

/// Header lines above this size are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;

/// One frame read from the client.
#[derive(Debug, PartialEq)]
enum Frame {
    Body(Vec<u8>),
    /// A frame that cannot be read, with why.
    Skipped(String),
    End,
}

/// Why the relay stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The client sent `exit`.
    Exit,
    /// The client's stream ended (or the server stopped reading).
    Closed,
}

/// Copies the client's messages from `input` to `output` (the server's side), skipping or
/// replacing those the server could not decode, until `input` ends or `exit` passes.
pub(crate) async fn relay(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> Ending {
    let mut input = tokio::io::BufReader::new(input);
    let mut ending = Ending::Closed;
    loop {
        let body = match read_frame(&mut input).await {
            Frame::Body(body) => body,
            Frame::Skipped(why) => {
                tracing::warn!("skipped a message from the client: {why}");
                continue;
            }
            Frame::End => break,
        };
        let Some((body, exit)) = checked(body) else {
            continue;
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if exit {
            ending = Ending::Exit;
        }
        if written.await.is_err() || exit {
            // The server has stopped reading, or stops after this message: a read left waiting
            // on stdin would hold up the process's exit.
            break;
        }
    }
    let _ = output.shutdown().await;
    ending
}

/// Reads one frame: header lines up to an empty line, then `Content-Length` bytes. Lines that
/// are not headers are skipped with the block they are in, so that reading resumes at the next
/// well-formed header block.
async fn read_frame(input: &mut (impl AsyncBufRead + Unpin)) -> Frame {
    let mut length: Option<Result<usize, String>> = None;
    let mut garbage = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut *input)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') {
            // A line longer than any header: skip the rest of it.
            garbage = true;
            if skip_line(input).await.is_none() {
                return Frame::End;
            }
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_none() && !garbage {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                let value = value.trim();
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("Content-Length {value:?} is not a length")),
                );
            }
            // Content-Type and the like: the relay frames the body anew.
            Some((name, _)) if !name.is_empty() && name.bytes().all(is_token_byte) => {}
            _ => garbage = true,
        }
    }
    let length = match length {
        None => return Frame::Skipped("a header block without Content-Length".into()),
        Some(Err(why)) => return Frame::Skipped(why),
        Some(Ok(length)) => length,
    };
    if length > MAX_BODY {
        let skipped = tokio::io::copy(
            &mut (&mut *input).take(length as u64),
            &mut tokio::io::sink(),
        )
        .await
        .unwrap_or(0);
        if skipped < length as u64 {
            return Frame::End;
        }
        return Frame::Skipped(format!(
            "a body of {length} bytes, over the limit of {MAX_BODY}"
        ));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::End,
    }
}

/// Skips to the end of the current line; `None` at the end of the input.
async fn skip_line(input: &mut (impl AsyncBufRead + Unpin)) -> Option<()> {
    loop {
        let buf = input.fill_buf().await.ok()?;
        if buf.is_empty() {
            return None;
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(at) => {
                input.consume(at + 1);
                return Some(());
            }
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

/// A byte of an HTTP header name.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The body itself when the server can decode it, with whether it is the `exit` notification;
/// a call of [`INVALID_REQUEST`] in its place when it is broken but shows a request's `id` and
/// `method`; else nothing (logged).
fn checked(body: Vec<u8>) -> Option<(Vec<u8>, bool)> {
    if body.is_empty() {
        return None;
    }
    let not_request = match serde_json::from_slice::<Request>(&body) {
        Ok(request) => {
            let exit = request.method() == "exit" && request.id().is_none();
            return Some((body, exit));
        }
        Err(err) => err,
    };
    if serde_json::from_slice::<Response>(&body).is_ok() {
        return Some((body, false));
    }
    let value = serde_json::from_slice::<Value>(&body);
    let why = match &value {
        Err(err) => format!("not JSON: {err}"),
        Ok(_) => format!("not a JSON-RPC message: {not_request}"),
    };
    tracing::warn!("a broken message from the client ({why})");
    let value = value.ok()?;
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())?;
    value.get("method")?;
    // tower-lsp-server stops reading at an id it cannot hold (1.5, 1e2, 2^63): answer those
    // with the unknown id, `null`, as JSON-RPC does when it cannot tell the id.
    let id = match id {
        Value::Number(n) if n.is_i64() => id.clone(),
        Value::String(_) => id.clone(),
        _ => Value::Null,
    };
    let call = json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_REQUEST,
        "params": { "reason": why },
    });
    serde_json::to_vec(&call).ok().map(|call| (call, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    /// What the relay passes on for `input`, one string per message.
    fn relayed(input: &[u8]) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        runtime.block_on(relay(input, &mut out));
        let mut messages = Vec::new();
        let mut rest = &out[..];
        while !rest.is_empty() {
            let text = std::str::from_utf8(rest).unwrap();
            let (header, after) = text.split_once("\r\n\r\n").unwrap();
            let length: usize = header
                .strip_prefix("Content-Length: ")
                .unwrap()
                .parse()
                .unwrap();
            messages.push(after[..length].to_string());
            rest = &rest[header.len() + 4 + length..];
        }
        messages
    }

    const HOVER: &[u8] =
        br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"position":"x"}}"#;
    const EXIT: &[u8] = br#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[test]
    fn well_formed_messages_pass_unchanged() {
        let response = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let mut input = frame(HOVER);
        // Another header, blank lines between messages, `\n` line ends.
        input.extend_from_slice(b"\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        input.extend_from_slice(&frame(response));
        input.extend_from_slice(format!("Content-Length: {}\n\n", EXIT.len()).as_bytes());
        input.extend_from_slice(EXIT);
        assert_eq!(
            relayed(&input),
            [HOVER, &response[..], EXIT].map(|b| String::from_utf8(b.to_vec()).unwrap())
        );
    }

    #[test]
    fn broken_bodies_are_skipped_and_broken_requests_answered() {
        let mut input = Vec::new();
        for body in [
            &b"{not json"[..],
            b"\xff\xfe\x00garbage",
            b"[]",
            br#"{"jsonrpc":"1.0","method":"exit"}"#,
            br#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#,
            b"",
        ] {
            input.extend_from_slice(&frame(body));
        }
        // Still a request: its id and method are there, its version is wrong.
        input.extend_from_slice(&frame(br#"{"id":3,"method":"textDocument/hover"}"#));
        input.extend_from_slice(&frame(EXIT));
        let out = relayed(&input);
        assert_eq!(out.len(), 2, "{out:?}");
        let call: Value = serde_json::from_str(&out[0]).unwrap();
        assert_eq!(call["id"], 3);
        assert_eq!(call["method"], INVALID_REQUEST);
        assert!(
            call["params"]["reason"]
                .as_str()
                .unwrap()
                .contains("not a JSON-RPC message"),
            "{call}"
        );
        assert_eq!(out[1].as_bytes(), EXIT);
    }

    #[test]
    fn broken_headers_are_skipped_up_to_the_next_message() {
        let mut input = Vec::new();
        // Garbage before any header, then a block with no length, a length that is no number,
        // and a line longer than any header.
        input.extend_from_slice(b"hello there\r\n\r\n");
        input.extend_from_slice(b"Content-Type: text/plain\r\n\r\n");
        input.extend_from_slice(b"Content-Length: many\r\n\r\n");
        input.extend_from_slice(&vec![b'x'; MAX_HEADER_LINE * 3]);
        input.extend_from_slice(b"\r\n\r\n");
        input.extend_from_slice(&frame(HOVER));
        input.extend_from_slice(&frame(EXIT));
        let out = relayed(&input);
        assert_eq!(
            out,
            [HOVER, EXIT].map(|b| String::from_utf8(b.to_vec()).unwrap())
        );
    }

    #[test]
    fn nothing_is_read_after_exit() {
        // The relay stops at `exit`, as the server does; what follows is never read.
        let input = [frame(EXIT), frame(HOVER)].concat();
        assert_eq!(relayed(&input), [String::from_utf8(EXIT.to_vec()).unwrap()]);
    }

    #[test]
    fn the_input_may_end_anywhere() {
        let whole = [frame(HOVER), frame(EXIT)].concat();
        for end in 0..whole.len() {
            let out = relayed(&whole[..end]);
            let complete = usize::from(end >= frame(HOVER).len());
            assert_eq!(out.len(), complete, "cut at {end}");
        }
        // A declared length far beyond what follows, and one over the limit.
        assert!(relayed(b"Content-Length: 99999999999\r\n\r\n{}").is_empty());
        assert!(relayed(format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1).as_bytes()).is_empty());
    }
    fn ids(out: &[String]) -> Vec<Value> {
        out.iter()
            .map(|m| serde_json::from_str::<Value>(m).unwrap()["id"].clone())
            .collect()
    }

    #[test]
    fn ids_the_server_cannot_hold_are_answered_as_null() {
        let mut input = Vec::new();
        for id in ["1.5", "1e2", "9223372036854775808", "-3", "\"s\""] {
            let body = format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#
            );
            input.extend_from_slice(&frame(body.as_bytes()));
        }
        let out = relayed(&input);
        assert_eq!(
            ids(&out),
            [json!(null), json!(null), json!(null), json!(-3), json!("s")]
        );
        let methods: Vec<Value> = out
            .iter()
            .map(|m| serde_json::from_str::<Value>(m).unwrap()["method"].clone())
            .collect();
        assert_eq!(
            methods[..3],
            [
                json!(INVALID_REQUEST),
                json!(INVALID_REQUEST),
                json!(INVALID_REQUEST)
            ]
        );
        assert_eq!(methods[3], "textDocument/hover");
    }
}
