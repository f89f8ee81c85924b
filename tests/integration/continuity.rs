//! Business continuity (spec section 13) against answers derived on paper:
//! deterministic cases whose every figure follows from the rules, and
//! random ones compared with closed forms within four standard errors at a
//! fixed seed (the helpers of `closed_form`).

use super::closed_form::{assert_mean, assert_prob, drill, load, run};
use super::common::service;

/// 13.1 over a drill: an exponential repair (mean m = 6h) under a rate of
/// 900/h that falls to 100/h at 3h (paper procedures) and rises to 2500/h
/// at 12h with a 40,000 notice, plus 300 per incident. With D ~ Exp(m),
///   E[(min(D, b) − a)+] = m (e^{−a/m} − e^{−b/m}),  P(D > a) = e^{−a/m},
/// so E[loss] = 300 + 900 m (1 − e^{−3/m}) + 100 m (e^{−3/m} − e^{−12/m})
///            + 2500 m e^{−12/m} + 40,000 e^{−12/m}.
/// One draw of D has sd of loss below 40,000, so at 40,000 trials the se
/// is at most 200.
#[test]
fn impact_steps_charge_each_rate_over_its_own_hours() {
    let s = load(
        "name: steps\ncomponents:\n  - {id: app, kind: application, repair: {exp: 6h}}\n  - id: orders\n    kind: service\n    depends_on: [app]\n    impact:\n      per_hour: 900\n      per_incident: 300\n      over_time:\n        - {after: 3h, per_hour: 100}\n        - {after: 12h, per_hour: 2500, once: 40000}\nthreats:\n  - {id: crash, hits: {components: [app]}, effect: damage}\n",
    );
    let m: f64 = 6.0;
    let e = |a: f64| (-a / m).exp();
    let expected = 300.0
        + 900.0 * m * (1.0 - e(3.0))
        + 100.0 * m * (e(3.0) - e(12.0))
        + 2500.0 * m * e(12.0)
        + 40_000.0 * e(12.0);
    let r = drill(&s, "crash", 40_000, 3);
    assert_mean(
        "orders loss",
        &service(&r, "orders").loss,
        expected,
        0.0,
        200.0,
    );
}

/// 13.1 and 13.2 at the horizon, deterministic: an outage from 10h that
/// the 25h horizon cuts after 15h is charged up to the horizon (100/h for
/// 12h, then 1,000/h for 3h, and the 5,000 at 12h; not the 9,000 at 20h),
/// and gets no work recovery time. A second service's outage 11h-15h is
/// followed by a 6h wrt: its disruption of 10h is within the horizon (its
/// next failure, at 26h, is not).
#[test]
fn an_outage_cut_by_the_horizon_is_charged_up_to_it() {
    let s = load(
        "name: cut\nhorizon: 25h\ncomponents:\n  - {id: box, kind: server, repair: 100h, failures: [{after: 10h}]}\n  - {id: quick, kind: server, repair: 4h, failures: [{after: 11h}]}\n  - id: long\n    kind: service\n    depends_on: [box]\n    wrt: 5h\n    impact:\n      per_hour: 100\n      over_time:\n        - {after: 12h, per_hour: 1000, once: 5000}\n        - {after: 20h, once: 9000}\n  - {id: short, kind: service, depends_on: [quick], wrt: 6h, mtpd: 9h, impact: {per_hour: 10}}\n",
    );
    let r = run(&s, 25.0, 2, 1);
    let long = service(&r, "long");
    assert_eq!(long.downtime_h.mean, 15.0);
    assert_eq!(long.disruption_h.mean, 15.0, "no wrt for an open outage");
    assert_eq!(long.loss.mean, 100.0 * 12.0 + 1000.0 * 3.0 + 5000.0);
    let short = service(&r, "short");
    assert_eq!(short.downtime_h.mean, 4.0);
    assert_eq!(short.disruption_h.mean, 10.0);
    assert_eq!(short.loss.mean, 100.0, "charged over the disruption");
    assert_eq!(short.mtpd_met.expect("an MTPD").p, 0.0, "10h > 9h");

    // A horizon that falls inside the wrt cuts the disruption there.
    let r = run(&s, 17.0, 2, 1);
    assert_eq!(service(&r, "short").disruption_h.mean, 6.0);
    assert_eq!(service(&r, "short").loss.mean, 60.0);
}

