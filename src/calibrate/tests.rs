use super::*;

const SCENARIO: &str = "# yaml-language-server: $schema=../schema/scenario.schema.json
name: Demo
components:
  - id: db
    kind: database
    repair: {lognormal: [1h, 4h]}   # the vendor's figure
    data:
      backups:
        - {every: 1h, restore: 30m}
        - {every: 24h, restore: {exp: 6h}, offsite: true}
  - {id: db-b, kind: database, repair: 2h}
  - id: shop
    kind: service
    depends_on: [{failover: [db, db-b], switchover: 10m}]
    rto: 4h
threats:
  - {id: outage, per_year: 1, hits: {components: [db]}, effect: disrupt, duration: {uniform: [1h, 3h]}}
";

fn actuals(rows: &str) -> Vec<Actual> {
    actuals::parse(&format!("id,what,hours,tier,censored\n{rows}"), "a.csv").unwrap()
}

fn run(rows: &str) -> Result<Calibration, TableErrors> {
    calibrate(
        SCENARIO,
        "s.yaml",
        &actuals(rows),
        "a.csv",
        fit::DEFAULT_PRIOR_WEIGHT,
    )
}

#[test]
fn each_kind_of_measurement_updates_its_estimate_in_place() {
    let c = run("db,repair,6,,\ndb,repair,8,,\ndb,restore,9,24h,\ndb,restore,1,1,\ndb-b,switchover,0.5,,\noutage,duration,5,,\ndb-b,rebuild,30,,\ndb,detect,0.2,,\ndb,detect,0.3,,\n").unwrap();
    let paths: Vec<&str> = c
        .estimates
        .iter()
        .map(|e| e.estimate.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "components[0].repair",
            "components[0].data.backups[0].restore",
            "components[0].data.backups[1].restore",
            "components[0].detect",
            "components[1].rebuild",
            "components[2].depends_on[0].switchover",
            "threats[0].duration",
        ]
    );
    // Exponential stays exponential: (3 × 6h + 9h) / (3 + 1).
    let tier2 = &c.estimates[2];
    assert_eq!(tier2.posterior, Dist::Exp { mean: 27.0 / 4.0 });
    assert_eq!(tier2.posterior_text, "{exp: 6.75h}");
    // The file keeps its comments and gains one per value; it loads.
    let y = &c.yaml;
    assert!(y.starts_with("# yaml-language-server: $schema=../schema/scenario.schema.json\n# Calibrated by `drsim calibrate` from a.csv (7 estimates updated; prior weight 3).\n"), "{y}");
    assert!(y.contains("   # the vendor's figure"), "{y}");
    assert!(
        y.contains("\n  # calibrated repair of db: was {lognormal: [1h, 4h]}, now {lognormal: ["),
        "{y}"
    );
    assert!(
        y.contains("{every: 24h, restore: {exp: 6.75h}, offsite: true}"),
        "{y}"
    );
    // Keys the file did not have are added: db's detect (block), db-b's
    // rebuild (flow, its prior the repair).
    assert!(y.contains("\n    detect: {lognormal: ["), "{y}");
    assert!(y.contains("repair: 2h, rebuild: {lognormal: ["), "{y}");
    assert!(c.estimates[4].estimate.prior_text.contains("(its repair)"));
    let loaded = load_str(y, "c.yaml").unwrap();
    assert_eq!(loaded.scenario.components.len(), 3);
}

#[test]
fn no_observations_leave_the_file_as_it_was_but_for_the_header() {
    let c = calibrate(SCENARIO, "s.yaml", &[], "a.csv", 3.0).unwrap();
    assert!(c.estimates.is_empty());
    let body: Vec<&str> = c
        .yaml
        .lines()
        .filter(|l| !l.starts_with("# Calibrated"))
        .collect();
    assert_eq!(body, SCENARIO.lines().collect::<Vec<_>>());
}

