//! `compare` on common random numbers: closed-form cases.

use super::common::{scenario, service};
use drsim::scenario::load_str;
use drsim::sim::{compare, run, Comparison, Config, NoProgress};

const BASE: &str = "name: Two services
teams: [{id: ops, size: 1}]
components:
  - {id: x, kind: server, team: ops, repair: {exp: 8h}, failures: [{every: 700h}]}
  - {id: s, kind: supplier}
  - {id: svc1, kind: service, depends_on: [x], rto: 4h, impact: {per_hour: 1000, per_incident: 200}}
  - {id: svc2, kind: service, depends_on: [s], rto: 4h, impact: {per_hour: 3000}}
threats:
  - {id: supplier-outage, per_year: 2, hits: {components: [s]}, effect: disrupt, duration: {lognormal: [1h, 12h]}}
options:
  - id: nothing
    cost: {upfront: 1000, per_year: 100}
    changes: []
  - id: drop-supplier
    name: Bring the supplier's work in house
    cost: {per_year: 5000}
    changes:
      - set: {id: svc2, depends_on: []}
";

fn config() -> Config {
    Config::new(4000, 9, 0).expect("at least 2 trials")
}

/// Every option of `yaml` against its base, over a run only (no drills).
fn compare_risk(yaml: &str) -> Comparison {
    let loaded = load_str(yaml, "base.yaml").unwrap();
    compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &[],
        &config(),
        &NoProgress,
    )
    .unwrap()
}

#[test]
fn an_option_that_changes_nothing_changes_nothing_exactly() {
    let c = compare_risk(BASE);
    let nothing = c.options.iter().find(|o| o.id == "nothing").unwrap();
    assert_eq!(nothing.ale_change.mean, 0.0);
    assert_eq!(nothing.ale_change.ci95, [0.0, 0.0]);
    assert_eq!(nothing.p_better.unwrap().p, 0.0);
    assert_eq!(nothing.annual_cost, 1000.0 / 5.0 + 100.0);
    assert_eq!(nothing.net_benefit, -300.0);
    assert!(
        nothing.independent_half_width > 0.0,
        "independent runs would have noise"
    );
    assert_eq!(nothing.ale.mean, c.base_ale.mean);
}

#[test]
fn removing_a_threats_only_target_saves_exactly_that_threats_loss() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let c = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &["supplier-outage".into()],
        &config(),
        &NoProgress,
    )
    .unwrap();
    let drop = c.options.iter().find(|o| o.id == "drop-supplier").unwrap();
    // svc1 sees the same events with and without the option (common random
    // numbers), so the saving is svc2's loss, trial by trial.
    let base = run(&loaded.scenario, None, &config(), &NoProgress).unwrap();
    let svc2 = service(&base, "svc2");
    assert!(svc2.loss.mean > 0.0);
    assert!(
        (drop.ale_change.mean + svc2.loss.mean).abs() <= 1e-9 * svc2.loss.mean,
        "{} vs {}",
        drop.ale_change.mean,
        svc2.loss.mean
    );
    // The threat's expected loss in closed form: 2 outages a year of mean
    // lognormal(1h, 12h) duration at 3000/h, less overlap and truncation at
    // the horizon; the paired interval must cover the simulated value and be
    // far narrower than independent runs.
    let [lo, hi] = drop.ale_change.ci95;
    assert!(lo <= -svc2.loss.mean && -svc2.loss.mean <= hi);
    let mu = (1f64.ln() + 12f64.ln()) / 2.0;
    let sigma = (12f64.ln() - 1f64.ln()) / (2.0 * 1.644_853_626_951_472_2);
    let closed = 2.0 * (mu + sigma * sigma / 2.0).exp() * 3000.0;
    let se = (hi - lo) / 2.0 / 1.96;
    assert!(
        (-drop.ale_change.mean - closed).abs() <= 4.0 * se + 0.01 * closed,
        "{} vs {closed}",
        -drop.ale_change.mean
    );
    assert!(drop.crn_gain().unwrap() > 1.0);
    // Drills: svc2 can no longer be hit.
    let drill = &drop.drills[0];
    let svc2_drill = drill.services.iter().find(|s| s.service == "svc2").unwrap();
    let base_rto = svc2_drill.rto_met_base.unwrap();
    assert!(base_rto < 1.0);
    assert!((svc2_drill.rto_met_change.unwrap().mean - (1.0 - base_rto)).abs() < 1e-12);
}

