//! Calibration: what was measured (DR tests, restore tests, incidents)
//! updates the scenario's duration estimates (`drsim calibrate`).
//!
//! [`actuals`] reads the measurements; each names an estimate of the
//! scenario (a component's repair, a backup tier's restore, a failover
//! group's switchover, a threat's duration, ...), found here by its key
//! path in the file; [`fit`] updates the estimate by Bayes' rule with the
//! scenario's value as the prior; the calibrated file is the original
//! text with each updated value replaced in place ([`spans`]), with a
//! comment above its component or threat saying what it was, what it is
//! now and from how many observations, and checked to differ from the
//! original in those values only. Estimates without observations stay as
//! they were.

pub mod actuals;
pub mod fit;
pub mod spans;

use crate::scenario::tables::{TableError, TableErrors};
use crate::scenario::{did_you_mean, escape_unsafe, load_str, Dist};
use actuals::{Actual, What};
use fit::{FitError, Obs};
use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// One estimate of the scenario that observations update.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The component or threat.
    pub id: String,
    /// What it estimates.
    pub what: What,
    /// Its key path in the file (`components[3].data.backups[1].restore`).
    pub path: String,
    /// For people: `restore of ehr-db (tier 2, every 24h)`.
    pub label: String,
    /// The estimate before, as a distribution; `None` when the file gives
    /// none (the default, no time at all).
    pub prior: Option<Dist>,
    /// The estimate before as the file writes it (`{lognormal: [2h, 8h]}`),
    /// or where the default comes from (`(repair) ...`), or `(none)`.
    pub prior_text: String,
}

/// How the observations sit in the estimate's own 80% band (p10 to p90),
/// and what that says.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// The estimate's 10th and 90th percentiles, hours.
    pub p10: f64,
    /// See `p10`.
    pub p90: f64,
    /// Completed observations below p10.
    pub below: usize,
    /// Observations inside the band.
    pub inside: usize,
    /// Observations above p90 (unfinished ones past p90 included).
    pub above: usize,
    /// Unfinished observations that stopped inside the band: they may or
    /// may not have gone past it.
    pub unknown: usize,
    /// The judgement.
    pub verdict: Verdict,
}

/// What the observations say of an estimate, by a one-sided binomial test
/// at 5% on each side of its 80% band (each side should hold 10%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// As many inside and outside as the band says.
    Consistent,
    /// Too many took longer than its p90.
    Optimistic,
    /// Too many took less than its p10.
    Pessimistic,
    /// Too many outside on both sides: the band is too narrow.
    TooNarrow,
    /// No observation could be placed.
    Unknown,
}

impl Verdict {
    /// As the outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::Optimistic => "optimistic",
            Verdict::Pessimistic => "pessimistic",
            Verdict::TooNarrow => "too narrow",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One estimate with its observations, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibrated {
    /// The estimate.
    pub estimate: Estimate,
    /// Its observations, in the file's order (rows in `rows`).
    pub observations: Vec<Obs>,
    /// The actuals file's rows they came from.
    pub rows: Vec<usize>,
    /// The observations' median and 90th percentile by Kaplan–Meier
    /// (`None`: unknown for the unfinished ones).
    pub observed_p50: Option<f64>,
    /// See `observed_p50`.
    pub observed_p90: Option<f64>,
    /// The estimate after.
    pub posterior: Dist,
    /// As the calibrated file writes it.
    pub posterior_text: String,
    /// The observations against the estimate's 80% band (`None` without an
    /// estimate before).
    pub band: Option<Band>,
}

/// The result: every estimate with observations, and the calibrated file.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// In the file's order of the estimates.
    pub estimates: Vec<Calibrated>,
    /// The scenario with the calibrated values, commented.
    pub yaml: String,
    /// The prior weight used.
    pub prior_weight: f64,
    /// How many observations the actuals held.
    pub observations: usize,
    /// The scenario's currency (for the outputs' money).
    pub currency: String,
}

