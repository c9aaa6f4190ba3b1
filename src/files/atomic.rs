//! Atomic writes: readers see a file's old content or its new, never a part.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes a file so that readers see the old content or the new, never a part: a temporary
/// file in the same directory, then a rename. A file that existed keeps its permissions; a new
/// one is readable by all (the temporary file alone would make it private). A symbolic link is
/// followed: the file it points to is replaced, the link stays.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let resolved;
    let path = if path.is_symlink() {
        resolved = std::fs::canonicalize(path)
            .with_context(|| format!("{}: cannot follow the link", path.display()))?;
        resolved.as_path()
    } else {
        path
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot write", dir.display()))?;
    tmp.write_all(bytes)?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => new_file_permissions(tmp.as_file())?,
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions(_: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::write_atomic;

    #[test]
    fn atomic_writes_keep_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let fresh = dir.path().join("new.toml");
        write_atomic(&fresh, b"a").unwrap();
        assert_eq!(mode(&fresh), 0o644);
        let shared = dir.path().join("team.toml");
        std::fs::write(&shared, b"old").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic(&shared, b"new").unwrap();
        assert_eq!(mode(&shared), 0o664);
        assert_eq!(std::fs::read(&shared).unwrap(), b"new");
        // Through a link: the target changes, the link stays a link.
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&shared, &link).unwrap();
        write_atomic(&link, b"newer").unwrap();
        assert!(link.is_symlink());
        assert_eq!(std::fs::read(&shared).unwrap(), b"newer");
    }
}
