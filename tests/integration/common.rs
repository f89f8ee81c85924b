//! Helpers shared by the test modules: the binary, the repository's files,
//! scenario files written for a test, looking up a service's results, and
//! random scenarios for the property tests ([`random`]).

pub mod random;

use assert_cmd::Command;
use drsim::sim::{Results, ServiceResult};
use std::path::{Path, PathBuf};

/// The drsim binary, ready for arguments.
pub fn drsim() -> Command {
    Command::cargo_bin("drsim").expect("the binary is built")
}

/// Runs drsim with `args`, which must succeed (its stderr shown if not);
/// its standard output.
pub fn stdout_of<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = drsim().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A file of the repository, by its path from the root.
pub fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A bundled scenario, by file name (`hospital.yaml`).
pub fn scenario(file: &str) -> PathBuf {
    repo_file("scenarios").join(file)
}

/// Writes `content` to the file `name` in `dir` and returns its path.
pub fn write_temp(dir: &tempfile::TempDir, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Names in `dir` that look like a temporary output file.
pub fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// The results of the service `id`.
pub fn service<'r, D>(results: &'r Results<D>, id: &str) -> &'r ServiceResult<D> {
    results
        .services
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no service `{id}` in the results"))
}