/// Calibrates the scenario `src` (named `file`, valid) with `actuals`
/// (from the file named `actuals_name`). Every problem is reported at once,
/// at its row.
pub fn calibrate(
    src: &str,
    file: &str,
    actuals: &[Actual],
    actuals_name: &str,
    prior_weight: f64,
) -> Result<Calibration, TableErrors> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let root: Value = serde_yaml_ng::from_str(src).map_err(|e| one(file, e.to_string()))?;
    let mut errors = Vec::new();
    let mut by_path: BTreeMap<String, (Estimate, Vec<&Actual>, usize)> = BTreeMap::new();
    let index = Index::new(&root);
    for a in actuals {
        match resolve(&root, &index, a) {
            Ok(estimates) => {
                for e in estimates {
                    let order = order_of(&e.path);
                    by_path
                        .entry(e.path.clone())
                        .or_insert_with(|| (e, Vec::new(), order))
                        .1
                        .push(a);
                }
            }
            Err((column, message, help)) => errors.push(TableError {
                at: format!("{actuals_name}, row {}, column {column}", a.row),
                message,
                help: Some(help),
            }),
        }
    }
    let mut estimates = Vec::new();
    for (estimate, rows, _) in sorted(by_path) {
        let obs: Vec<Obs> = rows.iter().map(|a| a.obs).collect();
        match update(&estimate, &obs, prior_weight) {
            Ok(posterior) => {
                let band = estimate.prior.as_ref().map(|p| band(p, &obs));
                estimates.push(Calibrated {
                    posterior_text: dist_text(&posterior),
                    posterior,
                    observed_p50: fit::km_quantile(&obs, 0.5),
                    observed_p90: fit::km_quantile(&obs, 0.9),
                    rows: rows.iter().map(|a| a.row).collect(),
                    observations: obs,
                    band,
                    estimate,
                });
            }
            Err(e) => errors.push(TableError {
                at: format!(
                    "{actuals_name}, rows {}",
                    rows.iter().map(|a| a.row.to_string()).collect::<Vec<_>>().join(", ")
                ),
                message: format!(
                    "cannot calibrate the {}: {}",
                    estimate.label,
                    match e {
                        FitError::AllCensored => "every observation is unfinished, and there is no estimate to start from (none in the scenario, or --prior-weight 0)",
                        FitError::TooFew => "fewer than two different completed observations say nothing of the spread, and there is no estimate to start from (none in the scenario, or --prior-weight 0)",
                    }
                ),
                help: Some(format!(
                    "add completed observations, or give the estimate in the scenario ({})",
                    estimate.path
                )),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(TableErrors(errors));
    }
    let yaml = rewrite(src, &estimates, actuals_name, prior_weight).map_err(|m| one(file, m))?;
    if let Err(e) = load_str(&yaml, file) {
        return Err(one(
            file,
            format!("the calibrated scenario does not load (a bug in drsim): {e}"),
        ));
    }
    let currency = root
        .get("currency")
        .map(id_text)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "GBP".into());
    Ok(Calibration {
        estimates,
        yaml,
        prior_weight,
        observations: actuals.len(),
        currency,
    })
}

fn one(at: &str, message: String) -> TableErrors {
    TableErrors(vec![TableError {
        at: at.to_string(),
        message,
        help: None,
    }])
}

/// Estimates by their item in file order (components, then threats), then
/// by what they estimate.
fn sorted(
    by_path: BTreeMap<String, (Estimate, Vec<&Actual>, usize)>,
) -> Vec<(Estimate, Vec<&Actual>, usize)> {
    let mut v: Vec<_> = by_path.into_values().collect();
    v.sort_by(|a, b| (a.2, a.0.what, &a.0.path).cmp(&(b.2, b.0.what, &b.0.path)));
    v
}

/// A sort key that puts components before threats, each in file order.
fn order_of(path: &str) -> usize {
    let index = path
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .and_then(|(n, _)| n.parse::<usize>().ok())
        .unwrap_or(0);
    if path.starts_with("threats") {
        1_000_000_000 + index
    } else {
        index
    }
}

/// The items of a top-level list.
fn list<'a>(root: &'a Value, name: &str) -> &'a [Value] {
    root.get(name)
        .and_then(Value::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The text of an id as the file reads it (`2024` is "2024").
fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // As the loader reads a number given for text: 1.0 is "1".
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// The distribution at `key` (null is none, as for the loader).
fn dist_at(item: &Value, key: &str) -> Option<Dist> {
    item.get(key)
        .filter(|v| !v.is_null())
        .and_then(|v| Dist::deserialize(v.clone()).ok())
}

fn flow_at(item: &Value, key: &str) -> Option<String> {
    item.get(key)
        .filter(|v| !v.is_null())
        .map(crate::scenario::tables::flow)
}

/// The estimates an observation updates, or why it names none: (the
/// column to blame, the message, how to fix it).
/// The file's components and threats by id, and the failover groups by
/// member, found once for all the actuals' rows.
struct Index {
    components: std::collections::HashMap<String, usize>,
    threats: std::collections::HashMap<String, usize>,
    /// Member id -> (component, requirement) of each failover group it is in.
    failover: std::collections::HashMap<String, Vec<(usize, usize)>>,
}

impl Index {
    fn new(root: &Value) -> Index {
        let ids = |name: &str| {
            let mut map = std::collections::HashMap::new();
            for (i, item) in list(root, name).iter().enumerate() {
                if let Some(id) = item.get("id").map(id_text) {
                    map.entry(id).or_insert(i);
                }
            }
            map
        };
        let mut failover: std::collections::HashMap<String, Vec<(usize, usize)>> =
            std::collections::HashMap::new();
        for (c, item) in list(root, "components").iter().enumerate() {
            let reqs = item.get("depends_on").and_then(Value::as_sequence);
            for (j, r) in reqs.into_iter().flatten().enumerate() {
                for m in r
                    .get("failover")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let groups = failover.entry(id_text(m)).or_default();
                    if !groups.contains(&(c, j)) {
                        groups.push((c, j));
                    }
                }
            }
        }
        Index {
            components: ids("components"),
            threats: ids("threats"),
            failover,
        }
    }
}

