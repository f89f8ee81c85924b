//! One-at-a-time sensitivity (a tornado): which uncertain input moves the
//! answer most?
//!
//! Each input (a threat's or failure mode's frequency, a repair, rebuild,
//! detect, restore, switchover or disruption time, a team's size, a backup
//! interval) is set low and high in turn while everything else stays as in
//! the scenario. Every variant is a clone of the validated scenario with one
//! value changed, so components, threats and services keep their indices and
//! their random streams: all variants run on common random numbers, trial by
//! trial, in one parallel pass, and the swing (metric at high minus metric at
//! low) carries a paired interval.
//!
//! Inputs that cannot affect the metric are left out before simulating: the
//! repair time of a component that nothing damages, frequencies in a drill,
//! the backup tiers of a component that nothing destroys.

use super::compare::Change;
use super::runner::in_parallel;
use super::targets::{self, trial_loss};
use super::{Config, Mode, Model, Progress, SimError, Trial};
use crate::graph::DependencyGraph;
use crate::scenario::{
    fmt_hours, Arrival, Dist, Effect, Requirement, Scenario, Threat, HOURS_PER_YEAR,
};
use crate::stats::Moments;
use std::fmt::Write as _;
use thiserror::Error;

/// Low and high settings of frequencies, durations and backup intervals.
pub const LOW_FACTOR: f64 = 0.5;
pub const HIGH_FACTOR: f64 = 2.0;
/// Team sizes go this many people down (never below one) and up.
pub const TEAM_STEP: u32 = 1;

/// What the tornado measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// Expected annual loss over a `run`.
    Ale,
    /// P(RTO met) for `service` in a drill of `threat`.
    RtoMet { service: String, threat: String },
}

impl Metric {
    /// Parses `ale` or `rto:SERVICE:THREAT` (ids are checked against the
    /// scenario later, by [`sensitivity`]).
    pub fn parse(text: &str) -> Result<Metric, SensitivityError> {
        let bad = || SensitivityError::BadMetric(text.to_string());
        if text == "ale" {
            return Ok(Metric::Ale);
        }
        let mut parts = text.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("rto"), Some(service), Some(threat))
                if !service.is_empty() && !threat.is_empty() && !threat.contains(':') =>
            {
                Ok(Metric::RtoMet {
                    service: service.to_string(),
                    threat: threat.to_string(),
                })
            }
            _ => Err(bad()),
        }
    }

    /// `ale` or `rto:SERVICE:THREAT`, as given on the command line.
    pub fn key(&self) -> String {
        match self {
            Metric::Ale => "ale".into(),
            Metric::RtoMet { service, threat } => format!("rto:{service}:{threat}"),
        }
    }
}

#[derive(Debug, Error)]
pub enum SensitivityError {
    #[error(
        "`{0}` is not a metric: use `ale` (expected annual loss over a run) or \
         `rto:SERVICE:THREAT` (P(RTO met) for SERVICE in a drill of THREAT), \
         e.g. --metric rto:ehr:ransomware"
    )]
    BadMetric(String),
    #[error("unknown service `{given}`{}", service_hint(given, known))]
    UnknownService { given: String, known: Vec<String> },
    #[error("`{given}` is a {kind}, not a service{}", service_hint("", known))]
    NotAService {
        given: String,
        kind: String,
        known: Vec<String>,
    },
    #[error(
        "service `{0}` has no rto, so P(RTO met) means nothing; give it one \
         (e.g. `rto: 4h`) or use --metric ale"
    )]
    NoRto(String),
    #[error(transparent)]
    Sim(#[from] SimError),
}

fn service_hint(given: &str, known: &[String]) -> String {
    let mut out = String::new();
    if !given.is_empty() {
        if let Some(hint) = crate::scenario::did_you_mean(given, known.iter().map(String::as_str)) {
            let _ = write!(out, "; {hint}");
        }
    }
    if known.is_empty() {
        out.push_str("\nthe scenario has no services (components with `kind: service`)");
    } else {
        let _ = write!(out, "\nservices in this scenario: {}", known.join(", "));
    }
    out
}

