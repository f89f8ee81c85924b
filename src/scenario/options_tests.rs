//! Checking an option from its changes (`validate::patch`) against
//! validating its patched scenario in full, on random scenarios and random
//! changes drawn from a small pool of ids, so that changes collide with
//! each other and with the base: duplicates, dangling references, lost
//! tags, cycles, unreadable items and every form of change.

use super::*;
use crate::scenario::raw::RawScenario;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;

/// Every id a change may name: the base's and two new ones.
const IDS: [&str; 14] = [
    "s0", "s1", "t0", "t1", "c0", "c1", "c2", "c3", "c4", "svc", "h0", "h1", "n0", "n1",
];
/// Ids of components, the base's and new ones: what dependencies name.
const COMPONENTS: [&str; 8] = ["c0", "c1", "c2", "c3", "c4", "svc", "n0", "n1"];
const TAGS: [&str; 4] = ["a", "b", "c", "z"];

/// `[x, y]` from up to `max` of `pool`.
fn list(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(select(pool), 0..=max).prop_map(|v| format!("[{}]", v.join(", ")))
}

/// A valid base: sites, teams, components c0..c4 each depending on some
/// below it, a service on top, two threats (by tag and by component).
fn base() -> impl Strategy<Value = String> {
    let component = (
        prop::collection::vec(any::<bool>(), 5),
        prop::collection::vec(any::<bool>(), 3),
        select(vec!["", "site: s0, ", "site: s1, "]),
        select(vec!["", "team: t0, ", "team: t1, "]),
    );
    prop::collection::vec(component, 5).prop_map(|components| {
        let mut yaml = String::from(
            "name: p\nsites: [{id: s0}, {id: s1, region: eu}]\nteams: [{id: t0, size: 1}, {id: t1, size: 2}]\ncomponents:\n",
        );
        for (i, (deps, tags, site, team)) in components.into_iter().enumerate() {
            let deps: Vec<String> = (0..i).filter(|&d| deps[d]).map(|d| format!("c{d}")).collect();
            let mut tags: Vec<&str> = (0..3).filter(|&t| tags[t]).map(|t| TAGS[t]).collect();
            if i == 0 {
                tags.push("a");
            }
            yaml += &format!(
                "  - {{id: c{i}, kind: server, {site}{team}tags: [{}], depends_on: [{}], repair: 1h, failures: [{{every: 2y}}]}}\n",
                tags.join(", "),
                deps.join(", ")
            );
        }
        yaml += "  - {id: svc, kind: service, depends_on: [c4, {at_least: 1, of: [c2, c3]}], impact: {per_hour: 10}}\n";
        yaml += "threats:\n  - {id: h0, hits: {tags: [a]}, effect: damage}\n  - {id: h1, hits: {components: [c1], sites: [s1]}, effect: destroy, rebuild: 2h}\n";
        yaml
    })
}

