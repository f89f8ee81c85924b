//! Output files against a hostile or unlucky world (issue 13, findings 6
//! to 8): links planted at the temporary name, permissions of the file
//! replaced, an output that is the scenario or another output, chart sets
//! cut short by a signal or a full disk, places that cannot take files.

use super::common::{drsim, leftovers, scenario, write_temp};
use predicates::prelude::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TINY: &str = "name: Tiny\ncomponents: [{id: app, kind: service, repair: 1h}]\n";

/// The binary, for the tests that start it themselves.
fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_drsim")
}

/// Every name in `dir`, sorted (hidden ones too).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_link_planted_at_the_temporary_name_is_not_followed() {
    // The old temporary file was `.NAME.tmp-PID`: a link planted there
    // for the process's PID had the victim overwritten, and the output
    // became a link to it. A run long enough to plant the link in time.
    let dir = tempfile::tempdir().unwrap();
    let victim = write_temp(&dir, "victim", "precious\n");
    let out = dir.path().join("out.txt");
    let child = Command::new(binary())
        .arg("run")
        .arg(scenario("hospital.yaml"))
        .args(["--trials", "20000", "--quiet", "-o"])
        .arg(&out)
        .spawn()
        .unwrap();
    let planted = dir.path().join(format!(".out.txt.tmp-{}", child.id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let status = wait(child);
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(std::fs::read_link(&planted).unwrap(), victim);
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the output is a file, not a link"
    );
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("Risk over"));
}

#[test]
fn a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "tiny.yaml", TINY);
    let private = write_temp(&dir, "private.dot", "old");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    drsim()
        .arg("graph")
        .arg(&file)
        .arg("-o")
        .arg(&private)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&private)
        .unwrap()
        .starts_with("digraph"));
    assert_eq!(mode(&private), 0o600, "a 0600 file stays 0600 (was 0644)");
    // A new file: 0666 less the umask, as the shell's `>` makes it (the
    // temporary file would be 0600).
    for (umask, expected) in [("022", 0o644), ("027", 0o640)] {
        let new = dir.path().join(format!("new-{umask}.dot"));
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" graph \"$1\" -o \"$2\""))
            .arg(binary())
            .arg(&file)
            .arg(&new)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(&new), expected, "umask {umask}");
    }
    // Owner and group are kept too, where this user may set them (root).
    let owned = write_temp(&dir, "owned.dot", "old");
    if std::os::unix::fs::chown(&owned, Some(65534), Some(65534)).is_ok() {
        drsim()
            .arg("graph")
            .arg(&file)
            .arg("-o")
            .arg(&owned)
            .assert()
            .success();
        let meta = std::fs::metadata(&owned).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_read_only_file_is_refused_not_replaced() {
    // Also for root, who could write it: someone made it read-only.
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "tiny.yaml", TINY);
    let locked = write_temp(&dir, "locked.dot", "keep me");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    drsim()
        .arg("graph")
        .arg(&file)
        .arg("-o")
        .arg(&locked)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: it is read-only (mode 0444)",
            locked.display()
        )));
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), "keep me");
    assert_eq!(mode(&locked), 0o444);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn the_scenario_being_read_is_never_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "s.yaml", TINY);
    std::os::unix::fs::symlink("s.yaml", dir.path().join("link.yaml")).unwrap();
    std::fs::hard_link(&file, dir.path().join("hard.yaml")).unwrap();
    // The same file however it is spelt: as given, with `./`, through a
    // link, as a hard link, and read through a link.
    for (input, output) in [
        ("s.yaml", "s.yaml"),
        ("s.yaml", "./s.yaml"),
        ("s.yaml", "link.yaml"),
        ("s.yaml", "hard.yaml"),
        ("link.yaml", "s.yaml"),
    ] {
        for command in [
            &["run", input, "--trials", "20", "-o", output][..],
            &["drill", input, "--threat", "x", "-o", output],
            &["graph", input, "-o", output],
            &["report", input, "--trials", "20", "-o", output],
            &["compare", input, "-o", output],
            &["sensitivity", input, "-o", output],
        ] {
            drsim()
                .current_dir(dir.path())
                .args(command)
                .assert()
                .code(1)
                .stderr(predicate::str::contains(format!("cannot write {output} (")))
                .stderr(predicate::str::contains(format!(
                    "it is the scenario being read ({input})"
                )));
            assert_eq!(std::fs::read_to_string(&file).unwrap(), TINY, "{command:?}");
        }
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn one_file_is_not_written_twice_in_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let retail = scenario("retail.yaml");
    for command in [
        &[
            "compare",
            "--threats",
            "none",
            "--chart",
            "same.svg",
            "-o",
            "./same.svg",
        ][..],
        &["sensitivity", "--chart", "same.png", "-o", "same.png"],
    ] {
        let started = Instant::now();
        drsim()
            .current_dir(dir.path())
            .arg(command[0])
            .arg(&retail)
            .args(&command[1..])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("it is the same file as same."))
            .stderr(predicate::str::contains("(--chart)"));
        // Refused before simulating (the default 10,000 trials of
        // sensitivity take far longer).
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // A report written into its own chart directory, under a chart's name:
    // refused, and nothing is left, not even the directory.
    drsim()
        .current_dir(dir.path())
        .arg("report")
        .arg(&retail)
        .args(["--trials", "20", "--threats", "none", "--quiet"])
        .args(["--charts", "charts", "-o", "charts/loss-exceedance.svg"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "charts/loss-exceedance.svg is written in this run already",
        ));
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
#[cfg(target_os = "linux")]
fn a_place_that_takes_no_new_files_is_named_for_what_it_is() {
    // /proc/self/status is read-only; /proc/self/comm is writable, but
    // /proc takes no new files. Both were "the directory /proc/self does
    // not exist".
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "tiny.yaml", TINY);
    for (path, why) in [
        ("/proc/self/status", "it is read-only (mode 0444)"),
        (
            "/proc/self/comm",
            "the file system does not allow new files in /proc/self",
        ),
    ] {
        drsim()
            .arg("graph")
            .arg(&file)
            .args(["-o", path])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "cannot write {path}: {why}"
            )))
            .stderr(predicate::str::contains("does not exist").not());
    }
}

