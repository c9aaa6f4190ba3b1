//! The byte stream from the client, checked frame by frame before tower-lsp-server reads it.
//!
//! tower-lsp-server stops reading, and the server exits, at the first message it cannot decode
//! (tokio-util ends a framed stream after any decoder error): a body that is not JSON, not
//! UTF-8 or not a JSON-RPC message, a header block without a usable `Content-Length`, a
//! charset other than UTF-8. [`relay`] reads the frames itself and passes on, re-framed, only
//! messages the server decodes. A broken message is logged and skipped; one that still shows a
//! request's `id` and `method` becomes a call of [`INVALID_REQUEST`], so that the client gets an
//! error response instead of waiting forever. Bytes that are in no frame (garbage, or a frame
//! whose `Content-Length` was wrong) are skipped, with a log line, up to the next
//! `Content-Length:` header, wherever it appears.

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method a broken request is turned into; its handler answers with an `InvalidRequest`
/// error that says what was wrong.
pub(crate) const INVALID_REQUEST: &str = "nomen/invalidRequest";

/// Bodies above this size are skipped unread (a 10 MB document is about 10 MB of JSON).
const MAX_BODY: usize = 512 << 20;

/// A pause in a body after which a whole message already read is taken as the body (its
/// declared length was too long).
const STALL: std::time::Duration = std::time::Duration::from_millis(500);

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
    let mut frames = Frames::new(input);
    let mut ending = Ending::Closed;
    loop {
        let body = match frames.next().await {
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

/// The header that starts a frame; reading resynchronises on it wherever it appears.
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// The client's byte stream cut into frames. Bytes that belong to no frame (garbage, or the
/// rest of a frame whose `Content-Length` was wrong) are skipped up to the next
/// `Content-Length:` header, wherever it appears, and reported once with a preview.
struct Frames<R> {
    input: R,
    /// Bytes read and not consumed yet.
    buf: Vec<u8>,
    /// Bytes skipped since the last frame, and the first of them.
    skipped: usize,
    preview: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Frames<R> {
    fn new(input: R) -> Frames<R> {
        Frames {
            input,
            buf: Vec::new(),
            skipped: 0,
            preview: Vec::new(),
        }
    }

    /// Reads more input into the buffer; `false` at the end of the input.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0; 8 << 10];
        match self.input.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Drops the first `n` buffered bytes as belonging to no frame.
    fn skip(&mut self, n: usize) {
        let room = 80usize.saturating_sub(self.preview.len()).min(n);
        self.preview.extend_from_slice(&self.buf[..room]);
        self.skipped += n;
        self.buf.drain(..n);
    }

    /// What was skipped since the last frame, as a report; `None` if nothing was.
    fn skipped_report(&mut self) -> Option<Frame> {
        if self.skipped == 0 {
            return None;
        }
        let why = format!(
            "{} bytes that were not a message, up to the next Content-Length header: {:?}",
            self.skipped,
            String::from_utf8_lossy(&self.preview)
        );
        self.skipped = 0;
        self.preview.clear();
        Some(Frame::Skipped(why))
    }

    /// The next frame: header lines up to an empty line, then `Content-Length` bytes.
    async fn next(&mut self) -> Frame {
        let mut length: Option<Result<usize, String>> = None;
        let mut headers = false;
        let length = loop {
            let Some(nl) = self.buf.iter().position(|b| *b == b'\n') else {
                if let Some(at) = find_header(&self.buf).filter(|at| *at > 0) {
                    self.skip(at);
                } else if self.buf.len() > MAX_HEADER_LINE {
                    // A line longer than any header: keep only what could begin one.
                    self.skip(self.buf.len() - (CONTENT_LENGTH.len() - 1));
                } else if !self.fill().await {
                    return self.skipped_report().unwrap_or(Frame::End);
                }
                continue;
            };
            match find_header(&self.buf[..nl]) {
                Some(0) => {
                    if let Some(report) = self.skipped_report() {
                        return report;
                    }
                }
                Some(at) => {
                    // A header after bytes that belong to no frame: start over from it.
                    self.skip(at);
                    length = None;
                    headers = false;
                    continue;
                }
                None => {}
            }
            let line = String::from_utf8_lossy(&self.buf[..nl]).into_owned();
            let text = line.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                self.buf.drain(..=nl);
                match length {
                    Some(Ok(length)) => break length,
                    Some(Err(why)) => return Frame::Skipped(why),
                    None if headers => {
                        return Frame::Skipped("a header block without Content-Length".into());
                    }
                    // Blank lines between messages.
                    None => continue,
                }
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
                Some((name, _)) if !name.is_empty() && name.bytes().all(is_token_byte) => {
                    headers = true;
                }
                _ => {
                    self.skip(nl + 1);
                    length = None;
                    headers = false;
                    continue;
                }
            }
            self.buf.drain(..=nl);
        };
        if let Some(report) = self.skipped_report() {
            tracing::warn!("skipped a message from the client: {report:?}");
        }
        if length > MAX_BODY {
            return self.skip_body(length).await;
        }
        let mut body = if self.buf.len() >= length {
            let rest = self.buf.split_off(length);
            std::mem::replace(&mut self.buf, rest)
        } else {
            match self.read_body(length).await {
                Some(body) => body,
                None => return Frame::End,
            }
        };
        if let Some(end) = first_value_end(&body) {
            // The declared length was too long: what follows the message is the start of the
            // next one.
            let rest = body.split_off(end);
            tracing::warn!(
                "a Content-Length {} bytes too long; reading on after the message",
                rest.len()
            );
            self.buf.splice(..0, rest);
        }
        Frame::Body(body)
    }

    /// Reads a body of `length` bytes, the buffered ones first. When the input ends or pauses
    /// for [`STALL`] while what came is a whole JSON message, the declared length was too long
    /// and nothing follows yet (the client waits for the answer): that message is the body.
    /// `None` at the end of the input otherwise.
    async fn read_body(&mut self, length: usize) -> Option<Vec<u8>> {
        let mut body = std::mem::take(&mut self.buf);
        let mut chunk = vec![0; (length - body.len()).min(64 << 10)];
        while body.len() < length {
            let want = (length - body.len()).min(chunk.len());
            let read = tokio::time::timeout(STALL, self.input.read(&mut chunk[..want])).await;
            match read {
                Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
                // The end of the input, or a pause.
                ended => {
                    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
                        tracing::warn!(
                            "a Content-Length {} bytes too long; taking the message that came",
                            length - body.len()
                        );
                        return Some(body);
                    }
                    // Not a pause (the timeout did not fire): the input ended.
                    if ended.is_ok() {
                        return None;
                    }
                }
            }
        }
        Some(body)
    }

    /// Skips a body over the size limit without keeping it.
    async fn skip_body(&mut self, length: usize) -> Frame {
        let buffered = self.buf.len().min(length);
        self.buf.drain(..buffered);
        let left = (length - buffered) as u64;
        let skipped = tokio::io::copy(&mut (&mut self.input).take(left), &mut tokio::io::sink())
            .await
            .unwrap_or(0);
        if skipped < left {
            return Frame::End;
        }
        Frame::Skipped(format!(
            "a body of {length} bytes, over the limit of {MAX_BODY}"
        ))
    }
}

/// Where `Content-Length:` begins in `bytes` (in any case), if it does.
fn find_header(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(CONTENT_LENGTH.len())
        .position(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// Where the first JSON value of `body` ends, when something other than white space follows
/// it: the body holds a whole message and the start of the next.
fn first_value_end(body: &[u8]) -> Option<usize> {
    let mut values =
        serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let end = values.byte_offset();
    body[end..]
        .iter()
        .any(|b| !b.is_ascii_whitespace())
        .then_some(end)
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
            .enable_time()
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
        // A declared length beyond a whole message, and nothing after it: the message.
        let long = format!("Content-Length: {}\r\n\r\n", HOVER.len() + 10);
        let out = relayed(&[long.as_bytes(), HOVER].concat());
        assert_eq!(out, [String::from_utf8(HOVER.to_vec()).unwrap()]);
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
    fn a_wrong_length_or_garbage_loses_at_most_one_message() {
        let hover = |id: i64| {
            format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#)
        };
        // The declared length of the first message is off by `delta`, or garbage with no line
        // break comes before it.
        for (delta, garbage, first) in [
            (1, "", true),
            (10, "", true),
            (-1, "", false),
            (0, "garbage with no line break", true),
        ] {
            let body = hover(1);
            let mut input = garbage.as_bytes().to_vec();
            let length = body.len() as i64 + delta;
            input.extend_from_slice(format!("Content-Length: {length}\r\n\r\n{body}").as_bytes());
            for id in 2..5 {
                input.extend_from_slice(&frame(hover(id).as_bytes()));
            }
            let expected: Vec<Value> = (1..5)
                .filter(|id| first || *id > 1)
                .map(Value::from)
                .collect();
            assert_eq!(
                ids(&relayed(&input)),
                expected,
                "delta {delta}, garbage {garbage:?}"
            );
        }
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
