//! The package: the best set of options, on the combined patch.
//!
//! The scenario's figures, from the closed forms of an alternating
//! failure/repair process (a database failing every 500h, repaired in 20h
//! on average, is down 20/520 of the time, about 16.8 times a year):
//! - `svc1` runs on `app`, which runs on `db`: about 337h down a year at
//!   1,000 an hour, 337k a year.
//! - `standby-a` (50k a year) gives `app` a standby database with a 6m
//!   switchover: `svc1` is then down only while both databases are (about
//!   13h) and while switching (about 1.7h): it saves about 322k, net 272k.
//! - `standby-b` (100k a year) gives `svc1` a second application on its own
//!   standby database: alone it saves about as much (net about 222k), but
//!   beside `standby-a` it can only save what `standby-a` leaves (about
//!   15k), less than its cost: the two are substitutes.
//! - `standby-e` (80k a year) sets `app`'s dependencies as `standby-a`
//!   does, with a 1h switchover (saves about 307k, net 227k): the two are
//!   mutually exclusive.
//! - `standby-c` (40k a year) protects `svc2` (500 an hour, about 168k a
//!   year) the same way: saves about 160k, net about 120k, independent of
//!   the rest.
//! - `faster-x3` (20k a year) cuts `x3`'s repairs from 5h to 1h, saving
//!   about 3.5k a year at 100 an hour: it does not pay.
//!
//! So, without a budget: `standby-a` and `standby-c` (net about 392k; the
//! runner-up adds `faster-x3`, about 16.5k less); with a budget of 60k a
//! year, which affords neither pair: `standby-a` alone (the runner-up
//! `standby-c` alone).

use drsim::scenario::load_str;
use drsim::sim::{compare, Comparison, Config, NoProgress, Plan, Search};