/// What kind of value an input is, and so how it is set low and high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Events per year: × [`LOW_FACTOR`] and × [`HIGH_FACTOR`].
    Frequency,
    /// A duration distribution, every value scaled by the factors.
    Duration,
    /// A team's size: − / + [`TEAM_STEP`], never below one.
    TeamSize,
    /// Hours between backups, scaled by the factors.
    BackupInterval,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Frequency => "frequency",
            InputKind::Duration => "duration",
            InputKind::TeamSize => "team_size",
            InputKind::BackupInterval => "backup_interval",
        }
    }
}

/// Which value of the scenario an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Knob {
    ThreatFrequency(usize),
    /// The threat effect's own time: a disruption's duration, or the
    /// repair or rebuild that overrides the components'.
    ThreatTime(usize),
    FailureFrequency {
        component: usize,
        mode: usize,
    },
    FailureRepair {
        component: usize,
        mode: usize,
    },
    Repair(usize),
    Rebuild(usize),
    Detect(usize),
    Switchover {
        component: usize,
        requirement: usize,
    },
    BackupInterval {
        component: usize,
        tier: usize,
    },
    Restore {
        component: usize,
        tier: usize,
    },
    TeamSize(usize),
}

/// One input and what the metric did at its low and high settings.
#[derive(Debug, Clone)]
pub struct InputResult {
    /// Where the value sits in the scenario, e.g. `components.ehr-db.repair`.
    pub key: String,
    /// For people, e.g. `ehr-db repair`.
    pub label: String,
    pub kind: InputKind,
    /// The value as in the scenario, and at the low and high settings.
    pub base_value: String,
    pub low_value: String,
    pub high_value: String,
    /// The metric with the input low / high (per year for `ale`).
    pub low: Change,
    pub high: Change,
    /// Low / high minus base, paired.
    pub low_change: Change,
    pub high_change: Change,
    /// High minus low, paired.
    pub difference: Change,
    /// |high − low|.
    pub swing: f64,
    /// Trials in which the low or the high setting changed the metric at all.
    pub changed_trials: u64,
}

/// A tornado: inputs by swing, largest first.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    pub scenario: String,
    pub currency: String,
    pub trials: u64,
    pub seed: u64,
    pub metric: Metric,
    /// `ale`: the simulated period, hours.
    pub horizon_h: Option<f64>,
    /// The metric with every input as in the scenario.
    pub base: Change,
    /// Inputs that can affect the metric (all of them, before [`Sensitivity::keep_top`]).
    pub considered: usize,
    /// Sorted by swing, largest first; ties by key.
    pub inputs: Vec<InputResult>,
}

impl Sensitivity {
    /// Keeps the `n` inputs with the largest swings.
    pub fn keep_top(&mut self, n: usize) {
        self.inputs.truncate(n);
    }
}

/// Which hits each component can suffer under a mode, to skip inputs that
/// cannot matter.
#[derive(Debug, Clone, Copy, Default)]
struct Exposure {
    /// Damaged or destroyed: detect and team work happen.
    worked_on: bool,
    /// Damaged with its own repair time.
    own_repair: bool,
    /// Destroyed with its own rebuild time (which defaults to repair).
    own_rebuild: bool,
    destroyed: bool,
    /// It or something below it can become unavailable.
    can_fail: bool,
}

/// Whether threat `t` can strike: in a drill only the drilled one does, in
/// a run those with a frequency.
fn strikes(threat: &Threat, t: usize, drilled: Option<usize>) -> bool {
    let arrives = match drilled {
        Some(d) => d == t,
        None => threat.rate.is_some_and(|r| r > 0.0),
    };
    arrives && threat.chance > 0.0
}

