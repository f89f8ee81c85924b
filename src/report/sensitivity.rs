//! Output of `drsim sensitivity`: the tornado as a table, JSON and CSV
//! (the chart is [`charts::tornado`](super::charts::tornado)), and the
//! words for its inputs, which the engine gives as data: each input's key,
//! label and values, and the order people read them in.

use super::csv::{Cell, Table};
use super::format::{fixed, hours, money, percent, period_noun};
use crate::scenario::HOURS_PER_YEAR;
use crate::sim::{
    Change, Input, InputKind, InputResult, InputValue, Metric, Parameter, Screening, Sensitivity,
    HIGH_FACTOR, LOW_FACTOR, TEAM_STEP,
};
use serde_json::{json, Value};

/// Where an input sits in the scenario, e.g. `components.ehr-db.repair`.
pub fn key(input: &Input) -> String {
    match input {
        Input::ThreatFrequency { threat } => format!("threats.{threat}.frequency"),
        Input::ThreatTime { threat, field } => format!("threats.{threat}.{field}"),
        Input::FailureFrequency {
            component, mode, ..
        } => format!("components.{component}.failures[{mode}].frequency"),
        Input::FailureRepair {
            component, mode, ..
        } => format!("components.{component}.failures[{mode}].repair"),
        Input::Repair { component } => format!("components.{component}.repair"),
        Input::Rebuild { component } => format!("components.{component}.rebuild"),
        Input::Detect { component } => format!("components.{component}.detect"),
        Input::Switchover {
            component,
            requirement,
        } => format!("components.{component}.depends_on[{requirement}].switchover"),
        Input::BackupInterval {
            component, tier, ..
        } => format!("components.{component}.data.backups[{tier}].every"),
        Input::Restore {
            component, tier, ..
        } => format!("components.{component}.data.backups[{tier}].restore"),
        Input::RestoreFails {
            component, tier, ..
        } => format!("components.{component}.data.backups[{tier}].restore_fails"),
        Input::Keep {
            component, tier, ..
        } => format!("components.{component}.data.backups[{tier}].keep"),
        Input::Dwell { threat } => format!("threats.{threat}.dwell"),
        Input::WorkRecovery { service } => format!("components.{service}.wrt"),
        Input::TeamSize { team } => format!("teams.{team}.size"),
        Input::Class {
            parameter, kind, ..
        } => format!("kinds.{kind}.{}", parameter_path(*parameter)),
    }
}

/// Where a parameter sits in a component, e.g. `data.backups[0].every`.
fn parameter_path(p: Parameter) -> String {
    match p {
        Parameter::FailureFrequency { destroy } => {
            format!("failures.{}.frequency", effect_word(destroy))
        }
        Parameter::FailureRepair { destroy } => format!("failures.{}.repair", effect_word(destroy)),
        Parameter::Repair => "repair".into(),
        Parameter::Rebuild => "rebuild".into(),
        Parameter::Detect => "detect".into(),
        Parameter::Switchover => "depends_on.switchover".into(),
        Parameter::BackupInterval { tier } => format!("data.backups[{tier}].every"),
        Parameter::Restore { tier } => format!("data.backups[{tier}].restore"),
        Parameter::RestoreFails { tier } => format!("data.backups[{tier}].restore_fails"),
        Parameter::Keep { tier } => format!("data.backups[{tier}].keep"),
        Parameter::WorkRecovery => "wrt".into(),
    }
}

/// The effect of a class of failure modes, as the file spells it.
fn effect_word(destroy: bool) -> &'static str {
    if destroy {
        "destroy"
    } else {
        "damage"
    }
}

/// A parameter for people, e.g. `backup tier 1 interval`.
fn parameter_words(p: Parameter) -> String {
    let tier = |t: usize, what: &str| format!("backup tier {} {what}", t + 1);
    match p {
        Parameter::FailureFrequency { destroy } => {
            format!("{} failure frequency", effect_word(destroy))
        }
        Parameter::FailureRepair { destroy } => format!("{} failure repair", effect_word(destroy)),
        Parameter::Repair => "repair".into(),
        Parameter::Rebuild => "rebuild".into(),
        Parameter::Detect => "detect".into(),
        Parameter::Switchover => "switchover".into(),
        Parameter::BackupInterval { tier: t } => tier(t, "interval"),
        Parameter::Restore { tier: t } => tier(t, "restore"),
        Parameter::RestoreFails { tier: t } => tier(t, "restore failures"),
        Parameter::Keep { tier: t } => tier(t, "retention"),
        Parameter::WorkRecovery => "work recovery".into(),
    }
}

