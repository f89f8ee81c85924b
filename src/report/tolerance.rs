//! The impact tolerance self-assessment (`drsim tolerance`, and the
//! report's section): per drilled threat, each service with an MTPD, the
//! chance it stays within it, its disruption's 90th percentile, what most
//! often breaks it and its breach point, in words the text and the HTML
//! share.

use super::csv::{Cell, Table};
use super::format::{fixed, hours, percent, plus_minus_percent};
use super::html::words::target_words;
use super::text::table;
use crate::sim::tolerance::{
    Assessment, Breach, Tolerances, HIGHEST_FACTOR, LOWEST_FACTOR, WITHIN_SHARE,
};
use serde_json::{json, Value};

/// What the figures mean, said once under every output.
pub const DEFINITIONS: [&str; 4] = [
    "The impact tolerance is the service's MTPD (maximum tolerable period of disruption); a strike's disruption is the outage plus the work recovery time after it.",
    "The breach point is the factor by which every recovery duration (detection, repair, rebuild, restore, switchover, a disruption's length, the work recovery time) can grow before the service stays within its tolerance in fewer than 90% of strikes; below 1, how much faster recoveries must be for it to stay within it in 90%. It is found by bisection on the same simulated strikes (common random numbers), to within 1%.",
    "Intervals are 95% and carry the simulation's sampling error only, not the uncertainty in the scenario's estimates.",
    "Simulation supplements real tests of recovery; it does not replace them.",
];

