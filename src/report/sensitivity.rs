//! Output of `drsim sensitivity`: the tornado as a table, JSON and CSV
//! (the chart is [`charts::tornado`](super::charts::tornado)).

use super::csv::{Cell, Table};
use super::format::{money, percent};
use crate::sim::{
    Change, InputKind, InputResult, Metric, Sensitivity, HIGH_FACTOR, LOW_FACTOR, TEAM_STEP,
};
use serde_json::{json, Value};

fn factor(x: f64) -> String {
    format!("×{x}")
}

/// A value of the metric for people.
fn metric_value(s: &Sensitivity, x: f64) -> String {
    match s.metric {
        Metric::Ale => money(x, &s.currency),
        Metric::RtoMet { .. } => percent(x.clamp(0.0, 1.0)),
    }
}

/// A swing with the half-width of its paired interval.
fn swing(s: &Sensitivity, d: &Change, size: f64) -> String {
    let half = (d.ci95[1] - d.ci95[0]) / 2.0;
    match s.metric {
        Metric::Ale => format!("{} ±{}", money(size, &s.currency), money(half, &s.currency)),
        Metric::RtoMet { .. } => format!("{:.1} ±{:.1} pts", size * 100.0, half * 100.0),
    }
}

fn setting(input: &InputResult, high: bool) -> String {
    match input.kind {
        InputKind::Duration => factor(if high { HIGH_FACTOR } else { LOW_FACTOR }),
        _ if high => input.high_value.clone(),
        _ => input.low_value.clone(),
    }
}

fn metric_name(s: &Sensitivity) -> String {
    match &s.metric {
        Metric::Ale => "expected annual loss".into(),
        Metric::RtoMet { service, threat } => {
            format!("P(RTO met) for {service} in a drill of {threat}")
        }
    }
}

/// The terminal report.
pub fn text(s: &Sensitivity) -> String {
    let base = match s.metric {
        Metric::Ale => format!(
            "{} (95% CI {} – {}){}",
            money(s.base.mean, &s.currency),
            money(s.base.ci95[0], &s.currency),
            money(s.base.ci95[1], &s.currency),
            s.horizon_h.map_or(String::new(), |h| format!(
                ", simulated over {}",
                super::format::hours(h)
            ))
        ),
        Metric::RtoMet { .. } => format!(
            "{} (95% CI {} – {})",
            percent(s.base.mean),
            percent(s.base.ci95[0].max(0.0)),
            percent(s.base.ci95[1].min(1.0))
        ),
    };
    let mut out = format!(
        "Sensitivity of {} — {}, {} trials, seed {}, common random numbers\n\
         As given: {base}\n\
         Each input is set low and high in turn, everything else as given: frequencies,\n\
         durations and backup intervals ×{LOW_FACTOR} and ×{HIGH_FACTOR}, team sizes −{TEAM_STEP} and +{TEAM_STEP} (never below 1).\n\n",
        metric_name(s),
        s.scenario,
        s.trials,
        s.seed
    );
    // Inputs that changed nothing in any trial are listed in JSON and CSV only.
    let moving: Vec<&InputResult> = s.inputs.iter().filter(|i| i.changed_trials > 0).collect();
    if moving.is_empty() {
        out.push_str(if s.inputs.is_empty() {
            "No input can change this metric: nothing the scenario can hit has a frequency,\n\
             a repair, rebuild or restore time, a team or a backup tier.\n"
        } else {
            "No input changed this metric in any trial.\n"
        });
        return out;
    }
    let short = match s.metric {
        Metric::Ale => "ALE",
        Metric::RtoMet { .. } => "P(RTO met)",
    };
    let header = [
        "Input",
        "As given",
        "Low",
        short,
        "High",
        short,
        "Swing (±95% CI)",
    ];
    let rows: Vec<Vec<String>> = moving
        .iter()
        .map(|i| {
            vec![
                i.label.clone(),
                i.base_value.clone(),
                setting(i, false),
                metric_value(s, i.low.mean),
                setting(i, true),
                metric_value(s, i.high.mean),
                swing(s, &i.difference, i.swing),
            ]
        })
        .collect();
    out.push_str(&super::text::table(&header, &rows));
    if let Some(top) = moving.first() {
        out.push_str(&format!(
            "\nLargest: {} moves the {} from {} (low) to {} (high).\n",
            top.label,
            metric_name(s),
            metric_value(s, top.low.mean),
            metric_value(s, top.high.mean)
        ));
    }
    let still = s.inputs.len() - moving.len();
    if still > 0 {
        out.push_str(&format!(
            "{still} of the top {} inputs changed the result in no trial and are not shown.\n",
            s.inputs.len()
        ));
    }
    if s.inputs.len() < s.considered {
        out.push_str(&format!(
            "{} inputs were ranked; --top {} shows them all.\n",
            s.considered, s.considered
        ));
    }
    if let Metric::RtoMet { .. } = s.metric {
        out.push_str("Frequencies do not enter a drill: the threat strikes at t = 0.\n");
    }
    out.push_str("Inputs that cannot change the result (e.g. the repair time of a component nothing damages) are left out.\n");
    out
}

