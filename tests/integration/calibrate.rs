//! `drsim calibrate` end to end: the bundled year of DR tests for the
//! hospital, the calibrated file, the report and its board impact.

use crate::common::{drsim, repo_file, scenario, stdout_of, write_temp};
use serde_json::Value;

#[test]
fn the_hospital_year_of_tests_calibrates_and_says_what_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calibrated.yaml");
    let hospital = scenario("hospital.yaml");
    let actuals = repo_file("examples/hospital-dr-test-2026.csv");
    let json: Value = serde_json::from_slice(&stdout_of([
        "calibrate".as_ref(),
        hospital.as_os_str(),
        actuals.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--trials".as_ref(),
        "500".as_ref(),
        "-q".as_ref(),
    ]))
    .unwrap();
    let estimates = json["estimates"].as_array().unwrap();
    assert_eq!(json["observations"], 33);
    assert_eq!(estimates.len(), 17);
    // The LIMS offsite restore: 4 of 5 beyond the estimate's p90.
    let lims = estimates
        .iter()
        .find(|e| {
            e["label"]
                .as_str()
                .unwrap()
                .starts_with("restore of lims-db")
        })
        .unwrap();
    assert_eq!(lims["band"]["verdict"], "optimistic");
    assert_eq!(lims["band"]["above"], 4);
    assert_eq!(lims["unfinished"], 1);
    // What it changes, on common random numbers.
    let impact = &json["impact"];
    assert_eq!(impact["trials"], 500);
    let change = impact["ale_change"]["mean"].as_f64().unwrap();
    let before = impact["ale_before"]["mean"].as_f64().unwrap();
    let after = impact["ale_after"]["mean"].as_f64().unwrap();
    assert!((after - before - change).abs() < 1e-6 * before.max(1.0));
    assert!(!impact["drills"].as_array().unwrap().is_empty());
    // The estimates never tested, largest swing first, none of them tested.
    let untested = json["untested"].as_array().unwrap();
    assert!(untested.len() > 50, "{}", untested.len());
    let swings: Vec<f64> = untested
        .iter()
        .map(|u| u["swing"].as_f64().unwrap())
        .collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]));
    for u in untested {
        assert!(estimates.iter().all(|e| e["path"] != u["path"]), "{u}");
    }
    // The calibrated file: valid, the original's lines kept, one comment
    // per updated estimate.
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.matches("(drsim calibrate)\n").count(), 17);
    stdout_of(["check".as_ref(), out.as_os_str()]);
    let original = std::fs::read_to_string(&hospital).unwrap();
    let kept = original
        .lines()
        .filter(|l| text.lines().any(|t| t == *l))
        .count();
    assert!(
        kept + 17 >= original.lines().count(),
        "{kept} of {} lines kept",
        original.lines().count()
    );
}

#[test]
fn estimates_only_skips_the_simulation_and_nothing_observed_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hospital = scenario("hospital.yaml");
    let none = write_temp(&dir, "none.csv", "id,what,hours\n");
    let out = dir.path().join("same.yaml");
    let json: Value = serde_json::from_slice(&stdout_of([
        "calibrate".as_ref(),
        hospital.as_os_str(),
        none.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--estimates-only".as_ref(),
    ]))
    .unwrap();
    assert_eq!(json["estimates"].as_array().unwrap().len(), 0);
    assert!(json["impact"].is_null() && json["untested"].is_null());
    let text = std::fs::read_to_string(&out).unwrap();
    let original = std::fs::read_to_string(&hospital).unwrap();
    let body: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("# Calibrated by"))
        .collect();
    assert_eq!(body, original.lines().collect::<Vec<_>>());
    // A bad actuals file: located errors, exit 1, nothing written.
    let bad = write_temp(
        &dir,
        "bad.csv",
        "id,what,hours\nehr-db,restor,2\nehr-dbb,repair,2\n",
    );
    let out = dir.path().join("never.yaml");
    drsim()
        .args([
            "calibrate".as_ref(),
            hospital.as_os_str(),
            bad.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("bad.csv, row 2, column what"))
        .stderr(predicates::str::contains("did you mean `restore`?"));
    assert!(!out.exists());
    // A negative prior weight is a wrong command line.
    drsim()
        .args([
            "calibrate".as_ref(),
            hospital.as_os_str(),
            none.as_os_str(),
            "--prior-weight".as_ref(),
            "-1".as_ref(),
        ])
        .assert()
        .code(2);
}

#[test]
fn the_report_with_actuals_has_a_calibration_section() {
    let hospital = scenario("hospital.yaml");
    let actuals = repo_file("examples/hospital-dr-test-2026.csv");
    let page = String::from_utf8(stdout_of([
        "report".as_ref(),
        hospital.as_os_str(),
        "--actuals".as_ref(),
        actuals.as_os_str(),
        "--trials".as_ref(),
        "300".as_ref(),
        "--threats".as_ref(),
        "dc-fire-flood".as_ref(),
        "-q".as_ref(),
    ]))
    .unwrap();
    let at = page
        .find("<section id=\"calibration\">")
        .expect("a calibration section");
    let section = &page[at..at + page[at..].find("</section>").unwrap()];
    assert!(
        section.contains("is optimistic: 4 of 5 took longer than its p90"),
        "{section}"
    );
    assert!(
        section.contains("<strong>Never tested:</strong>"),
        "{section}"
    );
    assert!(
        page.contains("href=\"#calibration\""),
        "the contents link to it"
    );
    // --actuals with a what-if is a wrong command line.
    drsim()
        .args([
            "report".as_ref(),
            hospital.as_os_str(),
            "--actuals".as_ref(),
            actuals.as_os_str(),
            "--options".as_ref(),
            "lims-immutable".as_ref(),
        ])
        .assert()
        .code(2);
}