#[test]
fn comparisons_do_not_depend_on_the_thread_count() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let one = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &["supplier-outage".into()],
        &Config {
            threads: 1,
            ..config()
        },
        &NoProgress,
    )
    .unwrap();
    let two = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &["supplier-outage".into()],
        &Config {
            threads: 2,
            ..config()
        },
        &NoProgress,
    )
    .unwrap();
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
}

#[test]
fn common_random_numbers_narrow_the_interval_for_an_option_that_changes_little() {
    // bigger-oncall changes two teams' sizes and nothing else, so most
    // trials are the same under it. (lims-immutable also changes one
    // component, but it turns rare total losses of the LIMS data, priced
    // at a year of data, into restores: its effect is most of the spread,
    // which pairing cannot remove.)
    let loaded = drsim::scenario::load_path(&scenario("hospital.yaml")).unwrap();
    let option: Vec<_> = loaded
        .options
        .iter()
        .filter(|o| o.id == "bigger-oncall")
        .cloned()
        .collect();
    assert_eq!(
        option.len(),
        1,
        "the hospital scenario has the bigger-oncall option"
    );
    let c = compare(
        &loaded.scenario,
        &option,
        &drsim::sim::Plan::of(&loaded.scenario, &option),
        None,
        &[],
        &Config::new(4000, 1, 0).expect("at least 2 trials"),
        &NoProgress,
    )
    .unwrap();
    let gain = c.options[0].crn_gain().unwrap();
    assert!(
        gain >= 5.0,
        "paired interval only {gain:.1}x narrower than independent"
    );
}

/// Reads CSV text back with the `csv` crate: every record, header first.
fn records(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("well-formed CSV"))
        .collect()
}

#[test]
fn csv_keeps_a_name_with_a_comma_or_quote_in_one_cell() {
    // The comparison CSV quoted commas and quotes but not newlines: an
    // option's row came out as rows of 12, 2 and 11 fields. Names can no
    // longer hold a line break (see the next test), so the comparison and
    // the run carry commas and quotes, and the one writer they share is
    // given a cell with a line break directly.
    let yaml = BASE.replace(
        "Bring the supplier's work in house",
        r#""Faster, \"in house\" repair""#,
    );
    let c = compare_risk(&yaml);
    let rows = records(&drsim::report::compare::csv(&c));
    assert_eq!(rows.len(), 3, "a header and one row per option");
    assert!(rows.iter().all(|r| r.len() == 13), "{rows:?}");
    assert!(
        rows.iter().any(|r| &r[1] == "Faster, \"in house\" repair"),
        "{rows:?}"
    );

    // The per-service table of a run, with a service whose name has a
    // comma and quotes.
    let name = "Faster repair, \"really\" now";
    let yaml = BASE.replace(
        "{id: svc1, kind: service,",
        &format!(
            "{{id: svc1, name: \"{}\", kind: service,",
            name.replace('"', "\\\"")
        ),
    );
    let loaded = load_str(&yaml, "base.yaml").unwrap();
    let r = run(&loaded.scenario, None, &config(), &NoProgress).unwrap();
    let rows = records(&drsim::report::csv::render(&r));
    let width = rows[0].len();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == width), "{rows:?}");
    assert_eq!(&rows[1][1], name);

    // The writer every CSV goes through keeps a line break, a comma and a
    // quote in one cell.
    let cell = "Faster\nrepair, \"really\"\r\nnow";
    let mut table = drsim::report::csv::Table::new(["id", "name", "n"]);
    table.row(["a".into(), cell.into(), 1.5.into()]);
    let rows = records(&table.finish());
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.len() == 3), "{rows:?}");
    assert_eq!(&rows[1][1], cell);
}

