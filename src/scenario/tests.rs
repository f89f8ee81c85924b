use super::*;

fn errors(yaml: &str) -> Vec<Diagnostic> {
    match load_str(yaml, "t.yaml") {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.diagnostics().to_vec(),
    }
}

fn rendered(yaml: &str) -> String {
    load_str(yaml, "t.yaml").unwrap_err().to_string()
}

#[test]
fn unknown_reference_suggests_the_nearest_id() {
    let msg = rendered("name: x\ncomponents:\n  - {id: db, kind: database}\n  - {id: app, kind: service, depends_on: [dbb]}\n");
    assert!(msg.contains("t.yaml:4:"), "{msg}");
    assert!(msg.contains("components[1].depends_on[0]"), "{msg}");
    assert!(msg.contains("unknown component `dbb`"), "{msg}");
    assert!(msg.contains("did you mean `db`?"), "{msg}");
}

#[test]
fn cycle_names_the_whole_loop() {
    let msg = rendered("name: x\ncomponents:\n  - {id: alpha, kind: server, depends_on: [gamma]}\n  - {id: beta, kind: server, depends_on: [alpha]}\n  - {id: gamma, kind: server, depends_on: [beta]}\n  - {id: svc, kind: service, depends_on: [alpha]}\n");
    assert!(msg.contains("alpha -> gamma -> beta -> alpha"), "{msg}");
    assert!(msg.contains("t.yaml:3"), "{msg}");
}

#[test]
fn bare_number_duration_is_refused_with_a_location() {
    let d = errors("name: x\ncomponents:\n  - {id: app, kind: service, repair: 45}\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("unit"), "{:?}", d[0]);
    assert_eq!(d[0].line, Some(3));
    assert!(d[0].path.contains("components[0]"), "{:?}", d[0]);
}

#[test]
fn unknown_key_is_an_error_with_a_suggestion() {
    let msg = rendered("name: x\ncomponents:\n  - {id: db, kind: database}\n  - {id: app, kind: service, dependson: [db]}\n");
    assert!(msg.contains("dependson"), "{msg}");
    assert!(msg.contains("did you mean `depends_on`"), "{msg}");
    assert!(msg.contains(":4:"), "{msg}");
}

#[test]
fn syntax_error_gives_a_line() {
    let d =
        errors("name: x\ncomponents:\n  - {id: db, kind: database\n  - {id: app, kind: service}\n");
    assert!(d[0].line.is_some(), "{:?}", d[0]);
}

#[test]
fn impossible_quorum_is_refused() {
    let msg = rendered("name: x\ncomponents:\n  - {id: n1, kind: server}\n  - {id: n2, kind: server}\n  - id: svc\n    kind: service\n    depends_on:\n      - {at_least: 3, of: [n1, n2]}\n");
    assert!(msg.contains("at_least 3 of 2"), "{msg}");
    assert!(
        msg.contains("components[2].depends_on[0].at_least"),
        "{msg}"
    );
}

#[test]
fn upside_down_lognormal_is_refused() {
    let msg = rendered(
        "name: x\ncomponents:\n  - {id: app, kind: service, repair: {lognormal: [9h, 1h]}}\n",
    );
    assert!(msg.contains("lognormal"), "{msg}");
    assert!(msg.contains("swap"), "{msg}");
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let bomb = "name: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\ncomponents: [*i]\n";
    let start = std::time::Instant::now();
    assert!(load_str(bomb, "bomb.yaml").is_err());
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn all_errors_are_reported_at_once() {
    let d = errors("name: x\nteams: [{id: ops, size: 1}]\ncomponents:\n  - {id: a, kind: server, team: opz}\n  - {id: b, kind: service, depends_on: [aa, c]}\nthreats:\n  - {id: t, hits: {components: [a]}, effect: disrupt}\n");
    let text: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
    assert_eq!(d.len(), 4, "{text:?}");
    assert!(d
        .iter()
        .any(|d| d.help.as_deref() == Some("did you mean `ops`?")));
}

#[test]
fn duplicate_ids_across_sections_are_refused() {
    let msg = rendered("name: x\nsites: [{id: core}]\ncomponents:\n  - {id: core, kind: server}\n");
    assert!(msg.contains("duplicate id `core`"), "{msg}");
}

#[test]
fn non_utf8_and_random_bytes_never_panic() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
    for len in [0usize, 1, 17, 4096, 3 * 1024 * 1024] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        assert!(load_bytes(&bytes, "noise").is_err());
        let ascii: Vec<u8> = bytes.iter().map(|b| b % 96 + 32).collect();
        let _ = load_bytes(&ascii, "noise");
    }
}

