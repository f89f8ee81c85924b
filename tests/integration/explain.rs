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
fn a_drill_shares_a_strike_between_its_hits_and_names_the_slowest_repair() {
    let s = load_str(YAML, "e").unwrap().scenario;
    let r = drill_with(&s, "patch", &config(), &NoProgress, true).unwrap();
    let both = service(&r, "both").explain.clone().unwrap();
    // `fast` and `slow` are hit by the same strike, so they share the
    // downtime equally (whichever the engine applies first); `slow` is
    // always repaired last, so it is always on the critical path.
    assert_eq!(
        both.by_component,
        vec![("fast".to_string(), 0.5), ("slow".to_string(), 0.5)]
    );
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

/// Four identical hosts, any one of which keeps the service up, and a
/// bystander the strike hits too. Each strike that takes the service down
/// has hit all four hosts at the same instant: each gets a quarter, and the
/// bystander none (it once all went to the host the engine hit last).
#[test]
fn identical_hosts_hit_together_get_identical_shares() {
    let yaml = "name: Hosts
components:
  - {id: host-1, kind: server, repair: 4h}
  - {id: host-2, kind: server, repair: 4h}
  - {id: host-3, kind: server, repair: 4h}
  - {id: host-4, kind: server, repair: 4h}
  - {id: bystander, kind: server, repair: 1h}
  - {id: app, kind: application, depends_on: [{at_least: 1, of: [host-1, host-2, host-3, host-4]}]}
  - {id: svc, kind: service, depends_on: [app]}
  - {id: other, kind: service, depends_on: [bystander]}
threats:
  - {id: worm, hits: {components: [host-1, host-2, host-3, host-4, bystander]}, chance: 0.5, effect: damage, per_year: 2}
";
    let s = load_str(yaml, "hosts.yaml").unwrap().scenario;
    let r = drill_with(&s, "worm", &config(), &NoProgress, true).unwrap();
    let svc = service(&r, "svc").explain.clone().unwrap();
    assert_eq!(svc.by_component.len(), 4, "{:?}", svc.by_component);
    for host in ["host-1", "host-2", "host-3", "host-4"] {
        let got = share(&svc.by_component, host);
        assert!((got - 0.25).abs() < 1e-12, "{host}: {got}");
    }
    let other = service(&r, "other").explain.clone().unwrap();
    assert_eq!(other.by_component, vec![("bystander".to_string(), 1.0)]);
}
