//! The workspace's files, for the command line and the server alike: reading documents and
//! knowledge files, finding, layering and writing the knowledge files, and atomic writes.
//!
//! Every read of a file nomen is pointed at goes through [`read_text`]: only regular files,
//! never more than a size cap, as UTF-8 text, so that a path that names a FIFO (whose reader
//! would wait forever), a device (`/dev/zero` never ends) or a huge file is refused by name
//! instead of hanging nomen or filling its memory. Shell code: it does IO, and it is blocking,
//! so the server calls it on the blocking pool, never on the async runtime's threads. The pure
//! parsing and layering of a knowledge base are in `kb`.

pub mod annotations;
mod atomic;
pub mod knowledge;
pub mod learned;

pub use atomic::write_atomic;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The documents' cap: a larger document is not read (the server's `maxDocumentBytes` default).
pub const MAX_DOCUMENT_BYTES: u64 = 8 << 20;
/// The knowledge files' cap. 100,000 entities take about 10 to 20 MB of JSON Lines or TOML; the
/// knowledge base built from a file takes about five times its size at its peak (a 50 MB file:
/// see docs/benchmarks.md), so the cap bounds the server's memory at a few hundred megabytes.
pub const MAX_KNOWLEDGE_BYTES: u64 = 64 << 20;

/// Why a file was not read; shown with its path.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub kind: ReadErrorKind,
}

#[derive(Debug)]
pub enum ReadErrorKind {
    NotFound,
    /// A directory, FIFO, socket or device: what it is.
    NotAFile(&'static str),
    TooLarge {
        size: u64,
        max: u64,
    },
    /// It holds NUL bytes.
    Binary,
    /// Where the first byte that is not UTF-8 is.
    NotUtf8(usize),
    Io(std::io::Error),
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, ReadErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            ReadErrorKind::NotFound => write!(f, "{path}: no such file"),
            ReadErrorKind::NotAFile(what) => write!(f, "{path}: not a regular file ({what})"),
            ReadErrorKind::TooLarge { size, max } => {
                write!(f, "{path}: {size} bytes, over the cap of {max} bytes")
            }
            ReadErrorKind::Binary => {
                write!(
                    f,
                    "{path}: looks like a binary file (it contains NUL bytes)"
                )
            }
            ReadErrorKind::NotUtf8(offset) => {
                write!(
                    f,
                    "{path}: not UTF-8 text (invalid byte at offset {offset})"
                )
            }
            ReadErrorKind::Io(e) => write!(f, "{path}: cannot read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a regular file of at most `max_bytes` as UTF-8 text. A symbolic link is followed; what
/// it leads to must be a regular file too.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, ReadError> {
    let error = |kind| ReadError {
        path: path.to_path_buf(),
        kind,
    };
    let bytes = read_bytes(path, max_bytes)?;
    if bytes.contains(&0) {
        return Err(error(ReadErrorKind::Binary));
    }
    String::from_utf8(bytes)
        .map_err(|e| error(ReadErrorKind::NotUtf8(e.utf8_error().valid_up_to())))
}

/// Reads a regular file of at most `max_bytes` as bytes, with [`read_text`]'s checks.
pub fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let error = |kind| ReadError {
        path: path.to_path_buf(),
        kind,
    };
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => error(ReadErrorKind::NotFound),
        _ => error(ReadErrorKind::Io(e)),
    };
    // Looked at before opening: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path).map_err(io)?;
    regular(&meta, max_bytes).map_err(error)?;
    let file = std::fs::File::open(path).map_err(io)?;
    // And again once open, in case the path changed in between; the read is capped anyway.
    let meta = file.metadata().map_err(io)?;
    regular(&meta, max_bytes).map_err(error)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(error(ReadErrorKind::TooLarge {
            size: meta.len().max(bytes.len() as u64),
            max: max_bytes,
        }));
    }
    Ok(bytes)
}

fn regular(meta: &std::fs::Metadata, max_bytes: u64) -> Result<(), ReadErrorKind> {
    if !meta.is_file() {
        return Err(ReadErrorKind::NotAFile(what(&meta.file_type())));
    }
    if meta.len() > max_bytes {
        return Err(ReadErrorKind::TooLarge {
            size: meta.len(),
            max: max_bytes,
        });
    }
    Ok(())
}

#[cfg(unix)]
fn what(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn what(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::{ReadErrorKind, read_text};

    #[test]
    fn only_regular_files_under_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.txt");
        std::fs::write(&good, "Paris").unwrap();
        assert_eq!(read_text(&good, 5).unwrap(), "Paris");
        // No cap at all reads the whole file (the cap plus one byte must not overflow).
        assert_eq!(read_text(&good, u64::MAX).unwrap(), "Paris");
        let big = read_text(&good, 4).unwrap_err();
        assert!(matches!(
            big.kind,
            ReadErrorKind::TooLarge { size: 5, max: 4 }
        ));

        let zero = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = read_text(&zero, 1 << 20).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: not a regular file (a device)", zero.display())
        );

        let fifo = dir.path().join("fifo.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Refused without being opened: opening it would wait for a writer forever.
            let e = read_text(&fifo, 1 << 20).unwrap_err();
            assert!(matches!(e.kind, ReadErrorKind::NotAFile("a FIFO")), "{e}");
        }

        assert!(read_text(dir.path(), 1 << 20).is_err());
        assert!(
            read_text(&dir.path().join("none"), 1)
                .unwrap_err()
                .is_not_found()
        );
        std::fs::write(&good, b"a\0b").unwrap();
        assert!(matches!(
            read_text(&good, 10).unwrap_err().kind,
            ReadErrorKind::Binary
        ));
    }
}