/// 13.2 in a drill: repair R ~ Exp(5h) and wrt W ~ Exp(3h), independent.
/// MTPD 10h is met when R + W <= 10 (a hypoexponential):
///   P = 1 − (5 e^{−10/5} − 3 e^{−10/3}) / (5 − 3);
/// the RTO of 6h on R alone: 1 − e^{−6/5}. E[disruption] = 8h.
#[test]
fn mtpd_is_judged_on_the_disruption_and_rto_on_the_outage() {
    let s = load(
        "name: wrt\ncomponents:\n  - {id: db, kind: database, repair: {exp: 5h}}\n  - {id: ledger, kind: service, depends_on: [db], rto: 6h, mtpd: 10h, wrt: {exp: 3h}}\nthreats:\n  - {id: crash, hits: {components: [db]}, effect: damage}\n",
    );
    let n = 40_000;
    let r = drill(&s, "crash", n, 5);
    let ledger = service(&r, "ledger");
    let mtpd = 1.0 - (5.0 * (-2.0f64).exp() - 3.0 * (-10.0f64 / 3.0).exp()) / 2.0;
    assert_prob("mtpd met", &ledger.mtpd_met.expect("an MTPD"), mtpd, n);
    assert_prob(
        "rto met",
        &ledger.rto_met.expect("an RTO"),
        1.0 - (-6.0f64 / 5.0).exp(),
        n,
    );
    assert_mean("disruption", &ledger.disruption_h, 8.0, 0.0, 0.1);
    assert_mean("recovery", &ledger.detail.recovery_h, 5.0, 0.0, 0.1);
}

