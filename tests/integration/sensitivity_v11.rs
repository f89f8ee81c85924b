//! The inputs of spec v1.1 (section 13) in `compare` and `sensitivity`
//! (issue 19): an option that sets one of them changes only what depends
//! on it, trial by trial (a new random draw belongs to its entity's
//! stream), and the tornado lists and words them.

use super::common::{drsim, service, write_temp};
use drsim::graph::DependencyGraph;
use drsim::scenario::{load_str, Scenario};
use drsim::sim::{compare, run, Config, Mode, Model, NoProgress, ServiceOutcome, Trial};

/// Three services on separate components, with every v1.1 key: `ledger`
/// on `db`, `shares` on `files`, `portal` on `app`. Both stores have
/// tiers whose restores may fail; `db` has a team of its own (a shared
/// team would pass a change of its recovery on to the others' queue).
const BASE: &str = "name: Continuity options
teams: [{id: ops, size: 1}, {id: dba, size: 1}]
components:
  - id: db
    kind: database
    team: dba
    repair: {exp: 3h}
    rebuild: {uniform: [4h, 12h]}
    failures: [{every: 2y}, {every: 5y, effect: destroy}]
    data:
      backups:
        - {every: 4h, restore: 1h, keep: 2d, restore_fails: 0.4}
        - {every: 24h, restore: 6h, keep: 10d, immutable: true, restore_fails: 0.1}
  - id: files
    kind: storage
    team: ops
    repair: 2h
    failures: [{every: 3y, effect: destroy}]
    data: {backups: [{every: 1h, restore: 30m, restore_fails: 0.3}, {every: 12h, restore: 2h, keep: 3d, immutable: true}]}
  - {id: app, kind: server, team: ops, repair: 1h, failures: [{every: 180d}]}
  - id: ledger
    kind: service
    depends_on: [db]
    mtpd: 1d
    wrt: {triangular: [1h, 3h, 12h]}
    impact:
      per_hour: 500
      per_hour_data_lost: 100
      over_time: [{after: 4h, per_hour: 100}, {after: 24h, per_hour: 5000, once: 20000}]
  - id: shares
    kind: service
    depends_on: [files]
    wrt: {exp: 2h}
    impact: {per_hour: 200, per_hour_data_lost: 50, over_time: [{after: 2h, once: 1000}]}
  - {id: portal, kind: service, depends_on: [app], wrt: 1h, impact: {per_hour: 50, per_incident: 10}}
threats:
  - id: ransomware
    every: 2y
    hits:
      - {components: [db], chance: 0.8}
      - {components: [files], chance: 0.6}
      - {kinds: [server]}
    chance: 0.5
    effect: destroy
    reaches_backups: true
    dwell: {lognormal: [12h, 10d]}
  - {id: blip, per_year: 4, hits: [{components: [app], chance: 0.7}, {components: [files], chance: 0.2}], effect: disrupt, duration: {exp: 1h}}
options:
  - id: longer-wrt
    changes: [{set: {id: ledger, wrt: {triangular: [4h, 8h, 24h]}}}]
  - id: tested-backups
    changes:
      - set:
          id: db
          data:
            backups:
              - {every: 4h, restore: 1h, keep: 2d}
              - {every: 24h, restore: 6h, keep: 10d, immutable: true, restore_fails: 0.1}
";

const TRIALS: u64 = 4000;
const SEED: u64 = 19;

fn config() -> Config {
    Config::new(TRIALS, SEED, 0).expect("at least 2 trials")
}

/// Each trial's outcome for every service of `s`, over its horizon.
fn outcomes(s: &Scenario) -> Vec<Vec<ServiceOutcome>> {
    let model = Model::compile(s, &DependencyGraph::build(s));
    let mut trial = Trial::new(&model);
    (0..TRIALS)
        .map(|t| {
            trial.run(SEED, t, Mode::Run { horizon: s.horizon });
            trial.services.clone()
        })
        .collect()
}

/// The option's scenario, by id.
fn option<'a>(loaded: &'a drsim::scenario::Loaded, id: &str) -> &'a Scenario {
    loaded
        .options
        .iter()
        .find(|o| o.id == id)
        .expect("the option is loaded")
        .scenario()
}

/// Services of `s`, by id, in the order of `Trial::services`.
fn service_ids(s: &Scenario) -> Vec<String> {
    s.services().map(|(_, c)| c.id.clone()).collect()
}

/// Trials in which service `k`'s outcome differs between `base` and `with`.
fn differing(base: &[Vec<ServiceOutcome>], with: &[Vec<ServiceOutcome>], k: usize) -> usize {
    base.iter().zip(with).filter(|(b, w)| b[k] != w[k]).count()
}

/// The change in expected annual loss `compare` gives each option, by id.
fn ale_change(loaded: &drsim::scenario::Loaded, id: &str) -> f64 {
    let c = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &[],
        &config(),
        &NoProgress,
    )
    .unwrap();
    c.options
        .iter()
        .find(|o| o.id == id)
        .unwrap()
        .ale_change
        .mean
}