/// A name is one line: a line break in an option's or a component's name
/// is refused where it is written, before any output could split on it.
#[test]
fn a_name_with_a_line_break_is_refused() {
    let option = BASE.replace("Bring the supplier's work in house", r#""Faster\nrepair""#);
    let component = BASE.replace(
        "{id: svc1, kind: service,",
        r#"{id: svc1, name: "Faster\r\nrepair", kind: service,"#,
    );
    for (yaml, path) in [
        (option, "options[1].name"),
        (component, "components[2].name"),
    ] {
        let err = load_str(&yaml, "base.yaml").unwrap_err().to_string();
        assert!(
            err.contains(&format!("{path}: the name contains U+00")),
            "{err}"
        );
    }
}

/// A server failing every 1,000 hours with a 10-hour repair behind a
/// service losing 1,000 an hour (about 8.76 failures and 87,600 a year).
/// A 9-hour repair saves about 8,760 a year.
const SLOW_REPAIR: &str = "name: Slow repair
components:
  - {id: x, kind: server, repair: 10h, failures: [{every: 1000h}]}
  - {id: svc, kind: service, depends_on: [x], impact: {per_hour: 1000}}
options:
  - id: dear
    cost: {per_year: 20000}
    changes:
      - set: {id: x, repair: 9h}
  - id: slow-payback
    cost: {upfront: 100000}
    lifetime: 5y
    changes:
      - set: {id: x, repair: 9h}
  - id: quick-payback
    cost: {upfront: 10000}
    lifetime: 5y
    changes:
      - set: {id: x, repair: 9h}
";

/// P(better year) charges the option's cost: a faster repair lowers the
/// loss of nearly every year (any year with a failure: 1 − e^-8.76), but
/// the year is better with it only when the saving passes its 20,000 (more
/// than 20 failures: under 0.1%). Payback is shown only within the
/// lifetime: 100,000 repaid at about 8,760 a year takes 11 years, past a
/// 5-year lifetime; 10,000 takes 1.1 years.
#[test]
fn p_better_year_charges_the_cost_and_payback_stops_at_the_lifetime() {
    let c = compare_risk(SLOW_REPAIR);
    let option = |id: &str| c.options.iter().find(|o| o.id == id).unwrap();
    let dear = option("dear");
    assert!(dear.net_benefit < 0.0);
    assert!(dear.p_better.unwrap().p < 0.01, "{:?}", dear.p_better);
    let slow = option("slow-payback");
    assert_eq!(slow.payback_years, None);
    assert!(matches!(slow.payback(), drsim::sim::Payback::PastLifetime(y) if y > 10.0 && y < 12.5));
    let quick = option("quick-payback");
    let years = quick.payback_years.expect("within its lifetime");
    assert!(years > 1.0 && years < 1.25, "{years}");
    // A free-of-running-cost option saving money every year with a
    // failure is better in those years (its upfront spread over 5 years,
    // 2,000 a year, is below the saving in all but the quietest years).
    assert!(quick.p_better.unwrap().p > 0.9, "{:?}", quick.p_better);
    let text = drsim::report::compare::text(&c);
    assert!(text.contains("past its 5 y lifetime"), "{text}");
    assert!(text.contains("P(better year): the share of simulated years"));
}

/// The text's drill tables leave out what no option changes, and say how
/// much: the option that changes nothing has no row, svc1 (which does not
/// depend on the supplier) no column.
#[test]
fn drill_tables_leave_out_what_does_not_change() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let threats = ["supplier-outage".to_string()];
    let c = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &threats,
        &config(),
        &NoProgress,
    )
    .unwrap();
    let text = drsim::report::compare::text(&c);
    let drill = text
        .split("Drill supplier-outage")
        .nth(1)
        .expect("a drill table");
    assert!(
        drill.contains("Bring the supplier's work in house"),
        "{drill}"
    );
    assert!(!drill.contains("nothing"), "{drill}");
    assert!(!drill.contains("svc1"), "{drill}");
    assert!(
        drill.contains("Not shown: 1 option and 1 service"),
        "{drill}"
    );
}

