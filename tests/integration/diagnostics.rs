//! Every diagnostic the scenario validator can give, snapshotted with its
//! text, key path, line, column and help, in the order it is reported. Bad
//! scenarios, several problems each (validation reports them all at once),
//! so a reorganisation of the validator can show it changes no message and
//! no order. A last snapshot collects the parse-stage errors (units,
//! distributions, unknown keys), one problem per file as parsing stops.

use drsim::scenario::load_str;

const FILE: &str = "bad.yaml";

/// The errors as `drsim check` prints them, or `valid` and the warnings.
fn diagnostics(yaml: &str) -> String {
    match load_str(yaml, FILE) {
        Err(e) => format!("{e}\n"),
        Ok(loaded) => {
            let mut out = String::from("valid\n");
            for w in &loaded.warnings {
                w.render(&mut out, FILE, "warning")
                    .expect("writing to a String cannot fail");
                out.push('\n');
            }
            out
        }
    }
}

fn check(name: &str, yaml: &str) {
    insta::assert_snapshot!(name, diagnostics(yaml));
}

#[test]
fn header_empty() {
    check(
        "header_empty",
        r#"name: "  "
horizon: 0h
components: []
"#,
    );
}

#[test]
fn header_long_horizon() {
    check(
        "header_long_horizon",
        r#"name: ""
horizon: 1001y
components:
  - {id: shop, kind: service}
"#,
    );
}

#[test]
fn ids_invalid_and_duplicate() {
    check(
        "ids_invalid_and_duplicate",
        r#"name: ids
sites:
  - id: dc-1
  - id: "Site A"
teams:
  - id: ops
    size: 0
  - id: dc-1
    size: 1
  - id: ""
    size: 2
components:
  - id: Web_Server
    kind: service
  - id: ops
    kind: server
  - id: _db
    kind: database
  - id: ops
    kind: server
  - id: "Site A"
    kind: server
  - id: quake
    kind: server
threats:
  - id: fire
    per_year: 0.1
    hits: {components: [ops]}
    effect: damage
  - id: fire
    per_year: 0.1
    hits: {components: [quake]}
    effect: damage
"#,
    );
}

#[test]
fn references_unknown_and_wrong_kind() {
    check(
        "references_unknown_and_wrong_kind",
        r#"name: refs
sites:
  - id: london
teams:
  - id: dba
    size: 2
components:
  - id: 'db'
    kind: database
    site: londn
    team: dbaa
  - id: app
    kind: application
    site: paris
    team: zzzzzz
    depends_on: [dbb, xyzzy, london]
  - id: shop
    kind: service
    site: dba
    team: london
    depends_on: [app, dbb]
threats:
  - id: flood
    per_year: 0.1
    hits: {sites: [lodnon, db], components: [ap, london, flood]}
    effect: disrupt
    duration: 4h
"#,
    );
}

#[test]
fn references_when_none_are_defined() {
    check(
        "references_when_none_are_defined",
        r#"name: none defined
components:
  - id: db
    kind: database
    site: dc1
    team: ops
  - id: shop
    kind: service
    depends_on: [db]
threats:
  - id: flood
    per_year: 0.1
    hits: {sites: [dc1]}
    effect: damage
"#,
    );
}

#[test]
fn references_many_unknown() {
    // 14 components (a known list is cut at 12), and more unknown ids than
    // the validator looks for suggestions for: the last, close to `c01`,
    // gets the list instead of a suggestion.
    let mut yaml = String::from("name: many\ncomponents:\n");
    for i in 1..=13 {
        yaml.push_str(&format!("  - {{id: c{i:02}, kind: server}}\n"));
    }
    yaml.push_str("  - id: shop\n    kind: service\n    depends_on:\n");
    for i in 0..101 {
        yaml.push_str(&format!("      - unknown-{i:03}\n"));
    }
    yaml.push_str("      - c011\n");
    check("references_many_unknown", &yaml);
}

