//! Impact tolerance (`sim::tolerance`, `drsim tolerance`) against answers
//! derived on paper: the chance of staying within an MTPD, the breach
//! point of a fixed recovery (T / t exactly) and of an exponential one
//! (T / (m ln 10), within the sampling error of a 90th percentile).

use super::closed_form::{assert_prob, load};
use super::common::stdout_of;
use drsim::sim::tolerance::{self, Breach};
use drsim::sim::{Config, NoProgress};
use drsim::stats::Z95;

fn assess(yaml: &str, trials: u64) -> Vec<tolerance::Assessment> {
    let s = load(yaml);
    let config = Config::new(trials, 7, 0).expect("at least 2 trials");
    let t = tolerance::tolerances(&s, &["strike".to_string()], &config, &NoProgress)
        .expect("the drills run");
    t.threats.into_iter().next().expect("one threat").services
}

fn at(b: &Breach) -> (f64, [Option<f64>; 2]) {
    match *b {
        Breach::At { factor, ci95 } => (factor, ci95),
        other => panic!("a breach point, not {other:?}"),
    }
}

/// The search's resolution: the factor is bracketed to within 1%.
const RESOLUTION: f64 = 0.01;

/// A fixed repair of 4h and a fixed work recovery time of 2h against an
/// MTPD of 15h: every strike is a 6h disruption, so the service stays
/// within until recoveries take 15 / 6 = 2.5 times as long, and the
/// interval has nothing to add. Another with a 20h repair against 5h
/// needs recoveries 4 times as fast (0.25).
#[test]
fn a_fixed_recovery_breaches_at_the_tolerance_over_its_length() {
    let rows = assess(
        "name: fixed\ncomponents:\n  - {id: app, kind: application, repair: 4h}\n  - {id: slow, kind: application, repair: 20h}\n  - {id: shop, kind: service, depends_on: [app], mtpd: 15h, wrt: 2h}\n  - {id: books, kind: service, depends_on: [slow], mtpd: 5h}\nthreats:\n  - {id: strike, hits: {components: [app, slow]}, effect: damage}\n",
        2_000,
    );
    for (row, want, within) in [(&rows[0], 2.5, 1.0), (&rows[1], 0.25, 0.0)] {
        assert_eq!(row.within.p, within, "{}", row.service);
        let (factor, ci) = at(&row.breach);
        for x in [Some(factor), ci[0], ci[1]] {
            let x = x.expect("inside the searched range");
            assert!(
                (x / want).ln().abs() <= RESOLUTION,
                "{}: {x} for {want}",
                row.service
            );
        }
    }
    // What breaks the slow one: its only component, every time.
    assert_eq!(rows[1].breaks, vec![("slow".to_string(), 1.0)]);
    assert!(rows[0].breaks.is_empty(), "never breached");
}

/// An exponential repair of mean m = 4h against an MTPD of T = 6h: the
/// service stays within with chance 1 − e^{−T/m}, and with every recovery
/// f times as long, 1 − e^{−T/(f m)}, which is 0.9 at f = T / (m ln 10).
/// The bisection finds the factor at which the trials' 90th percentile
/// meets T: its relative standard error is sqrt(0.09 / n) / (0.1 ln 10)
/// = 1.30 / sqrt(n), so it must lie within 4 of them plus the search's 1%,
/// and its interval must hold the true factor.
#[test]
fn an_exponential_recovery_breaches_where_its_90th_percentile_meets_the_tolerance() {
    let n = 20_000;
    let (m, t) = (4.0_f64, 6.0_f64);
    let rows = assess(
        "name: exp\ncomponents:\n  - {id: app, kind: application, repair: {exp: 4h}}\n  - {id: shop, kind: service, depends_on: [app], mtpd: 6h}\nthreats:\n  - {id: strike, hits: {components: [app]}, effect: damage}\n",
        n,
    );
    let row = &rows[0];
    assert_prob("P(within)", &row.within, 1.0 - (-t / m).exp(), n);
    let truth = t / (m * 10f64.ln());
    let (factor, ci) = at(&row.breach);
    let se = 0.3 / (n as f64).sqrt() / (0.1 * 10f64.ln());
    eprintln!("breach point {factor} {ci:?}, true {truth}, relative se {se:.4}");
    assert!(
        (factor / truth).ln().abs() <= 4.0 * se + RESOLUTION,
        "{factor} against {truth}"
    );
    let (lo, hi) = (ci[0].expect("a lower end"), ci[1].expect("an upper end"));
    assert!(lo <= factor && factor <= hi, "{ci:?} around {factor}");
    assert!(lo <= truth * (1.0 + RESOLUTION) && truth <= hi * (1.0 + RESOLUTION));
    // About as wide as the 95% interval of the quantile: 2 × 1.96 se.
    let width = (hi / lo).ln();
    assert!(
        width > Z95 * se && width < 4.0 * Z95 * se,
        "interval {ci:?} ({width:.4} wide on the log scale) against se {se:.4}"
    );
    // The 90th percentile as drilled, m ln 10, is in its interval.
    let (p90, [p_lo, p_hi]) = row.disruption_p90_h;
    let q = m * 10f64.ln();
    assert!(
        p_lo.unwrap() <= q && q <= p_hi.unwrap(),
        "{p90} {p_lo:?} {p_hi:?}"
    );
}

/// A service the threat hits in 5% of strikes stays within in 95% however
/// long its recovery takes.
#[test]
fn rarely_hit_services_never_breach() {
    let rows = assess(
        "name: rare\ncomponents:\n  - {id: app, kind: application, repair: 100h}\n  - {id: shop, kind: service, depends_on: [app], mtpd: 1h}\nthreats:\n  - {id: strike, hits: {components: [app]}, chance: 0.05, effect: damage}\n",
        2_000,
    );
    assert_eq!(rows[0].breach, Breach::Never);
}

/// The command: text, JSON and CSV of the same assessment.
#[test]
fn the_command_writes_text_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yaml");
    std::fs::write(
        &file,
        "name: cmd\ncomponents:\n  - {id: app, kind: application, repair: 4h}\n  - {id: shop, kind: service, depends_on: [app], mtpd: 10h}\nthreats:\n  - {id: strike, hits: {components: [app]}, effect: damage}\n",
    )
    .unwrap();
    // The command's output in a format, which must succeed.
    let run = |format: &str| -> Vec<u8> {
        stdout_of([
            "tolerance",
            file.to_str().unwrap(),
            "--trials",
            "500",
            "--format",
            format,
        ])
    };
    let out = run("json");
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let svc = &doc["threats"][0]["services"][0];
    assert_eq!(svc["id"], "shop");
    assert_eq!(svc["breach"]["kind"], "at");
    let f = svc["breach"]["factor"].as_f64().unwrap();
    assert!((f / 2.5).ln().abs() <= RESOLUTION, "{f}");
    let text = String::from_utf8(run("text")).unwrap();
    assert!(
        text.contains("shop stays within its 10-hour tolerance in 90% of strikes until recoveries take 2.5× as long as planned"),
        "{text}"
    );
    let csv = String::from_utf8(run("csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with("strike,shop,10,1,"),
        "{csv}"
    );
}
