//! Writing the files the user names (`-o`, `--chart`, `--charts`).
//!
//! - A regular file, or a new one, is replaced atomically: the bytes go to
//!   a temporary file beside it, created exclusively (`O_EXCL`) under an
//!   unpredictable name (`.NAME.tmp-XXXXXX`), so a symbolic link planted in
//!   the directory is never followed; then it is renamed over the file. A
//!   failed or interrupted run leaves the old file or none, never half of
//!   one.
//! - A replaced file keeps its permissions (and its owner and group where
//!   this user may set them); a new file gets 0666 less the umask, as with
//!   the shell's `>`. A read-only file (no write permission at all, or none
//!   for this user) is refused, not replaced.
//! - A device or a pipe (`/dev/null`, a FIFO) is written directly: a rename
//!   would replace the node with a regular file. A symbolic link is
//!   followed, so the file it points at is written and the link stays.
//! - The files of one command are one [`Batch`]: every file is written to
//!   its temporary file first, then all are renamed into place together, so
//!   a chart set is whole or absent.
//! - Temporary files (and a `--charts` directory made for them) are removed
//!   when writing fails and, once one exists, when SIGINT, SIGTERM or SIGHUP
//!   arrives, before the process dies of that signal ([`leftovers`]).
//! - [`check`] refuses, before anything is simulated, an output that is the
//!   scenario being read, two outputs that are one file, and places that
//!   cannot be written.

use anyhow::{anyhow, bail, Context, Result};
use leftovers::{Kind, Leftover};
use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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
    match fs::metadata(&real) {
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
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = fs::read_link(&path)?;
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

/// The directory `path` is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Which file a path names, whatever way it is spelt (`s.yaml`,
/// `./s.yaml`, a link to it, a hard link): the file's device and inode, or
/// for a file not written yet, its directory's and its name.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    Existing { dev: u64, ino: u64 },
    New { dev: u64, ino: u64, name: OsString },
}