fn change(c: &Change) -> Value {
    json!({"mean": c.mean, "ci95": c.ci95})
}

/// The tornado as JSON.
pub fn json(s: &Sensitivity) -> String {
    let inputs: Vec<Value> = s
        .inputs
        .iter()
        .map(|i| {
            json!({
                "key": i.key,
                "label": i.label,
                "kind": i.kind.as_str(),
                "base_value": i.base_value,
                "low_value": i.low_value,
                "high_value": i.high_value,
                "low": change(&i.low),
                "high": change(&i.high),
                "low_change": change(&i.low_change),
                "high_change": change(&i.high_change),
                "difference": change(&i.difference),
                "swing": i.swing,
                "changed_trials": i.changed_trials,
            })
        })
        .collect();
    let doc = json!({
        "tool": "drsim",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": "sensitivity",
        "scenario": s.scenario,
        "currency": s.currency,
        "trials": s.trials,
        "seed": s.seed,
        "metric": s.metric.key(),
        "horizon_h": s.horizon_h,
        "settings": {"low_factor": LOW_FACTOR, "high_factor": HIGH_FACTOR, "team_step": TEAM_STEP},
        "base": change(&s.base),
        "considered": s.considered,
        "inputs": inputs,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// One row per input, largest swing first.
pub fn csv(s: &Sensitivity) -> String {
    let mut table = Table::new([
        "rank",
        "key",
        "label",
        "kind",
        "base_value",
        "low_value",
        "high_value",
        "low_mean",
        "low_ci95_lo",
        "low_ci95_hi",
        "high_mean",
        "high_ci95_lo",
        "high_ci95_hi",
        "low_change_mean",
        "high_change_mean",
        "difference_mean",
        "difference_ci95_lo",
        "difference_ci95_hi",
        "swing",
        "changed_trials",
    ]);
    for (rank, i) in s.inputs.iter().enumerate() {
        table.row([
            Cell::from(rank + 1),
            Cell::from(&i.key),
            Cell::from(&i.label),
            Cell::from(i.kind.as_str()),
            Cell::from(&i.base_value),
            Cell::from(&i.low_value),
            Cell::from(&i.high_value),
            i.low.mean.into(),
            i.low.ci95[0].into(),
            i.low.ci95[1].into(),
            i.high.mean.into(),
            i.high.ci95[0].into(),
            i.high.ci95[1].into(),
            i.low_change.mean.into(),
            i.high_change.mean.into(),
            i.difference.mean.into(),
            i.difference.ci95[0].into(),
            i.difference.ci95[1].into(),
            i.swing.into(),
            Cell::from(i.changed_trials),
        ]);
    }
    table.finish()
}
