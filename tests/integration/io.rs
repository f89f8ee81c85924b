//! Reading scenarios and writing output files at the edges: byte-order
//! marks, inputs with no length, symbolic links, devices, unwritable places.

use assert_cmd::Command;
use drsim::scenario::{read_capped, MAX_FILE_BYTES};
use predicates::prelude::*;
use std::io::Read;

fn drsim() -> Command {
    Command::cargo_bin("drsim").expect("the binary is built")
}

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
    let path = dir.path().join("bom.yaml");
    std::fs::write(
        &path,
        [b"\xEF\xBB\xBF".as_slice(), TINY.as_bytes()].concat(),
    )
    .unwrap();
    drsim()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("Tiny — valid"));
    // Columns count from after the mark, as an editor shows them.
    let bad = dir.path().join("bom-bad.yaml");
    std::fs::write(&bad, b"\xEF\xBB\xBFnam: x\ncomponents: []\n").unwrap();
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