/// A drill's change in P(all data lost), per service: a destroy that
/// reaches the backups leaves the database with no recovery point in every
/// trial (P = 1); an immutable tier survives it (P = 0), so the change is
/// exactly -1 (100 points), and the text shows it.
#[test]
fn a_drill_shows_the_change_in_the_chance_of_losing_all_data() {
    let yaml = "name: Vault
components:
  - id: db
    kind: database
    repair: 1h
    rebuild: 4h
    data:
      backups: [{every: 24h, restore: 2h}]
  - {id: svc, kind: service, depends_on: [db], rto: 8h, rpo: 24h, impact: {per_hour: 100}}
threats:
  - {id: ransomware, per_year: 0.1, hits: {components: [db]}, effect: destroy, reaches_backups: true, rebuild: 4h}
options:
  - id: vault
    cost: {per_year: 1000}
    changes:
      - set: {id: db, data: {backups: [{every: 24h, restore: 2h}, {every: 24h, restore: 6h, immutable: true}]}}
";
    let loaded = load_str(yaml, "vault.yaml").unwrap();
    let c = compare(
        &loaded.scenario,
        &loaded.options,
        &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
        None,
        &["ransomware".into()],
        &config(),
        &NoProgress,
    )
    .unwrap();
    let cell = &c.options[0].drills[0].services[0];
    assert_eq!(cell.service, "svc");
    assert_eq!(cell.total_loss_base, Some(1.0));
    let change = cell.total_loss_change.unwrap();
    assert_eq!(change.mean, -1.0);
    assert_eq!(change.ci95, [-1.0, -1.0]);
    let text = drsim::report::compare::text(&c);
    assert!(text.contains("P(all data lost)"), "{text}");
    assert!(text.contains("-100.0 pts"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&drsim::report::compare::json(&c)).unwrap();
    let cell = &json["options"][0]["drills"]["ransomware"]["svc"];
    assert_eq!(cell["total_data_loss_base"], 1.0);
    assert_eq!(cell["total_data_loss_change"]["mean"], -1.0);
}

/// What-if: `run --options X` simulates the scenario with X applied, and
/// on the same seed and trials its loss is, trial by trial, the one
/// `compare` charges X with (no rare threats here, so both draw plainly):
/// the two means agree exactly. The output says which options it applied.
#[test]
fn a_what_if_run_is_the_scenario_compare_judges_the_option_on() {
    let loaded = load_str(BASE, "base.yaml").unwrap();
    let c = compare_risk(BASE);
    let option = c.options.iter().find(|o| o.id == "drop-supplier").unwrap();
    let chosen: Vec<_> = loaded
        .options
        .iter()
        .filter(|o| o.id == "drop-supplier")
        .collect();
    let what_if = drsim::scenario::combined(&chosen).unwrap();
    assert_eq!(what_if.options_applied, ["drop-supplier"]);
    let r = run(&what_if, None, &config(), &NoProgress).unwrap();
    assert_eq!(r.options_applied, ["drop-supplier"]);
    assert_eq!(r.loss.mean, option.ale.mean);
    let base = run(&loaded.scenario, None, &config(), &NoProgress).unwrap();
    assert!(base.options_applied.is_empty());
    assert!(base.loss.mean > r.loss.mean);
}

#[test]
fn what_if_options_are_stated_in_every_output_and_exclusive_ones_refused() {
    use super::common::drsim;
    let dir = tempfile::tempdir().unwrap();
    let file = super::common::write_temp(&dir, "base.yaml", BASE);
    let out = |format: &str| {
        let o = drsim()
            .args([
                "run",
                "--trials",
                "200",
                "--options",
                "drop-supplier,nothing",
                "--format",
                format,
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    // In file order, whatever order they were named in.
    assert!(out("text").contains("What-if: with options nothing, drop-supplier applied"));
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    assert_eq!(
        json["options_applied"],
        serde_json::json!(["nothing", "drop-supplier"])
    );
    let csv = records(&out("csv"));
    let col = csv[0].iter().position(|h| h == "options_applied").unwrap();
    assert!(csv[1..].iter().all(|r| &r[col] == "nothing;drop-supplier"));
    let drill = drsim()
        .args([
            "drill",
            "--threat",
            "supplier-outage",
            "--trials",
            "200",
            "--options",
            "drop-supplier",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&drill.stdout)
        .contains("What-if: with option drop-supplier applied"));

    // Two options setting the same key of the same item: refused, saying why.
    let clash = BASE.to_string()
        + "  - id: other-supplier\n    cost: {per_year: 1}\n    changes:\n      - set: {id: svc2, depends_on: [x]}\n";
    let file = super::common::write_temp(&dir, "clash.yaml", clash);
    let o = drsim()
        .args([
            "run",
            "--trials",
            "200",
            "--options",
            "drop-supplier,other-supplier",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`drop-supplier` and `other-supplier` cannot be applied together: both set `depends_on` of `svc2`"),
        "{err}"
    );
}