#[test]
fn depends_on_groups() {
    check(
        "depends_on_groups",
        r#"name: deps
components:
  - id: n1
    kind: server
  - id: n2
    kind: server
  - id: svc1
    kind: service
    depends_on: [svc1]
  - id: svc2
    kind: service
    depends_on: [n1, n1]
  - id: svc3
    kind: service
    depends_on:
      - {at_least: 0, of: [n1, n2]}
  - id: svc4
    kind: service
    depends_on:
      - {at_least: 3, of: [n1, n2]}
  - id: svc5
    kind: service
    depends_on:
      - {at_least: 1, of: [n1, svc5, nx]}
  - id: svc6
    kind: service
    depends_on:
      - {failover: [n1]}
  - id: svc7
    kind: service
    depends_on:
      - {failover: [n1, n3x], switchover: 5m}
  - id: svc8
    kind: service
    depends_on:
      - n2
      - {at_least: 1, of: [n2, n1]}
      - {failover: [n1, svc8], lag: 1m}
  - id: svc9
    kind: service
    depends_on:
      - {at_least: -1, of: [n1, nz]}
      - {at_least: 2, of: [n1, n1]}
"#,
    );
}

#[test]
fn cycle() {
    check(
        "cycle",
        r#"name: cycle
components:
  - id: lone
    kind: server
  - id: alpha
    kind: server
    depends_on:
      - {failover: [beta, lone]}
  - id: beta
    kind: server
    depends_on:
      - {at_least: 1, of: [gamma, lone]}
  - id: gamma
    kind: server
    depends_on: [alpha]
  - id: x
    kind: server
    depends_on: [y]
  - id: y
    kind: server
    depends_on: [x]
  - id: svc
    kind: service
    depends_on: [alpha, x]
"#,
    );
}

#[test]
fn cycle_is_not_reported_with_other_errors() {
    check(
        "cycle_is_not_reported_with_other_errors",
        r#"name: cycle and more
components:
  - id: alpha
    kind: server
    depends_on: [beta]
  - id: beta
    kind: server
    depends_on: [alpha]
  - id: svc
    kind: service
    depends_on: [alpha, gamma]
"#,
    );
}

#[test]
fn failures() {
    check(
        "failures",
        r#"name: failures
components:
  - id: disk
    kind: storage
    repair: 1h
    failures:
      - every: 30s
      - after: {exp: 30s}
      - {every: 1y, after: 2y}
      - {effect: damage}
      - {every: 1y, effect: disrupt}
      - {every: 0s, effect: destroy}
      - {after: {weibull: {shape: 2, scale: 5y}}, effect: destroy}
  - id: svc
    kind: service
    depends_on: [disk]
"#,
    );
}

#[test]
fn backups_and_money() {
    check(
        "backups_and_money",
        r#"name: backups and money
components:
  - id: db
    kind: database
    repair: 2h
    data:
      backups:
        - {every: 0h, restore: 1h}
        - {every: 24h, restore: 2h}
        - {every: 0s, restore: 1h, immutable: true}
    impact:
      per_hour: -5
      per_hour_data_lost: 1.0e+16
      per_incident: .nan
      per_total_data_loss: .inf
  - id: shop
    kind: service
    depends_on: [db]
    impact: {per_hour: 1000000000000000, per_incident: -0.5}
"#,
    );
}

#[test]
fn threats() {
    check(
        "threats",
        r#"name: threats
sites:
  - id: london
components:
  - id: db
    kind: database
    site: london
    tags: [core, payments]
    repair: 1h
    rebuild: 1d
  - id: shop
    kind: service
    depends_on: [db]
threats:
  - id: fast
    every: 30s
    hits: {components: [db]}
    effect: damage
  - id: negative
    per_year: -1
    hits: {components: [db]}
    effect: damage
  - id: huge
    per_year: 1.0e+9
    hits: {components: [db]}
    effect: damage
  - id: endless
    per_year: 1.0e+20
    hits: {components: [db]}
    effect: damage
  - id: nan
    per_year: .nan
    hits: {components: [db]}
    effect: damage
  - id: both
    every: 5y
    per_year: 0.2
    hits: {components: [db]}
    effect: damage
  - id: odds
    per_year: 1
    chance: 1.5
    hits: {components: [db]}
    effect: damage
  - id: negative-odds
    per_year: 1
    chance: -0.1
    hits: {kinds: [database]}
    effect: damage
  - id: tagged
    per_year: 1
    hits: {tags: [paymnts, nothing-like-it, core]}
    effect: damage
  - id: nohit
    per_year: 1
    hits: {}
    effect: damage
  - id: flood
    per_year: 0.1
    hits: {sites: [london]}
    effect: disrupt
  - id: fire
    per_year: 0.1
    hits: {sites: [london]}
    effect: damage
    duration: 4h
    rebuild: 1d
    reaches_backups: true
  - id: wipe
    per_year: 0.1
    hits: {components: [db]}
    effect: destroy
    repair: 1h
    duration: 2h
  - id: storm
    per_year: 0.1
    hits: {components: [shop]}
    effect: disrupt
    duration: 1h
    rebuild: 1d
    repair: 1h
    reaches_backups: true
"#,
    );
}