const SCENARIO: &str = "name: Substitutes and complements
horizon: 1y
components:
  - {id: db, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: app, kind: application, depends_on: [db]}
  - {id: svc1, kind: service, depends_on: [app], impact: {per_hour: 1000}}
  - {id: db2, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
  - {id: svc2, kind: service, depends_on: [db2], impact: {per_hour: 500}}
  - {id: x3, kind: server, repair: {exp: 5h}, failures: [{every: 1000h}]}
  - {id: svc3, kind: service, depends_on: [x3], impact: {per_hour: 100}}
options:
  - id: standby-a
    cost: {per_year: 50000}
    changes:
      - add: [{id: sa, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}]
      - set: {id: app, depends_on: [{failover: [db, sa], switchover: 6m}]}
  - id: standby-b
    cost: {per_year: 100000}
    changes:
      - add:
          - {id: sb, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}
          - {id: app2, kind: application, depends_on: [sb]}
      - set: {id: svc1, depends_on: [{failover: [app, app2], switchover: 6m}]}
  - id: standby-c
    cost: {per_year: 40000}
    changes:
      - add: [{id: sc, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}]
      - set: {id: svc2, depends_on: [{failover: [db2, sc], switchover: 6m}]}
  - id: faster-x3
    cost: {per_year: 20000}
    changes:
      - set: {id: x3, repair: {exp: 1h}}
  - id: standby-e
    cost: {per_year: 80000}
    changes:
      - add: [{id: se, kind: database, repair: {exp: 20h}, failures: [{every: 500h}]}]
      - set: {id: app, depends_on: [{failover: [db, se], switchover: 1h}]}
";

fn package_of(yaml: &str, budget: Option<f64>, trials: u64) -> Comparison {
    let loaded = load_str(yaml, "package.yaml").unwrap();
    let plan = Plan::new(&loaded.options, budget, false);
    compare(
        &loaded.scenario,
        &loaded.options,
        &plan,
        None,
        &[],
        &Config::new(trials, 5, 0).unwrap(),
        &NoProgress,
    )
    .unwrap()
}

#[test]
fn the_package_takes_one_of_two_substitutes_and_the_independent_option() {
    let c = package_of(SCENARIO, None, 2000);
    let p = c.package.as_ref().expect("options give a package");
    assert_eq!(p.search, Search::Exhaustive);
    assert_eq!(p.best.options, ["standby-a", "standby-c"]);
    // Judged on the combined patch: its change is not the sum of the
    // single options' (here they are independent, so close to it).
    let single = |id: &str| c.options.iter().find(|o| o.id == id).unwrap();
    let sum = single("standby-a").ale_change.mean + single("standby-c").ale_change.mean;
    assert!((p.best.ale_change.mean - sum).abs() < 0.05 * sum.abs());
    assert_eq!(p.best.annual_cost, 90_000.0);
    assert_eq!(
        p.best.net_benefit,
        -p.best.ale_change.mean - p.best.annual_cost
    );
    // The substitutes: the second standby adds less than it costs beside
    // the first, though it pays alone.
    assert!(single("standby-b").net_benefit > 150_000.0);
    let runner = p.runner_up.as_ref().unwrap();
    assert_eq!(runner.options, ["standby-a", "standby-c", "faster-x3"]);
    let gap = p.gap.unwrap();
    assert!(
        gap.ci95[0] > 0.0,
        "the best beats the runner-up clearly: {gap:?}"
    );
    // The mutually exclusive pair is named, with why, and never combined.
    assert_eq!(p.exclusive.len(), 1, "{:?}", p.exclusive);
    assert_eq!(p.exclusive[0].options, ["standby-a", "standby-e"]);
    assert_eq!(p.exclusive[0].reason, "both set `depends_on` of `app`");
    // 2^5 sets, less the 8 holding both standby-a and standby-e.
    assert_eq!(p.sets_evaluated, 24);
    assert!(!p.best.options.contains(&"faster-x3".to_string()));
    let text = drsim::report::compare::text(&c);
    let first = text
        .lines()
        .find(|l| l.starts_with("Buy "))
        .expect("a headline");
    assert!(
        first.starts_with("Buy standby-a and standby-c for £90k a year:"),
        "{first}"
    );
    assert!(
        text.contains("Never combined: standby-a and standby-e (both set `depends_on` of `app`).")
    );
}

#[test]
fn under_a_budget_that_affords_neither_pair_the_package_is_the_first_standby_alone() {
    let c = package_of(SCENARIO, Some(60_000.0), 2000);
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.best.options, ["standby-a"]);
    assert_eq!(p.budget, Some(60_000.0));
    assert!(p.best.within_budget);
    let runner = p.runner_up.as_ref().unwrap();
    assert!(runner.annual_cost <= 60_000.0);
    assert_eq!(runner.options, ["standby-c"]);
    // Without a risk tolerance, sets over the budget are not simulated.
    assert!(p.sets_evaluated < 24, "{}", p.sets_evaluated);
}

#[test]
fn the_pair_of_substitutes_is_never_the_package_under_any_budget() {
    for budget in [150_000.0, 160_000.0, 200_000.0, 1e9] {
        let c = package_of(SCENARIO, Some(budget), 1000);
        let best = &c.package.as_ref().unwrap().best.options;
        assert!(
            !(best.contains(&"standby-a".into()) && best.contains(&"standby-b".into())),
            "budget {budget}: {best:?}"
        );
    }
}