/// 13.3: a daily tier kept 72h against a dwell D ~ Exp(48h). The newest
/// point at least D old is D + U with U ~ U[0, 24) (the tier's phase), so
/// a point is kept when D + U <= 72:
///   P(kept) = E[clamp((72 − D) / 24, 0, 1)]
///           = P(D <= 48) + ∫_48^72 (72 − d)/24 f(d) dd,
/// integrated here by Simpson's rule. A dwell longer than a second tier's
/// whole retention (24h kept, dwell fixed 30h) loses that tier every time.
#[test]
fn a_dwell_longer_than_the_retention_leaves_no_clean_point() {
    let s = load(
        "name: dwell\ncomponents:\n  - id: db\n    kind: database\n    rebuild: 1h\n    data:\n      backups:\n        - {every: 24h, keep: 72h, restore: 1h, immutable: true}\n  - id: files\n    kind: storage\n    rebuild: 1h\n    data:\n      backups:\n        - {every: 6h, keep: 24h, restore: 1h, immutable: true}\n  - {id: ledger, kind: service, depends_on: [db]}\n  - {id: shares, kind: service, depends_on: [files]}\nthreats:\n  - {id: slow, hits: {components: [db]}, effect: destroy, reaches_backups: true, dwell: {exp: 48h}}\n  - {id: long, hits: {components: [files]}, effect: destroy, reaches_backups: true, dwell: 30h}\n",
    );
    let density = |d: f64| (-d / 48.0).exp() / 48.0;
    let steps = 2000;
    let h = 24.0 / steps as f64;
    let tail: f64 = (0..=steps)
        .map(|i| {
            let d = 48.0 + i as f64 * h;
            let w = if i == 0 || i == steps {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            w * (72.0 - d) / 24.0 * density(d)
        })
        .sum::<f64>()
        * h
        / 3.0;
    let kept = 1.0 - (-1.0f64).exp() + tail;
    let n = 40_000;
    let r = drill(&s, "slow", n, 9);
    assert_prob(
        "total loss",
        &service(&r, "ledger").total_data_loss,
        1.0 - kept,
        n,
    );
    let r = drill(&s, "long", 200, 9);
    let shares = service(&r, "shares");
    assert_eq!(shares.total_data_loss.p, 1.0);
    assert_eq!(shares.data_loss_h.mean, 0.0, "a total loss counts no hours");
    assert_eq!(shares.detail.recovery_h.mean, 1.0, "rebuild only");
}

/// 13.4: when every surviving tier fails to restore, the data is lost and
/// the time of every failed restore still counts: rebuild 1h + hourly
/// restore 2h + weekly restore 5h = 8h, every trial.
#[test]
fn when_every_tier_fails_the_failed_restores_still_take_their_time() {
    let s = load(
        "name: fails\ncomponents:\n  - id: db\n    kind: database\n    rebuild: 1h\n    data:\n      backups:\n        - {every: 1h, restore: 2h, restore_fails: 1}\n        - {every: 168h, restore: 5h, restore_fails: 1}\n  - {id: ledger, kind: service, depends_on: [db], impact: {per_hour_data_lost: 10}}\nthreats:\n  - {id: loss, hits: {components: [db]}, effect: destroy}\n",
    );
    let r = drill(&s, "loss", 200, 1);
    let ledger = service(&r, "ledger");
    assert_eq!(ledger.total_data_loss.p, 1.0);
    assert_eq!(ledger.detail.recovery_h.mean, 8.0);
    assert_eq!(ledger.detail.recovery_h.max, 8.0);
    // 13.7: priced at a year of data by default.
    assert_eq!(ledger.loss.mean, 10.0 * 8760.0);
}

/// 13.6 with detection: damaged at 10h (detection 2h, so ready at 12h),
/// destroyed at 11h. In place the task stays ready at 12h and rebuilds for
/// 3h: down 10h-15h. (Restarting detection at 11h would give 16h.) The
/// failures renew at the repair, after the 24h horizon.
#[test]
fn an_upgrade_in_place_keeps_the_detection_under_way() {
    let s = load(
        "name: detect\nhorizon: 24h\ncomponents:\n  - id: db\n    kind: database\n    detect: 2h\n    repair: 6h\n    rebuild: 3h\n    failures:\n      - {after: 10h, effect: damage}\n      - {after: 11h, effect: destroy}\n  - {id: svc, kind: service, depends_on: [db]}\n",
    );
    let r = run(&s, 24.0, 2, 1);
    let svc = service(&r, "svc");
    assert_eq!(svc.downtime_h.mean, 5.0);
    assert_eq!(svc.detail.outages.mean, 1.0);
}

/// 13.6 with queueing, one engineer: `blocker` (priority 10) is repaired
/// 5h-15h. `db` (priority 50) is damaged at 6h and waits; `other` (priority
/// 50) at 7h and waits behind it (later ready time). `db` is destroyed at
/// 8h: in place it keeps its ready time of 6h, so at 15h it goes first and
/// is rebuilt 15h-18h, then `other` is repaired 18h-20h. (Queued again at
/// 8h, `other` would go first: db down until 20h, other until 17h.) The
/// 21h horizon ends the case before the failures renew (blocker at 20h
/// concerns neither service).
#[test]
fn an_upgrade_in_place_keeps_its_place_in_the_queue() {
    let s = load(
        "name: queue\nhorizon: 21h\nteams: [{id: ops, size: 1}]\ncomponents:\n  - {id: blocker, kind: server, team: ops, priority: 10, repair: 10h, failures: [{after: 5h}]}\n  - id: db\n    kind: database\n    team: ops\n    priority: 50\n    repair: 6h\n    rebuild: 3h\n    failures:\n      - {after: 6h, effect: damage}\n      - {after: 8h, effect: destroy}\n  - {id: other, kind: server, team: ops, priority: 50, repair: 2h, failures: [{after: 7h}]}\n  - {id: s-db, kind: service, depends_on: [db]}\n  - {id: s-other, kind: service, depends_on: [other]}\n",
    );
    let r = run(&s, 21.0, 2, 1);
    assert_eq!(service(&r, "s-db").downtime_h.mean, 12.0);
    assert_eq!(service(&r, "s-other").downtime_h.mean, 13.0);
}

/// 13.6: a second destroy while rebuilding adds nothing, and a damage on
/// pending work adds nothing: destroyed at 10h (rebuild 5h), destroyed
/// again at 12h and damaged at 13h; back at 15h (the failures renew
/// after the 24h horizon).
#[test]
fn hits_on_a_rebuild_under_way_add_nothing() {
    let s = load(
        "name: again\nhorizon: 24h\ncomponents:\n  - id: db\n    kind: database\n    repair: 1h\n    rebuild: 5h\n    failures:\n      - {after: 10h, effect: destroy}\n      - {after: 12h, effect: destroy}\n      - {after: 13h, effect: damage}\n  - {id: svc, kind: service, depends_on: [db]}\n",
    );
    let r = run(&s, 24.0, 2, 1);
    assert_eq!(service(&r, "svc").downtime_h.mean, 5.0);
}

/// 13.5: the first entry that selects a component gives its chance; the
/// sites named by any entry take the non-offsite tiers of the components
/// at them. `a` is named with chance 0 first, so the later `kinds` entry
/// (chance 1) does not hit it; `b` at the site loses its onsite tier and
/// restores from the offsite one (a day old at most, U[0, 24h): mean 12h).
#[test]
fn a_hit_group_takes_the_first_entry_that_selects_a_component() {
    let s = load(
        "name: groups\nsites: [{id: dc}]\ncomponents:\n  - {id: a, kind: server, repair: 1h}\n  - id: b\n    kind: database\n    site: dc\n    rebuild: 1h\n    data:\n      backups:\n        - {every: 1h, restore: 1h}\n        - {every: 24h, restore: 1h, offsite: true}\n  - {id: sa, kind: service, depends_on: [a]}\n  - {id: sb, kind: service, depends_on: [b]}\nthreats:\n  - id: fire\n    effect: destroy\n    hits:\n      - {components: [a], chance: 0}\n      - {sites: [dc]}\n      - {kinds: [server]}\n",
    );
    let n = 20_000;
    let r = drill(&s, "fire", n, 4);
    assert_eq!(service(&r, "sa").affected.p, 0.0);
    let sb = service(&r, "sb");
    assert_eq!(sb.affected.p, 1.0);
    // U[0, 24): sd 24 / sqrt(12).
    assert_mean("data loss", &sb.data_loss_h, 12.0, 0.0, 0.06);
}

/// 13.7 in `check`: a service whose own price of a total loss is below
/// what restoring its oldest kept point could cost is named, with the
/// figures (10 per hour of data, points kept 30 days: 7,200 > 5,000); one
/// priced above it, or by the default, is not.
#[test]
fn check_names_a_total_loss_priced_below_a_restore() {
    let yaml = "name: cheap\ncomponents:\n  - id: db\n    kind: database\n    data:\n      backups:\n        - {every: 1d, keep: 30d, restore: 1h}\n  - {id: cheap, kind: service, depends_on: [db], impact: {per_hour_data_lost: 10, per_total_data_loss: 5000}}\n  - {id: dear, kind: service, depends_on: [db], impact: {per_hour_data_lost: 10, per_total_data_loss: 8000}}\n  - {id: default, kind: service, depends_on: [db], impact: {per_hour_data_lost: 10}}\n";
    let s = load(yaml);
    let g = drsim::graph::DependencyGraph::build(&s);
    let text = drsim::report::summary::render(&s, &[], &g, "cheap.yaml", &[]);
    assert!(text.contains("priced below a restore"), "{text}");
    assert!(
        text.contains("cheap: £5.0k per total loss, the price of 20.8d of data at £10/h; its backups keep points up to 30d (£7.2k)"),
        "{text}"
    );
    assert!(!text.contains("dear: £"), "{text}");
    assert!(!text.contains("default: £"), "{text}");
    assert!(
        text.contains("priced at a year of data (8760 × per_hour_data_lost) for: default."),
        "{text}"
    );
}

/// The v1.1 keys' errors say where and what: a chance inside a single
/// selector (it belongs on the threat or on an entry of a list), an empty
/// hit group, `keep` shorter than `every`, a dwell on a damage threat.
#[test]
fn v11_keys_are_refused_where_they_do_not_belong() {
    let cases = [
        (
            "threats:\n  - {id: t, effect: damage, hits: {components: [a], chance: 0.5}}\n",
            "threats[0].hits.chance: a chance inside `hits` belongs to an entry of a list of hit groups",
        ),
        (
            "threats:\n  - {id: t, effect: damage, hits: [{components: [a]}, {}]}\n",
            "threats[0].hits[1]: this hit group selects nothing",
        ),
        (
            "threats:\n  - {id: t, effect: damage, dwell: 3d, hits: {components: [a]}}\n",
            "threats[0].dwell: dwell applies to destroy threats only",
        ),
    ];
    for (threats, message) in cases {
        let yaml = format!(
            "name: bad\ncomponents:\n  - {{id: a, kind: server, repair: 1h}}\n  - {{id: s, kind: service, depends_on: [a]}}\n{threats}"
        );
        let err = drsim::scenario::load_str(&yaml, "bad.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
    }
    let yaml = "name: bad\ncomponents:\n  - id: db\n    kind: database\n    data:\n      backups:\n        - {every: 24h, keep: 12h, restore: 1h}\n  - {id: s, kind: service, depends_on: [db]}\n";
    let err = drsim::scenario::load_str(yaml, "bad.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("components[0].data.backups[0].keep: a tier must keep its points at least as long as the interval between them"),
        "{err}"
    );
}
