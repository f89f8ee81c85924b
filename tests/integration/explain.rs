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

/// A strike that hits the database and one of four redundant hosts: the
/// host's loss could not take the service down (its group still holds), so
/// the database alone is blamed; nor is a component that was already down
/// before the strike.
#[test]
fn only_the_hits_the_outage_needed_are_blamed() {
    let yaml = "name: Redundant
components:
  - {id: db, kind: database, repair: 10h}
  - {id: h1, kind: server, repair: 10h}
  - {id: h2, kind: server, repair: 10h}
  - {id: h3, kind: server, repair: 10h}
  - {id: h4, kind: server, repair: 10h}
  - {id: svc, kind: service, depends_on: [db, {at_least: 1, of: [h1, h2, h3, h4]}], impact: {per_hour: 1000}}
threats:
  - {id: t, per_year: 1, hits: {components: [db, h1]}, effect: damage}
";
    let s = load_str(yaml, "redundant.yaml").unwrap().scenario;
    let r = drill_with(&s, "t", &config(), &NoProgress, true).unwrap();
    let svc = service(&r, "svc").explain.clone().unwrap();
    assert_eq!(svc.by_component, vec![("db".to_string(), 1.0)]);
}

/// A strike that takes down more than sixteen components a service needs
/// is blamed as a whole ("many hits at once"), not a sliver to each: the
/// explanation stays as small as the scenario, not its square.
#[test]
fn a_strike_with_many_needed_hits_is_blamed_as_a_whole() {
    use std::fmt::Write;
    let mut yaml = String::from("name: Wide\nsites: [{id: dc}]\ncomponents:\n");
    for i in 0..40 {
        let _ = writeln!(
            yaml,
            "  - {{id: h{i}, kind: server, site: dc, repair: 10h}}"
        );
    }
    let hosts: Vec<String> = (0..40).map(|i| format!("h{i}")).collect();
    let _ = writeln!(
        yaml,
        "  - {{id: plat, kind: application, depends_on: [{{at_least: 1, of: [{}]}}]}}",
        hosts.join(", ")
    );
    for k in 0..5 {
        let _ = writeln!(
            yaml,
            "  - {{id: svc-{k}, kind: service, depends_on: [plat]}}"
        );
    }
    yaml.push_str("threats:\n  - {id: fire, per_year: 0.5, hits: {sites: [dc]}, effect: damage}\n");
    let s = load_str(&yaml, "wide.yaml").unwrap().scenario;
    let r = drill_with(&s, "fire", &config(), &NoProgress, true).unwrap();
    for k in 0..5 {
        let e = service(&r, &format!("svc-{k}")).explain.clone().unwrap();
        assert_eq!(
            e.by_component,
            vec![(drsim::sim::MANY_HITS.to_string(), 1.0)]
        );
    }
}
