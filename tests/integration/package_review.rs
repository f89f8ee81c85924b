//! Adversarial review of the package search (`compare --budget`, issue 14
//! item 1). Tests marked "finding N" failed on the first version of the
//! search and pin the fix of that finding of the review; the others pin
//! what held. The one about many options is slow and ignored (run it with
//! `cargo test --release -- --ignored`).

use super::common::{drsim, repo_file, write_temp};
use drsim::scenario::load_str;
use drsim::sim::{compare, Comparison, Config, NoProgress, Plan};
use predicates::prelude::*;

/// Two databases behind two services, about 337h down a year each.
const BASE: &str = "name: Review base
horizon: 1y
components:
  - {id: db, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: app, kind: application, depends_on: [db]}
  - {id: svc1, kind: service, depends_on: [app], impact: {per_hour: 1000}}
  - {id: db2, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: svc2, kind: service, depends_on: [db2], impact: {per_hour: 500}}
";

/// `standby-a` saves about 320k a year for 1k; `poster` changes nothing
/// and costs nothing.
const WITH_NO_OP: &str = "options:
  - id: standby-a
    cost: {per_year: 1000}
    changes:
      - add: [{id: sa, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}]
      - set: {id: app, depends_on: [{failover: [db, sa], switchover: 6m}]}
  - id: poster
    cost: {per_year: 0}
";

fn run(yaml: &str, budget: Option<f64>, trials: u64, seed: u64) -> Comparison {
    let loaded = load_str(yaml, "review.yaml").unwrap();
    let s = &loaded.scenario;
    let plan = Plan::new(&loaded.options, budget, !s.risk_tolerance.is_empty());
    compare(
        s,
        &loaded.options,
        &plan,
        None,
        &[],
        &Config::new(trials, seed, 0).unwrap(),
        &NoProgress,
    )
    .unwrap()
}

fn text(c: &Comparison) -> String {
    drsim::report::compare::text(c)
}

/// Finding 1. The base keeps within the tolerance (P(loss > 1M) is about
/// 0 with 16.8 outages a year of 20h); the option cuts the mean loss but
/// makes years of 1,000h down possible, so the package (the option) goes
/// above. The text then reads "Even with it, ... the cheapest set that
/// keeps it within is , at £0 a year": an empty name, and "even with it"
/// where it is *because of* it.
#[test]
fn review_the_package_that_breaks_a_tolerance_the_base_meets_is_worded_right() {
    let yaml = "name: Tail trade
horizon: 1y
risk_tolerance:
  - {loss: 500000, p: 0.5}
  - {loss: 1000000, p: 0.01}
components:
  - {id: db, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: svc1, kind: service, depends_on: [db], impact: {per_hour: 1000}}
options:
  - id: rare-long
    name: Fewer but longer outages
    cost: {per_year: 1000}
    changes:
      - set: {id: db, repair: {exp: 150h}, failures: [{every: 5000h}]}
";
    let c = run(yaml, None, 4000, 1);
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.best.options, ["rare-long"]);
    assert_eq!(p.best.within_tolerance, Some(false));
    let cheapest = p.cheapest_within_tolerance.as_ref().unwrap();
    assert!(cheapest.options.is_empty(), "the base is within");
    let t = text(&c);
    assert!(
        !t.contains("is , at"),
        "an empty set named as nothing:\n{t}"
    );
    assert!(
        !t.contains("Even with it,"),
        "the base was within; the package takes the curve above:\n{t}"
    );
}

/// Finding 2. A zero-cost option with no changes makes the runner-up the
/// best set plus that option: the same loss in every trial, a gap of
/// exactly 0 (95% CI £0 – £0), and the advice "run more trials to settle
/// it", which no number of trials can.
#[test]
fn review_a_runner_up_identical_to_the_best_is_not_a_reason_to_run_more_trials() {
    let c = run(&format!("{BASE}{WITH_NO_OP}"), None, 1000, 1);
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.best.options, ["standby-a"]);
    let gap = p.gap.unwrap();
    let t = text(&c);
    if gap.ci95 == [0.0, 0.0] {
        assert!(
            !t.contains("run more trials"),
            "the two are the same on every trial, more trials cannot separate them:\n{t}"
        );
    }
}

