//! `sensitivity`: the words for each input (its key, label, kind and
//! values), which the report makes from the engine's data, as they were
//! when the engine made them; and the order of inputs with equal swings.

use drsim::report::sensitivity::{json, rank};
use drsim::scenario::load_str;
use drsim::sim::{sensitivity_with, Config, Grain, Metric, NoProgress};

/// Every kind of input: threats of each effect, failure modes with and
/// without their own repair, one and two modes, a failover group, backup
/// tiers, teams; frequencies of once a year or more (`1.5/y`), rarer ones
/// (`every 1.25y`, which stays in that form when doubled), and a threat
/// without a frequency.
const ESTATE: &str = "name: Estate
teams: [{id: ops, size: 2}, {id: dba, size: 1}]
sites: [{id: dc}, {id: dr}]
components:
  - {id: power, kind: power, site: dc, repair: {lognormal: [1h, 8h]}, team: ops, failures: [{every: 3y}]}
  - id: db-a
    kind: database
    site: dc
    team: dba
    repair: {exp: 3h}
    rebuild: {uniform: [6h, 18h]}
    detect: 20m
    depends_on: [power]
    failures: [{every: 2y}, {after: {weibull: {shape: 2, scale: 3y}}, effect: destroy, repair: 1d}]
    data: {backups: [{every: 1h, restore: 1h}, {every: 24h, restore: {triangular: [2h, 4h, 12h]}, immutable: true, offsite: true}]}
  - {id: db-b, kind: database, site: dr, team: dba, repair: 4h, failures: [{every: 4y}], data: {backups: [{every: 6h, restore: 2h}]}}
  - {id: web-1, kind: server, site: dc, team: ops, repair: 1h, failures: [{every: 1y}]}
  - {id: web-2, kind: server, site: dr, team: ops, repair: 1h, failures: [{every: 1y}]}
  - id: shop
    kind: service
    depends_on:
      - {failover: [db-a, db-b], switchover: {lognormal: [10m, 2h]}, lag: 5m}
      - {at_least: 1, of: [web-1, web-2]}
    rto: 2h
    rpo: 30m
    impact: {per_hour: 1000, per_hour_data_lost: 300, per_incident: 500}
threats:
  - {id: fire, every: 5y, hits: {sites: [dc]}, effect: destroy, rebuild: {lognormal: [1d, 5d]}}
  - {id: ransomware, every: 3y, hits: {kinds: [database, server]}, chance: 0.7, effect: destroy, reaches_backups: true}
  - {id: outage, per_year: 3, hits: {components: [power]}, effect: disrupt, duration: {exp: 2h}}
  - {id: bug, per_year: 2, hits: {components: [web-1, web-2]}, effect: damage, repair: 30m}
  - {id: quake, per_year: 0.8, hits: {components: [web-1]}, effect: damage}
  - {id: flood, per_year: 1.5, hits: {sites: [dr]}, effect: disrupt, duration: 90m}
  - {id: drill-only, hits: {components: [db-b]}, effect: destroy}
";