/// One change, of any form, sometimes malformed.
fn change() -> impl Strategy<Value = String> {
    let id = || select(&IDS[..]);
    let component = (
        id(),
        select(vec!["server", "service"]),
        list(&COMPONENTS, 2),
        list(&TAGS, 2),
        select(vec![
            "",
            "site: s1, ",
            "site: t0, ",
            "team: t1, ",
            "repair: 45, ",
        ]),
    )
        .prop_map(|(id, kind, deps, tags, extra)| {
            format!("{{id: {id}, kind: {kind}, {extra}depends_on: {deps}, tags: {tags}}}")
        });
    let threat = (
        id(),
        select(vec![
            "{tags: [a]}",
            "{tags: [z]}",
            "{tags: [b]}",
            "{components: [n0]}",
            "{components: [c3]}",
            "{sites: [s0]}",
            "{}",
        ]),
        select(vec![
            "damage",
            "disrupt, duration: 1h",
            "disrupt",
            "destroy, reaches_backups: true",
            "destroy, dwell: {exp: 3d}",
            "damage, dwell: 1d",
        ]),
    )
        .prop_map(|(id, hits, effect)| format!("{{id: {id}, hits: {hits}, effect: {effect}}}"));
    let set = (
        id(),
        prop_oneof![
            list(&COMPONENTS, 3).prop_map(|d| format!("depends_on: {d}")),
            list(&TAGS, 2).prop_map(|t| format!("tags: {t}")),
            select(vec![
                "site: s0",
                "site: s1",
                "team: t0",
                "repair: 3h",
                "name: Also fine",
                "hits: {tags: [b]}",
                "hits: {sites: [s0]}",
                "site: n1",
                "team: t1",
                "team: ~",
                "size: 0",
                "size: 3",
                "repair: 2h",
                "repair: 45",
                "name: \"x\\e\"",
                "name: Fine",
                "failures: [{every: 0s}]",
                "hits: {tags: [c]}",
                "hits: {components: [svc]}",
                "chance: 2",
                "impact: {per_hour: -1}",
                "region: us",
                // Spec v1.1 keys (section 13), valid on some items only.
                "wrt: 2h",
                "wrt: {exp: 1h}",
                "dwell: 1d",
                "dwell: {lognormal: [1d, 10d]}",
                "hits: [{tags: [a], chance: 0.5}, {components: [c1]}]",
                "hits: [{components: [c2], chance: 1.5}]",
                "data: {backups: [{every: 1h, restore: 1h, keep: 1d, restore_fails: 0.1}]}",
                "data: {backups: [{every: 1d, restore: 1h, keep: 1h}]}",
                "impact: {per_hour: 5, over_time: [{after: 1h, per_hour: 9, once: 3}]}",
                "impact: {over_time: [{after: 2h}, {after: 1h}]}",
            ])
            .prop_map(str::to_string),
        ],
    )
        .prop_map(|(id, body)| format!("{{set: {{id: {id}, {body}}}}}"));
    prop_oneof![
        4 => component.prop_map(|c| format!("{{add: [{c}]}}")),
        1 => (id(), select(vec![0, 1])).prop_map(|(id, size)| format!("{{add_teams: [{{id: {id}, size: {size}}}]}}")),
        1 => id().prop_map(|id| format!("{{add_sites: [{{id: {id}}}]}}")),
        2 => threat.prop_map(|t| format!("{{add_threats: [{t}]}}")),
        6 => set,
        3 => list(&IDS, 2).prop_map(|ids| format!("{{remove: {ids}}}")),
        1 => select(vec!["{}", "{set: {size: 1}}", "{remove: [c0], set: {id: c1}}"]).prop_map(str::to_string),
        6 => select(vec![
            "{set: {id: c1, depends_on: [c0]}}",
            "{set: {id: svc, depends_on: [c4, c3]}}",
            "{add: [{id: n0, kind: server, tags: [c]}]}",
            "{add: [{id: n1, kind: server, depends_on: [c0], tags: [z]}]}",
            "{add_threats: [{id: n0, hits: {tags: [a]}, effect: damage}]}",
            "{remove: [h1]}",
            "{remove: [h0]}",
            "{set: {id: c2, tags: []}}",
            "{set: {id: c0, tags: [b]}}",
            "{set: {id: t0, size: 4}}",
        ]).prop_map(str::to_string),
    ]
}

/// A base scenario with 1 to 4 options of 1 to 3 changes each.
fn file() -> impl Strategy<Value = String> {
    let option = prop::collection::vec(change(), 1..=3);
    (base(), prop::collection::vec(option, 1..=4)).prop_map(|(base, options)| {
        let mut yaml = base + "options:\n";
        for (j, changes) in options.into_iter().enumerate() {
            yaml += &format!("  - {{id: o{j}, changes: [{}]}}\n", changes.join(", "));
        }
        yaml
    })
}

