//! The JSON document of spec section 10, with stable keys.

use super::format::no_negative_zero;
use super::{loss_cause_key, ModeDetail};
use crate::sim::{LossCause, LossTail, Mode, Results, Sampling};
use serde_json::{json, Map, Value};

/// The results as a JSON value.
pub fn document<D: ModeDetail>(r: &Results<D>) -> Value {
    let mut services = Map::new();
    for s in &r.services {
        let mut o = Map::new();
        o.insert("affected".into(), json!(s.affected));
        if let Some(x) = s.detail.recovery_h() {
            o.insert("recovery_h".into(), json!(x));
        }
        o.insert("downtime_h".into(), json!(s.downtime_h));
        o.insert("disruption_h".into(), json!(s.disruption_h));
        o.insert("data_loss_h".into(), json!(s.data_loss_h));
        for (key, p) in [
            ("rto_met", &s.rto_met),
            ("rpo_met", &s.rpo_met),
            ("mtpd_met", &s.mtpd_met),
        ] {
            if let Some(p) = p {
                o.insert(key.into(), json!(p));
            }
        }
        o.insert("total_data_loss".into(), json!(s.total_data_loss));
        if let Some(run) = s.detail.run() {
            o.insert("availability".into(), json!(run.availability));
            o.insert("outages".into(), json!(run.outages));
            o.insert("rto_breaches".into(), json!(run.rto_breaches));
        }
        o.insert("loss".into(), json!(s.loss));
        let breakdown: Map<String, Value> = LossCause::ALL
            .into_iter()
            .map(|c| {
                let part = s.loss_breakdown.part(c);
                let value = json!({"mean": part.mean, "ci95": part.ci95});
                (loss_cause_key(c).to_string(), value)
            })
            .collect();
        o.insert("loss_breakdown".into(), Value::Object(breakdown));
        if let Some(e) = &s.explain {
            let list = |v: &[(String, f64)], key: &str| -> Value {
                Value::Array(v.iter().map(|(id, x)| json!({"id": id, key: x})).collect())
            };
            o.insert(
                "explain".into(),
                json!({
                    "downtime_by_component": list(&e.by_component, "share"),
                    "downtime_by_threat": list(&e.by_threat, "share"),
                    "critical_path": list(&e.critical_path, "p"),
                }),
            );
        }
        services.insert(s.id.clone(), Value::Object(o));
    }
    json!({
        "tool": "drsim",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": match r.mode { Mode::Drill { .. } => "drill", Mode::Run { .. } => "run" },
        "scenario": r.scenario,
        "options_applied": r.options_applied,
        "currency": r.currency,
        "trials": r.trials,
        "seed": r.seed,
        "threat": r.threat,
        "horizon_h": r.horizon_h(),
        "services": services,
        "loss": loss(r),
        "loss_exceedance": r.loss_exceedance,
        "loss_occurrence": occurrence(r),
        "loss_by_threat": loss_by_threat(r),
        "sampling": sampling(&r.sampling),
        "precision": r.precision.as_ref().map(|p| json!({
            "of": p.of,
            "target": p.target,
            "relative_half_width": p.relative,
            "reached": p.reached,
        })),
    })
}

