//! The binary end to end: exit codes, messages, formats, files.

use super::common::{drsim, leftovers, scenario, write_temp};
use predicates::prelude::*;

const SMALL: &str = "name: Small shop\nteams: [{id: ops, size: 1}]\ncomponents:\n  - {id: db, kind: database, repair: {exp: 2h}, team: ops, failures: [{every: 500h}], data: {backups: [{every: 1h, restore: 30m}]}, rebuild: 1h}\n  - {id: web, kind: server, repair: 1h, failures: [{every: 300h}]}\n  - {id: shop, kind: service, depends_on: [db, web], rto: 2h, rpo: 30m, impact: {per_hour: 1000}}\nthreats:\n  - {id: disk-loss, every: 5y, hits: {components: [db]}, effect: destroy}\n  - {id: crash, hits: {components: [web]}, effect: damage}\n";

#[test]
fn check_summarises_a_valid_scenario() {
    drsim()
        .args(["check"])
        .arg(scenario("hospital.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"))
        .stdout(predicate::str::contains("Services"))
        .stdout(predicate::str::contains("ransomware"));
}

#[test]
fn check_reports_every_error_with_location_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_temp(
        &dir,
        "bad.yaml",
        b"name: x\ncomponents:\n  - {id: db, kind: database}\n  - {id: app, kind: service, depends_on: [dbb], team: nobody}\n",
    );
    drsim()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.yaml:4:"))
        .stderr(predicate::str::contains("components[1].depends_on[0]"))
        .stderr(predicate::str::contains("did you mean `db`?"))
        .stderr(predicate::str::contains("components[1].team"))
        .stderr(predicate::str::contains("2 errors"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn garbage_files_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut noise = Vec::with_capacity(3 << 20);
    let mut x: u64 = 0x2545F4914F6CDD1D;
    for _ in 0..(3 << 20) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.push((x >> 24) as u8);
    }
    for (name, content) in [
        ("noise.bin", noise.as_slice()),
        ("empty.yaml", b"".as_slice()),
        ("list.yaml", b"- 1\n- 2\n".as_slice()),
        ("deep.yaml", "[".repeat(100_000).as_bytes()),
    ] {
        let path = write_temp(&dir, name, content);
        drsim()
            .arg("check")
            .arg(&path)
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("panicked").not());
    }
    drsim().arg("check").arg(dir.path()).assert().code(1);
    drsim()
        .arg("check")
        .arg(dir.path().join("missing.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn graph_exports_dot_and_mermaid() {
    drsim()
        .args(["graph"])
        .arg(scenario("bank.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("digraph"));
    drsim()
        .args(["graph", "--format", "mermaid"])
        .arg(scenario("bank.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("flowchart BT"));
}

#[test]
fn drill_without_or_with_a_wrong_threat_lists_the_threats() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    drsim()
        .arg("drill")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --threat"))
        .stderr(predicate::str::contains("disk-loss"));
    drsim()
        .arg("drill")
        .arg(&path)
        .args(["--threat", "crsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `crash`?"));
}

#[test]
fn drill_prints_a_table_and_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    drsim()
        .arg("drill")
        .arg(&path)
        .args(["--threat", "crash", "--trials", "500"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Recovery p50 / p90 / p99"))
        .stdout(predicate::str::contains(
            "back within its 2h target in 100%",
        ));
}

#[test]
fn json_output_has_the_stable_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    let out = drsim()
        .arg("run")
        .arg(&path)
        .args(["--trials", "300", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["tool"], "drsim");
    assert_eq!(doc["mode"], "run");
    assert_eq!(doc["trials"], 300);
    assert_eq!(doc["horizon_h"], 8760.0);
    assert!(doc["threat"].is_null());
    let shop = &doc["services"]["shop"];
    for key in [
        "affected",
        "downtime_h",
        "data_loss_h",
        "rto_met",
        "rpo_met",
        "total_data_loss",
        "availability",
        "outages",
        "rto_breaches",
        "loss",
    ] {
        assert!(shop.get(key).is_some(), "missing {key}");
    }
    assert!(shop.get("mtpd_met").is_none(), "no MTPD is set");
    for key in ["mean", "ci95", "p50", "p90", "p99", "max"] {
        assert!(
            shop["availability"].get(key).is_some(),
            "missing availability.{key}"
        );
    }
    assert!(doc["loss_exceedance"].as_array().unwrap().len() > 1);
}

#[test]
fn same_seed_same_bytes_for_any_thread_count() {
    let run = |threads: &str| {
        drsim()
            .arg("run")
            .arg(scenario("retail.yaml"))
            .args([
                "--trials",
                "2000",
                "--seed",
                "42",
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
    // Fixed durations make simultaneous events, whose order must not depend
    // on what a thread simulated before.
    let drill = |threads: &str| {
        drsim()
            .arg("drill")
            .arg(scenario("hospital.yaml"))
            .args([
                "--threat",
                "ransomware",
                "--trials",
                "3000",
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .output()
            .unwrap()
            .stdout
    };
    let one = drill("1");
    assert!(!one.is_empty());
    assert_eq!(one, drill("2"));
}

#[test]
fn csv_has_a_header_and_one_row_per_service() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    let out = drsim()
        .arg("drill")
        .arg(&path)
        .args([
            "--threat",
            "disk-loss",
            "--trials",
            "100",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("service,name,affected_p,recovery_h_mean"));
    assert!(lines[1].starts_with("shop,shop,1,"));
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    let out = dir.path().join("result.json");
    drsim()
        .arg("drill")
        .arg(&path)
        .args([
            "--threat", "crash", "--trials", "50", "--format", "json", "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["threat"], "crash");
    let nowhere = dir.path().join("no-such-dir").join("x.json");
    drsim()
        .arg("drill")
        .arg(&path)
        .args(["--threat", "crash", "--trials", "50", "-o"])
        .arg(&nowhere)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot write"));
    assert!(!nowhere.exists());
    let leftovers = leftovers(dir.path());
    assert!(leftovers.is_empty());
}

#[test]
fn bad_flags_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    drsim()
        .arg("run")
        .arg(&path)
        .args(["--horizon", "12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unit"));
    drsim()
        .arg("run")
        .arg(&path)
        .args(["--trials", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 2"));
    drsim()
        .arg("run")
        .arg(&path)
        .args(["--trials", "many"])
        .assert()
        .code(2);
    drsim().arg("frobnicate").assert().code(2);
}

#[test]
fn help_teaches_with_examples() {
    drsim()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("drill"))
        .stdout(predicate::str::contains("RTO"));
    drsim()
        .args(["drill", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    drsim()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

/// A threat at the documented maximum rate, hitting three components.
const BUSY: &str = "name: Busy\ncomponents:\n  - {id: a, kind: server, repair: 1s}\n  - {id: b, kind: server, repair: 1s}\n  - {id: c, kind: server, repair: 1s}\n  - {id: svc, kind: service, depends_on: [a, b, c], impact: {per_hour: 10}}\nthreats:\n  - {id: flood, per_year: 525600, hits: {components: [a, b, c]}, effect: damage}\n";

#[test]
fn work_past_the_ceiling_is_refused_before_it_starts_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let busy = write_temp(&dir, "busy.yaml", BUSY);
    // sensitivity at the default 10,000 trials: about 25 hours before.
    let start = std::time::Instant::now();
    drsim()
        .arg("sensitivity")
        .arg(&busy)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("events"))
        .stderr(predicate::str::contains("--force"))
        .stderr(predicate::str::contains("--trials"));
    assert!(start.elapsed().as_secs() < 5);
    // A thousand years of it in a run, likewise.
    drsim()
        .args(["run", "--horizon", "1000y", "--trials", "1000"])
        .arg(&busy)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "more than the 1.0e11 drsim runs without --force",
        ));
    // The same run at 20 trials is within the ceiling and runs.
    drsim()
        .args(["run", "--horizon", "1y", "--trials", "20", "-q"])
        .arg(&busy)
        .assert()
        .success();
    // --force starts it: still running, not refused, when stopped.
    let out = drsim()
        .args(["sensitivity", "--force", "-q"])
        .arg(&busy)
        .timeout(std::time::Duration::from_secs(2))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("--force"), "{err}");
    assert_ne!(out.status.code(), Some(1), "{err}");
}

#[test]
fn trials_and_threads_have_a_sane_maximum() {
    let dir = tempfile::tempdir().unwrap();
    let small = write_temp(&dir, "small.yaml", SMALL);
    drsim()
        .args(["run", "--trials", "1000000000000"])
        .arg(&small)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--trials must be at most 1000000000",
        ));
    let start = std::time::Instant::now();
    drsim()
        .args(["run", "--threads", "100000"])
        .arg(&small)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads must be at most 1024"));
    assert!(start.elapsed().as_secs() < 5);
}

/// `--precision-of` names the figure to narrow; `rto:SERVICE:THREAT`
/// names the drill's threat too, which a run refuses, as it refuses a
/// threat that contradicts `--threat` and a figure it does not know.
#[test]
fn precision_of_names_the_figure_and_refuses_what_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "small.yaml", SMALL.as_bytes());
    drsim()
        .args([
            "drill",
            "--precision",
            "20%",
            "--precision-of",
            "rto:shop:crash",
            "--trials",
            "64",
            "--quiet",
        ])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("Drill: crash strikes"))
        .stdout(predicate::str::contains("P(RTO met) for shop"));
    for (args, message) in [
        (
            vec![
                "run",
                "--precision",
                "5%",
                "--precision-of",
                "rto:shop:crash",
            ],
            "a run has none",
        ),
        (
            vec![
                "drill",
                "--threat",
                "disk-loss",
                "--precision",
                "5%",
                "--precision-of",
                "rto:shop:crash",
            ],
            "name different threats",
        ),
        (
            vec![
                "run",
                "--precision",
                "5%",
                "--precision-of",
                "downtime:shop",
            ],
            "--precision-of takes loss",
        ),
        (
            vec!["run", "--precision", "5%", "--precision-of", "loss:db"],
            "services in this scenario: shop",
        ),
    ] {
        drsim()
            .args(&args)
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
}

/// `-` reads the scenario from standard input, wherever a scenario is
/// read: the same output as from the file, and errors name `<stdin>`.
#[test]
fn a_dash_reads_the_scenario_from_standard_input() {
    let hospital = std::fs::read(scenario("hospital.yaml")).unwrap();
    drsim()
        .args(["check", "-"])
        .write_stdin(hospital.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("<stdin>"));
    let args = ["--trials", "300", "--format", "json"];
    let from_file = drsim()
        .arg("run")
        .arg(scenario("hospital.yaml"))
        .args(args)
        .output()
        .unwrap();
    let from_stdin = drsim()
        .args(["run", "-"])
        .args(args)
        .write_stdin(hospital.clone())
        .output()
        .unwrap();
    assert!(from_file.status.success() && from_stdin.status.success());
    assert_eq!(from_file.stdout, from_stdin.stdout);
    for command in [
        &[
            "drill",
            "-",
            "--threat",
            "ransomware",
            "--trials",
            "200",
            "-q",
        ][..],
        &["report", "-", "--threats", "none", "--trials", "200", "-q"][..],
        &[
            "tolerance",
            "-",
            "--threats",
            "ransomware",
            "--trials",
            "200",
            "-q",
        ][..],
        &["graph", "-"][..],
    ] {
        drsim()
            .args(command)
            .write_stdin(hospital.clone())
            .assert()
            .success();
    }
    drsim()
        .args(["check", "-"])
        .write_stdin("horizon: 1y\nsites: [\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>"));
}

/// `check --format json`: one JSON object on standard output, valid or
/// not, each diagnostic with its severity, message, help, line, column and
/// key path; exit 1 when the scenario is wrong.
#[test]
fn check_reports_diagnostics_as_json() {
    let ok = drsim()
        .args(["check", "--format", "json"])
        .arg(scenario("hospital.yaml"))
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert!(v["diagnostics"].is_array());

    let bad = "name: x\nhorizon: 1y\ncomponents:\n  - {id: db, kind: database, repair: 2h, team: dbas}\n  - {id: shop, kind: service, depends_on: [dbb]}\n";
    let out = drsim()
        .args(["check", "-", "--format", "json"])
        .write_stdin(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["file"], "<stdin>");
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(diags.len() >= 2, "{v:#}");
    for d in diags {
        assert_eq!(d["severity"], "error");
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(
            d["line"].as_u64().is_some() && d["column"].as_u64().is_some(),
            "{d}"
        );
    }
    let at = |path: &str| diags.iter().find(|d| d["path"] == path);
    let team = at("components[0].team").expect("the unknown team, by its key path");
    assert_eq!(team["line"], 4);
    let dep = at("components[1].depends_on[0]").expect("the unknown id, by its key path");
    assert_eq!(dep["line"], 5);
    assert!(
        dep["help"].as_str().is_some_and(|h| h.contains("db")),
        "{dep}"
    );
}

/// `drsim init` writes a starter that `check` accepts, with a service
/// that has its targets, two backup tiers and the two threats; it never
/// overwrites a file.
#[test]
fn init_writes_a_valid_starter_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scenario.yaml");
    drsim().arg("init").arg(&file).assert().success();
    let text = std::fs::read_to_string(&file).unwrap();
    for needle in [
        "rto:",
        "rpo:",
        "impact:",
        "immutable: true",
        "id: ransomware",
        "id: site-fire",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    drsim()
        .arg("check")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("Online shop"));
    drsim()
        .args(["drill", "--trials", "200", "--threat", "ransomware", "-q"])
        .arg(&file)
        .assert()
        .success();
    // Never over an existing file: refused, and the file is as it was.
    std::fs::write(&file, "mine").unwrap();
    drsim()
        .arg("init")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // Without a file, to standard output: the same text.
    let out = drsim().arg("init").output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

/// Completions for each shell and the man pages generate, and name the
/// commands.
#[test]
fn completions_and_man_pages_generate() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = drsim().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("drill") && text.contains("tolerance"),
            "{shell}"
        );
    }
    drsim().args(["completions", "tcsh"]).assert().code(2);
    let out = drsim().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH drsim"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("drill"));
    let dir = tempfile::tempdir().unwrap();
    let man = dir.path().join("man1");
    drsim().args(["man", "--dir"]).arg(&man).assert().success();
    for page in ["drsim.1", "drsim-drill.1", "drsim-report.1", "drsim-init.1"] {
        let text = std::fs::read_to_string(man.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

/// An unknown flag or command is a usage error: exit code 2.
#[test]
fn usage_errors_exit_with_two() {
    drsim()
        .args(["run", "--no-such-flag"])
        .arg(scenario("hospital.yaml"))
        .assert()
        .code(2);
    drsim().arg("no-such-command").assert().code(2);
    drsim().arg("run").assert().code(2);
}

/// The progress a run reports only goes forwards, however its workers
/// finish: two finishing together once reported 1,024 and then 768.
#[test]
fn progress_never_steps_back() {
    use std::sync::Mutex;
    struct Record(Mutex<Vec<(u64, u64)>>);
    impl drsim::sim::Progress for Record {
        fn update(&self, done: u64, total: u64) {
            self.0.lock().unwrap().push((done, total));
        }
    }
    let text = std::fs::read_to_string(scenario("hospital.yaml")).unwrap();
    let s = drsim::scenario::load_str(&text, "hospital.yaml")
        .unwrap()
        .scenario;
    for threads in [2, 4, 8] {
        let config = drsim::sim::Config::new(20_000, 1, threads).unwrap();
        let record = Record(Mutex::new(Vec::new()));
        drsim::sim::run(&s, None, &config, &record).unwrap();
        let seen = record.0.into_inner().unwrap();
        assert!(seen.len() > 2, "{seen:?}");
        assert!(
            seen.windows(2).all(|w| w[0].0 <= w[1].0),
            "{threads} threads: {seen:?}"
        );
        assert_eq!(seen.last().unwrap().0, 20_000);
    }
}
