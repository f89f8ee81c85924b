//! Writing output files. A regular file (or a new one) is replaced
//! atomically: a temporary file next to it, then a rename, so a failed run
//! leaves the old file or none, never half of one. A device or a pipe
//! (`/dev/null`, a FIFO) is written directly: a rename would replace the
//! node with a regular file. A symbolic link is followed, so the file it
//! points at is written and the link stays.

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How to write to a path the user gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A regular file, or none yet: replace it atomically at this path
    /// (the end of any symbolic links).
    Replace(PathBuf),
    /// Something else that exists (a device, a pipe): open this path and
    /// write to it.
    Direct(PathBuf),
}

/// Decides how to write to `path`, following symbolic links, also one to a
/// file that does not exist yet.
pub fn target(path: &Path) -> Result<Target> {
    let real = follow_links(path).with_context(|| format!("cannot write {}", path.display()))?;
    match std::fs::metadata(&real) {
        Ok(meta) if meta.is_dir() => bail!(
            "cannot write {}: it is a directory; give a file name, e.g. {}",
            path.display(),
            path.join("out.txt").display()
        ),
        Ok(meta) if !meta.is_file() => Ok(Target::Direct(real)),
        _ => Ok(Target::Replace(real)),
    }
}

/// The path at the end of the symbolic links starting at `path` (only the
/// last component: a link to a directory on the way is fine for a rename).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as Linux follows before giving up with ELOOP.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&path)?;
                // A relative link is relative to the directory it is in.
                path = match path.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(
        "too many levels of symbolic links (a loop?)",
    ))
}

/// Writes `bytes` to `path` (see the module comment for how).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    match target(path)? {
        Target::Replace(real) => replace(path, &real, "", |tmp| {
            std::fs::write(tmp, bytes).with_context(|| format!("cannot write {}", path.display()))
        }),
        Target::Direct(real) => write_direct(path, &real, bytes),
    }
}

/// Writes to `path` through `produce`, which writes a whole file at the
/// path it is given: a temporary file whose name ends in `suffix` (an
/// encoder that picks the format from the extension needs it).
pub fn write_with(
    path: &Path,
    suffix: &str,
    produce: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    match target(path)? {
        Target::Replace(real) => replace(path, &real, suffix, produce),
        Target::Direct(real) => {
            // Staged in the system's temporary directory (the device's own,
            // like /dev, is seldom writable), then copied over.
            let tmp = std::env::temp_dir().join(temp_name(&real, suffix));
            let written = produce(&tmp).and_then(|()| {
                let staged = File::open(&tmp)
                    .with_context(|| format!("cannot read back {}", tmp.display()))?;
                write_direct(path, &real, staged)
            });
            let _ = std::fs::remove_file(&tmp);
            written
        }
    }
}

/// Replaces the regular file `real` (where `path` leads) atomically with
/// what `produce` writes; on any failure, removes the temporary file.
fn replace(
    path: &Path,
    real: &Path,
    suffix: &str,
    produce: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let tmp = temp_beside(path, real, suffix)?;
    let written = produce(&tmp).and_then(|()| {
        std::fs::rename(&tmp, real).with_context(|| format!("cannot write {}", path.display()))
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Opens `real` (a device or a pipe, where `path` leads) without replacing
/// or creating it, and copies `from` into it.
fn write_direct(path: &Path, real: &Path, mut from: impl io::Read) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let mut out = OpenOptions::new()
        .write(true)
        .open(real)
        .with_context(context)?;
    io::copy(&mut from, &mut out).with_context(context)?;
    out.flush().with_context(context)
}

/// Creates an empty temporary file next to `real`, so the rename stays on
/// one file system. A failure names the path the user gave, not the hidden
/// temporary file, and says why.
fn temp_beside(path: &Path, real: &Path, suffix: &str) -> Result<PathBuf> {
    let dir = real
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(temp_name(real, suffix));
    if let Err(e) = File::create(&tmp) {
        let why = match e.kind() {
            io::ErrorKind::NotFound => format!("the directory {} does not exist", dir.display()),
            io::ErrorKind::PermissionDenied => {
                format!(
                    "Permission denied (the directory {} is not writable)",
                    dir.display()
                )
            }
            _ => e.to_string(),
        };
        bail!("cannot write {}: {why}", path.display());
    }
    Ok(tmp)
}

/// `.NAME.tmp-PID` plus `suffix`: hidden, and unique to this process.
fn temp_name(path: &Path, suffix: &str) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!(".{name}.tmp-{}{suffix}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_or_regular_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.txt");
        assert_eq!(target(&new).unwrap(), Target::Replace(new.clone()));
        std::fs::write(&new, "old").unwrap();
        assert_eq!(target(&new).unwrap(), Target::Replace(new));
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let msg = target(dir.path()).unwrap_err().to_string();
        assert!(msg.contains("it is a directory"), "{msg}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_or_socket_is_written_directly() {
        use std::os::unix::fs::symlink;
        // /dev/null is only looked at here, never written.
        let null = Path::new("/dev/null");
        assert_eq!(target(null).unwrap(), Target::Direct(null.into()));
        // A socket file is another node that is not a regular file, and any
        // user can make one.
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        assert_eq!(target(&socket).unwrap(), Target::Direct(socket.clone()));
        // Through a link, the device itself is written and the link stays.
        let link = dir.path().join("null-link");
        symlink(null, &link).unwrap();
        assert_eq!(target(&link).unwrap(), Target::Direct(null.into()));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_to_the_file() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real.txt");
        std::fs::write(&file, "old").unwrap();
        let link = dir.path().join("link.txt");
        symlink("real.txt", &link).unwrap();
        assert_eq!(target(&link).unwrap(), Target::Replace(file.clone()));
        // A link to a link to a file not written yet.
        let dangling = dir.path().join("dangling.txt");
        symlink("missing.txt", &dangling).unwrap();
        let chain = dir.path().join("chain.txt");
        symlink(&dangling, &chain).unwrap();
        assert_eq!(
            target(&chain).unwrap(),
            Target::Replace(dir.path().join("missing.txt"))
        );
        let looped = dir.path().join("loop.txt");
        symlink("loop.txt", &looped).unwrap();
        assert!(target(&looped).is_err());
    }
}