/// An option found valid from its changes is valid in full (so its
/// scenario builds), and loading reports exactly what validating every
/// option in full reports; the check from changes decides most valid
/// options by itself.
#[test]
fn option_checks_match_full_validation() {
    let config = Config {
        cases: 3000,
        rng_seed: RngSeed::Fixed(0x0D25_1A15),
        failure_persistence: None,
        ..Config::default()
    };
    let valid = Cell::new(0);
    let decided = Cell::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&file(), |yaml| {
        let raw: RawScenario = serde_yaml_ng::from_str(&yaml).expect("the base reads");
        let (base, _) = validate(raw, &yaml).expect("the base is valid");
        let fast = load_options_with(&yaml, base.clone(), Check::FromChanges);
        let full = load_options_with(&yaml, base, Check::Full);
        let ids = |r: &Result<Vec<InvestmentOption>, Vec<Diagnostic>>| match r {
            Ok(options) => Ok(options.iter().map(|o| o.id.clone()).collect::<Vec<_>>()),
            Err(d) => Err(d.clone()),
        };
        prop_assert_eq!(ids(&fast), ids(&full), "{}", yaml);
        // Each option on its own: from its changes, and in full.
        let doc: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        let mut doc = doc.as_mapping().unwrap().clone();
        let options = doc.remove("options").unwrap();
        let index = Base::new(&doc).expect("the base indexes");
        for option in options.as_sequence().unwrap() {
            let raw: RawOption = serde_yaml_ng::from_value(option.clone()).unwrap();
            let edit = index.edit(&doc, &raw.changes);
            let clean = edit.is_some_and(|e| index.index.is_clean(&e, &mut 0));
            let built = build(&doc, &raw.changes, "");
            prop_assert!(!clean || built.is_ok(), "{:?}\n{}", built.err(), yaml);
            valid.set(valid.get() + u32::from(built.is_ok()));
            decided.set(decided.get() + u32::from(clean));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Not a vacuous pass: many options are valid, and most of those are
    // found valid from their changes alone.
    let (valid, decided) = (valid.get(), decided.get());
    assert!(
        valid > 1000,
        "only {valid} valid options ({decided} decided)"
    );
    assert!(
        decided * 10 > valid * 8,
        "{decided} of {valid} valid options decided from their changes"
    );
}

/// A scenario of `n` servers that one service needs, and `m` options each
/// setting one server's repair time to `repair`.
fn estate(n: usize, m: usize, repair: &str) -> String {
    let mut yaml = String::from("name: big\ncomponents:\n");
    for i in 0..n {
        yaml += &format!("  - {{id: c{i}, kind: server, repair: 2h}}\n");
    }
    let all: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    yaml += &format!(
        "  - {{id: shop, kind: service, depends_on: [{}]}}\noptions:\n",
        all.join(", ")
    );
    for j in 0..m {
        yaml += &format!(
            "  - {{id: o{j}, changes: [{{set: {{id: c{}, repair: {repair}}}}}]}}\n",
            j % n
        );
    }
    yaml
}

/// Issue 13, finding 15: options that change a few items are checked from
/// their changes, not by validating the whole scenario once each, so a
/// file whose options would take the checks past the limit if each were
/// validated in full loads (and each option's scenario has its change).
#[test]
fn small_options_on_a_large_estate_are_checked_from_their_changes() {
    let (n, m) = (3000, 100);
    assert!(
        (m * (n + 1)) as u64 > MAX_OPTION_CHECK_ITEMS,
        "would pass the limit in full"
    );
    let loaded = crate::scenario::load_str(&estate(n, m, "1h"), "big.yaml").unwrap();
    assert_eq!(loaded.options.len(), m);
    let option = loaded.options[7].scenario();
    assert_eq!(
        option.components[7].repair,
        Some(crate::scenario::Dist::Fixed(1.0))
    );
    assert_eq!(
        option.components[8].repair,
        Some(crate::scenario::Dist::Fixed(2.0))
    );
}

/// Issue 13, finding 15: options that must be validated in full (here each
/// has an error) stop at the limit with an error naming the option, the
/// work and what to do, after the errors of those checked before it.
#[test]
fn options_validated_in_full_stop_at_the_limit() {
    let (n, m) = (3000, 100);
    let err = crate::scenario::load_str(&estate(n, m, "45"), "big.yaml").unwrap_err();
    let diagnostics = err.diagnostics();
    let checked = (MAX_OPTION_CHECK_ITEMS / (n as u64 + 1)) as usize;
    assert_eq!(diagnostics.len(), checked + 1);
    assert!(diagnostics[..checked]
        .iter()
        .all(|d| d.message.contains("`45` has no unit")));
    let last = &diagnostics[checked];
    assert_eq!(last.path, format!("options[{checked}]"));
    assert!(
        last.message.starts_with(&format!("option `o{checked}`: the options need too much checking: up to this one, {} had to be validated against the whole scenario ({} sites, teams, components and threats each)", checked + 1, n + 1)),
        "{}",
        last.message
    );
    assert!(last
        .help
        .as_deref()
        .unwrap()
        .contains("split the options across several files"));
}

/// A base with every key of spec v1.1 (section 13) that an option may
/// set, followed by `options:` and each of `options`, one a line.
fn continuity(options: &[&str]) -> String {
    let mut yaml = String::from(
        "name: Options v1.1
components:
  - id: db
    kind: database
    rebuild: 4h
    failures: [{every: 2y}]
    data: {backups: [{every: 4h, restore: 1h, keep: 2d, restore_fails: 0.2}, {every: 1d, restore: 4h, immutable: true}]}
  - {id: app, kind: server, repair: 1h, failures: [{every: 1y}]}
  - {id: ledger, kind: service, depends_on: [db, app], wrt: 1h, impact: {per_hour: 100, over_time: [{after: 4h, per_hour: 300}]}}
  - {id: portal, kind: service, depends_on: [app], impact: {per_hour: 10}}
threats:
  - {id: ransomware, every: 3y, hits: {components: [db]}, effect: destroy, reaches_backups: true, dwell: 2d}
  - {id: bug, every: 1y, hits: {kinds: [server]}, effect: damage}
options:
",
    );
    for option in options {
        yaml += &format!("  - {option}\n");
    }
    yaml
}

/// Both ways of checking options agree on `yaml`'s options.
fn checks_agree(yaml: &str) {
    let raw: RawScenario = serde_yaml_ng::from_str(yaml).expect("the base reads");
    let (base, _) = validate(raw, yaml).expect("the base is valid");
    let fast = load_options_with(yaml, base.clone(), Check::FromChanges);
    let full = load_options_with(yaml, base, Check::Full);
    let ids = |r: &Result<Vec<InvestmentOption>, Vec<Diagnostic>>| match r {
        Ok(options) => Ok(options.iter().map(|o| o.id.clone()).collect::<Vec<_>>()),
        Err(d) => Err(d.clone()),
    };
    assert_eq!(ids(&fast), ids(&full), "{yaml}");
}

/// Issue 19: `set` works for the keys of spec v1.1: a tier's
/// `restore_fails` and `keep`, a service's `wrt` and `over_time`, a
/// threat's `dwell` and hit groups; each option's scenario has the values
/// set, and the rest as in the base.
#[test]
fn options_set_the_continuity_keys() {
    use crate::scenario::Dist;
    let yaml = continuity(&[
        "{id: no-fails, changes: [{set: {id: db, data: {backups: [{every: 1h, restore: 1h, restore_fails: 0.0}]}}}]}",
        "{id: keep-week, changes: [{set: {id: db, data: {backups: [{every: 4h, restore: 1h, keep: 7d}]}}}]}",
        "{id: wrt, changes: [{set: {id: ledger, wrt: 2h}}]}",
        "{id: dwell, changes: [{set: {id: ransomware, dwell: 10d}}]}",
        "{id: hits, changes: [{set: {id: ransomware, chance: 0.5, hits: [{components: [db], chance: 0.3}, {kinds: [server]}]}}]}",
        "{id: steps, changes: [{set: {id: portal, impact: {per_hour: 10, per_total_data_loss: 9, over_time: [{after: 1h, once: 50}, {after: 8h, per_hour: 40}]}}}]}",
    ]);
    checks_agree(&yaml);
    let loaded = crate::scenario::load_str(&yaml, "continuity.yaml").unwrap();
    let base = &loaded.scenario;
    let option = |id: &str| {
        loaded
            .options
            .iter()
            .find(|o| o.id == id)
            .expect("loaded")
            .scenario()
    };
    let (db, ledger, portal, ransomware) = (0, 2, 3, 0);

    let tiers = &option("no-fails").components[db].backups;
    assert_eq!(tiers.len(), 1);
    assert_eq!((tiers[0].every, tiers[0].restore_fails), (1.0, 0.0));
    assert_eq!(tiers[0].keep, None);
    assert_eq!(base.components[db].backups[0].restore_fails, 0.2);

    assert_eq!(
        option("keep-week").components[db].backups[0].keep,
        Some(168.0)
    );
    assert_eq!(base.components[db].backups[0].keep, Some(48.0));

    assert_eq!(option("wrt").components[ledger].wrt, Some(Dist::Fixed(2.0)));
    assert_eq!(base.components[ledger].wrt, Some(Dist::Fixed(1.0)));
    assert_eq!(option("wrt").components[portal].wrt, None);

    let dwell = |s: &Scenario| s.threats[ransomware].effect.dwell().cloned();
    assert_eq!(dwell(option("dwell")), Some(Dist::Fixed(240.0)));
    assert_eq!(dwell(base), Some(Dist::Fixed(48.0)));
    assert!(option("dwell").threats[ransomware].effect.reaches_backups());

    // A hit group's chance, else the threat's (set in the same change).
    let hits = &option("hits").threats[ransomware];
    let targets: Vec<(usize, f64)> = hits
        .targets
        .iter()
        .map(|t| (t.component, t.chance))
        .collect();
    assert_eq!(targets, [(db, 0.3), (1, 0.5)]);
    assert_eq!(
        base.threats[ransomware].components().collect::<Vec<_>>(),
        [db]
    );

    let impact = &option("steps").components[portal].impact;
    let steps: Vec<(f64, Option<f64>, f64)> = impact
        .over_time
        .iter()
        .map(|s| (s.after, s.per_hour, s.once))
        .collect();
    assert_eq!(steps, [(1.0, None, 50.0), (8.0, Some(40.0), 0.0)]);
    assert_eq!(impact.total_loss_price(), 9.0);
    assert!(base.components[portal].impact.over_time.is_empty());
}

/// Issue 19: an option setting a v1.1 key to something invalid is refused
/// with an error naming the option and the key's path, whichever way the
/// option is checked.
#[test]
fn options_with_invalid_continuity_keys_are_refused_naming_option_and_key() {
    for (option, path, says) in [
        (
            "{id: o, changes: [{set: {id: bug, dwell: 1d}}]}",
            "threats[1].dwell",
            "dwell applies to destroy threats only",
        ),
        (
            "{id: o, changes: [{set: {id: db, data: {backups: [{every: 1d, restore: 1h, keep: 1h}]}}}]}",
            "components[0].data.backups[0].keep",
            "keep is shorter than every",
        ),
        (
            "{id: o, changes: [{set: {id: db, data: {backups: [{every: 1d, restore: 1h, restore_fails: 1.5}]}}}]}",
            "components[0].data.backups[0].restore_fails",
            "restore_fails 1.5 is not a probability",
        ),
        (
            "{id: o, changes: [{set: {id: ransomware, hits: [{components: [db], chance: 2}]}}]}",
            "threats[0].hits[0].chance",
            "chance 2 is not a probability",
        ),
        (
            "{id: o, changes: [{set: {id: ledger, impact: {over_time: [{after: 4h, per_hour: 1}, {after: 2h}]}}}]}",
            "components[2].impact.over_time[1].after",
            "increasing order of `after`",
        ),
    ] {
        let yaml = continuity(&[option]);
        checks_agree(&yaml);
        let err = crate::scenario::load_str(&yaml, "continuity.yaml").unwrap_err();
        let d = err.diagnostics();
        assert_eq!(d.len(), 1, "{option}: {d:?}");
        assert_eq!(d[0].path, path, "{option}");
        assert!(
            d[0].message.starts_with("option `o`: ") && d[0].message.contains(says),
            "{option}: {}",
            d[0].message
        );
    }
}