/// An input for people, e.g. `ehr-db repair`.
pub fn label(input: &Input) -> String {
    let failure = |component: &str, mode: usize, of_modes: usize| {
        if of_modes > 1 {
            format!("{component} failure {}", mode + 1)
        } else {
            format!("{component} failure")
        }
    };
    let tier = |component: &str, every: f64| format!("{component} {} backup", hours(every));
    match input {
        Input::ThreatFrequency { threat } => format!("{threat} frequency"),
        Input::ThreatTime { threat, field } => format!("{threat} {field}"),
        Input::FailureFrequency {
            component,
            mode,
            of_modes,
        } => format!("{} frequency", failure(component, *mode, *of_modes)),
        Input::FailureRepair {
            component,
            mode,
            of_modes,
        } => format!("{} repair", failure(component, *mode, *of_modes)),
        Input::Repair { component } => format!("{component} repair"),
        Input::Rebuild { component } => format!("{component} rebuild"),
        Input::Detect { component } => format!("{component} detect"),
        Input::Switchover { component, .. } => format!("{component} switchover"),
        Input::BackupInterval {
            component, every, ..
        } => format!("{} interval", tier(component, *every)),
        Input::Restore {
            component, every, ..
        } => format!("{} restore", tier(component, *every)),
        Input::RestoreFails {
            component, every, ..
        } => format!("{} restore failures", tier(component, *every)),
        Input::Keep {
            component, every, ..
        } => format!("{} retention", tier(component, *every)),
        Input::Dwell { threat } => format!("{threat} dwell"),
        Input::WorkRecovery { service } => format!("{service} work recovery"),
        Input::TeamSize { team } => format!("{team} team size"),
        Input::Class {
            parameter,
            kind,
            components,
        } => format!(
            "{kind} {} ({components} component{})",
            parameter_words(*parameter),
            if *components == 1 { "" } else { "s" }
        ),
    }
}

/// The kind of an input as JSON and CSV name it.
fn kind(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Frequency => "frequency",
        InputKind::Duration => "duration",
        InputKind::TeamSize => "team_size",
        InputKind::BackupInterval => "backup_interval",
        InputKind::Chance => "chance",
        InputKind::Retention => "retention",
    }
}

/// An input's value for people: `6/y`, `every 5y`, `after weibull shape 2
/// scale 3y`, `lognormal 1h..8h (90%)`, `3`, `2.5%`, `keep 30d`. `given` is the input's value
/// in the scenario: a frequency under once a year there reads `every 20y`
/// at every setting, so that a row reads alike.
pub fn value(value: &InputValue, given: &InputValue) -> String {
    match value {
        InputValue::PerHour(rate) => {
            let rare = matches!(given, InputValue::PerHour(r) if r * HOURS_PER_YEAR < 1.0);
            frequency(*rate, rare)
        }
        InputValue::Never => "never".into(),
        InputValue::Every(h) => format!("every {}", hours(*h)),
        InputValue::After(d) => format!("after {}", d.describe()),
        InputValue::Hours(d) => d.describe(),
        InputValue::People(n) => n.to_string(),
        InputValue::Chance(p) => chance(*p),
        InputValue::Kept(h) => format!("keep {}", hours(*h)),
        InputValue::Various => "various".into(),
    }
}

/// An input's low (`high == false`) or high value as JSON and CSV give
/// it: the value, or for a class whose components' values differ, its
/// factor (`×0.5`).
fn set_value(input: &InputResult, high: bool) -> String {
    if input.base_value == InputValue::Various {
        return format!("×{}", if high { HIGH_FACTOR } else { LOW_FACTOR });
    }
    let set = if high {
        &input.high_value
    } else {
        &input.low_value
    };
    value(set, &input.base_value)
}