/// A factor as people read it: `1.6×`, `0.12×`, `42×`.
pub fn factor_words(f: f64) -> String {
    if f >= 10.0 {
        format!("{f:.0}×")
    } else {
        // Two significant figures; three decimals near 1, so that a factor
        // just below or above it does not read as 1.
        let decimals = if (f - 1.0).abs() < 0.05 {
            3
        } else {
            (1 - f.log10().floor() as i32).max(0) as usize
        };
        let s = format!("{f:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        format!("{s}×")
    }
}

/// The interval of a breach point in words: `1.5× – 1.7×`, an end outside
/// the searched range said as such.
fn factor_interval(ci: [Option<f64>; 2]) -> String {
    let lo = ci[0].map_or(
        format!("below {}", factor_words(LOWEST_FACTOR)),
        factor_words,
    );
    let hi = ci[1].map_or(
        format!("above {}", factor_words(HIGHEST_FACTOR)),
        factor_words,
    );
    format!("{lo} – {hi}")
}

/// The breach point in one sentence, e.g. "Electronic health record stays
/// within its 72-hour tolerance in 90% of strikes until recoveries take
/// 1.6× as long as planned (95% interval 1.5× – 1.7×)."
pub fn breach_sentence(a: &Assessment) -> String {
    let share = percent(WITHIN_SHARE);
    let tolerance = format!("its {} tolerance", target_words(a.mtpd_h));
    match a.breach {
        Breach::At { factor, ci95 } if a.within.p >= WITHIN_SHARE => format!(
            "{} stays within {tolerance} in {share} of strikes until recoveries take {} as long as planned (95% interval {}).",
            a.name,
            factor_words(factor),
            factor_interval(ci95)
        ),
        Breach::At { factor, ci95 } => format!(
            "{} stays within {tolerance} in {share} of strikes only once recoveries take {} as long as planned, {} faster (95% interval {}).",
            a.name,
            factor_words(factor),
            factor_words(1.0 / factor),
            factor_interval(ci95)
        ),
        Breach::Never => format!(
            "{} stays within {tolerance} in at least {share} of strikes even were recoveries {} as long as planned.",
            a.name,
            factor_words(HIGHEST_FACTOR)
        ),
        Breach::Unreachable => format!(
            "{} stays within {tolerance} in fewer than {share} of strikes even were recoveries {} faster: its tolerance is very short against its recovery.",
            a.name,
            factor_words(1.0 / LOWEST_FACTOR)
        ),
    }
}

/// The breach point's cell in a table: `1.6× (1.5× – 1.7×)`, `never`,
/// `unreachable`.
pub fn breach_cell(b: &Breach) -> String {
    match *b {
        Breach::At { factor, ci95 } => {
            format!("{} ({})", factor_words(factor), factor_interval(ci95))
        }
        Breach::Never => format!("never (> {})", factor_words(HIGHEST_FACTOR)),
        Breach::Unreachable => format!("unreachable (< {})", factor_words(LOWEST_FACTOR)),
    }
}

/// What most often breaks it, as a cell: `ehr-db 62%, san 20%`, or `–`.
pub fn breaks_cell(a: &Assessment) -> String {
    if a.breaks.is_empty() {
        return "–".into();
    }
    a.breaks
        .iter()
        .map(|(c, share)| format!("{c} {}", percent(*share)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 90th percentile of the disruption with its interval: `3.2d (3.1d –
/// 3.3d)`.
pub fn p90_cell(a: &Assessment) -> String {
    let (p90, [lo, hi]) = a.disruption_p90_h;
    format!(
        "{} ({} – {})",
        hours(p90),
        lo.map_or("?".into(), hours),
        hi.map_or("?".into(), hours)
    )
}

/// The terminal table, one per threat, with the sentences.
pub fn text(t: &Tolerances) -> String {
    let mut out = format!(
        "Impact tolerance: {} — {} trials per drill, seed {}\n",
        t.scenario, t.trials, t.seed
    );
    let mut any = false;
    for threat in &t.threats {
        if threat.services.is_empty() {
            continue;
        }
        any = true;
        out.push_str(&format!("\nAfter {} ({}):\n", threat.name, threat.id));
        let rows: Vec<Vec<String>> = threat
            .services
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    hours(a.mtpd_h),
                    format!(
                        "{} {}",
                        percent(a.within.p),
                        plus_minus_percent(a.within.ci95)
                    ),
                    p90_cell(a),
                    breaks_cell(a),
                    breach_cell(&a.breach),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "Service",
                "MTPD",
                "P(within)",
                "Disruption p90 (95% CI)",
                "What breaks it",
                "Breach point (95% CI)",
            ],
            &rows,
        ));
        for a in &threat.services {
            out.push_str(&breach_sentence(a));
            out.push('\n');
        }
    }
    if !any {
        out.push_str("\nNo service has an MTPD (its impact tolerance): give one with `mtpd:` on a service.\n");
    }
    out.push('\n');
    out.push_str(&DEFINITIONS.join("\n"));
    out.push('\n');
    out
}

/// A breach point's kind as JSON and CSV name it (`at`, `never`,
/// `unreachable`), its factor and interval (none but for `at`).
fn breach_parts(b: &Breach) -> (&'static str, Option<f64>, [Option<f64>; 2]) {
    match *b {
        Breach::At { factor, ci95 } => ("at", Some(factor), ci95),
        Breach::Never => ("never", None, [None, None]),
        Breach::Unreachable => ("unreachable", None, [None, None]),
    }
}

fn breach_json(b: &Breach) -> Value {
    let (kind, factor, ci95) = breach_parts(b);
    json!({"kind": kind, "factor": factor, "ci95": ci95})
}

/// The JSON document.
pub fn json(t: &Tolerances) -> Value {
    json!({
        "scenario": t.scenario,
        "trials": t.trials,
        "seed": t.seed,
        "within_share": WITHIN_SHARE,
        "factor_range": [LOWEST_FACTOR, HIGHEST_FACTOR],
        "threats": t.threats.iter().map(|threat| json!({
            "threat": threat.id,
            "name": threat.name,
            "services": threat.services.iter().map(|a| json!({
                "id": a.service,
                "name": a.name,
                "mtpd_h": a.mtpd_h,
                "p_within": {"p": a.within.p, "ci95": a.within.ci95},
                "disruption_p90_h": {"value": a.disruption_p90_h.0, "ci95": a.disruption_p90_h.1},
                "breaks": a.breaks.iter().map(|(c, p)| json!({"component": c, "share": p})).collect::<Vec<_>>(),
                "breach": breach_json(&a.breach),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// One CSV row per threat and service.
pub fn csv(t: &Tolerances) -> String {
    let mut table = Table::new([
        "threat",
        "service",
        "mtpd_h",
        "p_within",
        "p_within_lo",
        "p_within_hi",
        "disruption_p90_h",
        "disruption_p90_lo",
        "disruption_p90_hi",
        "breaks",
        "breach",
        "breach_factor",
        "breach_factor_lo",
        "breach_factor_hi",
    ]);
    for threat in &t.threats {
        for a in &threat.services {
            let (kind, factor, ci) = breach_parts(&a.breach);
            let breaks = a
                .breaks
                .iter()
                .map(|(c, p)| format!("{c} {}", fixed(*p, 3)))
                .collect::<Vec<_>>()
                .join("; ");
            table.row([
                Cell::from(&threat.id),
                Cell::from(&a.service),
                Cell::from(a.mtpd_h),
                Cell::from(a.within.p),
                Cell::from(a.within.ci95[0]),
                Cell::from(a.within.ci95[1]),
                Cell::from(a.disruption_p90_h.0),
                Cell::from(a.disruption_p90_h.1[0]),
                Cell::from(a.disruption_p90_h.1[1]),
                Cell::Text(&breaks),
                Cell::Text(kind),
                Cell::from(factor),
                Cell::from(ci[0]),
                Cell::from(ci[1]),
            ]);
        }
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_read_with_two_significant_figures() {
        assert_eq!(factor_words(1.6), "1.6×");
        assert_eq!(factor_words(1.0), "1×");
        assert_eq!(factor_words(0.998), "0.998×");
        assert_eq!(factor_words(1.0 / 0.998), "1.002×");
        assert_eq!(factor_words(1.04), "1.04×");
        assert_eq!(factor_words(0.123), "0.12×");
        assert_eq!(factor_words(0.01), "0.01×");
        assert_eq!(factor_words(9.96), "10×");
        assert_eq!(factor_words(42.4), "42×");
        assert_eq!(factor_words(2.049), "2×");
    }
}