/// Finding 3. Two mutually exclusive options of nearly equal net benefit
/// (halve the repair time, or halve the failures) and a £1 option with no
/// changes: the runner-up is the best plus the £1 option, a gap of
/// exactly £1 that "the trials tell apart", while the headline flips
/// between the two real options from seed to seed.
#[test]
fn review_a_headline_the_trials_tell_apart_does_not_flip_with_the_seed() {
    let yaml = "name: Flip
horizon: 1y
components:
  - {id: db, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: svc1, kind: service, depends_on: [db], impact: {per_hour: 1000}}
options:
  - id: faster-repair
    cost: {per_year: 10000}
    changes:
      - set: {id: db, failures: [{every: 500h, repair: {exp: 10h}}]}
  - id: fewer-failures
    cost: {per_year: 10000}
    changes:
      - set: {id: db, failures: [{every: 1000h}]}
  - id: poster
    cost: {per_year: 1}
";
    let runs: Vec<(Vec<String>, bool)> = (1..=6)
        .map(|seed| {
            let c = run(yaml, None, 2000, seed);
            let sure = text(&c).contains("the trials tell the two apart");
            (c.package.unwrap().best.options, sure)
        })
        .collect();
    let first = &runs[0].0;
    for (best, sure) in &runs {
        if *sure {
            assert!(
                runs.iter().all(|(b, _)| b == first),
                "said the trials tell it apart, yet the package changes with the seed: {runs:?}"
            );
            assert_eq!(best, first);
        }
    }
}

/// Finding 4. `--options` naming an option twice simulates it twice and
/// reports "Never combined: standby-a and standby-a" and a runner-up that
/// is the best again.
#[test]
fn review_an_option_named_twice_is_refused_or_taken_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "twice.yaml", format!("{BASE}{WITH_NO_OP}"));
    drsim()
        .arg("compare")
        .arg(&file)
        .args([
            "--threats",
            "none",
            "--trials",
            "200",
            "--options",
            "standby-a,standby-a",
        ])
        .assert()
        .stdout(predicate::str::contains("standby-a and standby-a").not());
}

/// Finding 5. The compare package judges the base against the tolerance
/// on compare's trials (a design drawn for the options' rates), the
/// report on the run's: at p = 1.2% the report says the curve "stays
/// below" (1.2% ±0.3% against 1.2%), compare says "Without options, the
/// loss exceedance curve goes above", both flatly, same seed and trials.
#[test]
fn review_report_and_compare_judge_the_base_against_the_tolerance_alike() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "tol.yaml",
        "name: Tolerance borderline
horizon: 1y
risk_tolerance:
  - {loss: 150000, p: 0.012}
components:
  - {id: db, kind: database, repair: {exp: 1h}, rebuild: {exp: 200h}, failures: [{every: 2000h}]}
  - {id: svc1, kind: service, depends_on: [db], impact: {per_hour: 1000}}
threats:
  - {id: fire, every: 40y, hits: {components: [db]}, effect: destroy}
options:
  - id: more-fire
    cost: {per_year: 100}
    changes:
      - set: {id: fire, every: 5y}
",
    );
    let html = dir.path().join("r.html");
    drsim()
        .arg("report")
        .arg(&file)
        .args(["--trials", "4000", "--quiet", "-o"])
        .arg(&html)
        .assert()
        .success();
    let report_within = std::fs::read_to_string(&html)
        .unwrap()
        .contains("curve stays below the board");
    let out = drsim()
        .arg("compare")
        .arg(&file)
        .args(["--threats", "none", "--trials", "4000"])
        .output()
        .unwrap();
    let t = String::from_utf8(out.stdout).unwrap();
    // Compare's trials are drawn for the options' rates too, so on a
    // border this close the two may fall either side: compare must then
    // say it is too close to call.
    let compare_above = t.contains("Without options, the loss exceedance curve goes above")
        && !t.contains("too close to call");
    assert!(
        !(report_within && compare_above),
        "the report says the base is within, compare says it is above:\n{t}"
    );
}

/// Finding 6. The compare JSON's `package` object (and `--budget`) is not
/// in the format documentation, which lists every other key of it.
#[test]
fn review_the_package_json_is_documented() {
    let doc = std::fs::read_to_string(repo_file("docs/scenario-format.md")).unwrap();
    for key in [
        "`package`",
        "net_benefit_over_runner_up",
        "cheapest_within_tolerance",
        "sets_evaluated",
        "--budget",
    ] {
        assert!(doc.contains(key), "docs/scenario-format.md lacks {key}");
    }
}

/// Finding 7. 300 options (each protecting its own service): before the
/// package, `compare --trials 100` ran (about 26s); now the n^2 estimate
/// of the greedy search refuses it as "about an hour", and there is no way
/// to ask for the table without the package.
#[test]
#[ignore = "slow (about a minute): cargo test --release -- --ignored"]
fn review_many_options_are_still_compared() {
    let mut yaml = String::from("name: Many\nhorizon: 1y\ncomponents:\n");
    let mut options = String::from("options:\n");
    for i in 0..300 {
        yaml += &format!("  - {{id: db{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [db{i}], impact: {{per_hour: 100}}}}\n");
        options += &format!("  - id: sb{i}\n    cost: {{per_year: 2000}}\n    changes:\n      - add: [{{id: s{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}]\n      - set: {{id: svc{i}, depends_on: [{{failover: [db{i}, s{i}], switchover: 6m}}]}}\n");
    }
    yaml += &options;
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "many.yaml", yaml);
    drsim()
        .arg("compare")
        .arg(&file)
        .args(["--threats", "none", "--trials", "100"])
        .assert()
        .success();
}