#[test]
fn the_chart_directory_is_made_but_not_its_parents() {
    let dir = tempfile::tempdir().unwrap();
    let retail = scenario("retail.yaml");
    let deep = dir.path().join("a").join("b").join("charts");
    drsim()
        .arg("report")
        .arg(&retail)
        .args(["--trials", "20", "--threats", "none", "--quiet", "--charts"])
        .arg(&deep)
        .arg("-o")
        .arg(dir.path().join("r.html"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "the directory {} does not exist",
            dir.path().join("a").join("b").display()
        )));
    assert_eq!(names(dir.path()), Vec::<String>::new(), "a/b was made");
    // A file where the directory should be.
    let file = write_temp(&dir, "charts", "a file");
    drsim()
        .arg("report")
        .arg(&retail)
        .args(["--trials", "20", "--threats", "none", "--quiet", "--charts"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("it is a file, not a directory"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a file");
}

#[test]
fn a_chart_directory_keeps_the_files_that_are_not_charts() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("charts");
    std::fs::create_dir(&charts).unwrap();
    let notes = charts.join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let old = charts.join("loss-exceedance.svg");
    std::fs::write(&old, "old chart").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
    drsim()
        .arg("report")
        .arg(scenario("retail.yaml"))
        .args(["--trials", "20", "--threats", "none", "--quiet", "--charts"])
        .arg(&charts)
        .arg("-o")
        .arg(dir.path().join("r.html"))
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine");
    assert!(std::fs::read_to_string(&old).unwrap().starts_with("<svg"));
    assert_eq!(mode(&old), 0o640);
    assert!(names(&charts).iter().all(|n| !n.starts_with('.')));
}

/// Waits for `child`, at most a minute.
fn wait(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("drsim did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What a report run with `--charts` left behind after being sent
/// `signal` while it wrote the charts.
struct Remains {
    /// Names in the run's directory (the report and the chart directory
    /// would be here).
    top: Vec<String>,
    /// Names in the system's temporary directory of the run.
    tmp: Vec<String>,
}

/// Starts `report --charts` on the hospital (about 70 files) and sends
/// `signal` as soon as the first chart file is being written; tries again
/// (up to 10 times) when the run finished before the signal arrived.
fn interrupt_charts(signal: i32) -> Remains {
    for _ in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("tmp");
        let work = dir.path().join("work");
        std::fs::create_dir(&tmp).unwrap();
        std::fs::create_dir(&work).unwrap();
        let charts = work.join("charts");
        let mut child = Command::new(binary());
        child
            .arg("report")
            .arg(scenario("hospital.yaml"))
            .args(["--trials", "200", "--quiet", "-o"])
            .arg(work.join("report.html"))
            .arg("--charts")
            .arg(&charts)
            .env("TMPDIR", &tmp)
            .stderr(Stdio::null());
        // SAFETY: signal(2) is async-signal-safe. The signal is caught even
        // where the tests were started with it ignored (`nohup`).
        unsafe {
            child.pre_exec(move || {
                libc::signal(signal, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = child.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            // A file in the chart directory, or the directory itself for
            // the old code, which made it just before its first file.
            if charts.exists() && !names(&charts).is_empty() {
                // SAFETY: kill(2) on our own child's pid.
                assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
                break;
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let status = wait(child);
        if status.signal() == Some(signal) {
            return Remains {
                top: names(&work),
                tmp: names(&tmp),
            };
        }
        assert!(status.success(), "{status:?}");
    }
    panic!("the report always finished before the signal arrived");
}

#[test]
fn an_interrupted_chart_set_leaves_nothing() {
    // It left a partial chart set and a hidden temporary PNG.
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let remains = interrupt_charts(signal);
        assert_eq!(remains.top, Vec::<String>::new(), "signal {signal}");
        assert_eq!(remains.tmp, Vec::<String>::new(), "signal {signal}");
    }
}

#[test]
fn a_chart_set_that_does_not_fit_leaves_nothing() {
    // A full disk, played by a file size limit (the signal it raises is
    // ignored, so writes fail with EFBIG): the largest chart (over 500 kB)
    // cannot be written. Charts before it used to stay in place.
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let charts = dir.path().join("charts");
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 200; exec \"$0\" report \"$1\" --trials 200 --quiet --charts \"$2\" -o \"$3\"")
        .arg(binary())
        .arg(scenario("hospital.yaml"))
        .arg(&charts)
        .arg(dir.path().join("report.html"))
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(names(dir.path()), ["tmp"]);
    assert_eq!(names(&tmp), Vec::<String>::new());
}