fn exposures(s: &Scenario, drilled: Option<usize>) -> Vec<Exposure> {
    let mut ex = vec![Exposure::default(); s.components.len()];
    let note = |e: &mut Exposure, effect: Effect, overridden: bool| {
        e.can_fail = true;
        match effect {
            Effect::Disrupt => {}
            Effect::Damage => {
                e.worked_on = true;
                e.own_repair |= !overridden;
            }
            Effect::Destroy => {
                e.worked_on = true;
                e.destroyed = true;
                e.own_rebuild |= !overridden;
            }
        }
    };
    if drilled.is_none() {
        for (c, comp) in s.components.iter().enumerate() {
            for f in &comp.failures {
                note(&mut ex[c], f.effect.kind(), f.effect.own_time().is_some());
            }
        }
    }
    for (t, threat) in s.threats.iter().enumerate() {
        let active = strikes(threat, t, drilled);
        if !active {
            continue;
        }
        let overridden = threat.effect.own_time().is_some();
        for &c in &threat.targets {
            note(&mut ex[c], threat.effect.kind(), overridden);
        }
    }
    // Unavailability propagates up; the graph is acyclic, so this settles.
    loop {
        let mut changed = false;
        for (c, comp) in s.components.iter().enumerate() {
            if !ex[c].can_fail && comp.dependencies().any(|d| ex[d].can_fail) {
                ex[c].can_fail = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ex
}

/// Every input that can affect the metric, in scenario order.
fn inputs(s: &Scenario, drilled: Option<usize>) -> Vec<Knob> {
    let ex = exposures(s, drilled);
    let run = drilled.is_none();
    let mut knobs = Vec::new();
    for (t, threat) in s.threats.iter().enumerate() {
        let active = strikes(threat, t, drilled);
        if !active || threat.targets.is_empty() {
            continue;
        }
        if run {
            knobs.push(Knob::ThreatFrequency(t));
        }
        if threat.effect.own_time().is_some() {
            knobs.push(Knob::ThreatTime(t));
        }
    }
    for (c, comp) in s.components.iter().enumerate() {
        let e = ex[c];
        if run {
            for (m, f) in comp.failures.iter().enumerate() {
                knobs.push(Knob::FailureFrequency {
                    component: c,
                    mode: m,
                });
                if f.effect.own_time().is_some() {
                    knobs.push(Knob::FailureRepair {
                        component: c,
                        mode: m,
                    });
                }
            }
        }
        let repair_used = e.own_repair || (e.own_rebuild && comp.rebuild.is_none());
        if comp.repair.is_some() && repair_used {
            knobs.push(Knob::Repair(c));
        }
        if comp.rebuild.is_some() && e.own_rebuild {
            knobs.push(Knob::Rebuild(c));
        }
        if comp.detect.is_some() && e.worked_on {
            knobs.push(Knob::Detect(c));
        }
        for (r, req) in comp.depends_on.iter().enumerate() {
            if let Requirement::Failover { members, .. } = req {
                if members.iter().any(|&m| ex[m].can_fail) {
                    knobs.push(Knob::Switchover {
                        component: c,
                        requirement: r,
                    });
                }
            }
        }
        if comp.stateful && e.destroyed {
            for tier in 0..comp.backups.len() {
                knobs.push(Knob::BackupInterval { component: c, tier });
                knobs.push(Knob::Restore { component: c, tier });
            }
        }
    }
    for t in 0..s.teams.len() {
        let busy = s
            .components
            .iter()
            .enumerate()
            .any(|(c, comp)| comp.team == Some(t) && ex[c].worked_on);
        if busy {
            knobs.push(Knob::TeamSize(t));
        }
    }
    knobs
}

/// Events per hour as `2/y`, or as `every 20y` when `rare` (the form is
/// chosen once per input, from the scenario's value, so a row reads alike).
fn frequency(per_hour: f64, rare: bool) -> String {
    let per_year = per_hour * HOURS_PER_YEAR;
    if !rare {
        format!("{}/y", trim(per_year))
    } else {
        format!("every {}", fmt_hours(1.0 / per_hour))
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn dist(s: &Scenario, knob: Knob) -> Option<&Dist> {
    match knob {
        Knob::ThreatTime(t) => s.threats[t].effect.own_time(),
        Knob::FailureRepair { component, mode } => {
            s.components[component].failures[mode].effect.own_time()
        }
        Knob::Repair(c) => s.components[c].repair.as_ref(),
        Knob::Rebuild(c) => s.components[c].rebuild.as_ref(),
        Knob::Detect(c) => s.components[c].detect.as_ref(),
        Knob::Switchover {
            component,
            requirement,
        } => match &s.components[component].depends_on[requirement] {
            Requirement::Failover { switchover, .. } => Some(switchover),
            _ => None,
        },
        Knob::Restore { component, tier } => Some(&s.components[component].backups[tier].restore),
        _ => None,
    }
}

/// The same as [`dist`], to change it.
fn dist_mut(s: &mut Scenario, knob: Knob) -> Option<&mut Dist> {
    match knob {
        Knob::ThreatTime(t) => s.threats[t].effect.own_time_mut(),
        Knob::FailureRepair { component, mode } => {
            s.components[component].failures[mode].effect.own_time_mut()
        }
        Knob::Repair(c) => s.components[c].repair.as_mut(),
        Knob::Rebuild(c) => s.components[c].rebuild.as_mut(),
        Knob::Detect(c) => s.components[c].detect.as_mut(),
        Knob::Switchover {
            component,
            requirement,
        } => match &mut s.components[component].depends_on[requirement] {
            Requirement::Failover { switchover, .. } => Some(switchover),
            _ => None,
        },
        Knob::Restore { component, tier } => {
            Some(&mut s.components[component].backups[tier].restore)
        }
        _ => None,
    }
}

/// Key, label and kind of an input.
fn describe(s: &Scenario, knob: Knob) -> (String, String, InputKind) {
    let comp = |c: usize| &s.components[c].id;
    let threat = |t: usize| &s.threats[t].id;
    let failure = |c: usize, m: usize| {
        if s.components[c].failures.len() > 1 {
            format!("{} failure {}", comp(c), m + 1)
        } else {
            format!("{} failure", comp(c))
        }
    };
    let tier = |c: usize, i: usize| {
        format!(
            "{} {} backup",
            comp(c),
            fmt_hours(s.components[c].backups[i].every)
        )
    };
    use InputKind::*;
    match knob {
        Knob::ThreatFrequency(t) => (
            format!("threats.{}.frequency", threat(t)),
            format!("{} frequency", threat(t)),
            Frequency,
        ),
        Knob::ThreatTime(t) => {
            let key = s.threats[t].effect.own_time_key();
            (
                format!("threats.{}.{key}", threat(t)),
                format!("{} {key}", threat(t)),
                Duration,
            )
        }
        Knob::FailureFrequency { component, mode } => (
            format!("components.{}.failures[{mode}].frequency", comp(component)),
            format!("{} frequency", failure(component, mode)),
            Frequency,
        ),
        Knob::FailureRepair { component, mode } => (
            format!("components.{}.failures[{mode}].repair", comp(component)),
            format!("{} repair", failure(component, mode)),
            Duration,
        ),
        Knob::Repair(c) => (
            format!("components.{}.repair", comp(c)),
            format!("{} repair", comp(c)),
            Duration,
        ),
        Knob::Rebuild(c) => (
            format!("components.{}.rebuild", comp(c)),
            format!("{} rebuild", comp(c)),
            Duration,
        ),
        Knob::Detect(c) => (
            format!("components.{}.detect", comp(c)),
            format!("{} detect", comp(c)),
            Duration,
        ),
        Knob::Switchover {
            component,
            requirement,
        } => (
            format!(
                "components.{}.depends_on[{requirement}].switchover",
                comp(component)
            ),
            format!("{} switchover", comp(component)),
            Duration,
        ),
        Knob::BackupInterval { component, tier: i } => (
            format!("components.{}.data.backups[{i}].every", comp(component)),
            format!("{} interval", tier(component, i)),
            BackupInterval,
        ),
        Knob::Restore { component, tier: i } => (
            format!("components.{}.data.backups[{i}].restore", comp(component)),
            format!("{} restore", tier(component, i)),
            Duration,
        ),
        Knob::TeamSize(t) => (
            format!("teams.{}.size", s.teams[t].id),
            format!("{} team size", s.teams[t].id),
            TeamSize,
        ),
    }
}

/// The value of an input in `s` (the base or a variant of it) as people read it.
fn value(s: &Scenario, base: &Scenario, knob: Knob) -> String {
    match knob {
        Knob::ThreatFrequency(t) => {
            let rare = base.threats[t].per_year().is_some_and(|y| y < 1.0);
            s.threats[t]
                .rate
                .map_or("never".into(), |r| frequency(r, rare))
        }
        Knob::FailureFrequency { component, mode } => {
            match &s.components[component].failures[mode].arrival {
                Arrival::Every(mean) => format!("every {}", fmt_hours(*mean)),
                Arrival::After(d) => format!("after {}", d.describe()),
            }
        }
        Knob::BackupInterval { component, tier } => {
            format!(
                "every {}",
                fmt_hours(s.components[component].backups[tier].every)
            )
        }
        Knob::TeamSize(t) => s.teams[t].size.to_string(),
        _ => dist(s, knob).map_or(String::new(), Dist::describe),
    }
}

/// The scenario with one input at its low (`high == false`) or high setting,
/// or `None` when that setting is the scenario's own value.
fn variant(base: &Scenario, knob: Knob, high: bool) -> Option<Scenario> {
    let factor = if high { HIGH_FACTOR } else { LOW_FACTOR };
    let mut s = base.clone();
    match knob {
        Knob::ThreatFrequency(t) => {
            let rate = s.threats[t].rate.as_mut()?;
            *rate *= factor;
        }
        Knob::FailureFrequency { component, mode } => {
            let arrival = &mut s.components[component].failures[mode].arrival;
            // A higher frequency is a shorter time to failure.
            *arrival = match arrival {
                Arrival::Every(mean) => Arrival::Every(*mean / factor),
                Arrival::After(d) => Arrival::After(d.scaled(1.0 / factor)),
            };
        }
        Knob::BackupInterval { component, tier } => {
            s.components[component].backups[tier].every *= factor;
        }
        Knob::TeamSize(t) => {
            let size = &mut s.teams[t].size;
            let new = if high {
                size.saturating_add(TEAM_STEP)
            } else {
                size.saturating_sub(TEAM_STEP).max(1)
            };
            if new == *size {
                return None;
            }
            *size = new;
        }
        _ => {
            let d = dist_mut(&mut s, knob)?;
            let scaled = d.scaled(factor);
            if scaled == *d {
                return None;
            }
            *d = scaled;
        }
    }
    Some(s)
}

/// Per input: the metric low, high, their changes from base and high − low,
/// and the number of trials either setting changed.
#[derive(Clone)]
struct Acc {
    base: Moments,
    inputs: Vec<([Moments; 5], u64)>,
}

/// The mode to simulate for `metric`, and for `rto:` the service's index
/// among the model's services.
fn resolve(
    base: &Scenario,
    base_model: &Model,
    metric: &Metric,
    horizon: Option<f64>,
) -> Result<(Mode, Option<usize>), SensitivityError> {
    Ok(match metric {
        Metric::Ale => (
            Mode::Run {
                horizon: horizon.unwrap_or(base.horizon),
            },
            None,
        ),
        Metric::RtoMet { service, threat } => {
            let services: Vec<String> = base.services().map(|(_, c)| c.id.clone()).collect();
            let Some(c) = base.component_index(service) else {
                return Err(SensitivityError::UnknownService {
                    given: service.clone(),
                    known: services,
                });
            };
            let comp = &base.components[c];
            if !comp.is_service() {
                return Err(SensitivityError::NotAService {
                    given: service.clone(),
                    kind: comp.kind.as_str().to_string(),
                    known: services,
                });
            }
            if comp.rto.is_none() {
                return Err(SensitivityError::NoRto(service.clone()));
            }
            let Some(t) = base.threat_index(threat) else {
                return Err(SimError::UnknownThreat {
                    given: threat.clone(),
                    known: base.threats.iter().map(|t| t.id.clone()).collect(),
                }
                .into());
            };
            let s = base_model
                .services
                .iter()
                .position(|svc| svc.component as usize == c)
                .expect("every service is compiled");
            (Mode::Drill { threat: t as u32 }, Some(s))
        }
    })
}

/// When a variant's trial can differ from the base's: only if the base
/// trial consulted the value the variant changes. Until a value is
/// consulted, both trials run the same events on the same random numbers;
/// if it never is, the variant's outcome is the base's, and the variant
/// need not run.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    Always,
    /// The threat struck.
    Struck(usize),
    /// The component was damaged or destroyed.
    WorkedOn(usize),
    /// The failover group started a switchover.
    Switched(usize),
    /// A component of the team was damaged or destroyed.
    Team(usize),
}

/// Index in [`Model::groups`] of requirement `r` of component `c`: groups
/// are compiled in component order, one per `at_least` or `failover`.
fn group_index(s: &Scenario, c: usize, r: usize) -> usize {
    let grouped = |req: &Requirement| !matches!(req, Requirement::Plain(_));
    let before: usize = s.components[..c]
        .iter()
        .map(|comp| comp.depends_on.iter().filter(|q| grouped(q)).count())
        .sum();
    before
        + s.components[c].depends_on[..r]
            .iter()
            .filter(|q| grouped(q))
            .count()
}

fn trigger(s: &Scenario, knob: Knob, high: bool) -> Trigger {
    match knob {
        // A lower frequency only delays events: with none in the base
        // trial there are none in the variant either.
        Knob::ThreatFrequency(t) if !high => Trigger::Struck(t),
        Knob::FailureFrequency { component, .. } if !high => Trigger::WorkedOn(component),
        Knob::ThreatFrequency(_) | Knob::FailureFrequency { .. } => Trigger::Always,
        Knob::ThreatTime(t) => Trigger::Struck(t),
        Knob::FailureRepair { component: c, .. }
        | Knob::Repair(c)
        | Knob::Rebuild(c)
        | Knob::Detect(c)
        | Knob::BackupInterval { component: c, .. }
        | Knob::Restore { component: c, .. } => Trigger::WorkedOn(c),
        Knob::Switchover {
            component,
            requirement,
        } => Trigger::Switched(group_index(s, component, requirement)),
        Knob::TeamSize(t) => Trigger::Team(t),
    }
}

/// Runs the tornado: every input of `base` that can affect `metric`, low
/// and high, on common random numbers. `horizon` (hours) applies to `ale`
/// (default: the scenario's).
pub fn sensitivity(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Sensitivity, SensitivityError> {
    tornado(base, metric, horizon, config, progress, true)
}

/// [`sensitivity`]; `skip`: reuse the base's outcome where a variant
/// cannot differ (see [`Trigger`]); the results are the same either way.
fn tornado(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
    skip: bool,
) -> Result<Sensitivity, SensitivityError> {
    let graph = DependencyGraph::build(base);
    let base_model = Model::compile(base, &graph);
    let (mode, service) = resolve(base, &base_model, metric, horizon)?;
    let drilled = match mode {
        Mode::Drill { threat } => Some(threat as usize),
        Mode::Run { .. } => None,
    };

    // Distinct variant scenarios; an input's low or high setting points at
    // one of them, or at the base when the setting changes nothing.
    let knobs = inputs(base, drilled);
    let mut models = Vec::new();
    let mut triggers = Vec::new();
    let mut settings: Vec<[Option<usize>; 2]> = Vec::with_capacity(knobs.len());
    for &knob in &knobs {
        let mut pair = [None, None];
        for (slot, high) in pair.iter_mut().zip([false, true]) {
            if let Some(s) = variant(base, knob, high) {
                // Values change, structure does not: the base graph holds.
                models.push(Model::compile(&s, &graph));
                triggers.push(if skip {
                    trigger(base, knob, high)
                } else {
                    Trigger::Always
                });
                *slot = Some(models.len() - 1);
            }
        }
        settings.push(pair);
    }
    for t in &triggers {
        if let Trigger::Switched(g) = *t {
            debug_assert_eq!(base_model.groups[g].kind, super::model::GroupKind::Failover);
        }
    }
    let team_members: Vec<Vec<usize>> = (0..base.teams.len())
        .map(|t| {
            (0..base.components.len())
                .filter(|&c| base.components[c].team == Some(t))
                .collect()
        })
        .collect();
    let differs = |trigger: Trigger, b: &Trial| match trigger {
        Trigger::Always => true,
        Trigger::Struck(t) => b.strikes(t) > 0,
        Trigger::WorkedOn(c) => b.worked_on(c),
        Trigger::Switched(g) => b.switchovers(g) > 0,
        Trigger::Team(t) => team_members[t].iter().any(|&c| b.worked_on(c)),
    };
    // An input whose settings both equal the base cannot matter.
    let kept: Vec<usize> = (0..knobs.len())
        .filter(|&k| settings[k] != [None, None])
        .collect();

    let measure = |model: &Model, trial: &Trial| -> f64 {
        match service {
            None => trial_loss(model, &trial.services),
            Some(s) => {
                let met = targets::met(&model.services[s], &trial.services[s], mode);
                f64::from(u8::from(met.rto.expect("checked above")))
            }
        }
    };

    let acc = in_parallel(
        config,
        progress,
        || Acc {
            base: Moments::new(),
            inputs: vec![([Moments::new(); 5], 0); kept.len()],
        },
        || {
            (
                Trial::new(&base_model),
                models.iter().map(Trial::new).collect::<Vec<_>>(),
                vec![0.0; models.len()],
            )
        },
        |(base_trial, trials, values), acc, t| {
            base_trial.run(config.seed, t, mode);
            let v0 = measure(&base_model, base_trial);
            acc.base.add(v0);
            for (((model, trial), v), &trigger) in models
                .iter()
                .zip(trials.iter_mut())
                .zip(values.iter_mut())
                .zip(&triggers)
            {
                *v = if differs(trigger, base_trial) {
                    trial.run(config.seed, t, mode);
                    measure(model, trial)
                } else {
                    v0
                };
            }
            for (&k, (cell, changed)) in kept.iter().zip(acc.inputs.iter_mut()) {
                let [lo, hi] = settings[k].map(|i| i.map_or(v0, |i| values[i]));
                cell[0].add(lo);
                cell[1].add(hi);
                cell[2].add(lo - v0);
                cell[3].add(hi - v0);
                cell[4].add(hi - lo);
                *changed += u64::from(lo != v0 || hi != v0);
            }
        },
        |a, b| {
            a.base.merge(&b.base);
            for (x, y) in a.inputs.iter_mut().zip(&b.inputs) {
                for (p, q) in x.0.iter_mut().zip(&y.0) {
                    p.merge(q);
                }
                x.1 += y.1;
            }
        },
    )?;

    let horizon_h = match mode {
        Mode::Run { horizon } => Some(horizon),
        Mode::Drill { .. } => None,
    };
    let scale = horizon_h.map_or(1.0, |h| HOURS_PER_YEAR / h);
    let change = |m: &Moments| Change::scaled(m, scale);
    let mut results: Vec<InputResult> = kept
        .iter()
        .zip(&acc.inputs)
        .map(|(&k, (cell, changed))| {
            let knob = knobs[k];
            let (key, label, kind) = describe(base, knob);
            let setting = |high: bool| {
                let s = variant(base, knob, high);
                value(s.as_ref().unwrap_or(base), base, knob)
            };
            let difference = change(&cell[4]);
            InputResult {
                key,
                label,
                kind,
                base_value: value(base, base, knob),
                low_value: setting(false),
                high_value: setting(true),
                low: change(&cell[0]),
                high: change(&cell[1]),
                low_change: change(&cell[2]),
                high_change: change(&cell[3]),
                swing: difference.mean.abs(),
                difference,
                changed_trials: *changed,
            }
        })
        .collect();
    results.sort_by(|a, b| b.swing.total_cmp(&a.swing).then_with(|| a.key.cmp(&b.key)));
    Ok(Sensitivity {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        trials: config.trials.get(),
        seed: config.seed,
        metric: metric.clone(),
        horizon_h,
        base: change(&acc.base),
        considered: results.len(),
        inputs: results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::NoProgress;

    /// Every kind of input and trigger: failover, quorum, teams, backups,
    /// failure modes with and without overrides, threats of each effect.
    const ESTATE: &str = "name: Estate
teams: [{id: ops, size: 2}, {id: dba, size: 1}]
sites: [{id: dc}, {id: dr}]
components:
  - {id: power, kind: power, site: dc, repair: {lognormal: [1h, 8h]}, team: ops, failures: [{every: 3y}]}
  - id: db-a
    kind: database
    site: dc
    team: dba
    repair: {exp: 3h}
    rebuild: {uniform: [6h, 18h]}
    detect: 20m
    depends_on: [power]
    failures: [{every: 2y}, {after: {weibull: {shape: 2, scale: 3y}}, effect: destroy, repair: 1d}]
    data: {backups: [{every: 1h, restore: 1h}, {every: 24h, restore: {triangular: [2h, 4h, 12h]}, immutable: true, offsite: true}]}
  - {id: db-b, kind: database, site: dr, team: dba, repair: 4h, failures: [{every: 4y}], data: {backups: [{every: 6h, restore: 2h}]}}
  - {id: web-1, kind: server, site: dc, team: ops, repair: 1h, failures: [{every: 1y}]}
  - {id: web-2, kind: server, site: dr, team: ops, repair: 1h, failures: [{every: 1y}]}
  - id: shop
    kind: service
    depends_on:
      - {failover: [db-a, db-b], switchover: {lognormal: [10m, 2h]}, lag: 5m}
      - {at_least: 1, of: [web-1, web-2]}
    rto: 2h
    rpo: 30m
    impact: {per_hour: 1000, per_hour_data_lost: 300, per_incident: 500}
threats:
  - {id: fire, every: 5y, hits: {sites: [dc]}, effect: destroy, rebuild: {lognormal: [1d, 5d]}}
  - {id: ransomware, every: 3y, hits: {kinds: [database, server]}, chance: 0.7, effect: destroy, reaches_backups: true}
  - {id: outage, per_year: 3, hits: {components: [power]}, effect: disrupt, duration: {exp: 2h}}
  - {id: bug, per_year: 2, hits: {components: [web-1, web-2]}, effect: damage, repair: 30m}
";

    #[test]
    fn skipping_variants_that_cannot_differ_changes_nothing() {
        let s = crate::scenario::load_str(ESTATE, "estate.yaml")
            .unwrap()
            .scenario;
        let config = Config::new(600, 5, 1).expect("at least 2 trials");
        for metric in ["ale", "rto:shop:fire", "rto:shop:ransomware"] {
            let metric = Metric::parse(metric).unwrap();
            let fast = tornado(&s, &metric, None, &config, &NoProgress, true).unwrap();
            let full = tornado(&s, &metric, None, &config, &NoProgress, false).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{metric:?}");
            assert!(fast.inputs.iter().any(|i| i.changed_trials > 0));
        }
        let full = tornado(&s, &Metric::Ale, None, &config, &NoProgress, false).unwrap();
        // Each kind of trigger was exercised.
        for key in [
            "components.shop.depends_on[0].switchover",
            "threats.bug.repair",
            "threats.outage.duration",
            "threats.ransomware.frequency",
            "components.db-a.failures[1].frequency",
            "components.db-b.repair",
            "teams.ops.size",
        ] {
            let input = full.inputs.iter().find(|i| i.key == key);
            assert!(input.is_some_and(|i| i.changed_trials > 0), "{key}");
        }
    }

    #[test]
    fn metrics_parse() {
        assert_eq!(Metric::parse("ale").unwrap(), Metric::Ale);
        assert_eq!(
            Metric::parse("rto:ehr:ransomware").unwrap(),
            Metric::RtoMet {
                service: "ehr".into(),
                threat: "ransomware".into()
            }
        );
        for bad in [
            "",
            "ALE",
            "rto",
            "rto:ehr",
            "rto::x",
            "rto:ehr:",
            "rpo:a:b",
            "rto:a:b:c",
        ] {
            assert!(Metric::parse(bad).is_err(), "{bad}");
        }
    }
}