// What holds.

/// Sets judged under the rare-event design drawn for the single options
/// agree with plain sampling (the same figures within 4 standard errors of
/// their difference): a set changing one rare threat's rate and another
/// component is weighted right.
#[test]
fn review_sets_under_rare_event_sampling_agree_with_plain_sampling() {
    let yaml = "name: Rare
horizon: 1y
components:
  - {id: db, kind: database, repair: {exp: 20h}, rebuild: {exp: 200h}, failures: [{every: 2000h}]}
  - {id: svc1, kind: service, depends_on: [db], impact: {per_hour: 1000}}
  - {id: db2, kind: database, repair: {exp: 20h}, rebuild: {exp: 300h}, failures: [{every: 2000h}]}
  - {id: svc2, kind: service, depends_on: [db2], impact: {per_hour: 1000}}
threats:
  - {id: fire, every: 40y, hits: {components: [db]}, effect: destroy}
  - {id: flood, every: 60y, hits: {components: [db2]}, effect: destroy}
options:
  - id: halve-fire
    cost: {per_year: 100}
    changes:
      - set: {id: fire, every: 80y}
  - id: fast-rebuild
    cost: {per_year: 100}
    changes:
      - set: {id: db, rebuild: {exp: 20h}}
";
    let loaded = load_str(yaml, "rare.yaml").unwrap();
    let s = &loaded.scenario;
    let plan = Plan::new(&loaded.options, None, false);
    let go = |plain: bool| {
        let mut config = Config::new(20_000, 3, 0).unwrap();
        config.plain = plain;
        compare(s, &loaded.options, &plan, None, &[], &config, &NoProgress).unwrap()
    };
    let (rare, plain) = (go(false), go(true));
    assert!(!matches!(rare.sampling, drsim::sim::Sampling::Plain));
    let (a, b) = (
        &rare.package.as_ref().unwrap().best,
        &plain.package.as_ref().unwrap().best,
    );
    assert_eq!(a.options, ["halve-fire", "fast-rebuild"]);
    assert_eq!(a.options, b.options);
    let se = |ci: [f64; 2]| (ci[1] - ci[0]) / (2.0 * 1.96);
    let tol = 4.0 * se(a.ale.ci95).hypot(se(b.ale.ci95));
    assert!(
        (a.ale.mean - b.ale.mean).abs() < tol,
        "{} vs {} (tolerance {tol})",
        a.ale.mean,
        b.ale.mean
    );
}

/// A set costing exactly the budget is within it; a budget a penny short
/// of it is not.
#[test]
fn review_a_set_costing_exactly_the_budget_is_within_it() {
    let yaml = format!("{BASE}{WITH_NO_OP}");
    let at = run(&yaml, Some(1000.0), 300, 1);
    assert_eq!(at.package.unwrap().best.options, ["standby-a"]);
    let short = run(&yaml, Some(999.99), 300, 1);
    assert!(short.package.unwrap().best.options.is_empty());
}

/// The greedy search (seven options) gives byte-identical JSON on one
/// thread and on two.
#[test]
fn review_a_greedy_package_does_not_depend_on_the_threads() {
    let mut yaml = String::from("name: Seven\nhorizon: 1y\ncomponents:\n");
    let mut options = String::from("options:\n");
    for i in 0..7 {
        yaml += &format!("  - {{id: db{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [db{i}], impact: {{per_hour: 100}}}}\n");
        options += &format!("  - id: sb{i}\n    cost: {{per_year: {}}}\n    changes:\n      - add: [{{id: s{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}]\n      - set: {{id: svc{i}, depends_on: [{{failover: [db{i}, s{i}], switchover: 6m}}]}}\n", 20_000 + 5_000 * i);
    }
    yaml += &options;
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(&dir, "seven.yaml", yaml);
    let json = |threads: &str| {
        let out = drsim()
            .arg("compare")
            .arg(&file)
            .args(["--threats", "none", "--trials", "500", "--format", "json"])
            .args(["--threads", threads])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = json("1");
    assert!(String::from_utf8_lossy(&one).contains("\"search\": \"greedy\""));
    assert_eq!(one, json("2"));
}