#[test]
fn the_band_judges_the_estimate_before() {
    // Nine restores of a 1h-4h (lognormal) repair: seven beyond its p90.
    let rows: String = [2.0, 2.5, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
        .iter()
        .map(|h| format!("db,repair,{h},,\n"))
        .collect();
    let c = run(&rows).unwrap();
    let band = c.estimates[0].band.as_ref().unwrap();
    assert_eq!((band.below, band.inside, band.above), (0, 2, 7));
    assert_eq!(band.verdict, Verdict::Optimistic);
    let c = run("db,repair,2,,\ndb,repair,1.5,,\ndb,repair,3,,\n").unwrap();
    assert_eq!(
        c.estimates[0].band.as_ref().unwrap().verdict,
        Verdict::Consistent
    );
}

#[test]
fn observations_that_name_nothing_are_placed_at_their_row() {
    let e = run("dbb,repair,2,,\ndb,restore,2,,\nshop,switchover,1,,\nouttage,duration,1,,\noutage,repair,1,,\ndb,restore,2,7,\n")
        .unwrap_err()
        .0;
    let at: Vec<&str> = e.iter().map(|e| e.at.as_str()).collect();
    assert_eq!(
        at,
        [
            "a.csv, row 2, column id",
            "a.csv, row 3, column tier",
            "a.csv, row 4, column id",
            "a.csv, row 5, column id",
            "a.csv, row 6, column what",
            "a.csv, row 7, column tier",
        ]
    );
    assert!(e[0].help.as_deref().unwrap().contains("`db`"), "{e:?}");
    // Unfinished only, with no estimate to start from.
    let e = run("db-b,detect,2,,true\n").unwrap_err().0;
    assert!(
        e[0].message.contains("every observation is unfinished"),
        "{e:?}"
    );
}

#[test]
fn a_value_that_aliases_repeat_is_not_changed_for_all_of_them() {
    let src = "name: A\ncomponents:\n  - {id: a, kind: server, repair: &r {lognormal: [1h, 4h]}}\n  - {id: b, kind: server, repair: *r}\n  - {id: s, kind: service, depends_on: [a, b]}\n";
    // The anchored one: refused, with why.
    let e = calibrate(src, "s.yaml", &actuals("a,repair,9,,\n"), "a.csv", 3.0)
        .unwrap_err()
        .0;
    assert!(e[0].message.contains("aliases"), "{e:?}");
    // The alias: replaced where it is, the anchor left for the others.
    let c = calibrate(
        src,
        "s.yaml",
        &actuals("b,repair,9,,\nb,repair,7,,\n"),
        "a.csv",
        3.0,
    )
    .unwrap();
    assert!(
        c.yaml.contains("repair: &r {lognormal: [1h, 4h]}}"),
        "{}",
        c.yaml
    );
    assert!(
        c.yaml
            .contains("{id: b, kind: server, repair: {lognormal: ["),
        "{}",
        c.yaml
    );
}

#[test]
fn in_place_edits_never_change_anything_else() {
    // A quoted name over two lines in the value's flow mapping: the comment
    // goes above the component, and the name stays as it was.
    let src = "name: A\ncomponents:\n  - {id: a, kind: database, name: \"Primary\n      database\", repair: 2h}\n  - {id: s, kind: service, depends_on: [a]}\n";
    let c = calibrate(
        src,
        "s.yaml",
        &actuals("a,repair,3,,\na,repair,4,,\n"),
        "a.csv",
        3.0,
    )
    .unwrap();
    let loaded = load_str(&c.yaml, "c.yaml").unwrap();
    assert_eq!(
        loaded.scenario.components[0].name.as_deref(),
        Some("Primary database")
    );
    // A line separator in the actuals file's name stays in the comment.
    let c = calibrate(
        src,
        "s.yaml",
        &actuals("a,repair,3,,\n"),
        "x\u{2028}horizon: 50y #.csv",
        3.0,
    )
    .unwrap();
    assert!(c.yaml.contains("x\\u{2028}horizon"), "{}", c.yaml);
    assert!(load_str(&c.yaml, "c.yaml").unwrap().scenario.horizon != 50.0 * 8760.0);
    // A block scalar value cannot be edited in place: refused, not broken.
    let src = "name: A\ncomponents:\n  - id: a\n    kind: database\n    description_free: 1\n";
    assert!(load_str(src, "x").is_err());
}

#[test]
fn tiers_are_named_by_number_or_by_interval_as_a_duration() {
    let src = "name: A\ncomponents:\n  - id: db\n    kind: database\n    data:\n      backups:\n        - {every: 24h, restore: {lognormal: [1h, 4h]}}\n        - {every: 1d, restore: {lognormal: [10h, 40h]}}\n        - {every: 7d, restore: {lognormal: [1d, 3d]}}\n  - {id: s, kind: service, depends_on: [db]}\n";
    let e = calibrate(
        src,
        "s.yaml",
        &actuals("db,restore,30,24h,\n"),
        "a.csv",
        3.0,
    )
    .unwrap_err()
    .0;
    assert!(
        e[0].message.contains("2 backup tiers taken every 24h"),
        "{e:?}"
    );
    assert!(e[0].help.as_deref().unwrap().contains("1 or 2"), "{e:?}");
    let c = calibrate(
        src,
        "s.yaml",
        &actuals("db,restore,30,2,\ndb,restore,50,168h,\n"),
        "a.csv",
        3.0,
    )
    .unwrap();
    let paths: Vec<&str> = c
        .estimates
        .iter()
        .map(|e| e.estimate.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "components[0].data.backups[1].restore",
            "components[0].data.backups[2].restore"
        ]
    );
}
