//! Scenarios built in code for the benches: the redundant-pairs model used to
//! race AvailSim4, and a layered enterprise estate.

use std::fmt::Write;

/// N components in N/2 redundant pairs (each pair 1-out-of-2), all needed
/// by one service; exponential failures (mean 1000 h) and repairs (mean
/// 10 h), unlimited hands, one year from all-up.
pub fn pairs(n: usize) -> String {
    assert!(
        n >= 2 && n.is_multiple_of(2),
        "pairs need an even number of components"
    );
    let mut y = String::from("name: Redundant pairs\nhorizon: 8760h\ncomponents:\n");
    for i in 0..n {
        let _ = writeln!(
            y,
            "  - {{id: c{i}, kind: server, failures: [{{every: 1000h}}], repair: {{exp: 10h}}}}"
        );
    }
    y.push_str("  - id: system\n    kind: service\n    depends_on:\n");
    for p in 0..n / 2 {
        let _ = writeln!(
            y,
            "      - {{at_least: 1, of: [c{}, c{}]}}",
            2 * p,
            2 * p + 1
        );
    }
    y
}

/// A layered estate of about `n` components: two sites with power and core
/// networks; server racks per site; databases in failover pairs across the
/// sites; application clusters (2 of 3) on the servers; services on the
/// applications and databases. Teams, backups, detection delays and five
/// threats (site fire, regional power, ransomware, carrier and supplier
/// outages).
pub fn enterprise(n: usize) -> String {
    // Per unit: 6 servers, 2 databases, 3 apps, 1 service = 12 components.
    let units = (n.saturating_sub(8) / 12).max(1);
    let mut y = String::from(
        "name: Layered enterprise\nhorizon: 1y\nsites: [{id: dc-a}, {id: dc-b}]\n\
         teams: [{id: infra, size: 4}, {id: dba, size: 2}, {id: apps, size: 3}]\ncomponents:\n",
    );
    for site in ["a", "b"] {
        let _ = writeln!(y, "  - {{id: grid-{site}, kind: power, site: dc-{site}, repair: {{lognormal: [1h, 8h]}}, failures: [{{every: 2y}}]}}");
        let _ = writeln!(y, "  - {{id: ups-{site}, kind: power, site: dc-{site}, depends_on: [grid-{site}], repair: 4h, team: infra, failures: [{{every: 10y}}]}}");
        let _ = writeln!(y, "  - {{id: core-{site}, kind: network, site: dc-{site}, depends_on: [ups-{site}], repair: {{exp: 2h}}, team: infra, failures: [{{every: 3y}}]}}");
    }
    let _ = writeln!(y, "  - {{id: carrier, kind: supplier}}");
    let _ = writeln!(y, "  - {{id: idp, kind: supplier}}");
    for u in 0..units {
        let site = if u % 2 == 0 { "a" } else { "b" };
        let other = if u % 2 == 0 { "b" } else { "a" };
        for s in 0..6 {
            let at = if s < 3 { site } else { other };
            let _ = writeln!(y, "  - {{id: srv-{u}-{s}, kind: server, site: dc-{at}, depends_on: [core-{at}], repair: {{lognormal: [1h, 12h]}}, rebuild: {{lognormal: [4h, 48h]}}, detect: 15m, team: infra, priority: {}, failures: [{{every: 4y}}]}}", 10 + u % 50);
        }
        for (d, at) in [(0, site), (1, other)] {
            let _ = writeln!(y, "  - {{id: db-{u}-{d}, kind: database, site: dc-{at}, depends_on: [srv-{u}-{}], repair: {{exp: 3h}}, rebuild: 8h, team: dba, failures: [{{every: 6y, effect: destroy}}], data: {{backups: [{{every: 1h, restore: 1h}}, {{every: 24h, restore: {{lognormal: [2h, 10h]}}, immutable: true, offsite: true}}]}}}}", if d == 0 { 0 } else { 3 });
        }
        for a in 0..3 {
            let _ = writeln!(y, "  - {{id: app-{u}-{a}, kind: application, depends_on: [{{at_least: 1, of: [srv-{u}-{a}, srv-{u}-{}]}}], repair: {{lognormal: [30m, 4h]}}, team: apps, failures: [{{every: 2y}}]}}", a + 3);
        }
        let _ = writeln!(y, "  - {{id: svc-{u}, kind: service, depends_on: [{{at_least: 2, of: [app-{u}-0, app-{u}-1, app-{u}-2]}}, {{failover: [db-{u}-0, db-{u}-1], switchover: {{uniform: [5m, 30m]}}, lag: 1m}}, carrier, idp], rto: 4h, rpo: 15m, impact: {{per_hour: 10000, per_hour_data_lost: 5000, per_incident: 1000}}}}");
    }
    y.push_str("threats:\n");
    y.push_str("  - {id: fire-a, every: 50y, hits: {sites: [dc-a]}, effect: destroy, rebuild: {lognormal: [3d, 14d]}}\n");
    y.push_str("  - {id: regional-power, every: 5y, hits: {kinds: [power]}, effect: disrupt, duration: {lognormal: [1h, 12h]}}\n");
    y.push_str("  - {id: ransomware, every: 10y, hits: {kinds: [database, server]}, chance: 0.7, effect: destroy, reaches_backups: true}\n");
    y.push_str("  - {id: carrier-outage, per_year: 0.5, hits: {components: [carrier]}, effect: disrupt, duration: {lognormal: [30m, 8h]}}\n");
    y.push_str("  - {id: idp-outage, per_year: 1, hits: {components: [idp]}, effect: disrupt, duration: {exp: 2h}}\n");
    y
}

/// Investment options for [`enterprise`], for `compare`: a bigger
/// infrastructure team, a faster DBA team (the same people with better
/// runbooks: a bigger team), and the carrier made resilient.
pub const ENTERPRISE_OPTIONS: &str = "options:
  - id: bigger-infra-team
    name: Two more infrastructure engineers on call
    cost: {per_year: 180000}
    changes:
      - set: {id: infra, size: 6}
  - id: third-dba
    name: A third DBA on call
    cost: {per_year: 90000}
    changes:
      - set: {id: dba, size: 3}
  - id: resilient-carrier
    name: Carrier contract with diverse routing
    cost: {upfront: 50000, per_year: 40000}
    changes:
      - set: {id: carrier-outage, per_year: 0.1}
";
