//! Issue 13, finding 10: what reaches a terminal. A control character in a
//! scenario's text is refused where it is written; one in anything an error
//! echoes (a command-line argument, an unknown key, an id) is shown escaped.

use super::common::{drsim, write_temp};
use predicates::prelude::*;

const VALID: &str = "name: Shop\ncomponents:\n  - {id: db, kind: database, repair: 1h}\n  - {id: shop, kind: service, depends_on: [db]}\nthreats:\n  - {id: quake, per_year: 0.1, hits: {components: [db]}, effect: damage}\n";

/// Nothing on stderr or stdout holds an escape, a carriage return or a bell.
fn raw_controls() -> impl Predicate<[u8]> {
    predicate::function(|out: &[u8]| !out.iter().any(|b| [0x1b, b'\r', 0x07].contains(b)))
}

#[test]
fn a_name_with_an_escape_is_refused_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = VALID.replace("name: Shop", "name: \"\\e]0;owned\\a\\e[2J\\r\"");
    let file = write_temp(&dir, "s.yaml", yaml.as_bytes());
    drsim()
        .arg("check")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "name: the name contains U+001B (escape)",
        ))
        .stderr(raw_controls())
        .stdout(raw_controls());
}

#[test]
fn errors_echoing_user_text_show_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "s.yaml", VALID.as_bytes());
    // An unknown threat from the command line, and the threat list.
    drsim()
        .args(["drill"])
        .arg(&file)
        .args(["--threat", "\u{1b}[2J\r\u{7}\u{202e}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown threat `\\u{1b}[2J\\u{d}\\u{7}\\u{202e}`",
        ))
        .stderr(predicate::str::contains("\n  quake"))
        .stderr(raw_controls());
    // An unknown key in the file, echoed by the parser.
    let bad = write_temp(
        &dir,
        "k.yaml",
        VALID
            .replace("name: Shop", "name: Shop\n\"\\e[2J\": 1")
            .as_bytes(),
    );
    drsim()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown field `\\u{1b}[2J`"))
        .stderr(raw_controls());
    // A usage error echoing an argument.
    drsim()
        .args(["check", "a.yaml", "x\u{202e}\rextra"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("x\\u{202e}\\u{d}extra"))
        .stderr(raw_controls());
}

#[test]
fn check_shows_a_file_name_with_an_escape_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "s\u{1b}[2J.yaml", VALID.as_bytes());
    drsim()
        .arg("check")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("s\\u{1b}[2J.yaml"))
        .stdout(raw_controls());
}