#[test]
fn threat_tags_when_no_component_has_one() {
    check(
        "threat_tags_when_no_component_has_one",
        r#"name: no tags
components:
  - {id: db, kind: database}
  - {id: shop, kind: service, depends_on: [db]}
threats:
  - {id: t, hits: {tags: [core]}, effect: disrupt, duration: 1h}
"#,
    );
}

#[test]
fn warnings() {
    check(
        "warnings",
        r#"name: warnings
components:
  - id: db
    kind: database
    rto: 4h
    rpo: 1h
    failures:
      - {every: 2y}
  - id: disk
    kind: storage
    mtpd: 1d
    failures:
      - {every: 5y, effect: destroy}
  - id: cache
    kind: server
    failures: [{every: 1y, repair: 1h}]
  - id: queue
    kind: server
  - id: tape
    kind: storage
    repair: 4h
    failures: [{every: 3y, effect: destroy}]
  - id: app
    kind: application
    depends_on: [db, disk, cache, queue, tape]
threats:
  - id: bug
    per_year: 1
    hits: {components: [queue]}
    effect: damage
    repair: 2h
  - id: quake
    per_year: 0.01
    hits: {kinds: [power]}
    effect: destroy
  - id: ransom
    per_year: 0.1
    hits: {components: [app]}
    effect: destroy
    reaches_backups: true
"#,
    );
}

#[test]
fn warning_selects_nothing_only_without_errors() {
    check(
        "warning_selects_nothing_only_without_errors",
        r#"name: no warnings with errors
components:
  - {id: db, kind: database, repair: 1h}
  - {id: shop, kind: service, depends_on: [db], team: nobody}
threats:
  - {id: quake, per_year: 0.1, hits: {kinds: [power]}, effect: damage}
"#,
    );
}

#[test]
fn risk_tolerance() {
    check(
        "risk_tolerance",
        r#"name: tolerance
components:
  - {id: shop, kind: service}
risk_tolerance:
  - {loss: 0, p: 0.1}
  - {loss: 1000, p: 0}
  - {loss: 1000, p: 1.5}
  - {loss: -5, p: 0.5}
  - {loss: 1.0e+16, p: 0.5}
  - {loss: .nan, p: 0.5}
  - {loss: 1000, p: .nan}
  - {loss: 1000, p: 0.5}
"#,
    );
}

#[test]
fn options() {
    check(
        "options",
        r#"name: options
teams:
  - {id: dba, size: 1}
components:
  - {id: db, kind: database, team: dba, repair: 2h}
  - {id: shop, kind: service, depends_on: [db]}
options:
  - id: Standby DB
    lifetime: 12h
    cost: {upfront: -1, per_year: 1.0e+16}
    changes:
      - {set: {id: dba, size: 3}, remove: [db]}
      - {}
      - set: {size: 3}
      - set: {id: nope, size: 3}
      - remove: [ghost, db]
  - id: dup
    cost: {upfront: .nan, per_year: .inf}
    changes: [{set: {id: db, repair: 4h}}]
  - id: dup
    changes:
      - add: [{id: cache, kind: server, site: nowhere}]
      - add_teams: [{id: ops, size: 0}]
      - add_sites: [{id: dba}]
      - add_threats: [{id: t, hits: {components: [cach]}, effect: disrupt}]
  - id: bad-shape
    cost: {upfront: 10, extra: 1}
  - id: bad-patch
    changes: [{set: {id: db, repair: 45}}]
  - id: cycle
    changes: [{set: {id: db, depends_on: [shop]}}]
  - id: ok
    cost: {upfront: 1000}
    changes: [{remove: [dba]}, {set: {id: db, team: null}}]
"#,
    );
}