/// How the trials were drawn: `{"method": "plain"}`, or for rare-event
/// sampling the rare threats, the probability of a trial with a rare
/// strike, how many trials had one, the strata of those trials (each: the
/// threats of which at least one strikes while those of the strata before
/// do not, its probability, its trials), the pilot's trials that shared
/// them out, and the effective sample size.
pub(crate) fn sampling(s: &Sampling) -> Value {
    match s {
        Sampling::Plain => json!({"method": "plain"}),
        Sampling::RareHits {
            targets,
            strata,
            p_none,
            effective,
        } => json!({
            "method": "stratified on rare hits",
            "rare_targets": targets.iter().map(|(id, p)| json!({"component": id, "chance": p})).collect::<Vec<_>>(),
            "p_no_rare_hit": p_none,
            "strata": strata.iter().map(|h| json!({
                "hits": h.hits,
                "or_more": h.or_more,
                "probability": h.probability,
                "trials": h.trials,
            })).collect::<Vec<_>>(),
            "effective_trials": effective,
        }),
        Sampling::RareEvents {
            threats,
            p_some,
            trials_some,
            strata,
            pilot_trials,
            effective,
        } => json!({
            "method": "stratified on rare threats",
            "rare_threats": threats,
            "p_rare_trial": p_some,
            "trials_rare": trials_some,
            "strata": strata.iter().map(|s| json!({
                "threats": s.threats,
                "probability": s.probability,
                "trials": s.trials,
            })).collect::<Vec<_>>(),
            "pilot_trials": pilot_trials,
            "effective_trials": effective,
        }),
    }
}

/// The total loss's stats, and for a run its `tail`: per level
/// (`1_in_10`, ...) `var`, `var_ci95`, `tvar`, `tvar_ci95`.
fn loss<D>(r: &Results<D>) -> Value {
    let mut loss = json!(r.loss);
    if !r.loss_tail.is_empty() {
        loss["tail"] = tail(&r.loss_tail);
    }
    loss
}

/// Tails by level: `{"1_in_10": {var, var_ci95, tvar, tvar_ci95}, ...}`.
fn tail(tails: &[LossTail]) -> Value {
    let levels: Map<String, Value> = tails
        .iter()
        .map(|t| {
            let value = json!({
                "var": t.tail.var,
                "var_ci95": t.tail.var_ci95,
                "tvar": t.tail.tvar,
                "tvar_ci95": t.tail.tvar_ci95,
            });
            (format!("1_in_{}", t.one_in), value)
        })
        .collect();
    Value::Object(levels)
}

/// A run's occurrence figures (the costliest single incident of each
/// trial): `{definition, exceedance, tail}`; `null` for a drill.
fn occurrence<D>(r: &Results<D>) -> Value {
    match r.mode {
        Mode::Drill { .. } => Value::Null,
        Mode::Run { .. } => json!({
            "definition": "the loss of the costliest single incident in a trial (a threat's strike or an independent failure; an outage counts for the incident during which it began, a data loss for the one that caused it); loss_exceedance is the aggregate curve, of all of a trial's losses together",
            "exceedance": r.occurrence_exceedance,
            "tail": tail(&r.occurrence_tail),
        }),
    }
}

/// A run's loss by what started it: per threat with a rate, then
/// independent failures, each `{id, name, per_year: {mean, ci95}, loss:
/// {mean, ci95}}`; the losses' means add up to `loss.mean`. `null` for a
/// drill.
fn loss_by_threat<D>(r: &Results<D>) -> Value {
    match r.mode {
        Mode::Drill { .. } => Value::Null,
        Mode::Run { .. } => Value::Array(
            r.loss_by_threat
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id,
                        "name": t.name,
                        "per_year": {"mean": t.per_year.mean, "ci95": t.per_year.ci95},
                        "loss": {"mean": t.loss.mean, "ci95": t.loss.ci95},
                    })
                })
                .collect(),
        ),
    }
}

/// The results as pretty JSON text with a final newline.
pub fn render<D: ModeDetail>(r: &Results<D>) -> String {
    text(document(r))
}

/// A JSON document as pretty text with a final newline: every JSON output
/// (run, drill, compare, sensitivity) is written here, once, with every
/// negative zero made positive ([`no_negative_zero`]).
pub fn text(mut doc: Value) -> String {
    positive_zeros(&mut doc);
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// Replaces every `-0.0` in `value` with `0.0`.
fn positive_zeros(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(x) = n.as_f64().filter(|x| *x == 0.0 && x.is_sign_negative()) {
                *value = json!(no_negative_zero(x));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(positive_zeros),
        Value::Object(map) => map.values_mut().for_each(positive_zeros),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}