/// The identity of `real` (where the user's `path` leads).
fn identity(path: &Path, real: &Path) -> Result<Identity> {
    let context = || format!("cannot write {}", path.display());
    match fs::metadata(real) {
        Ok(meta) => Ok(Identity::Existing {
            dev: meta.dev(),
            ino: meta.ino(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = parent_of(real);
            let meta = fs::metadata(dir).map_err(|e| cannot_create(path, dir, &e))?;
            Ok(Identity::New {
                dev: meta.dev(),
                ino: meta.ino(),
                name: real.file_name().with_context(context)?.to_owned(),
            })
        }
        Err(e) => Err(e).with_context(context),
    }
}

/// An output named on the command line, for [`check`].
#[derive(Debug, Clone, Copy)]
pub enum Planned<'a> {
    /// A file, when given: the flag that names it (`-o`, `--chart`) and
    /// its path.
    File(&'a str, Option<&'a Path>),
    /// A directory of files (`--charts DIR`), when given.
    Dir(&'a str, Option<&'a Path>),
}

/// Checks, before anything is simulated, that the outputs a command will
/// write can be written: none is the scenario being read, no two are the
/// same file, none is read-only, and each directory exists and takes new
/// files (tried with an empty temporary file, removed at once). Devices and
/// pipes are not checked: they are written as they are.
pub fn check(scenario: &Path, planned: &[Planned<'_>]) -> Result<()> {
    let input = fs::metadata(scenario)
        .ok()
        .filter(Metadata::is_file)
        .map(|meta| Identity::Existing {
            dev: meta.dev(),
            ino: meta.ino(),
        });
    let mut seen: Vec<(Identity, &Path, &str)> = Vec::new();
    // Directories first: a file may go into one not made yet.
    for plan in planned {
        if let Planned::Dir(flag, Some(dir)) = *plan {
            if existing_dir(dir)? {
                drop(create_temp(dir, &dir.join("probe"), false)?);
            } else {
                drop(create_temp(dir, dir, false)?);
            }
            seen.push((identity(dir, dir)?, dir, flag));
        }
    }
    let planned_dirs = seen.len();
    for plan in planned {
        let Planned::File(flag, Some(path)) = *plan else {
            continue;
        };
        let Target::Replace(real) = target(path)? else {
            continue;
        };
        let dir = parent_of(&real);
        if !dir.exists() {
            let dir_id = identity(dir, dir)?;
            if seen[..planned_dirs].iter().any(|(id, ..)| *id == dir_id) {
                // Checked when it is written, with the files made there.
                continue;
            }
        }
        if let Ok(meta) = fs::metadata(&real) {
            refuse_read_only(path, &real, &meta)?;
        }
        drop(create_temp(path, &real, false)?);
        let id = identity(path, &real)?;
        if input.as_ref() == Some(&id) {
            bail!(
                "cannot write {} ({flag}): it is the scenario being read ({}); give another file name",
                path.display(),
                scenario.display()
            );
        }
        if let Some((_, other, other_flag)) = seen.iter().find(|(seen, ..)| *seen == id) {
            bail!(
                "cannot write {} ({flag}): it is the same file as {} ({other_flag}), and one would overwrite the other; give each its own file name",
                path.display(),
                other.display()
            );
        }
        seen.push((id, path, flag));
    }
    Ok(())
}

/// Whether `dir` (for a set of files) exists; an error when it is not a
/// directory, or when it is missing and so is its parent (only the last
/// directory is made, like `mkdir` without `-p`).
fn existing_dir(dir: &Path) -> Result<bool> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(true),
        Ok(_) => bail!(
            "cannot write into {}: it is a file, not a directory; give a directory, e.g. charts/",
            dir.display()
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let parent = parent_of(dir);
            if !parent.is_dir() {
                bail!(
                    "cannot make the directory {}: the directory {} does not exist; create it first (only the last directory is made)",
                    dir.display(),
                    parent.display()
                );
            }
            Ok(false)
        }
        Err(e) => Err(e).with_context(|| format!("cannot write into {}", dir.display())),
    }
}

/// The files one command writes: each is written to a temporary file as it
/// is added, and [`Batch::commit`] renames them all into place at once (an
/// interrupt waits for the renames to finish). Dropped without a commit,
/// it removes its temporary files and any directory it made.
#[derive(Default)]
pub struct Batch {
    /// Before `dirs`: dropped first, so a directory made for the batch is
    /// empty by the time it is removed.
    files: Vec<Staged>,
    direct: Vec<Direct>,
    dirs: Vec<Leftover>,
}

/// A file written to its temporary file, waiting for the rename.
struct Staged {
    /// The path the user gave, for messages.
    shown: PathBuf,
    /// Where it goes (the end of the user's symbolic links).
    real: PathBuf,
    identity: Identity,
    temp: Leftover,
}

/// Bytes for a device or a pipe, written after the renames.
struct Direct {
    shown: PathBuf,
    real: PathBuf,
    bytes: Vec<u8>,
}

impl Batch {
    /// Makes the directory `dir` for files of this batch when it does not
    /// exist yet (its parent must); it is removed again, if still empty,
    /// when the batch is not committed.
    pub fn dir(&mut self, dir: &Path) -> Result<()> {
        if existing_dir(dir)? {
            return Ok(());
        }
        let ((), made) = leftovers::create(Kind::EmptyDir, || {
            fs::create_dir(dir).map(|()| ((), dir.to_path_buf()))
        })
        .map_err(|e| cannot_create(dir, parent_of(dir), &e))?;
        self.dirs.push(made);
        Ok(())
    }