/// Key, label, kind, and the value as given, low and high, by key.
const WORDS: [[&str; 6]; 33] = [
    [
        "components.db-a.data.backups[0].every",
        "db-a 1h backup interval",
        "backup_interval",
        "every 1h",
        "every 30m",
        "every 2h",
    ],
    [
        "components.db-a.data.backups[0].restore",
        "db-a 1h backup restore",
        "duration",
        "1h",
        "30m",
        "2h",
    ],
    [
        "components.db-a.data.backups[1].every",
        "db-a 24h backup interval",
        "backup_interval",
        "every 24h",
        "every 12h",
        "every 2d",
    ],
    [
        "components.db-a.data.backups[1].restore",
        "db-a 24h backup restore",
        "duration",
        "triangular 2h/4h/12h",
        "triangular 1h/2h/6h",
        "triangular 4h/8h/24h",
    ],
    [
        "components.db-a.detect",
        "db-a detect",
        "duration",
        "20m",
        "10m",
        "40m",
    ],
    [
        "components.db-a.failures[0].frequency",
        "db-a failure 1 frequency",
        "frequency",
        "every 2y",
        "every 4y",
        "every 1y",
    ],
    [
        "components.db-a.failures[1].frequency",
        "db-a failure 2 frequency",
        "frequency",
        "after weibull shape 2 scale 3y",
        "after weibull shape 2 scale 6y",
        "after weibull shape 2 scale 1.5y",
    ],
    [
        "components.db-a.failures[1].repair",
        "db-a failure 2 repair",
        "duration",
        "24h",
        "12h",
        "2d",
    ],
    [
        "components.db-a.rebuild",
        "db-a rebuild",
        "duration",
        "uniform 6h..18h",
        "uniform 3h..9h",
        "uniform 12h..36h",
    ],
    [
        "components.db-a.repair",
        "db-a repair",
        "duration",
        "exp mean 3h",
        "exp mean 1.5h",
        "exp mean 6h",
    ],
    [
        "components.db-b.data.backups[0].every",
        "db-b 6h backup interval",
        "backup_interval",
        "every 6h",
        "every 3h",
        "every 12h",
    ],
    [
        "components.db-b.data.backups[0].restore",
        "db-b 6h backup restore",
        "duration",
        "2h",
        "1h",
        "4h",
    ],
    [
        "components.db-b.failures[0].frequency",
        "db-b failure frequency",
        "frequency",
        "every 4y",
        "every 8y",
        "every 2y",
    ],
    [
        "components.db-b.repair",
        "db-b repair",
        "duration",
        "4h",
        "2h",
        "8h",
    ],
    [
        "components.power.failures[0].frequency",
        "power failure frequency",
        "frequency",
        "every 3y",
        "every 6y",
        "every 1.5y",
    ],
    [
        "components.power.repair",
        "power repair",
        "duration",
        "lognormal 1h..8h (90%)",
        "lognormal 30m..4h (90%)",
        "lognormal 2h..16h (90%)",
    ],
    [
        "components.shop.depends_on[0].switchover",
        "shop switchover",
        "duration",
        "lognormal 10m..2h (90%)",
        "lognormal 5m..1h (90%)",
        "lognormal 20m..4h (90%)",
    ],
    [
        "components.web-1.failures[0].frequency",
        "web-1 failure frequency",
        "frequency",
        "every 1y",
        "every 2y",
        "every 182d",
    ],
    [
        "components.web-1.repair",
        "web-1 repair",
        "duration",
        "1h",
        "30m",
        "2h",
    ],
    [
        "components.web-2.failures[0].frequency",
        "web-2 failure frequency",
        "frequency",
        "every 1y",
        "every 2y",
        "every 182d",
    ],
    [
        "components.web-2.repair",
        "web-2 repair",
        "duration",
        "1h",
        "30m",
        "2h",
    ],
    [
        "teams.dba.size",
        "dba team size",
        "team_size",
        "1",
        "1",
        "2",
    ],
    [
        "teams.ops.size",
        "ops team size",
        "team_size",
        "2",
        "1",
        "3",
    ],
    [
        "threats.bug.frequency",
        "bug frequency",
        "frequency",
        "2/y",
        "1/y",
        "4/y",
    ],
    [
        "threats.bug.repair",
        "bug repair",
        "duration",
        "30m",
        "15m",
        "1h",
    ],
    [
        "threats.fire.frequency",
        "fire frequency",
        "frequency",
        "every 5y",
        "every 10y",
        "every 2.5y",
    ],
    [
        "threats.fire.rebuild",
        "fire rebuild",
        "duration",
        "lognormal 24h..5d (90%)",
        "lognormal 12h..2.5d (90%)",
        "lognormal 2d..10d (90%)",
    ],
    [
        "threats.flood.duration",
        "flood duration",
        "duration",
        "1.5h",
        "45m",
        "3h",
    ],
    [
        "threats.flood.frequency",
        "flood frequency",
        "frequency",
        "1.5/y",
        "0.75/y",
        "3/y",
    ],
    [
        "threats.outage.duration",
        "outage duration",
        "duration",
        "exp mean 2h",
        "exp mean 1h",
        "exp mean 4h",
    ],
    [
        "threats.outage.frequency",
        "outage frequency",
        "frequency",
        "3/y",
        "1.5/y",
        "6/y",
    ],
    [
        "threats.quake.frequency",
        "quake frequency",
        "frequency",
        "every 1.25y",
        "every 2.5y",
        "every 228d",
    ],
    [
        "threats.ransomware.frequency",
        "ransomware frequency",
        "frequency",
        "every 3y",
        "every 6y",
        "every 1.5y",
    ],
];

fn tornado(metric: &str, top: usize) -> serde_json::Value {
    let s = load_str(ESTATE, "estate.yaml").unwrap().scenario;
    let config = Config::new(50, 1, 1).expect("at least 2 trials");
    let metric = Metric::parse(metric).unwrap();
    let mut t =
        sensitivity_with(&s, &metric, None, Grain::Component, &config, &NoProgress).unwrap();
    rank(&mut t, top);
    serde_json::from_str(&json(&t)).unwrap()
}

fn field<'a>(input: &'a serde_json::Value, name: &str) -> &'a str {
    input[name].as_str().unwrap()
}

#[test]
fn every_input_is_worded_as_before() {
    let doc = tornado("ale", 100);
    let mut words: Vec<[&str; 6]> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            [
                "key",
                "label",
                "kind",
                "base_value",
                "low_value",
                "high_value",
            ]
            .map(|name| field(i, name))
        })
        .collect();
    words.sort();
    assert_eq!(words, WORDS);
}

#[test]
fn equal_swings_are_ranked_by_key_before_the_top_is_kept() {
    // In a drill of drill-only nothing moves P(RTO met) (shop fails over
    // to db-a): every swing is 0. In scenario order the first two inputs
    // would be db-b's repair and its backup interval.
    let doc = tornado("rto:shop:drill-only", 2);
    let inputs = doc["inputs"].as_array().unwrap();
    let keys: Vec<&str> = inputs.iter().map(|i| field(i, "key")).collect();
    assert_eq!(
        keys,
        [
            "components.db-b.data.backups[0].every",
            "components.db-b.data.backups[0].restore"
        ]
    );
    assert!(inputs.iter().all(|i| i["swing"] == 0.0));
    assert_eq!(doc["considered"], 5);
}
