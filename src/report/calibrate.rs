//! The calibration report, text and JSON: per estimate with observations,
//! what was measured, the estimate before and after, and whether the
//! observations sat in the estimate's own 80% band.

use super::format::{money, percent, signed, signed_money};
use super::text::table;
use crate::calibrate::{
    dist_text, duration_text, Band, Calibrated, Calibration, Untested, Verdict,
};
use crate::scenario::Dist;
use crate::sim::{Change, Comparison};
use serde_json::{json, Value};

/// What calibration changes, from a comparison of the calibrated scenario
/// (its one option) with the base.
fn impact_text(c: &Comparison) -> String {
    let Some(after) = c.options.first() else {
        return String::new();
    };
    let cur = &c.currency;
    let m = |x: f64| money(x, cur);
    let signed_m = |x: f64| signed_money(x, cur);
    let d = &after.ale_change;
    let mut out = format!(
        "\nWhat calibration changes ({} trials, seed {}; the two versions see the same failures and strikes):\n\
         Expected annual loss: {} before, {} after: {} a year (95% CI {} to {}).\n",
        c.trials,
        c.seed,
        m(c.base_ale.mean),
        m(after.ale.mean),
        signed_m(d.mean),
        signed_m(d.ci95[0]),
        signed_m(d.ci95[1]),
    );
    let mut rows = Vec::new();
    for drill in &after.drills {
        for s in &drill.services {
            let (Some(before), Some(change)) = (s.rto_met_base, s.rto_met_change) else {
                continue;
            };
            if change.mean == 0.0 && change.ci95 == [0.0, 0.0] {
                continue;
            }
            rows.push(vec![
                drill.threat.clone(),
                s.service.clone(),
                percent(before),
                percent((before + change.mean).clamp(0.0, 1.0)),
                format!(
                    "{} pts ({} to {})",
                    signed(change.mean * 100.0, 1),
                    signed(change.ci95[0] * 100.0, 1),
                    signed(change.ci95[1] * 100.0, 1)
                ),
            ]);
        }
    }
    if rows.is_empty() {
        if !after.drills.is_empty() {
            out += "P(RTO met) is the same before and after in every drill.\n";
        }
    } else {
        out += "P(RTO met) where it changes:\n";
        out += &table(
            &["Threat", "Service", "Before", "After", "Change (95% CI)"],
            &rows,
        );
    }
    out
}

fn change_json(c: &Change) -> Value {
    json!({"mean": c.mean, "ci95": c.ci95})
}

fn impact_json(c: &Comparison) -> Value {
    let Some(after) = c.options.first() else {
        return Value::Null;
    };
    json!({
        "trials": c.trials,
        "seed": c.seed,
        "horizon_h": c.horizon_h,
        "ale_before": change_json(&c.base_ale),
        "ale_after": change_json(&after.ale),
        "ale_change": change_json(&after.ale_change),
        "drills": after.drills.iter().map(|d| json!({
            "threat": d.threat,
            "services": d.services.iter().filter(|s| s.rto_met_base.is_some()).map(|s| json!({
                "service": s.service,
                "rto_met_before": s.rto_met_base,
                "rto_met_change": s.rto_met_change.as_ref().map(change_json),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

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
            "The estimate for the {what} is optimistic: {} of {n} took longer than its p90 ({}).",
            b.above,
            duration_text(b.p90)
        ),
        Verdict::Pessimistic => format!(
            "The estimate for the {what} is pessimistic: {} of {n} took less than its p10 ({}).",
            b.below,
            duration_text(b.p10)
        ),
        Verdict::TooNarrow => format!(
            "The estimate for the {what} is too narrow: {} of {n} fell outside its 80% band ({} to {}), {} below and {} above.",
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

/// A calibration with what it changes, for the outputs.
pub struct CalibrationReport<'a> {
    /// The estimates updated.
    pub calibration: &'a Calibration,
    /// The actuals file, as messages name it.
    pub actuals: &'a str,
    /// The calibrated scenario against the original (`None`: not simulated
    /// or nothing changed).
    pub impact: Option<&'a Comparison>,
    /// The estimates never tested, largest swing first (`None`: not
    /// simulated).
    pub untested: Option<&'a [Untested]>,
}

/// How many untested estimates the text and the HTML report list.
pub(crate) const UNTESTED_SHOWN: usize = 10;

/// The untested estimates, the largest swings first, for people.
fn untested_text(list: &[Untested], currency: &str) -> String {
    if list.is_empty() {
        return "\nEvery duration estimate that moves the expected annual loss has been tested.\n"
            .into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .take(UNTESTED_SHOWN)
        .map(|u| {
            let half = (u.difference.ci95[1] - u.difference.ci95[0]) / 2.0;
            vec![
                super::sensitivity::label(&u.input),
                format!("{} ±{}", money(u.swing, currency), money(half, currency)),
            ]
        })
        .collect();
    let mut out = format!(
        "\nNever tested: {} duration estimate{} no observation measured; the {} that move the expected annual loss most (halved to doubled), to test first:\n",
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        rows.len()
    );
    out += &table(&["Estimate", "Swing in expected annual loss"], &rows);
    out
}

fn untested_json(list: &[Untested]) -> Value {
    Value::Array(
        list.iter()
            .map(|u| {
                json!({
                    "key": super::sensitivity::key(&u.input),
                    "label": super::sensitivity::label(&u.input),
                    "path": u.path,
                    "swing": u.swing,
                    "difference": change_json(&u.difference),
                })
            })
            .collect(),
    )
}

/// The report for people.
pub fn text(r: &CalibrationReport, scenario: &str) -> String {
    let (c, actuals, impact) = (r.calibration, r.actuals, r.impact);
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
    if let Some(i) = impact {
        out += &impact_text(i);
    }
    if let Some(list) = r.untested {
        out += &untested_text(list, &c.currency);
    }
    out
}

/// The report for programs.
pub fn json(r: &CalibrationReport, scenario: &str) -> String {
    let (c, actuals, impact) = (r.calibration, r.actuals, r.impact);
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
        "impact": impact.map_or(Value::Null, impact_json),
        "untested": r.untested.map_or(Value::Null, untested_json),
    });
    format!("{doc:#}\n")
}