    /// Writes `bytes` for `path` to a temporary file beside it (a device or
    /// a pipe: keeps them for the commit). Refuses a path already in the
    /// batch under any spelling.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let real = match target(path)? {
            Target::Replace(real) => real,
            Target::Direct(real) => {
                self.direct.push(Direct {
                    shown: path.to_path_buf(),
                    real,
                    bytes: bytes.to_vec(),
                });
                return Ok(());
            }
        };
        let identity = identity(path, &real)?;
        if let Some(other) = self.files.iter().find(|f| f.identity == identity) {
            bail!(
                "cannot write {}: {} is written in this run already, and one would overwrite the other; give each its own file name",
                path.display(),
                other.shown.display()
            );
        }
        let temp = stage(path, &real, bytes)?;
        self.files.push(Staged {
            shown: path.to_path_buf(),
            real,
            identity,
            temp,
        });
        Ok(())
    }

    /// Renames every file into place, then writes the devices and pipes.
    pub fn commit(self) -> Result<()> {
        let Batch {
            files,
            direct,
            dirs,
        } = self;
        let mut failed = None;
        let mut unused = Vec::new();
        {
            let mut commit = leftovers::commit();
            let mut files = files.into_iter();
            for f in files.by_ref() {
                match fs::rename(f.temp.path(), &f.real) {
                    Ok(()) => commit.keep(f.temp),
                    Err(e) => {
                        failed =
                            Some(anyhow!(e).context(format!("cannot write {}", f.shown.display())));
                        unused.push(f);
                        break;
                    }
                }
            }
            unused.extend(files);
            for dir in dirs {
                commit.keep(dir);
            }
        }
        // Removed outside the lock (a drop takes it).
        drop(unused);
        if let Some(e) = failed {
            return Err(e);
        }
        for d in direct {
            write_direct(&d.shown, &d.real, &d.bytes)?;
        }
        Ok(())
    }
}

/// Writes `bytes` to a new temporary file beside `real` (where the user's
/// `path` leads), with the permissions `real` has, if it exists.
fn stage(path: &Path, real: &Path, bytes: &[u8]) -> Result<Leftover> {
    let context = || format!("cannot write {}", path.display());
    let existing = match fs::metadata(real) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(context),
    };
    if let Some(meta) = &existing {
        refuse_read_only(path, real, meta)?;
    }
    let (mut file, temp) = create_temp(path, real, existing.is_none())?;
    file.write_all(bytes).with_context(context)?;
    if let Some(meta) = &existing {
        keep_owner_and_mode(&file, meta).with_context(context)?;
    }
    Ok(temp)
}

