//! The loss by cause and the disruption in every output (issue 19): the
//! parts add up to the loss, a step's `once` is its own part to the unit,
//! and the text and the board report show the disruption only when a
//! service has a work recovery time.

use super::common::{drsim, service, write_temp};
use drsim::sim::{self, LossCause};
use drsim::{scenario, stats::Summary};

/// Every cause of loss at work: steps that lower and raise the rate, a
/// `once`, a work recovery time, outages, data lost from a backup (fire)
/// and all of it (crypto reaches the only tier, so the default price of a
/// total loss, a year of data, applies).
const EVERY_CAUSE: &str = r#"name: Breakdown
horizon: 10y
components:
  - {id: db, kind: database, repair: {lognormal: [10h, 40h]}, failures: [{every: 2y}], data: {backups: [{every: 4h, restore: 1h}]}}
  - {id: shop, kind: service, depends_on: [db], wrt: {lognormal: [1h, 8h]}, mtpd: 30h, impact: {per_hour: 1000, per_incident: 500, per_hour_data_lost: 200, over_time: [{after: 12h, per_hour: 300}, {after: 24h, per_hour: 3000, once: 50000}]}}
threats:
  - {id: fire, every: 5y, hits: {components: [db]}, effect: destroy}
  - {id: crypto, every: 20y, hits: {components: [db]}, effect: destroy, reaches_backups: true}
"#;

fn load(yaml: &str) -> drsim::scenario::Scenario {
    scenario::load_str(yaml, "test.yaml")
        .expect("the test scenario is valid")
        .scenario
}

/// The parts of a service's loss and their sum, which must be its mean
/// loss up to float rounding (the means are running means, each rounded
/// on its own).
fn assert_parts_add_up(loss: &Summary, parts: &sim::LossBreakdown) {
    let sum: f64 = LossCause::ALL.iter().map(|&c| parts.part(c).mean).sum();
    assert!(
        (sum - loss.mean).abs() <= 1e-9 * loss.mean,
        "parts {sum} against the loss {}",
        loss.mean
    );
    for c in LossCause::ALL {
        let p = parts.part(c);
        assert!(p.ci95[0] <= p.mean && p.mean <= p.ci95[1], "{c:?}: {p:?}");
    }
}

#[test]
fn the_parts_add_up_to_the_loss_and_each_is_at_work() {
    let s = load(EVERY_CAUSE);
    let config = sim::Config::new(2000, 7, 0).unwrap();
    let run = sim::run(&s, None, &config, &sim::NoProgress).unwrap();
    let shop = service(&run, "shop");
    assert_parts_add_up(&shop.loss, &shop.loss_breakdown);
    // Over ten years every cause costs something: the test would prove
    // nothing about a part that stayed 0.
    for c in LossCause::ALL {
        assert!(shop.loss_breakdown.part(c).mean > 0.0, "{c:?} is 0");
    }
    for threat in ["fire", "crypto"] {
        let drill = sim::drill(&s, threat, &config, &sim::NoProgress).unwrap();
        let shop = service(&drill, "shop");
        assert_parts_add_up(&shop.loss, &shop.loss_breakdown);
    }
    // Crypto leaves no backup: every strike loses all the data, priced at
    // a year of data by default, exactly.
    let crypto = sim::drill(&s, "crypto", &config, &sim::NoProgress).unwrap();
    let total = service(&crypto, "shop").loss_breakdown.total_data_loss;
    assert_eq!(total.mean, 8760.0 * 200.0);
    assert_eq!(total.ci95, [total.mean, total.mean]);
}

/// Fixed durations, so every strike costs the same: `slow` is down 30h,
/// `quick` 20h plus a work recovery time of 10h, `plain` 20h without one.
/// The step at 24h pays its `once` when the disruption passes it, and
/// raises the rate from 100 to 300 an hour.
const FIXED: &str = r#"name: Fixed
components:
  - {id: a, kind: server, repair: 30h}
  - {id: b, kind: server, repair: 20h}
  - {id: slow, kind: service, depends_on: [a], impact: {per_hour: 100, per_incident: 7, over_time: [{after: 24h, per_hour: 300, once: 5000}]}}
  - {id: quick, kind: service, depends_on: [b], wrt: 10h, impact: {per_hour: 100, per_incident: 7, over_time: [{after: 24h, per_hour: 300, once: 5000}]}}
  - {id: plain, kind: service, depends_on: [b], impact: {per_hour: 100, per_incident: 7, over_time: [{after: 24h, per_hour: 300, once: 5000}]}}
