//! The calibration report, text and JSON: per estimate with observations,
//! what was measured, the estimate before and after, and whether the
//! observations sat in the estimate's own 80% band.

use super::text::table;
use crate::calibrate::{dist_text, duration_text, Band, Calibrated, Calibration, Verdict};
use crate::scenario::Dist;
use serde_json::{json, Value};

fn hours_or_dash(h: Option<f64>) -> String {
    h.map_or("–".into(), duration_text)
}

fn p50_p90(d: &Dist) -> (f64, f64) {
    (d.sample(0.5), d.sample(0.9))
}

/// One sentence on what the observations say of the estimate before.
pub fn verdict_sentence(c: &Calibrated) -> Option<String> {
    let b = c.band.as_ref()?;
    let n = b.below + b.inside + b.above;
    let what = &c.estimate.label;
    Some(match b.verdict {
        Verdict::Optimistic => format!(
            "The {what} estimate is optimistic: {} of {n} took longer than its p90 ({}).",
            b.above,
            duration_text(b.p90)
        ),
        Verdict::Pessimistic => format!(
            "The {what} estimate is pessimistic: {} of {n} took less than its p10 ({}).",
            b.below,
            duration_text(b.p10)
        ),
        Verdict::TooNarrow => format!(
            "The {what} estimate is too narrow: {} of {n} fell outside its 80% band ({} to {}), {} below and {} above.",
            b.below + b.above,
            duration_text(b.p10),
            duration_text(b.p90),
            b.below,
            b.above
        ),
        Verdict::Consistent | Verdict::Unknown => return None,
    })
}

fn band_cell(b: Option<&Band>) -> String {
    match b {
        None => "–".into(),
        Some(b) => {
            let n = b.below + b.inside + b.above;
            let mut s = format!("{} of {n}", b.inside);
            if b.unknown > 0 {
                s += &format!(" (+{} open)", b.unknown);
            }
            s
        }
    }
}

/// The report for people.
pub fn text(c: &Calibration, scenario: &str, actuals: &str) -> String {
    let mut out = format!(
        "Calibration of {scenario} from {actuals}: {} observation{}, {} estimate{} updated (prior weight {}: each estimate counts as {} observations)\n\n",
        c.observations,
        if c.observations == 1 { "" } else { "s" },
        c.estimates.len(),
        if c.estimates.len() == 1 { "" } else { "s" },
        c.prior_weight,
        c.prior_weight
    );
    if c.estimates.is_empty() {
        out += "No observation names an estimate of the scenario: nothing changes.\n";
        return out;
    }
    let rows: Vec<Vec<String>> = c
        .estimates
        .iter()
        .map(|e| {
            let unfinished = e.observations.iter().filter(|o| o.censored).count();
            let before = e.estimate.prior.as_ref().map(p50_p90);
            let after = p50_p90(&e.posterior);
            vec![
                e.estimate.label.clone(),
                if unfinished > 0 {
                    format!("{} ({unfinished} open)", e.observations.len())
                } else {
                    e.observations.len().to_string()
                },
                format!(
                    "{} / {}",
                    hours_or_dash(e.observed_p50),
                    hours_or_dash(e.observed_p90)
                ),
                before.map_or("–".into(), |(a, b)| {
                    format!("{} / {}", duration_text(a), duration_text(b))
                }),
                format!("{} / {}", duration_text(after.0), duration_text(after.1)),
                band_cell(e.band.as_ref()),
                e.band
                    .as_ref()
                    .map_or("no estimate before".into(), |b| b.verdict.as_str().into()),
            ]
        })
        .collect();
    out += &table(
        &[
            "Estimate",
            "Observed",
            "Observed p50 / p90",
            "Before p50 / p90",
            "After p50 / p90",
            "In its 80% band",
            "Verdict",
        ],
        &rows,
    );
    out += "\nObserved quantiles by Kaplan-Meier (an open observation was still unfinished: it counts as \"longer than\"). In its 80% band: the observations between the estimate's p10 and p90, expected 8 in 10; the verdict is a one-sided binomial test at 5% on each side.\n";
    let sentences: Vec<String> = c.estimates.iter().filter_map(verdict_sentence).collect();
    if !sentences.is_empty() {
        out += "\n";
        for s in sentences {
            out += &s;
            out += "\n";
        }
    }
    out
}

/// The report for programs.
pub fn json(c: &Calibration, scenario: &str, actuals: &str) -> String {
    let dist = |d: &Dist| {
        let (p50, p90) = p50_p90(d);
        json!({"text": dist_text(d), "p50_h": p50, "p90_h": p90})
    };
    let estimates: Vec<Value> = c
        .estimates
        .iter()
        .map(|e| {
            json!({
                "id": e.estimate.id,
                "what": e.estimate.what.as_str(),
                "path": e.estimate.path,
                "label": e.estimate.label,
                "observations": e.observations.len(),
                "unfinished": e.observations.iter().filter(|o| o.censored).count(),
                "rows": e.rows,
                "observed_p50_h": e.observed_p50,
                "observed_p90_h": e.observed_p90,
                "before": e.estimate.prior.as_ref().map(dist),
                "before_text": e.estimate.prior_text,
                "after": dist(&e.posterior),
                "band": e.band.as_ref().map(|b| json!({
                    "p10_h": b.p10,
                    "p90_h": b.p90,
                    "below": b.below,
                    "inside": b.inside,
                    "above": b.above,
                    "unknown": b.unknown,
                    "verdict": b.verdict.as_str(),
                })),
                "verdict_text": verdict_sentence(e),
            })
        })
        .collect();
    let doc = json!({
        "tool": "drsim",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": "calibrate",
        "scenario": scenario,
        "actuals": actuals,
        "prior_weight": c.prior_weight,
        "observations": c.observations,
        "estimates": estimates,
    });
    format!("{doc:#}\n")
}