/// Refuses to replace a read-only file: one with no write permission at
/// all (someone meant it not to change; also for root, who could), or one
/// this user may not write (the shell's `>` would fail too).
fn refuse_read_only(path: &Path, real: &Path, meta: &Metadata) -> Result<()> {
    let mode = meta.mode() & 0o777;
    if mode & 0o222 == 0 || !may_write(real) {
        bail!(
            "cannot write {}: it is read-only (mode {mode:04o}); make it writable first (chmod u+w {}) or choose another file",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

/// Whether this user may write `path`, as access(2) judges it.
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    // SAFETY: a valid NUL-terminated string; access reads it and nothing else.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

/// Gives the temporary `file` the mode of the file it replaces, and its
/// owner and group where allowed (root may; a member of the group may set
/// the group), so replacing a file changes its bytes only.
fn keep_owner_and_mode(file: &File, meta: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::fchown;
    if fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        let _ = fchown(file, None, Some(meta.gid()));
    }
    // After the chown, which may clear set-id bits; those are not kept.
    file.set_permissions(Permissions::from_mode(meta.mode() & 0o777))
}

/// Creates an empty temporary file `.NAME.tmp-XXXXXX` beside `real`, so the
/// rename stays on one file system: exclusively, under a random name,
/// registered for removal. A new file is made 0666 less the umask (the
/// kernel applies it), a replacement 0600 until its mode is set. A failure
/// names the path the user gave, not the temporary file, and says why.
fn create_temp(path: &Path, real: &Path, new_file: bool) -> Result<(File, Leftover)> {
    let dir = parent_of(real);
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    if new_file {
        builder.permissions(Permissions::from_mode(0o666));
    }
    leftovers::create(Kind::File, || {
        let (file, temp) = builder.tempfile_in(dir)?.into_parts();
        let temp = temp.keep().map_err(|e| e.error)?;
        Ok((file, temp))
    })
    .map_err(|e| cannot_create(path, dir, &e))
}

/// Why a file for `path` could not be made in `dir`. Says what the error
/// means there, in words that name no temporary file.
fn cannot_create(path: &Path, dir: &Path, e: &io::Error) -> anyhow::Error {
    let why = match e.kind() {
        io::ErrorKind::NotFound if dir.is_dir() => format!(
            "the file system does not allow new files in {} (only existing ones can be written there)",
            dir.display()
        ),
        io::ErrorKind::NotFound => format!("the directory {} does not exist", dir.display()),
        io::ErrorKind::PermissionDenied => format!(
            "Permission denied (the directory {} is not writable)",
            dir.display()
        ),
        io::ErrorKind::ReadOnlyFilesystem => {
            format!("the file system of {} is read-only", dir.display())
        }
        io::ErrorKind::StorageFull => format!("no space left in {}", dir.display()),
        // The kind's words: the error's own text would name the temporary file.
        kind => io::Error::from(kind).to_string(),
    };
    anyhow!("cannot write {}: {why}", path.display())
}

/// Opens `real` (a device or a pipe, where `path` leads) without replacing
/// or creating it, and writes `bytes` into it.
fn write_direct(path: &Path, real: &Path, bytes: &[u8]) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let mut out = OpenOptions::new()
        .write(true)
        .open(real)
        .with_context(context)?;
    out.write_all(bytes).with_context(context)?;
    out.flush().with_context(context)
}

/// Temporary paths to remove when a command fails or is interrupted.
///
/// Every temporary path is registered the moment it is made, under one
/// lock; the first time, a thread is started that waits for SIGINT,
/// SIGTERM or SIGHUP, removes every registered path under that lock, and
/// lets the signal end the process as it would have (so a shell sees
/// "interrupted", exit status 130 for Ctrl-C). Renames into place take the
/// same lock, so an interrupt lands before a batch's renames or after all
/// of them. A signal the process was started ignoring (`nohup`, a
/// background job of a script) stays ignored.
mod leftovers {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard, Once, PoisonError};
    use std::{fs, io};

    /// What a registered path is, and so how it is removed.
    #[derive(Debug, Clone, Copy)]
    pub enum Kind {
        /// A temporary file.
        File,
        /// A directory made for output files: removed only if empty.
        EmptyDir,
    }

    impl Kind {
        /// Removes `path`; what is already gone is no error.
        fn remove(self, path: &Path) {
            let _ = match self {
                Kind::File => fs::remove_file(path),
                Kind::EmptyDir => fs::remove_dir(path),
            };
        }
    }

    /// The paths to remove, by registration number (later ones may be
    /// inside earlier ones: removed in reverse).
    pub struct Registry {
        next: u64,
        live: BTreeMap<u64, (Kind, PathBuf)>,
    }

    static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
        next: 0,
        live: BTreeMap::new(),
    });

    fn lock() -> MutexGuard<'static, Registry> {
        REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
    }

    impl Registry {
        fn remove_all(&mut self) {
            while let Some((_, (kind, path))) = self.live.pop_last() {
                kind.remove(&path);
            }
        }
    }

    /// A registered temporary path: removed when dropped unless kept, and
    /// removed if the process is interrupted first.
    #[must_use = "dropping it removes the path"]
    pub struct Leftover {
        id: u64,
        path: PathBuf,
        kept: bool,
    }

    impl Leftover {
        /// The temporary path.
        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for Leftover {
        fn drop(&mut self) {
            if self.kept {
                return;
            }
            if let Some((kind, path)) = lock().live.remove(&self.id) {
                kind.remove(&path);
            }
        }
    }

    /// Makes a path with `make` (which returns it) and registers it, with
    /// no moment between the two at which an interrupt would leave it.
    pub fn create<T>(
        kind: Kind,
        make: impl FnOnce() -> io::Result<(T, PathBuf)>,
    ) -> io::Result<(T, Leftover)> {
        remove_on_signal();
        let mut registry = lock();
        let (made, path) = make()?;
        let id = registry.next;
        registry.next += 1;
        registry.live.insert(id, (kind, path.clone()));
        Ok((
            made,
            Leftover {
                id,
                path,
                kept: false,
            },
        ))
    }

    /// The lock held while a batch's files are renamed into place: an
    /// interrupt waits until they all are.
    pub struct Commit(MutexGuard<'static, Registry>);

    /// Takes the lock for renaming files into place.
    pub fn commit() -> Commit {
        Commit(lock())
    }

    impl Commit {
        /// `leftover` is in place now: no longer to be removed.
        pub fn keep(&mut self, mut leftover: Leftover) {
            self.0.live.remove(&leftover.id);
            leftover.kept = true;
        }
    }

    /// Starts, once, the thread that removes the registered paths on
    /// SIGINT, SIGTERM or SIGHUP, then dies of the signal.
    fn remove_on_signal() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        static START: Once = Once::new();
        START.call_once(|| {
            let caught: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
                .into_iter()
                .filter(|&signal| !ignored(signal))
                .collect();
            let Ok(mut signals) = signal_hook::iterator::Signals::new(caught) else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("remove temporary files on a signal".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        // Held until the process ends: nothing is renamed
                        // into place or made after this.
                        let mut registry = lock();
                        registry.remove_all();
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        std::process::exit(128 + signal);
                    }
                });
        });
    }

    /// Whether `signal` is ignored (as `nohup` leaves SIGHUP).
    fn ignored(signal: i32) -> bool {
        // SAFETY: sigaction with no new action only reads the current one
        // into `old`, a zeroed sigaction (a valid value of that C struct).
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction == libc::SIG_IGN
        }
    }
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

    #[test]
    fn temporary_names_are_unpredictable_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        let (_, a) = create_temp(&out, &out, true).unwrap();
        let (_, b) = create_temp(&out, &out, true).unwrap();
        assert_ne!(a.path(), b.path(), "two temporary files, two names");
        for temp in [a.path(), b.path()] {
            let name = temp.file_name().unwrap().to_string_lossy().into_owned();
            // Hidden, named after the output, then random characters.
            assert!(name.starts_with(".out.txt.tmp-"), "{name}");
            assert!(name.len() >= ".out.txt.tmp-".len() + 6, "{name}");
        }
        let (a_path, b_path) = (a.path().to_owned(), b.path().to_owned());
        drop((a, b));
        assert!(!a_path.exists() && !b_path.exists());
    }

    #[test]
    fn a_batch_not_committed_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let charts = dir.path().join("charts");
        let mut batch = Batch::default();
        batch.dir(&charts).unwrap();
        batch.add(&charts.join("a.svg"), b"<svg/>").unwrap();
        batch.add(&charts.join("a.csv"), b"x\n1\n").unwrap();
        // The same file again, spelt otherwise: refused.
        let again = charts.join(".").join("a.svg");
        let msg = batch.add(&again, b"<svg/>").unwrap_err().to_string();
        assert!(
            msg.contains("a.svg is written in this run already"),
            "{msg}"
        );
        assert_eq!(std::fs::read_dir(&charts).unwrap().count(), 2);
        drop(batch);
        assert!(
            !charts.exists(),
            "the directory made for the batch is removed"
        );
        // Committed, everything is in place and nothing else.
        let mut batch = Batch::default();
        batch.dir(&charts).unwrap();
        batch.add(&charts.join("a.svg"), b"<svg/>").unwrap();
        batch.commit().unwrap();
        let names: Vec<_> = std::fs::read_dir(&charts)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.svg"]);
    }
}