#[test]
fn options_not_a_list() {
    check(
        "options_not_a_list",
        r#"name: options
components:
  - {id: shop, kind: service}
options: {id: x}
"#,
    );
}

/// Control characters and bidirectional controls in free text (issue 13,
/// finding 10): each named by code point where it is; a description keeps
/// its line breaks and tabs.
#[test]
fn control_characters() {
    check(
        "control_characters",
        r#"name: "Acme\e]0;owned\a"
description: "Line one\n\tindented, then \e[2J"
sites:
  - {id: dc, name: "London\r", region: "\u202Eeu"}
teams:
  - {id: ops, name: "Ops\u2066", size: 1}
components:
  - {id: db, kind: database, name: "DB\x07", tags: [fine, "t\e[31m"]}
  - {id: shop, kind: service, depends_on: [db]}
threats:
  - {id: t, name: "T\n2", hits: {components: [db]}, effect: damage}
"#,
    );
}

/// The same checks on an option's name and on what its changes add.
#[test]
fn control_characters_in_an_option() {
    check(
        "control_characters_in_an_option",
        r#"name: fine
description: "Line one\n\tindented"
components:
  - {id: shop, kind: service}
options:
  - id: o
    name: "Standby\e[8m"
    changes:
      - add: [{id: db, kind: database, name: "x\u202Ey"}]
"#,
    );
}

/// Parse-stage errors: one per file (parsing stops at the first).
#[test]
fn parse_errors() {
    let component = |extra: &str| {
        format!("name: p\ncomponents:\n  - id: shop\n    kind: service\n    {extra}\n")
    };
    let cases = [
        component("repair: 45"),
        component("repair: 4.5"),
        component("repair: \"\""),
        component("repair: 2months"),
        component("repair: 3 hours"),
        component("repair: 2 fortnights"),
        component("repair: 1x5h"),
        component("repair: -1h"),
        component("repair: 2000000y"),
        component("repair: 0.0001s"),
        component("repair: 1ms"),
        component("repair: {}"),
        component("repair: {exp: 0h}"),
        component("repair: {lognormal: [0h, 1h]}"),
        component("repair: {lognormal: [9h, 1h]}"),
        component("repair: {lognormal: [1h]}"),
        component("repair: {lognormal: [1h, 2h, 3h]}"),
        component("repair: {uniform: [3h, 1h]}"),
        component("repair: {triangular: [1h, 5h, 2h]}"),
        component("repair: {weibull: {shape: 0, scale: 1h}}"),
        component("repair: {weibull: {shape: 0.05, scale: 1h}}"),
        component("repair: {weibull: {shape: 2, scale: 0h}}"),
        component("repair: {lognorml: [1h, 2h]}"),
        component("repair: {exp: 1h, uniform: [1h, 2h]}"),
        component("rto: 4"),
        component("dependson: [db]"),
        component("depends_on: [{at_least: 1}]"),
        component("depends_on: [{of: [a]}]"),
        component("depends_on: [{at_least: 1, of: [a], failover: [b]}]"),
        component("depends_on: [{at_least: 1, of: [a], switchover: 1m}]"),
        component("depends_on: [{}]"),
        component("priority: high"),
        "name: p\n".to_string(),
        "name: p\ncomponents:\n  - {id: db, kind: database\n  - {id: app, kind: service}\n"
            .to_string(),
        "name: p\ncomponents: [{id: a, kind: service, site: [x}]\n".to_string(),
        "name: p\ncomponents:\n  - {id: shop, kind: servic}\n".to_string(),
        "name: p\ncomponents: [\n".to_string(),
        "name: p\ncomponents:\n  - {id: shop, kind: service}\nthreats:\n  - {id: t, hits: {kinds: [power]}, effect: disrupt, duration: 1h, dwell: 3d}\n".to_string(),
    ];
    let mut out = String::new();
    for yaml in &cases {
        out.push_str("=== ");
        out.push_str(yaml.lines().last().unwrap_or_default().trim());
        out.push('\n');
        out.push_str(&diagnostics(yaml));
    }
    insta::assert_snapshot!("parse_errors", out);
}