/// Seven independent services, each with an option protecting it: those
/// that pay are exactly the ones whose protection saves more than it costs.
/// 2^7 sets are too many to try, so the search is greedy; the options'
/// effects add up, where greedy finds the best set.
#[test]
fn a_greedy_search_finds_the_paying_options_when_effects_add_up() {
    let mut yaml = String::from("name: Seven\nhorizon: 1y\ncomponents:\n");
    let mut options = String::from("options:\n");
    // Each database is down 337h a year; at 100 an hour, about 33.7k.
    // A standby saves about 32k: it pays when it costs 20k, not at 45k.
    let pays = [true, false, true, true, false, false, true];
    for (i, pay) in pays.iter().enumerate() {
        yaml += &format!(
            "  - {{id: db{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [db{i}], impact: {{per_hour: 100}}}}\n"
        );
        let cost = if *pay { 20_000 } else { 45_000 };
        options += &format!(
            "  - id: standby-{i}\n    cost: {{per_year: {cost}}}\n    changes:\n      - add: [{{id: s{i}, kind: database, repair: {{exp: 20h}}, failures: [{{every: 500h}}]}}]\n      - set: {{id: svc{i}, depends_on: [{{failover: [db{i}, s{i}], switchover: 6m}}]}}\n"
        );
    }
    yaml += &options;
    let c = package_of(&yaml, None, 1000);
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.search, Search::Greedy);
    assert_eq!(
        p.best.options,
        ["standby-0", "standby-2", "standby-3", "standby-6"]
    );
    // Far fewer than the 128 sets: one step per option bought, each
    // trying what is left, and a last step finding nothing to add or drop.
    assert!(p.sets_evaluated < 40, "{}", p.sets_evaluated);
    let text = drsim::report::compare::text(&c);
    assert!(text.contains("the search was greedy"), "{text}");
}

/// Two options each valid alone but not together (one removes what the
/// other's new item depends on) are never combined, and the reason is the
/// combined scenario's validation error.
#[test]
fn options_that_are_not_a_valid_scenario_together_are_never_combined() {
    let yaml = "name: Clash
components:
  - {id: x, kind: server, repair: 1h, failures: [{every: 100h}]}
  - {id: y, kind: server, repair: 1h, failures: [{every: 100h}]}
  - {id: svc, kind: service, depends_on: [{at_least: 1, of: [x, y]}], impact: {per_hour: 100}}
options:
  - id: drop-y
    cost: {per_year: 1}
    changes:
      - set: {id: svc, depends_on: [x]}
      - remove: [y]
  - id: mirror-y
    cost: {per_year: 1}
    changes:
      - add: [{id: z, kind: server, depends_on: [y]}]
";
    let c = package_of(yaml, None, 200);
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.exclusive.len(), 1, "{:?}", p.exclusive);
    assert_eq!(p.exclusive[0].options, ["drop-y", "mirror-y"]);
    assert!(
        p.exclusive[0]
            .reason
            .starts_with("together they are not a valid scenario:"),
        "{}",
        p.exclusive[0].reason
    );
    assert_eq!(p.sets_evaluated, 3);
}

/// With a risk tolerance, the package says whether its curve keeps within
/// it and names the cheapest set that does, budget or not: a year of the
/// base loses about 507k, one with `standby-a` alone about 187k on
/// average (svc2's 168k and more in many years), one with `standby-a` and
/// `standby-c` about 27k, so only sets protecting both services keep
/// P(annual loss > 200k) below 10%, and the cheapest of them costs 90k.
#[test]
fn the_cheapest_set_within_the_risk_tolerance_is_named_even_over_the_budget() {
    let yaml = SCENARIO.replace(
        "options:\n",
        "risk_tolerance: [{loss: 200000, p: 0.1}]\noptions:\n",
    );
    let loaded = load_str(&yaml, "package.yaml").unwrap();
    let plan = Plan::new(&loaded.options, Some(60_000.0), true);
    let c = compare(
        &loaded.scenario,
        &loaded.options,
        &plan,
        None,
        &[],
        &Config::new(2000, 5, 0).unwrap(),
        &NoProgress,
    )
    .unwrap();
    let p = c.package.as_ref().unwrap();
    assert_eq!(p.best.options, ["standby-a"]);
    assert_eq!(p.best.within_tolerance, Some(false));
    let cheapest = p.cheapest_within_tolerance.as_ref().unwrap();
    assert_eq!(cheapest.options, ["standby-a", "standby-c"]);
    assert_eq!(cheapest.within_tolerance, Some(true));
    assert!(!cheapest.within_budget);
    // With a tolerance, sets over the budget are simulated too.
    assert_eq!(p.sets_evaluated, 24);
    let text = drsim::report::compare::text(&c);
    assert!(
        text.contains("Even with it, the loss exceedance curve goes above the board's risk tolerance; the cheapest set that keeps it within is standby-a and standby-c, at £90k a year, over the budget."),
        "{text}"
    );
}