threats:
  - {id: crash, hits: {components: [a, b]}, effect: damage}
"#;

#[test]
fn a_once_is_its_own_part_exactly() {
    let s = load(FIXED);
    let config = sim::Config::new(50, 3, 1).unwrap();
    let drill = sim::drill(&s, "crash", &config, &sim::NoProgress).unwrap();
    // (hours of disruption, once paid): 30h and 20h + 10h pass the step,
    // 20h does not.
    for (id, once) in [("slow", 5000.0), ("quick", 5000.0), ("plain", 0.0)] {
        let b = service(&drill, id).loss_breakdown;
        let outage_time = if once > 0.0 {
            24.0 * 100.0 + 6.0 * 300.0
        } else {
            20.0 * 100.0
        };
        assert_eq!(b.once.mean, once, "{id}");
        assert_eq!(b.once.ci95, [once, once], "{id}");
        assert_eq!(b.outage_time.mean, outage_time, "{id}");
        assert_eq!(b.per_incident.mean, 7.0, "{id}");
        assert_eq!(b.data_loss.mean, 0.0, "{id}");
        assert_eq!(b.total_data_loss.mean, 0.0, "{id}");
        assert_eq!(service(&drill, id).loss.mean, outage_time + once + 7.0);
    }
}

/// The text output of `args` on `yaml`.
fn text(yaml: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "s.yaml", yaml);
    let out = drsim()
        .args(args)
        .arg(&file)
        .args(["--trials", "50", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_shows_the_disruption_only_with_a_wrt() {
    let without = FIXED.replace(" wrt: 10h,", "");
    assert_ne!(without, FIXED);
    for args in [&["drill", "--threat", "crash"][..], &["run"][..]] {
        let with = text(FIXED, args);
        assert!(with.contains("Disruption (mean)"), "{with}");
        assert!(with.contains("Disruption = outage + work recovery time (wrt)"));
        assert!(with.contains("The MTPD is judged on it"));
        let plain = text(&without, args);
        assert!(!plain.contains("Disruption"), "{plain}");
    }
    // The drill's loss by cause names the one-off costs (and leaves out
    // the causes that cost nothing).
    let drill = text(FIXED, &["drill", "--threat", "crash"]);
    let table = drill
        .split("Loss by cause (mean per strike):\n")
        .nth(1)
        .unwrap();
    let header = table.lines().next().unwrap();
    assert_eq!(
        header
            .split("  ")
            .filter(|h| !h.is_empty())
            .map(str::trim)
            .collect::<Vec<_>>(),
        [
            "Service",
            "Outage time",
            "One-off costs",
            "Per incident",
            "Total"
        ]
    );
    let slow = table.lines().find(|l| l.starts_with("slow")).unwrap();
    assert!(slow.contains("£5.0k"), "{slow}");
}

/// The board report of `yaml`.
fn html(yaml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "s.yaml", yaml);
    let out = dir.path().join("r.html");
    drsim()
        .arg("report")
        .arg(&file)
        .args(["--trials", "50", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_report_shows_the_disruption_only_with_a_wrt_and_names_the_once() {
    // The crash strikes now and then, so the year's loss by cause has the
    // one-off costs (the appendix's drills no longer split the loss).
    let fixed = FIXED.replace("effect: damage}", "effect: damage, per_year: 2}");
    let with = html(&fixed);
    assert!(with.contains("<th>Disruption (mean, p90)</th>"));
    assert!(with.contains("Disruption = outage + work recovery time"));
    assert!(with.contains("<th>One-off costs</th>"));
    assert!(with.contains("paid once as an outage passes a step of its impact over time"));
    let plain = html(&fixed.replace(" wrt: 10h,", ""));
    assert!(!plain.contains("Disruption (mean"), "no disruption column");
    assert!(!plain.contains("Disruption = outage"), "no disruption note");
    // The steps are still there, so the one-off costs are too.
    assert!(plain.contains("<th>One-off costs</th>"));
}

/// A run's loss by threat: each loss is charged to the strike or the
/// independent failure that started it, so the rows add up to the loss.
#[test]
fn the_loss_by_threat_adds_up_to_the_loss() {
    let s = load(EVERY_CAUSE);
    let config = sim::Config::new(2000, 7, 0).unwrap();
    let run = sim::run(&s, None, &config, &sim::NoProgress).unwrap();
    let ids: Vec<&str> = run.loss_by_threat.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["fire", "crypto", sim::INDEPENDENT_FAILURES]);
    let sum: f64 = run.loss_by_threat.iter().map(|t| t.loss.mean).sum();
    assert!(
        (sum - run.loss.mean).abs() <= 1e-9 * run.loss.mean,
        "rows {sum} against the loss {}",
        run.loss.mean
    );
    for t in &run.loss_by_threat {
        assert!(t.loss.mean > 0.0, "{} lost nothing", t.id);
        assert!(t.loss.ci95[0] <= t.loss.mean && t.loss.mean <= t.loss.ci95[1]);
    }
    // A threat's rate is given, not estimated.
    assert_eq!(run.loss_by_threat[0].per_year.mean, 0.2);
    assert_eq!(run.loss_by_threat[0].per_year.ci95, [0.2, 0.2]);
    // A drill has no such rows.
    let drill = sim::drill(&s, "fire", &config, &sim::NoProgress).unwrap();
    assert!(drill.loss_by_threat.is_empty());
}

/// Known answers: `web` is damaged 4 times a year for a fixed 2h (a strike
/// while it is down does nothing), `db` fails on its own every 100h on
/// average and takes a fixed 1h to repair; each is the only dependency of
/// its own service, so nothing interacts. Over a year of T hours, `web`
/// is down T·λd/(1+λd) hours (an alternating renewal process: λd is
/// 8/8760, so the difference from the stationary fraction, about d·λd
/// hours, is far below the standard error), `db` T/101 hours with T/101
/// failures. Tolerances: 4 standard errors from the reported intervals.
#[test]
fn the_loss_by_threat_has_known_answers() {
    let yaml = r#"name: Known
components:
  - {id: web-box, kind: server, repair: 2h}
  - {id: db, kind: database, repair: 1h, failures: [{every: 100h}]}
  - {id: web, kind: service, depends_on: [web-box], impact: {per_hour: 1000}}
  - {id: ledger, kind: service, depends_on: [db], impact: {per_hour: 500}}
threats:
  - {id: patch, per_year: 4, hits: {components: [web-box]}, effect: damage}
  - {id: idle, per_year: 1, hits: {components: [web-box]}, effect: disrupt, duration: 0s}
  - {id: drill-only, hits: {components: [db]}, effect: damage}
"#;
    let s = load(yaml);
    let config = sim::Config::new(20_000, 11, 0).unwrap();
    let run = sim::run(&s, None, &config, &sim::NoProgress).unwrap();
    let row = |id: &str| {
        run.loss_by_threat
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    // A threat without a rate never strikes in a run: no row.
    assert!(run.loss_by_threat.iter().all(|t| t.id != "drill-only"));
    let within = |what: &str, e: &sim::Estimate, expected: f64| {
        let se = (e.ci95[1] - e.ci95[0]) / 2.0 / 1.96;
        assert!(se > 0.0, "{what}: no spread");
        assert!(
            (e.mean - expected).abs() <= 4.0 * se,
            "{what}: {} against {expected} (se {se})",
            e.mean
        );
    };
    let t = 8760.0;
    let ld = 4.0 / t * 2.0;
    within("patch", &row("patch").loss, 1000.0 * t * ld / (1.0 + ld));
    within(
        "independent failures",
        &row(sim::INDEPENDENT_FAILURES).loss,
        500.0 * t / 101.0,
    );
    within(
        "failures a year",
        &row(sim::INDEPENDENT_FAILURES).per_year,
        t / 101.0,
    );
    // A strike that takes nothing down costs nothing, and says so.
    assert_eq!(row("idle").loss.mean, 0.0);
    // Without failure modes nothing fails on its own: no such row.
    let calm = load(&yaml.replace(", failures: [{every: 100h}]", ""));
    let run = sim::run(&calm, None, &config, &sim::NoProgress).unwrap();
    let ids: Vec<&str> = run.loss_by_threat.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["patch", "idle"]);
}