#[test]
fn a_valid_scenario_resolves_references() {
    let yaml = "name: Demo\nsites: [{id: dc1}]\nteams: [{id: ops, size: 2}]\ncomponents:\n  - {id: a, kind: server, site: dc1, team: ops, repair: {exp: 2h}, failures: [{every: 1000h}]}\n  - {id: b, kind: server, repair: 1h}\n  - id: svc\n    kind: service\n    depends_on: [{failover: [a, b], switchover: 15m, lag: 5s}]\n    rto: 4h\n    impact: {per_hour: 100}\nthreats:\n  - {id: fire, per_year: 0.01, hits: {sites: [dc1]}, effect: destroy}\n";
    let s = load_str(yaml, "demo").unwrap().scenario;
    assert_eq!(s.components[0].site, Some(0));
    assert_eq!(s.components[0].team, Some(0));
    match &s.components[2].depends_on[0] {
        Requirement::Failover { members, lag, .. } => {
            assert_eq!(members, &vec![0, 1]);
            assert!((lag - 5.0 / 3600.0).abs() < 1e-12);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.threats[0].components().collect::<Vec<_>>(), vec![0]);
    assert!((s.threats[0].per_year().unwrap() - 0.01).abs() < 1e-12);
    assert_eq!(s.horizon, 8760.0);
    assert_eq!(s.currency, "GBP");
}

#[test]
fn alias_bomb_where_any_value_is_accepted_is_stopped_while_reading() {
    // `options` holds free YAML until `compare` applies it, so no type
    // refuses this one: the alias budget, counted while reading, does.
    let mut yaml = String::from("name: bomb\ncomponents: [{id: x, kind: service}]\noptions:\n  - &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(",");
        yaml.push_str(&format!("  - &a{i} [{refs}]\n"));
    }
    let start = std::time::Instant::now();
    let msg = rendered(&yaml);
    assert!(msg.contains("aliases expand the file"), "{msg}");
    assert!(msg.contains("--> t.yaml:8:"), "{msg}");
    assert!(start.elapsed().as_secs() < 5);
}

const WITH_OPTIONS: &str = "name: Shop\nteams: [{id: dba, size: 1}]\ncomponents:\n  - {id: db, kind: database, team: dba, repair: 2h}\n  - {id: nas, kind: storage}\n  - {id: shop, kind: service, depends_on: [db, nas]}\nthreats:\n  - {id: crash, hits: {components: [db]}, effect: damage}\noptions:\n  - id: standby\n    name: Standby database\n    cost: {upfront: 50000, per_year: 10000}\n    changes:\n      - add: [{id: db-b, kind: database, repair: 2h}]\n      - set: {id: shop, depends_on: [{failover: [db, db-b], switchover: 10m}, nas]}\n      - set: {id: dba, size: 2}\n  - id: no-nas\n    cost: {per_year: 1000}\n    lifetime: 2y\n    changes:\n      - set: {id: shop, depends_on: [db]}\n      - remove: [nas]\n";

#[test]
fn options_patch_the_base_scenario() {
    let loaded = load_str(WITH_OPTIONS, "shop.yaml").unwrap();
    assert_eq!(loaded.scenario.components.len(), 3);
    assert_eq!(loaded.options.len(), 2);
    let standby = &loaded.options[0];
    assert_eq!(standby.label(), "Standby database");
    assert_eq!(standby.annual_cost(), 50000.0 / 5.0 + 10000.0);
    let s = standby.scenario();
    assert_eq!(s.components.len(), 4);
    assert_eq!(s.teams[0].size, 2);
    let shop = &s.components[s.component_index("shop").unwrap()];
    assert!(matches!(shop.depends_on[0], Requirement::Failover { .. }));
    let no_nas = &loaded.options[1];
    assert_eq!(no_nas.annual_cost(), 1000.0);
    assert!(no_nas.scenario().component_index("nas").is_none());
}

#[test]
fn option_errors_name_the_option() {
    let broken = WITH_OPTIONS.replace("      - set: {id: shop, depends_on: [db]}\n", "");
    let msg = rendered(&broken);
    assert!(msg.contains("option `no-nas`"), "{msg}");
    assert!(msg.contains("unknown component `nas`"), "{msg}");
    let typo = WITH_OPTIONS.replace("set: {id: dba, size: 2}", "set: {id: dbaa, size: 2}");
    let msg = rendered(&typo);
    assert!(
        msg.contains("option `standby`") && msg.contains("dbaa"),
        "{msg}"
    );
    let two = WITH_OPTIONS.replace(
        "      - set: {id: dba, size: 2}\n",
        "      - {set: {id: dba, size: 2}, remove: [nas]}\n",
    );
    assert!(rendered(&two).contains("exactly one of"));
}

#[test]
fn a_component_hit_without_a_repair_time_is_warned_of_unless_the_threat_has_one() {
    let yaml = |threat_repair: &str| {
        format!(
            "name: x\ncomponents:\n  - {{id: db, kind: database}}\n  - {{id: nas, kind: storage, repair: 1h}}\n  - {{id: shop, kind: service, depends_on: [db, nas]}}\nthreats:\n  - {{id: crash, hits: {{components: [db, nas]}}, effect: damage{threat_repair}}}\n"
        )
    };
    let warned = |threat_repair: &str| -> Vec<String> {
        load_str(&yaml(threat_repair), "t.yaml")
            .unwrap()
            .warnings
            .iter()
            .filter(|w| w.message.contains("come back instantly"))
            .map(|w| w.path.clone())
            .collect()
    };
    // Only `db` lacks a repair time of its own.
    assert_eq!(warned(""), vec!["components[0]".to_string()]);
    assert!(warned(", repair: 2h").is_empty());
}

/// A component and a service with `extra` in the component's mapping.
fn with_component(extra: &str) -> String {
    format!("name: x\ncomponents:\n  - {{id: a, kind: server{extra}}}\n  - {{id: s, kind: service, depends_on: [a], impact: {{per_hour: 1}}}}\n")
}

#[test]
fn durations_past_what_floats_hold_are_refused() {
    // 1e305y is finite as a number but not in hours (8.76e308).
    for (extra, needle) in [
        (", repair: 1e305y", "up to 1000000y"),
        (", repair: 1000001y", "up to 1000000y"),
        (", repair: {lognormal: [5e-324h, 1h]}", "at least 0.001s"),
        (", repair: 0.0001s", "at least 0.001s"),
        // The message names the shortest duration as it can be written.
        (
            ", repair: 1ms",
            "write milliseconds as seconds, e.g. 0.001s",
        ),
    ] {
        let msg = rendered(&with_component(extra));
        assert!(msg.contains(needle), "{extra}: {msg}");
        assert!(msg.contains("t.yaml:3"), "{extra}: {msg}");
    }
    for fine in [", repair: 1000000y", ", repair: 0.001s", ", repair: 0h"] {
        assert!(load_str(&with_component(fine), "t.yaml").is_ok(), "{fine}");
    }
}

/// The message for a too-short duration names the shortest one accepted,
/// written so that it is accepted.
#[test]
fn the_shortest_duration_named_is_accepted() {
    let msg = rendered(&with_component(", repair: 0.0001s"));
    let shortest = msg
        .split("at least ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the message names the shortest duration");
    let yaml = with_component(&format!(", repair: {shortest}"));
    assert!(load_str(&yaml, "t.yaml").is_ok(), "{shortest}: {msg}");
}

#[test]
fn weibull_shapes_outside_the_handled_range_are_refused() {
    for shape in ["1e-300", "0.09", "101"] {
        let extra = format!(", failures: [{{after: {{weibull: {{shape: {shape}, scale: 1y}}}}}}]");
        let msg = rendered(&with_component(&extra));
        assert!(msg.contains("outside what drsim handles"), "{shape}: {msg}");
    }
    for shape in ["0.1", "100"] {
        let extra = format!(", failures: [{{after: {{weibull: {{shape: {shape}, scale: 1y}}}}}}]");
        assert!(
            load_str(&with_component(&extra), "t.yaml").is_ok(),
            "{shape}"
        );
    }
}

#[test]
fn failures_and_threats_that_would_stop_time_are_refused() {
    // A time to failure of 0 fails the component again at the same instant
    // for ever; so would threats a googol times a year.
    for (extra, needle) in [
        (
            ", failures: [{after: 0h}]",
            "mean time to failure must be at least 1m",
        ),
        (
            ", failures: [{after: {uniform: [0h, 0h]}}]",
            "mean time to failure must be at least 1m",
        ),
        (", failures: [{every: 59s}]", "at least 1m"),
    ] {
        let d = errors(&with_component(extra));
        assert!(
            d.iter().any(|d| d.message.contains(needle)),
            "{extra}: {d:?}"
        );
        assert!(d.iter().any(|d| d.line == Some(3)), "{extra}: {d:?}");
    }
    assert!(load_str(&with_component(", failures: [{every: 1m}]"), "t.yaml").is_ok());
    let threat = |freq: &str| {
        format!(
            "{}threats:\n  - {{id: t, {freq}, hits: {{components: [a]}}, effect: damage}}\n",
            with_component(", repair: 1h")
        )
    };
    for freq in ["per_year: 1e300", "per_year: 525601", "every: 30s"] {
        let msg = rendered(&threat(freq));
        assert!(msg.contains("threats[0]"), "{freq}: {msg}");
    }
    assert!(load_str(&threat("per_year: 525600"), "t.yaml").is_ok());
}

#[test]
fn horizons_past_1000_years_and_huge_money_are_refused() {
    let msg = rendered(&format!("horizon: 1001y\n{}", with_component("")));
    assert!(msg.contains("longer than 1000y"), "{msg}");
    assert!(load_str(&format!("horizon: 1000y\n{}", with_component("")), "t.yaml").is_ok());
    let msg = rendered(&with_component("").replace("per_hour: 1", "per_hour: 1e308"));
    // The amount is shown in e-notation, not as 309 digits.
    assert!(
        msg.contains("1e308 is not a valid amount of money"),
        "{msg}"
    );
    assert!(load_str(
        &with_component("").replace("per_hour: 1", "per_hour: 1e15"),
        "t.yaml"
    )
    .is_ok());
}

#[test]
fn option_ids_costs_and_lifetimes_are_checked() {
    let base = with_component(", repair: 1h");
    let option = |body: &str| format!("{base}options:\n  - {body}\n");
    for (body, needle) in [
        (
            "{id: \"O O\", cost: {upfront: 1}, changes: []}",
            "not a valid option id",
        ),
        (
            "{id: \"\", cost: {upfront: 1}, changes: []}",
            "not a valid option id",
        ),
        (
            "{id: o, cost: {upfront: 1e308}, changes: []}",
            "1e308 is not a valid cost",
        ),
        (
            "{id: o, cost: {upfront: 1}, lifetime: 23h, changes: []}",
            "at least 1d",
        ),
    ] {
        let msg = rendered(&option(body));
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    assert!(load_str(
        &option("{id: o-1, cost: {upfront: 1}, lifetime: 1d, changes: []}"),
        "t.yaml"
    )
    .is_ok());
}

#[test]
fn many_unknown_references_are_each_located() {
    // 20,000 references to one missing id: each error is located and gets a
    // suggestion without rescanning the file or every id (this took minutes).
    let mut yaml = String::from("name: x\ncomponents:\n");
    for i in 0..20_000 {
        yaml.push_str(&format!(
            "  - {{id: app-{i}, kind: server, depends_on: [core-db]}}\n"
        ));
    }
    yaml.push_str("  - {id: svc, kind: service, depends_on: [app-0]}\n");
    let d = errors(&yaml);
    assert_eq!(d.len(), 20_000);
    assert_eq!(d[19_999].line, Some(20_002));
    assert!(
        d[19_999].message.contains("unknown component `core-db`"),
        "{:?}",
        d[19_999]
    );
}

#[test]
fn deep_nesting_is_not_called_an_alias_bomb() {
    let deep = format!(
        "name: x\ncomponents: [{{id: a, kind: service}}]\noptions:\n  - {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    let msg = rendered(&deep);
    assert!(msg.contains("nest more than 64 levels deep"), "{msg}");
    assert!(msg.contains("t.yaml:4:"), "{msg}");
    assert!(!msg.contains("alias"), "{msg}");
}

#[test]
fn nesting_is_refused_while_reading_not_after() {
    // 100,000 levels (200 KB): libyaml alone took over a minute on this.
    let deep = format!(
        "name: x
components: [{{id: a, kind: service}}]
description: {}{}
",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let start = std::time::Instant::now();
    let msg = rendered(&deep);
    assert!(msg.contains("nest more than 64 levels deep"), "{msg}");
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn a_long_string_repeated_by_aliases_is_refused_while_reading() {
    // A 100 KB name repeated in 20,000 tags: 2 GB once expanded (3.9 GB
    // of memory before the budget).
    let big = "x".repeat(100_000);
    let tags = vec!["*big"; 20_000].join(", ");
    let yaml = format!(
        "name: x\ncomponents:\n  - {{id: s, kind: service, name: &big {big}, tags: [{tags}]}}\n"
    );
    let msg = rendered(&yaml);
    assert!(
        msg.contains("aliases expand the file by more than 1.0 MiB"),
        "{msg}"
    );
    assert!(msg.contains("t.yaml:3:"), "{msg}");
}

#[test]
fn each_duplicate_id_points_at_its_own_definition() {
    let yaml = "name: x\n# the db is our main database\ncomponents:\n  - {id: db, kind: database}\n  - {id: app, kind: server, depends_on: [db]}\n  - {id: db, kind: server}\n  - id: db\n    kind: server\n  - {id: s, kind: service, depends_on: [app]}\n";
    let lines: Vec<Option<usize>> = errors(yaml)
        .iter()
        .filter(|d| d.message.contains("duplicate id `db`"))
        .map(|d| d.line)
        .collect();
    assert_eq!(lines, [Some(6), Some(7)]);
}

#[test]
fn a_currency_is_a_short_code_or_sign_without_markup() {
    // The currency is written into every money figure of the HTML report;
    // this one ran its handler in a browser (issue 13, finding 1).
    let hostile = "name: x\ncurrency: \"<img src=x onerror=\\\"document.title='PWNED'\\\">\"\ncomponents: [{id: s, kind: service, impact: {per_hour: 1000}}]\n";
    let e = errors(hostile);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].message.contains("the currency must be a code or sign"),
        "{e:?}"
    );
    assert_eq!(e[0].line, Some(2));
    for bad in ["\"\"", "\"a b\"", "\"\\e[2J\"", "\"GBP&\"", "ABCDEFGHI"] {
        let yaml = format!("name: x\ncurrency: {bad}\ncomponents: [{{id: s, kind: service}}]\n");
        assert_eq!(errors(&yaml).len(), 1, "{bad}");
    }
    for good in ["GBP", "CHF", "£", "US$", "kr"] {
        let yaml = format!("name: x\ncurrency: {good}\ncomponents: [{{id: s, kind: service}}]\n");
        assert!(load_str(&yaml, "x.yaml").is_ok(), "{good}");
    }
}

/// The outcome of loading `base` with `options` appended: the scenario's
/// name, or the messages.
fn outcome(base: &str, options: &str) -> Result<String, Vec<String>> {
    match load_str(&format!("{base}{options}"), "t.yaml") {
        Ok(loaded) => Ok(loaded.scenario.name),
        Err(e) => Err(e.diagnostics().iter().map(|d| d.message.clone()).collect()),
    }
}

/// Issue 13, finding 14: a scenario is valid or not, and means the same,
/// whether or not it has options; an option with changes re-reads the
/// document, and used to read `name: 123` (or an id `2024`) as a number
/// and fail, blaming the option.
#[test]
fn validation_does_not_depend_on_whether_options_exist() {
    let empty = "options:\n  - {id: o}\n";
    let changes = "options:\n  - {id: o, changes: [{set: {id: a, repair: 1h}}]}\n";
    for name in ["123", "~", "null", "true", "1.50", "\"\"", "'~'", "Acme"] {
        for component in [
            "{id: a, kind: server}",
            "{id: a, kind: server, name: 7, tags: [2024, true], site: 42}",
        ] {
            let site = if component.contains("site") {
                "sites: [{id: 42, region: 1.5}]\n"
            } else {
                ""
            };
            let base = format!(
                "name: {name}\n{site}components:\n  - {component}\n  - {{id: 2024, kind: service, depends_on: [a]}}\n  - {{id: s2, kind: service, depends_on: [2024]}}\n"
            );
            let without = outcome(&base, "");
            assert_eq!(without, outcome(&base, empty), "{base}");
            assert_eq!(without, outcome(&base, changes), "{base}");
        }
    }
    // Null is no name: refused as empty, as `name: ""` is.
    for name in ["~", "null", ""] {
        let base = format!("name: {name}\ncomponents:\n  - {{id: a, kind: service}}\n");
        let err = outcome(&base, "").unwrap_err();
        assert_eq!(
            err,
            vec!["the scenario name is empty".to_string()],
            "{name}"
        );
    }
    // A number or a boolean is its text, the same in an option's changes.
    let base = "name: 123\ncomponents:\n  - {id: a, kind: service}\n";
    assert_eq!(outcome(base, changes).as_deref(), Ok("123"));
    let yaml = format!("{base}options:\n  - {{id: o, changes: [{{add: [{{id: 7, name: 8, kind: server}}]}}, {{set: {{id: a, depends_on: [7]}}}}]}}\n");
    let loaded = load_str(&yaml, "t.yaml").unwrap();
    let option = loaded.options[0].scenario();
    assert_eq!(option.components[1].id, "7");
    assert_eq!(option.components[1].name.as_deref(), Some("8"));
    assert_eq!(option.components[0].depends_on.len(), 1);
}

/// An option's error is about its own changes: the base is valid.
#[test]
fn an_option_is_blamed_only_for_its_changes() {
    let base = "name: 123\ncomponents:\n  - {id: a, kind: service, repair: 2h}\n";
    let bad = "options:\n  - {id: o, changes: [{set: {id: a, repair: 45}}]}\n";
    let err = outcome(base, bad).unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].starts_with("option `o`: `45` has no unit"),
        "{err:?}"
    );
}

/// Issue 13, finding 15: an option without changes is the base scenario,
/// shared, not a copy validated again.
#[test]
fn an_option_without_changes_shares_the_base_scenario() {
    let yaml = "name: x\ncomponents:\n  - {id: a, kind: service}\noptions:\n  - {id: o}\n  - {id: p, changes: []}\n";
    let loaded = load_str(yaml, "t.yaml").unwrap();
    let [o, p] = &loaded.options[..] else {
        panic!("two options")
    };
    assert!(std::ptr::eq(o.scenario(), p.scenario()));
    assert!(std::ptr::eq(o.scenario(), &**o.scenario.get().unwrap()));
    assert_eq!(o.scenario().components.len(), 1);
}

/// Issue 13, finding 15: an option with changes is validated when loaded
/// but keeps only its changes; its scenario is built when asked for, once.
#[test]
fn an_option_with_changes_is_built_when_asked_for() {
    let yaml = "name: x\ncomponents:\n  - {id: a, kind: service, repair: 2h}\noptions:\n  - {id: o, changes: [{set: {id: a, repair: 1h}}]}\n";
    let loaded = load_str(yaml, "t.yaml").unwrap();
    let o = loaded.options[0].clone();
    assert!(o.scenario.get().is_none(), "not built while loading");
    assert_eq!(o.scenario().components[0].repair, Some(Dist::Fixed(1.0)));
    // Built once, shared with the option it was copied from.
    assert!(std::ptr::eq(o.scenario(), loaded.options[0].scenario()));
    assert_eq!(loaded.scenario.components[0].repair, Some(Dist::Fixed(2.0)));
}

#[test]
fn an_error_at_the_end_of_a_file_without_a_final_newline_points_inside_it() {
    // libyaml points at the line after the last (found by the fuzzer).
    for (src, line, column) in [
        ("name: x\nf", 2, 2),
        ("name: x\ncomponents:\n  - {id: a", 3, 11),
    ] {
        let d = &errors(src)[0];
        assert_eq!((d.line, d.column), (Some(line), Some(column)), "{d:?}");
        assert!(d.message.contains("at the end of the file"), "{d:?}");
        assert!(!d.message.contains(&format!("line {}", line + 1)), "{d:?}");
    }
}

#[test]
fn a_long_unknown_id_is_refused_quickly() {
    // The suggestion's edit distance is quadratic in the id's length: an
    // 80 KB file took 7 s (found by the fuzzer).
    let n = 40_000;
    // One character apart, and all apart (the fuzzer's case).
    for wrong in ["a".repeat(n - 1) + "b", "b".repeat(n)] {
        let src = format!(
            "name: x\nsites:\n  - {{id: \"{}\"}}\ncomponents:\n  - {{id: db, kind: database, site: \"{}\"}}\n  - {{id: shop, kind: service, depends_on: [db]}}\n",
            "a".repeat(n),
            wrong
        );
        let start = std::time::Instant::now();
        let d = errors(&src);
        assert!(
            d.iter().any(|d| d.message.contains("unknown site")),
            "{d:?}"
        );
        assert!(start.elapsed().as_secs() < 2);
    }
}

/// Every duration of recovery is scaled, and nothing else: times to
/// failure, backup intervals, retention and the dwell keep their values.
#[test]
fn recoveries_scale_and_nothing_else_does() {
    let src = "name: x\ncomponents:\n  - {id: a, kind: database, repair: 2h, rebuild: {exp: 3h}, detect: {uniform: [1h, 2h]}, failures: [{every: 100h, repair: 5h}, {after: 50h, effect: destroy}], data: {backups: [{every: 4h, restore: {lognormal: [1h, 9h]}, keep: 8h}]}}\n  - {id: b, kind: database, repair: 1h}\n  - {id: s, kind: service, depends_on: [{failover: [a, b], switchover: 6m}], wrt: {triangular: [1h, 2h, 3h]}, mtpd: 9h}\nthreats:\n  - {id: cut, hits: {components: [b]}, effect: disrupt, duration: 7h}\n  - {id: crypt, hits: {components: [a]}, effect: destroy, dwell: 10d, rebuild: 11h}\n";
    let s = load_str(src, "x.yaml").unwrap().scenario;
    let k = 3.0;
    let t = s.with_recoveries_scaled(k);
    let mean = |d: &Option<Dist>| d.as_ref().unwrap().mean();
    let (a, ta) = (&s.components[0], &t.components[0]);
    for (before, after) in [
        (&a.repair, &ta.repair),
        (&a.rebuild, &ta.rebuild),
        (&a.detect, &ta.detect),
        (&s.components[2].wrt, &t.components[2].wrt),
        (
            &a.failures[0].effect.own_time().cloned(),
            &ta.failures[0].effect.own_time().cloned(),
        ),
        (
            &Some(a.backups[0].restore.clone()),
            &Some(ta.backups[0].restore.clone()),
        ),
        (
            &s.threats[0].effect.own_time().cloned(),
            &t.threats[0].effect.own_time().cloned(),
        ),
        (
            &s.threats[1].effect.own_time().cloned(),
            &t.threats[1].effect.own_time().cloned(),
        ),
    ] {
        assert!(
            (mean(after) / mean(before) - k).abs() < 1e-9,
            "{before:?} {after:?}"
        );
    }
    let switchover = |s: &Scenario| match &s.components[2].depends_on[0] {
        Requirement::Failover { switchover, .. } => switchover.mean(),
        other => panic!("{other:?}"),
    };
    assert!((switchover(&t) / switchover(&s) - k).abs() < 1e-9);
    // Kept: when failures come, how often backups are taken and kept, the
    // attacker's dwell, the targets.
    assert_eq!(
        format!("{:?}", ta.failures[1].arrival),
        format!("{:?}", a.failures[1].arrival)
    );
    assert_eq!(ta.backups[0].every, a.backups[0].every);
    assert_eq!(ta.backups[0].keep, a.backups[0].keep);
    assert_eq!(t.threats[1].effect.dwell(), s.threats[1].effect.dwell());
    assert_eq!(t.components[2].mtpd, s.components[2].mtpd);
}