fn resolve(
    root: &Value,
    index: &Index,
    a: &Actual,
) -> Result<Vec<Estimate>, (&'static str, String, String)> {
    let components = list(root, "components");
    let threats = list(root, "threats");
    let component = index.components.get(&a.id).copied();
    let threat = index.threats.get(&a.id).copied();
    let id = escape_unsafe(&a.id, false).into_owned();
    if component.is_none() && threat.is_none() {
        let ids: Vec<String> = components
            .iter()
            .chain(threats)
            .filter_map(|x| x.get("id").map(id_text))
            .collect();
        let help = did_you_mean(&a.id, ids.iter().map(String::as_str))
            .unwrap_or_else(|| "name a component or a threat of the scenario".into());
        return Err((
            "id",
            format!("no component or threat `{id}` in the scenario"),
            help,
        ));
    }
    let what = a.what.as_str();
    let estimate = |path: String, label: String, item: &Value, key: &str| Estimate {
        id: a.id.clone(),
        what: a.what,
        path,
        label,
        prior: dist_at(item, key),
        prior_text: flow_at(item, key).unwrap_or_else(|| "(none)".into()),
    };
    match (a.what, component, threat) {
        (What::Repair | What::Detect, Some(i), _) => {
            let key = what;
            Ok(vec![estimate(
                format!("components[{i}].{key}"),
                format!("{what} of {id}"),
                &components[i],
                key,
            )])
        }
        (What::Rebuild, Some(i), _) => {
            let c = &components[i];
            let mut e = estimate(
                format!("components[{i}].rebuild"),
                format!("rebuild of {id}"),
                c,
                "rebuild",
            );
            if c.get("rebuild").is_none_or(Value::is_null) {
                // The default rebuild is the repair.
                e.prior = dist_at(c, "repair");
                e.prior_text = match flow_at(c, "repair") {
                    Some(r) => format!("{r} (its repair)"),
                    None => "(none)".into(),
                };
            }
            Ok(vec![e])
        }
        (What::Restore, Some(i), _) => {
            let c = &components[i];
            let tiers = c
                .get("data")
                .and_then(|d| d.get("backups"))
                .and_then(Value::as_sequence)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if tiers.is_empty() {
                return Err((
                    "id",
                    format!("{id} has no backups to restore from"),
                    "give it data.backups in the scenario, or correct the id".into(),
                ));
            }
            let every = |t: &Value| t.get("every").map(id_text).unwrap_or_default();
            let k = match &a.tier {
                None if tiers.len() == 1 => 0,
                None => {
                    return Err((
                        "tier",
                        format!(
                            "{id} has {} backup tiers: which one was restored from?",
                            tiers.len()
                        ),
                        format!(
                            "write the tier's number (1 to {}) or its interval ({})",
                            tiers.len(),
                            tiers.iter().map(every).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                Some(t) => match t.parse::<usize>() {
                    Ok(n) if (1..=tiers.len()).contains(&n) => n - 1,
                    _ => {
                        // By interval, compared as durations (1d is 24h).
                        let hours = |x: &str| crate::scenario::parse_duration(x).ok();
                        let given = hours(t);
                        let matching: Vec<usize> = (0..tiers.len())
                            .filter(|&k| given.is_some() && hours(&every(&tiers[k])) == given)
                            .collect();
                        if matching.len() > 1 {
                            return Err((
                                "tier",
                                format!(
                                    "{id} has {} backup tiers taken every {}",
                                    matching.len(),
                                    escape_unsafe(t, false)
                                ),
                                format!(
                                    "write the tier's number instead: {}",
                                    matching
                                        .iter()
                                        .map(|k| (k + 1).to_string())
                                        .collect::<Vec<_>>()
                                        .join(" or ")
                                ),
                            ));
                        }
                        matching.first().copied().ok_or_else(|| {
                            (
                                "tier",
                                format!("{id} has no backup tier `{}`", escape_unsafe(t, false)),
                                format!(
                                    "write the tier's number (1 to {}) or its interval ({})",
                                    tiers.len(),
                                    tiers.iter().map(every).collect::<Vec<_>>().join(", ")
                                ),
                            )
                        })?
                    }
                },
            };
            Ok(vec![estimate(
                format!("components[{i}].data.backups[{k}].restore"),
                format!(
                    "restore of {id} (tier {}, every {})",
                    k + 1,
                    every(&tiers[k])
                ),
                &tiers[k],
                "restore",
            )])
        }
        (What::Switchover, Some(_), _) => {
            let mut found = Vec::new();
            for &(c, j) in index.failover.get(&a.id).into_iter().flatten() {
                let item = &components[c];
                let owner = item.get("id").map(id_text).unwrap_or_default();
                found.push(estimate(
                    format!("components[{c}].depends_on[{j}].switchover"),
                    format!("switchover of {owner}'s failover group with {id}"),
                    &item["depends_on"][j],
                    "switchover",
                ));
            }
            if found.is_empty() {
                return Err((
                    "id",
                    format!("{id} is in no failover group"),
                    "name a member of a failover group (depends_on: [{failover: [a, b]}])".into(),
                ));
            }
            Ok(found)
        }
        (What::Repair | What::Rebuild | What::Duration, _, Some(k)) => {
            let t = &threats[k];
            let effect = t.get("effect").map(id_text).unwrap_or_default();
            let wanted = match a.what {
                What::Repair => "damage",
                What::Rebuild => "destroy",
                _ => "disrupt",
            };
            if effect != wanted {
                return Err(("what", format!("threat {id} has effect {effect}: a {what} is measured for {wanted} threats"), match effect.as_str() {
                    "disrupt" => "a disruption's length is its duration".to_string(),
                    "damage" => "a damage threat's components are repaired: what = repair".to_string(),
                    _ => "a destroy threat's components are rebuilt: what = rebuild (or restore, on the component)".to_string(),
                }));
            }
            let mut e = estimate(
                format!("threats[{k}].{what}"),
                format!("{what} after {id}"),
                t,
                what,
            );
            if e.prior.is_none() && a.what != What::Duration {
                e.prior_text = "(the components' own)".into();
            }
            Ok(vec![e])
        }
        (What::Duration, Some(_), None) => Err((
            "what",
            format!("{id} is a component: a duration is measured for threats"),
            "for a component write repair, rebuild, restore, detect or switchover".into(),
        )),
        (What::Switchover | What::Restore | What::Detect, None, Some(_)) => Err((
            "id",
            format!("{id} is a threat: a {what} is measured on a component"),
            "name the component".into(),
        )),
        _ => Err((
            "id",
            format!("nothing to calibrate for {id} and {what}"),
            "see drsim calibrate --help".into(),
        )),
    }
}

/// The estimate after the observations.
fn update(e: &Estimate, obs: &[Obs], weight: f64) -> Result<Dist, FitError> {
    let log_prior = |d: &Dist| -> Option<(f64, f64)> {
        match *d {
            Dist::LogNormal { mu, sigma, .. } => Some((mu, sigma)),
            Dist::Fixed(v) if v > 0.0 => Some((v.ln(), 0.0)),
            Dist::Fixed(_) | Dist::Exp { .. } => None,
            _ => {
                let (p5, p95) = (d.sample(0.05), d.sample(0.95));
                (p5 > 0.0).then(|| {
                    let (a, b) = (p5.ln(), p95.ln());
                    ((a + b) / 2.0, (b - a) / (2.0 * 1.644_853_626_951_472_2))
                })
            }
        }
    };
    match &e.prior {
        Some(Dist::Exp { mean }) => Ok(Dist::Exp {
            mean: fit::fit_exp(*mean, weight, obs)?,
        }),
        prior => {
            let (mu0, s0, w) = match prior.as_ref().and_then(log_prior) {
                Some((m, s)) => (m, s, weight),
                None => (0.0, 0.0, 0.0),
            };
            let f = fit::fit_lognormal(mu0, s0, w, obs)?;
            let (p5, p95) = f.predictive_p5_p95();
            Ok(if p95 / p5 - 1.0 < 1e-9 {
                Dist::Fixed(f.mu.exp())
            } else {
                Dist::lognormal(round3(p5), round3(p95)).unwrap_or(Dist::Fixed(f.mu.exp()))
            })
        }
    }
}

/// `x` to three significant figures, as the file will write it.
fn round3(x: f64) -> f64 {
    crate::scenario::parse_duration(&duration_text(x)).unwrap_or(x)
}

/// The observations against the prior's 80% band.
fn band(prior: &Dist, obs: &[Obs]) -> Band {
    let (p10, p90) = (prior.sample(0.1), prior.sample(0.9));
    let (mut below, mut inside, mut above, mut unknown) = (0, 0, 0, 0);
    for o in obs {
        match (o.censored, o.hours) {
            (_, h) if h > p90 => above += 1,
            (true, _) => unknown += 1,
            (false, h) if h < p10 => below += 1,
            _ => inside += 1,
        }
    }
    let n = below + inside + above;
    let high = n > 0 && fit::binomial_upper_tail(n, above, 0.1) < 0.05;
    let low = n > 0 && fit::binomial_upper_tail(n, below, 0.1) < 0.05;
    let verdict = match (n, high, low) {
        (0, ..) => Verdict::Unknown,
        (_, true, true) => Verdict::TooNarrow,
        (_, true, false) => Verdict::Optimistic,
        (_, false, true) => Verdict::Pessimistic,
        _ => Verdict::Consistent,
    };
    Band {
        p10,
        p90,
        below,
        inside,
        above,
        unknown,
        verdict,
    }
}

/// A duration as the calibrated file writes it: three significant figures
/// in the unit that reads best (`45m`, `7.84h`, `3.5d`).
pub fn duration_text(h: f64) -> String {
    let (x, unit) = if h < 1.0 / 60.0 {
        (h * 3600.0, "s")
    } else if h < 1.0 {
        (h * 60.0, "m")
    } else if h < 48.0 {
        (h, "h")
    } else {
        (h / 24.0, "d")
    };
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{unit}")
}

/// A distribution as the scenario format writes it.
pub fn dist_text(d: &Dist) -> String {
    match *d {
        Dist::Fixed(v) => duration_text(v),
        Dist::Exp { mean } => format!("{{exp: {}}}", duration_text(mean)),
        Dist::LogNormal { p5, p95, .. } => {
            format!(
                "{{lognormal: [{}, {}]}}",
                duration_text(p5),
                duration_text(p95)
            )
        }
        Dist::Uniform { lo, hi } => format!(
            "{{uniform: [{}, {}]}}",
            duration_text(lo),
            duration_text(hi)
        ),
        Dist::Triangular { min, mode, max } => format!(
            "{{triangular: [{}, {}, {}]}}",
            duration_text(min),
            duration_text(mode),
            duration_text(max)
        ),
        Dist::Weibull { shape, scale } => {
            format!(
                "{{weibull: {{shape: {shape}, scale: {}}}}}",
                duration_text(scale)
            )
        }
    }
}

/// The scenario's text with every calibrated value replaced (or added),
/// each with a comment line above its component or threat; a header comment after the first line's
/// schema comment, if any.
fn rewrite(
    src: &str,
    estimates: &[Calibrated],
    actuals_name: &str,
    weight: f64,
) -> Result<String, String> {
    let lost = || "cannot find the estimates' places in the file".to_string();
    let nodes = spans::nodes(src).ok_or_else(lost)?;
    // (position, bytes to remove, text to insert), applied from the end.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let line_start = |at: usize| src[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent_of = |at: usize| {
        let start = line_start(at);
        src[start..].chars().take_while(|c| *c == ' ').count()
    };
    for c in estimates {
        let e = &c.estimate;
        // The comment goes above the line where the estimate's component
        // or threat starts: a line no scalar of the file runs across (a
        // value's own line could be the middle of a quoted name).
        let item_path = e
            .path
            .split_once(']')
            .map_or(e.path.as_str(), |(head, _)| head);
        let item_path = format!("{item_path}]");
        let comment_above_item = |comment: &str| -> Result<(usize, usize, String), String> {
            let item = nodes.get(&item_path).ok_or_else(lost)?;
            Ok((
                line_start(item.start),
                0,
                format!("{}{comment}\n", " ".repeat(indent_of(item.start))),
            ))
        };
        let n = c.observations.len();
        let unfinished = c.observations.iter().filter(|o| o.censored).count();
        let comment = format!(
            "# calibrated {}: was {}, now {} from {} observation{}{} (drsim calibrate)",
            e.label,
            e.prior_text,
            c.posterior_text,
            n,
            if n == 1 { "" } else { "s" },
            if unfinished > 0 {
                format!(", {unfinished} unfinished")
            } else {
                String::new()
            },
        );
        let comment = crate::scenario::comment_text(&comment);
        if let Some(node) = nodes.get(&e.path) {
            if node.anchored {
                return Err(format!(
                    "the {} is written once and repeated by YAML aliases (it carries an anchor, &name): calibrating it in place would change every place that repeats it; write this component's value out in full",
                    e.label
                ));
            }
            edits.push(comment_above_item(&comment)?);
            edits.push((node.start, node.end - node.start, c.posterior_text.clone()));
        } else {
            // A key the item does not have yet: added to it.
            let (parent, key) = e.path.rsplit_once('.').ok_or_else(lost)?;
            let item = nodes.get(parent).ok_or_else(lost)?;
            if item.anchored {
                return Err(format!(
                    "the {} would be added to an item that YAML aliases repeat (it carries an anchor, &name); write the item out in full",
                    e.label
                ));
            }
            if item.block {
                // A new line after the item's last, indented like its keys.
                let pad = " ".repeat(item.key_column.ok_or_else(lost)?);
                let end_line = src[item.end..]
                    .find('\n')
                    .map_or(src.len(), |i| item.end + i);
                edits.push((
                    end_line,
                    0,
                    format!("\n{pad}{comment}\n{pad}{key}: {}", c.posterior_text),
                ));
            } else {
                // Before the closing brace of a flow mapping.
                edits.push(comment_above_item(&comment)?);
                edits.push((item.end - 1, 0, format!(", {key}: {}", c.posterior_text)));
            }
        }
    }
    let header = format!(
        "# Calibrated by `drsim calibrate` from {} ({} estimate{} updated; prior weight {}).\n",
        crate::scenario::comment_text(actuals_name),
        estimates.len(),
        if estimates.len() == 1 { "" } else { "s" },
        weight
    );
    let header_at = if src.starts_with("# yaml-language-server:") {
        src.find('\n').map_or(src.len(), |i| i + 1)
    } else {
        0
    };
    edits.push((header_at, 0, header));
    // From the end; at one place, later edits first so that a comment
    // line lands before the value it is about.
    let mut indexed: Vec<(usize, usize, usize, String)> = edits
        .into_iter()
        .enumerate()
        .map(|(i, (at, cut, text))| (at, i, cut, text))
        .collect();
    indexed.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut out = src.to_string();
    for (at, _, cut, text) in indexed {
        out.replace_range(at..at + cut, &text);
    }
    same_but_calibrated(src, &out, estimates)?;
    Ok(out)
}

/// Checks that the calibrated text `out` says what the original `src`
/// says but for the calibrated values: both read as YAML trees, the
/// original with each calibrated value set, must be equal. A YAML style the
/// in-place edit does not handle (a multi-line scalar, an empty value, a
/// block scalar) is refused here instead of changing something else.
fn same_but_calibrated(src: &str, out: &str, estimates: &[Calibrated]) -> Result<(), String> {
    let refuse = |why: &str| {
        format!("cannot write the calibrated values in place ({why}): the file uses a YAML style around them that drsim does not edit; write those values on one line (e.g. repair: {{lognormal: [1h, 4h]}})")
    };
    let mut want: Value = serde_yaml_ng::from_str(src).map_err(|e| refuse(&e.to_string()))?;
    for c in estimates {
        let value: Value =
            serde_yaml_ng::from_str(&c.posterior_text).map_err(|e| refuse(&e.to_string()))?;
        set_path(&mut want, &c.estimate.path, value).ok_or_else(|| refuse(&c.estimate.path))?;
    }
    let got: Value = serde_yaml_ng::from_str(out).map_err(|e| refuse(&e.to_string()))?;
    if got == want {
        Ok(())
    } else {
        Err(refuse(
            "the edit would change more than the calibrated values",
        ))
    }
}

/// Sets the value at a key path (`components[3].data.backups[1].restore`),
/// adding the last key to its mapping when missing.
fn set_path(root: &mut Value, path: &str, value: Value) -> Option<()> {
    let mut at = root;
    let parts: Vec<&str> = path.split('.').collect();
    for (n, part) in parts.iter().enumerate() {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        let last = n + 1 == parts.len() && rest.is_empty();
        if last {
            at.as_mapping_mut()?
                .insert(Value::String(key.into()), value);
            return Some(());
        }
        at = at.get_mut(key)?;
        for index in rest.split('[').filter(|i| !i.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().ok()?;
            at = at.get_mut(i)?;
        }
    }
    None
}

/// An estimate no observation tested, and how much it matters: its swing
/// in the sensitivity tornado (the metric with the estimate halved and
/// doubled).
#[derive(Debug, Clone)]
pub struct Untested {
    /// The estimate, as the tornado names it.
    pub input: crate::sim::Input,
    /// Its key path in the file.
    pub path: String,
    /// |high − low| of the metric, in its unit.
    pub swing: f64,
    /// High minus low, paired, with its interval.
    pub difference: crate::sim::Change,
}

/// The duration estimates of `base` the tornado `sensitivity` varied that
/// `calibration` has no observation of, largest swing first.
pub fn untested(
    base: &crate::scenario::Scenario,
    calibration: &Calibration,
    sensitivity: &crate::sim::Sensitivity,
) -> Vec<Untested> {
    use crate::sim::Input;
    let component = |id: &str| base.components.iter().position(|c| c.id == id);
    let threat = |id: &str| base.threats.iter().position(|t| t.id == id);
    let tested: std::collections::HashSet<&str> = calibration
        .estimates
        .iter()
        .map(|e| e.estimate.path.as_str())
        .collect();
    let mut out: Vec<Untested> = sensitivity
        .inputs
        .iter()
        .filter_map(|r| {
            let path = match &r.input {
                Input::Repair { component: c } => format!("components[{}].repair", component(c)?),
                Input::Rebuild { component: c } => format!("components[{}].rebuild", component(c)?),
                Input::Detect { component: c } => format!("components[{}].detect", component(c)?),
                Input::Switchover {
                    component: c,
                    requirement,
                } => {
                    format!(
                        "components[{}].depends_on[{requirement}].switchover",
                        component(c)?
                    )
                }
                Input::Restore {
                    component: c, tier, ..
                } => {
                    format!("components[{}].data.backups[{tier}].restore", component(c)?)
                }
                Input::ThreatTime { threat: t, field } => {
                    format!("threats[{}].{field}", threat(t)?)
                }
                _ => return None,
            };
            (!tested.contains(path.as_str())).then(|| Untested {
                input: r.input.clone(),
                path,
                swing: r.swing,
                difference: r.difference,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.swing
            .total_cmp(&a.swing)
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

#[cfg(test)]
mod tests;
