//! Reading scenarios and writing output files at the edges: byte-order
//! marks, inputs with no length, symbolic links, devices, unwritable places.

use super::common::{drsim, leftovers, write_temp};
use drsim::scenario::{read_capped, MAX_FILE_BYTES};
use predicates::prelude::*;
use std::io::Read;

const TINY: &str = "name: Tiny\ncomponents: [{id: app, kind: service, repair: 1h}]\n";

#[test]
fn an_endless_input_is_refused_at_the_cap() {
    // Like /dev/zero: no length to check beforehand, and no end.
    let err = read_capped(std::io::repeat(0)).unwrap_err();
    assert!(err.to_string().contains("up to 64 MB"), "{err}");
    let at_cap = read_capped(std::io::repeat(b'#').take(MAX_FILE_BYTES)).unwrap();
    assert_eq!(at_cap.len() as u64, MAX_FILE_BYTES);
    assert_eq!(read_capped(TINY.as_bytes()).unwrap(), TINY.as_bytes());
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(
        &dir,
        "bom.yaml",
        [b"\xEF\xBB\xBF".as_slice(), TINY.as_bytes()].concat(),
    );
    drsim()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("Tiny — valid"));
    // Columns count from after the mark, as an editor shows them.
    let bad = write_temp(
        &dir,
        "bom-bad.yaml",
        b"\xEF\xBB\xBFnam: x\ncomponents: []\n",
    );
    drsim()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown field `nam`"))
        .stderr(predicate::str::contains("bom-bad.yaml:1:1 "));
}

#[test]
fn a_pipe_is_read_once() {
    // The report hashes the scenario and loads it: from a pipe there is
    // only one reading.
    let stdin = std::path::Path::new("/dev/stdin");
    assert!(cfg!(not(target_os = "linux")) || stdin.exists());
    if !stdin.exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    drsim()
        .arg("report")
        .arg(stdin)
        .args(["--trials", "20", "--quiet", "-o"])
        .arg(&out)
        .write_stdin(TINY)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&out).unwrap().contains("Tiny"));
}

#[cfg(unix)]
#[test]
fn output_through_a_link_writes_the_target_and_keeps_the_link() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_temp(&dir, "tiny.yaml", TINY);
    let real = dir.path().join("real.dot");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.dot");
    symlink("real.dot", &link).unwrap();
    drsim()
        .arg("graph")
        .arg(&scenario)
        .arg("-o")
        .arg(&link)
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("digraph"));
    // A link to a device: the device is written, the link stays a link.
    let null = dir.path().join("null.dot");
    symlink("/dev/null", &null).unwrap();
    drsim()
        .arg("graph")
        .arg(&scenario)
        .arg("-o")
        .arg(&null)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_link(&null).unwrap(),
        std::path::Path::new("/dev/null")
    );
    // A device that refuses the bytes is an error, and the link stays.
    if std::path::Path::new("/dev/full").exists() {
        let full = dir.path().join("full.dot");
        symlink("/dev/full", &full).unwrap();
        drsim()
            .arg("graph")
            .arg(&scenario)
            .arg("-o")
            .arg(&full)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "cannot write {}",
                full.display()
            )));
        assert_eq!(
            std::fs::read_link(&full).unwrap(),
            std::path::Path::new("/dev/full")
        );
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn an_unwritable_place_is_named_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_temp(&dir, "tiny.yaml", TINY);
    // The path the user gave, not the hidden temporary file next to it.
    let nowhere = dir.path().join("no-such-dir").join("out.dot");
    drsim()
        .arg("graph")
        .arg(&scenario)
        .arg("-o")
        .arg(&nowhere)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: the directory",
            nowhere.display()
        )))
        .stderr(predicate::str::contains(".tmp-").not());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes anyway: then there is nothing more to see here.
        let root = std::fs::write(locked.join("probe"), "").is_ok();
        if !root {
            let out = locked.join("out.dot");
            drsim()
                .arg("graph")
                .arg(&scenario)
                .arg("-o")
                .arg(&out)
                .assert()
                .code(1)
                .stderr(predicate::str::contains(format!(
                    "cannot write {}: Permission denied (the directory {} is not writable)",
                    out.display(),
                    locked.display()
                )));
            assert_eq!(leftovers(&locked), Vec::<String>::new());
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

/// Runs drsim with stdout or stderr on `/dev/full` (every write fails) and
/// returns its exit code.
#[cfg(target_os = "linux")]
fn exit_code_with_full(args: &[&str], stream: &str) -> Option<i32> {
    let full = || std::fs::File::create("/dev/full").expect("/dev/full exists on Linux");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("drsim"));
    cmd.args(args);
    match stream {
        "stdout" => cmd.stdout(full()),
        _ => cmd.stderr(full()),
    };
    cmd.status().expect("drsim starts").code()
}

#[test]
#[cfg(target_os = "linux")]
fn an_unwritable_stderr_or_stdout_fails_cleanly() {
    // The error cannot be printed, but the exit code still says so (it
    // was 101, a panic in the printing).
    assert_eq!(
        exit_code_with_full(&["check", "no-such-file.yaml"], "stderr"),
        Some(1)
    );
    // Help that could not be written is not a success (it exited 0).
    assert_eq!(exit_code_with_full(&["--help"], "stdout"), Some(1));
    assert_eq!(exit_code_with_full(&["check", "--help"], "stdout"), Some(1));
}