/// A probability as a percentage with the digits it has (`5%`, `2.5%`,
/// `0.01%`): a chance of a failed restore is often small, and its low and
/// high settings must read apart.
fn chance(p: f64) -> String {
    let text = format!("{:.4}", p * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Whether an input's low (`high == false`) or high setting is not the
/// value scaled by its factor, but held at a bound: a chance at 100%, a
/// retention at its tier's interval, an interval at its tier's retention
/// (`keep` must be at least `every`).
fn bounded(input: &InputResult, high: bool) -> bool {
    let factor = if high { HIGH_FACTOR } else { LOW_FACTOR };
    let set = if high {
        &input.high_value
    } else {
        &input.low_value
    };
    match (&input.base_value, set) {
        (InputValue::Chance(base), InputValue::Chance(x))
        | (InputValue::Kept(base), InputValue::Kept(x)) => *x != base * factor,
        (InputValue::Every(base), InputValue::Every(x)) => {
            input.input.kind() == InputKind::BackupInterval && *x != base * factor
        }
        _ => false,
    }
}

/// Events per hour as `2/y`, or as `every 20y` when `rare`.
fn frequency(per_hour: f64, rare: bool) -> String {
    if rare {
        format!("every {}", hours(1.0 / per_hour))
    } else {
        let per_year = format!("{:.3}", per_hour * HOURS_PER_YEAR);
        format!("{}/y", per_year.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// An input's low (`high == false`) or high setting as the table and the
/// chart show it: a duration as its factor (`×0.5`), anything else as its
/// value (`3/y`, `every 12h`, `2`).
pub fn setting(input: &InputResult, high: bool) -> String {
    let kind = input.input.kind();
    // A duration, or a class whose components' values differ: the factor.
    if kind == InputKind::Duration || input.base_value == InputValue::Various {
        return format!("×{}", if high { HIGH_FACTOR } else { LOW_FACTOR });
    }
    let shown = value(
        if high {
            &input.high_value
        } else {
            &input.low_value
        },
        &input.base_value,
    );
    if !bounded(input, high) {
        return shown;
    }
    // Held at a bound instead of scaled (see the report's notes).
    let bound = match kind {
        InputKind::Chance => "max",
        InputKind::Retention => "= every",
        InputKind::BackupInterval => "= keep",
        InputKind::Duration | InputKind::Frequency | InputKind::TeamSize => {
            unreachable!("only chances, retentions and intervals have bounds")
        }
    };
    format!("{shown} ({bound})")
}

/// What the report says of the settings of the kinds of inputs that v1
/// scenarios lack, when the tornado has them: how a chance and a
/// retention are set low and high, and which bounds hold them.
fn bound_notes(inputs: &[InputResult]) -> String {
    let has = |kind: InputKind| inputs.iter().any(|i| i.input.kind() == kind);
    let mut notes = Vec::new();
    if has(InputKind::Chance) {
        notes.push(format!(
            "chances of a failed restore ×{LOW_FACTOR} and ×{HIGH_FACTOR} (at most 100%)"
        ));
    }
    if has(InputKind::Retention) {
        notes.push(format!(
            "retention (keep) ×{LOW_FACTOR} and ×{HIGH_FACTOR}, never below its tier's interval"
        ));
    }
    if inputs
        .iter()
        .any(|i| i.input.kind() == InputKind::BackupInterval && bounded(i, true))
    {
        notes.push("a backup interval never above its tier's retention".into());
    }
    notes
        .iter()
        .map(|note| {
            let mut line = format!("{note}.\n");
            line[..1].make_ascii_uppercase();
            line
        })
        .collect()
}

/// Puts the inputs in the order people read them, largest swing first and
/// equal swings by key, and keeps the first `top`.
pub fn rank(s: &mut Sensitivity, top: usize) {
    s.inputs.sort_by_cached_key(|i| key(&i.input));
    // Stable: equal swings stay in key order.
    s.inputs.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    s.inputs.truncate(top);
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
        Metric::RtoMet { .. } => {
            format!("{} ±{} pts", fixed(size * 100.0, 1), fixed(half * 100.0, 1))
        }
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
            percent(s.base.ci95[0]),
            percent(s.base.ci95[1])
        ),
    };
    let mut out = format!(
        "Sensitivity of {} — {}, {} trials, seed {}, common random numbers\n\
         As given: {base}\n\
         Each input is set low and high in turn, everything else as given: frequencies,\n\
         durations and backup intervals ×{LOW_FACTOR} and ×{HIGH_FACTOR}, team sizes −{TEAM_STEP} and +{TEAM_STEP} (never below 1).\n{}\n",
        metric_name(s),
        s.scenario,
        s.trials,
        s.seed,
        bound_notes(&s.inputs)
    );
    if let Some(h) = s.horizon_h {
        let line = super::text::sampling_line(&s.sampling, s.trials, &period_noun(h));
        out.insert_str(out.find('\n').map_or(0, |i| i + 1), &line);
    }
    if let Some(sc) = &s.screening {
        out.push_str(&screening_line(sc, s.trials));
    }
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
    let mut header = vec![
        "Input",
        "As given",
        "Low",
        short,
        "High",
        short,
        "Swing (±95% CI)",
    ];
    if s.screening.is_some() {
        header.push("Trials");
    }
    let rows: Vec<Vec<String>> = moving
        .iter()
        .map(|i| {
            let mut row = vec![
                label(&i.input),
                value(&i.base_value, &i.base_value),
                setting(i, false),
                metric_value(s, i.low.mean),
                setting(i, true),
                metric_value(s, i.high.mean),
                swing(s, &i.difference, i.swing),
            ];
            if s.screening.is_some() {
                row.push(i.trials.to_string());
            }
            row
        })
        .collect();
    out.push_str(&super::text::table(&header, &rows));
    if let Some(top) = moving.first() {
        out.push_str(&format!(
            "\nLargest: {} moves the {} from {} (low) to {} (high).\n",
            label(&top.input),
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

/// What a screening did, in one sentence for the text's head.
fn screening_line(sc: &Screening, trials: u64) -> String {
    format!(
        "Screened: all {} inputs over the first {} trials, then all {} trials for the {} whose swing's\n\
         95% interval reaches the screening's {}th largest; the others show the screening's figures (Trials).\n",
        sc.inputs, sc.trials, trials, sc.kept, sc.keep
    )
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
                "key": key(&i.input),
                "label": label(&i.input),
                "kind": kind(i.input.kind()),
                "base_value": value(&i.base_value, &i.base_value),
                "low_value": set_value(i, false),
                "high_value": set_value(i, true),
                "components": match &i.input {
                    Input::Class { components, .. } => Some(*components),
                    _ => None,
                },
                "low": change(&i.low),
                "high": change(&i.high),
                "low_change": change(&i.low_change),
                "high_change": change(&i.high_change),
                "difference": change(&i.difference),
                "swing": i.swing,
                "changed_trials": i.changed_trials,
                "trials": i.trials,
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
        "screening": s.screening.map(|sc| json!({
            "trials": sc.trials,
            "inputs": sc.inputs,
            "kept": sc.kept,
            "keep": sc.keep,
        })),
        "inputs": inputs,
        "sampling": super::json::sampling(&s.sampling),
    });
    super::json::text(doc)
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
        "trials",
    ]);
    for (rank, i) in s.inputs.iter().enumerate() {
        table.row([
            Cell::from(rank + 1),
            Cell::from(&key(&i.input)),
            Cell::from(&label(&i.input)),
            Cell::from(kind(i.input.kind())),
            Cell::from(&value(&i.base_value, &i.base_value)),
            Cell::from(&set_value(i, false)),
            Cell::from(&set_value(i, true)),
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
            Cell::from(i.trials),
        ]);
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{sensitivity, Config, NoProgress};

    /// A setting held at a bound says so; the notes say how chances and
    /// retentions are set, only when the tornado has them.
    #[test]
    fn settings_held_at_a_bound_say_so() {
        let yaml = "name: Bounds
components:
  - id: db
    kind: database
    rebuild: 2h
    data:
      backups:
        - {every: 4h, restore: 1h, keep: 6h, restore_fails: 0.6}
        - {every: 1d, restore: 2h, keep: 1d, restore_fails: 0.025}
  - {id: ledger, kind: service, depends_on: [db], impact: {per_hour_data_lost: 10}}
threats:
  - {id: wipe, every: 1y, hits: {components: [db]}, effect: destroy, dwell: 2d}
";
        let s = crate::scenario::load_str(yaml, "bounds.yaml")
            .unwrap()
            .scenario;
        let config = Config::new(50, 1, 1).expect("at least 2 trials");
        let t = sensitivity(&s, &Metric::Ale, None, &config, &NoProgress).unwrap();
        let settings = |k: &str| {
            let i = t.inputs.iter().find(|i| key(&i.input) == k).expect(k);
            [setting(i, false), setting(i, true)]
        };
        let tier = |n: usize, field: &str| format!("components.db.data.backups[{n}].{field}");
        assert_eq!(settings(&tier(0, "restore_fails")), ["30%", "100% (max)"]);
        assert_eq!(settings(&tier(1, "restore_fails")), ["1.25%", "5%"]);
        assert_eq!(
            settings(&tier(0, "keep")),
            ["keep 4h (= every)", "keep 12h"]
        );
        assert_eq!(
            settings(&tier(1, "keep")),
            ["keep 24h (= every)", "keep 2d"]
        );
        assert_eq!(
            settings(&tier(0, "every")),
            ["every 2h", "every 6h (= keep)"]
        );
        assert_eq!(settings("threats.wipe.dwell"), ["×0.5", "×2"]);
        let notes = bound_notes(&t.inputs);
        assert_eq!(
            notes,
            "Chances of a failed restore ×0.5 and ×2 (at most 100%).\n\
             Retention (keep) ×0.5 and ×2, never below its tier's interval.\n\
             A backup interval never above its tier's retention.\n"
        );
        let dwell_only: Vec<InputResult> = t
            .inputs
            .iter()
            .filter(|i| key(&i.input) == "threats.wipe.dwell")
            .cloned()
            .collect();
        assert_eq!(bound_notes(&dwell_only), "");
    }
}
