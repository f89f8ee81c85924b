//! `--explain`: what started each outage and whose recovery ended it.

use super::common::service;
use drsim::scenario::load_str;
use drsim::sim::{drill_with, run_with, Config, NoProgress, INDEPENDENT_FAILURES};

const YAML: &str = "name: Explain
components:
  - {id: fast, kind: server, repair: 1h}
  - {id: slow, kind: server, repair: {uniform: [2h, 4h]}}
  - {id: flaky, kind: server, repair: {exp: 5h}, failures: [{every: 400h}]}
  - {id: both, kind: service, depends_on: [fast, slow]}
  - {id: alone, kind: service, depends_on: [flaky]}
threats:
  - {id: patch, hits: {components: [fast, slow]}, effect: damage, per_year: 4}
";

fn config() -> Config {
    Config::new(3000, 5, 0).expect("at least 2 trials")
}

fn share(v: &[(String, f64)], id: &str) -> f64 {
    v.iter().find(|(x, _)| x == id).map_or(0.0, |(_, s)| *s)
}

#[test]
fn a_drill_names_the_first_hit_and_the_slowest_repair() {
    let s = load_str(YAML, "e").unwrap().scenario;
    let r = drill_with(&s, "patch", &config(), &NoProgress, true).unwrap();
    let both = service(&r, "both").explain.clone().unwrap();
    // `fast` is hit first (targets in file order) and takes the service down;
    // `slow` is always repaired last, so it is always on the critical path.
    assert_eq!(both.by_component, vec![("fast".to_string(), 1.0)]);
    assert_eq!(both.critical_path, vec![("slow".to_string(), 1.0)]);
    let alone = service(&r, "alone").explain.clone().unwrap();
    assert!(alone.by_component.is_empty() && alone.critical_path.is_empty());
    // Without --explain nothing is attributed.
    let plain = drill_with(&s, "patch", &config(), &NoProgress, false).unwrap();
    assert!(plain.services.iter().all(|x| x.explain.is_none()));
}

#[test]
fn a_run_splits_downtime_between_threats_and_independent_failures() {
    let s = load_str(YAML, "e").unwrap().scenario;
    let r = run_with(&s, None, &config(), &NoProgress, true).unwrap();
    let alone = service(&r, "alone").explain.clone().unwrap();
    assert_eq!(
        alone.by_threat,
        vec![(INDEPENDENT_FAILURES.to_string(), 1.0)]
    );
    assert_eq!(alone.by_component, vec![("flaky".to_string(), 1.0)]);
    let both = service(&r, "both").explain.clone().unwrap();
    assert_eq!(share(&both.by_threat, "patch"), 1.0);
    let total: f64 = both.by_component.iter().map(|(_, s)| s).sum();
    assert!((total - 1.0).abs() < 1e-12);
    // Results stay identical with and without attribution.
    let plain = run_with(&s, None, &config(), &NoProgress, false).unwrap();
    assert_eq!(plain.services[0].downtime_h, r.services[0].downtime_h);
    assert_eq!(plain.loss, r.loss);
}
