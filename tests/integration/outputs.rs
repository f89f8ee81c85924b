//! Every command's output on the three bundled scenarios, snapshotted at a
//! fixed seed: text, JSON and CSV. A change that moves any byte of any
//! output shows here, so refactors can prove they change nothing.
//!
//! The trial counts are small to keep the suite fast; the numbers they give
//! are not the point, their bytes are.

use super::common::{drsim, scenario};

const SCENARIOS: [&str; 3] = ["hospital", "bank", "retail"];

/// Runs drsim with `args` (the scenario's path in place of `{}`) and
/// returns its standard output, which must be valid UTF-8.
fn output(name: &str, args: &[&str]) -> String {
    let path = scenario(&format!("{name}.yaml"));
    let mut cmd = drsim();
    for a in args {
        if *a == "{}" {
            cmd.arg(&path);
        } else {
            cmd.arg(a);
        }
    }
    let out = cmd.arg("--quiet").assert().success().get_output().clone();
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn formats() -> [&'static str; 3] {
    ["text", "json", "csv"]
}

fn snapshot(name: &str, label: &str, args: &[&str]) {
    let text = output(name, args);
    insta::assert_snapshot!(format!("{name}__{label}"), text);
}

#[test]
fn check_output() {
    for name in SCENARIOS {
        // `check` has no --quiet; run it directly.
        let path = scenario(&format!("{name}.yaml"));
        let out = drsim()
            .arg("check")
            .arg(&path)
            .assert()
            .success()
            .get_output()
            .clone();
        let text = String::from_utf8(out.stdout).expect("output is UTF-8");
        let text = text.replace(path.to_str().expect("UTF-8 path"), "SCENARIO");
        insta::assert_snapshot!(format!("{name}__check"), text);
    }
}

#[test]
fn graph_output() {
    for name in SCENARIOS {
        for format in ["dot", "mermaid"] {
            let out = drsim()
                .args(["graph", "--format", format])
                .arg(scenario(&format!("{name}.yaml")))
                .assert()
                .success()
                .get_output()
                .clone();
            let text = String::from_utf8(out.stdout).expect("output is UTF-8");
            insta::assert_snapshot!(format!("{name}__graph_{format}"), text);
        }
    }
}

#[test]
fn drill_output() {
    let threats = [
        ("hospital", "ransomware"),
        ("bank", "regional-disaster-london"),
        ("retail", "cloud-region-outage"),
    ];
    for (name, threat) in threats {
        for format in formats() {
            snapshot(
                name,
                &format!("drill_{format}"),
                &[
                    "drill", "{}", "--threat", threat, "--trials", "300", "--format", format,
                ],
            );
        }
        snapshot(
            name,
            "drill_explain_json",
            &[
                "drill",
                "{}",
                "--threat",
                threat,
                "--trials",
                "300",
                "--explain",
                "--format",
                "json",
            ],
        );
    }
}

#[test]
fn run_output() {
    for name in SCENARIOS {
        for format in formats() {
            snapshot(
                name,
                &format!("run_{format}"),
                &["run", "{}", "--trials", "300", "--format", format],
            );
        }
        snapshot(
            name,
            "run_explain_text",
            &["run", "{}", "--trials", "300", "--explain"],
        );
    }
}

#[test]
fn compare_output() {
    for name in SCENARIOS {
        for format in formats() {
            snapshot(
                name,
                &format!("compare_{format}"),
                &["compare", "{}", "--trials", "200", "--format", format],
            );
        }
    }
}

#[test]
fn sensitivity_output() {
    for name in SCENARIOS {
        for format in formats() {
            snapshot(
                name,
                &format!("sensitivity_{format}"),
                &["sensitivity", "{}", "--trials", "100", "--format", format],
            );
        }
    }
    for format in formats() {
        snapshot(
            "hospital",
            &format!("sensitivity_rto_{format}"),
            &[
                "sensitivity",
                "{}",
                "--trials",
                "100",
                "--metric",
                "rto:ehr:ransomware",
                "--format",
                format,
            ],
        );
    }
}

#[test]
fn report_output() {
    // One report (they are large); the other scenarios' sections are the
    // same code on other data.
    let name = "hospital";
    let html = output(name, &["report", "{}", "--trials", "200"]);
    insta::assert_snapshot!(format!("{name}__report_html"), machine_lines_blanked(&html));
}

/// The report with the two lines that depend on the machine (threads and
/// run time) blanked.
fn machine_lines_blanked(html: &str) -> String {
    html.lines()
        .map(|line| {
            if line.starts_with("<dt>Run time</dt>") {
                "<dt>Run time</dt><dd>(redacted)</dd>"
            } else if line.starts_with("<dt>Threads</dt>") {
                "<dt>Threads</dt><dd>(redacted)</dd>"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