/// An option that changes only a service's `wrt` changes that service's
/// disruptions and nothing else: every trial's outcome of the other
/// services is the base's, bit for bit, and its own outages are the same
/// (the wrt is drawn from the service's stream when an outage ends, and
/// changes no event). So `compare`'s change is exactly that service's.
#[test]
fn an_option_changing_one_services_wrt_leaves_the_others_exactly_unchanged() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let with = option(&loaded, "longer-wrt");
    let ids = service_ids(&loaded.scenario);
    let (before, after) = (outcomes(&loaded.scenario), outcomes(with));
    let ledger = ids.iter().position(|id| id == "ledger").unwrap();
    for (k, id) in ids.iter().enumerate() {
        if k != ledger {
            assert_eq!(differing(&before, &after, k), 0, "{id}");
        }
    }
    // Not vacuous: ledger's disruption changed in the trials it had an
    // outage, and only its disruption.
    let outages = before.iter().filter(|o| o[ledger].outages > 0).count();
    assert!(outages > 100, "{outages} trials with an outage of ledger");
    assert_eq!(differing(&before, &after, ledger), outages);
    for (b, a) in before.iter().zip(&after) {
        let (b, a) = (&b[ledger], &a[ledger]);
        assert_eq!(
            (b.outages, b.downtime, b.data_loss, b.total_losses),
            (a.outages, a.downtime, a.data_loss, a.total_losses)
        );
        assert!(a.disruption >= b.disruption);
    }

    // Over the runs: the unrelated services' expected losses are the
    // same to the bit, and compare's change is ledger's.
    let (base_run, option_run) = (
        run(&loaded.scenario, None, &config(), &NoProgress).unwrap(),
        run(with, None, &config(), &NoProgress).unwrap(),
    );
    for id in ["shares", "portal"] {
        let (b, o) = (service(&base_run, id), service(&option_run, id));
        assert_eq!(b.loss.mean.to_bits(), o.loss.mean.to_bits(), "{id}");
        assert!(b.loss.mean > 0.0, "{id} loses money");
    }
    let ledger_change =
        service(&option_run, "ledger").loss.mean - service(&base_run, "ledger").loss.mean;
    assert!(ledger_change > 0.0);
    let change = ale_change(&loaded, "longer-wrt");
    assert!(
        (change - ledger_change).abs() <= 1e-9 * ledger_change,
        "{change} vs {ledger_change}"
    );
}

/// An option removing `restore_fails` from one tier changes only the
/// services of that component: restore failures are drawn from each
/// tier's own stream, so the other component's restores (which may fail
/// too) keep their draws.
#[test]
fn an_option_removing_one_tiers_restore_fails_changes_only_its_components_services() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let with = option(&loaded, "tested-backups");
    assert_eq!(with.components[0].backups[0].restore_fails, 0.0);
    let ids = service_ids(&loaded.scenario);
    let (before, after) = (outcomes(&loaded.scenario), outcomes(with));
    let ledger = ids.iter().position(|id| id == "ledger").unwrap();
    for (k, id) in ids.iter().enumerate() {
        if k != ledger {
            assert_eq!(differing(&before, &after, k), 0, "{id}");
        }
    }
    // Not vacuous: ledger changed in some trials (fewer failed restores
    // of db: less data lost).
    assert!(differing(&before, &after, ledger) > 10);
    let lost = |o: &[Vec<ServiceOutcome>]| -> f64 { o.iter().map(|t| t[ledger].data_loss).sum() };
    assert!(lost(&after) < lost(&before));
    let change = ale_change(&loaded, "tested-backups");
    assert!(change < 0.0, "{change}");
}

/// `drsim sensitivity` lists the v1.1 inputs of a scenario with the words
/// of the other inputs, and says how a chance and a retention are set.
#[test]
fn the_tornado_lists_and_words_the_continuity_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "continuity.yaml", BASE);
    let out = drsim()
        .args([
            "sensitivity",
            "--trials",
            "1000",
            "--top",
            "100",
            "--per-component",
        ])
        .arg(&path)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for line in [
        "Chances of a failed restore ×0.5 and ×2 (at most 100%).",
        "Retention (keep) ×0.5 and ×2, never below its tier's interval.",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let row = |label: &str| -> &str {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no row {label}\n{text}"))
    };
    let words =
        |label: &str| -> Vec<&str> { row(label)[label.len()..].split_whitespace().collect() };
    assert_eq!(
        words("ransomware dwell")[..4],
        ["lognormal", "12h..10d", "(90%)", "×0.5"]
    );
    assert_eq!(
        words("ledger work recovery")[..2],
        ["triangular", "1h/3h/12h"]
    );
    assert_eq!(words("portal work recovery")[..2], ["1h", "×0.5"]);
    assert_eq!(words("db 4h backup restore failures")[..2], ["40%", "20%"]);
    assert_eq!(words("db 4h backup restore failures")[3], "80%");
    assert_eq!(
        words("db 24h backup retention")[..4],
        ["keep", "10d", "keep", "5d"]
    );
    assert_eq!(
        words("files 12h backup retention")[..4],
        ["keep", "3d", "keep", "36h"]
    );
    // No dwell reaches the files' hourly tier (ransomware destroys it),
    // and it has no keep: no retention input; its restore failures
    // matter only through the failure mode's destroy, which spares it.
    assert!(!text.contains("files 1h backup retention"));
    assert!(text.contains("files 1h backup restore failures"));

    let json = drsim()
        .args([
            "sensitivity",
            "--trials",
            "300",
            "--top",
            "100",
            "--format",
            "json",
            "--per-component",
        ])
        .arg(&path)
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let input = |key: &str| -> &serde_json::Value {
        doc["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap_or_else(|| panic!("no input {key}"))
    };
    let fails = input("components.db.data.backups[0].restore_fails");
    assert_eq!(fails["kind"], "chance");
    assert_eq!(
        [
            &fails["base_value"],
            &fails["low_value"],
            &fails["high_value"]
        ],
        ["40%", "20%", "80%"]
    );
    let keep = input("components.db.data.backups[1].keep");
    assert_eq!(keep["kind"], "retention");
    assert_eq!(keep["label"], "db 24h backup retention");
    assert_eq!(input("threats.ransomware.dwell")["kind"], "duration");
    assert_eq!(
        input("components.ledger.wrt")["label"],
        "ledger work recovery"
    );
}
