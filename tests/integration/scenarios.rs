//! Every bundled scenario loads, validates without errors, and simulates.

use super::common::{repo_file, scenario};
use drsim::scenario::load_path;
use drsim::sim::{drill, run, Config, NoProgress};
use std::path::PathBuf;

fn bundled() -> Vec<PathBuf> {
    let dir = repo_file("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn there_are_bundled_scenarios() {
    let names: Vec<String> = bundled()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["bank.yaml", "hospital.yaml", "retail.yaml"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn every_bundled_scenario_is_valid_and_realistic() {
    for path in bundled() {
        let loaded = load_path(&path).unwrap_or_else(|e| panic!("{e}"));
        let s = &loaded.scenario;
        assert!(
            loaded.warnings.is_empty(),
            "{}: warnings {:?}",
            path.display(),
            loaded.warnings
        );
        assert!(
            (25..=80).contains(&s.components.len()),
            "{}: {} components",
            path.display(),
            s.components.len()
        );
        assert!(s.teams.len() >= 3, "{}: teams", path.display());
        assert!(s.threats.len() >= 5, "{}: threats", path.display());
        let g = drsim::graph::DependencyGraph::build(s);
        assert!(
            g.unused().is_empty(),
            "{}: unused components",
            path.display()
        );
    }
}

#[test]
fn every_bundled_threat_can_be_drilled_and_every_scenario_run() {
    let config = Config::new(200, 3, 0).expect("at least 2 trials");
    for path in bundled() {
        let s = load_path(&path).unwrap().scenario;
        for t in &s.threats {
            let r = drill(&s, &t.id, &config, &NoProgress).unwrap();
            for svc in &r.services {
                let rec = svc.detail.recovery_h;
                assert!(
                    rec.mean.is_finite() && rec.mean >= 0.0,
                    "{} {}",
                    t.id,
                    svc.id
                );
            }
        }
        let r = run(&s, None, &config, &NoProgress).unwrap();
        for svc in &r.services {
            let a = svc.detail.availability;
            assert!(
                a.mean > 0.0 && a.mean <= 1.0,
                "{} {}",
                path.display(),
                svc.id
            );
        }
        assert!(
            r.loss.mean > 0.0,
            "{}: a year with no loss at all is not realistic",
            path.display()
        );
    }
}

#[test]
fn the_readme_example_scenario_is_valid_and_its_output_is_current() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let yaml = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a yaml example");
    let loaded = drsim::scenario::load_str(yaml, "README.md").unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    drill(
        &loaded.scenario,
        "ransomware",
        &Config::new(100, 1, 1).expect("at least 2 trials"),
        &NoProgress,
    )
    .unwrap();

    // The drill output quoted in the README is what the tool prints today.
    let hospital = load_path(&scenario("hospital.yaml")).unwrap().scenario;
    let results = drill(
        &hospital,
        "ransomware",
        &Config::new(10_000, 1, 0).expect("at least 2 trials"),
        &NoProgress,
    )
    .unwrap();
    let printed = drsim::report::text::drill(&results);
    for line in printed.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            readme.contains(line),
            "README is out of date; missing line:\n{line}"
        );
    }
}
