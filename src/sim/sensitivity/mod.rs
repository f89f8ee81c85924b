//! One-at-a-time sensitivity (a tornado): which uncertain input moves the
//! answer most?
//!
//! Each input (a threat's or failure mode's frequency, a repair, rebuild,
//! detect, restore, switchover, disruption, dwell or work recovery time, a
//! team's size, a backup interval, retention or chance of a failed restore)
//! is set low and high in turn while everything else stays as in
//! the scenario. Every variant is a clone of the validated scenario with one
//! value changed, so components, threats and services keep their indices and
//! their random streams: all variants run on common random numbers, trial by
//! trial, in one parallel pass, and the swing (metric at high minus metric at
//! low) carries a paired interval.
//!
//! Inputs that cannot affect the metric are left out before simulating: the
//! repair time of a component that nothing damages, frequencies in a drill,
//! the backup tiers of a component that nothing destroys, the retention of
//! a tier no threat with a dwell time reaches.

mod inputs;
mod reuse;
mod triggers;
mod variants;

pub(crate) use reuse::Reuse;

use super::compare::Change;
use super::rare::{self, Binding};
use super::runner::{bound_trials, in_parallel, run_trial, Strikes};
use super::shard::Work;
use super::targets::{self, trial_loss};
use super::{Config, Mode, Model, Progress, SimError, Trial};
use crate::graph::DependencyGraph;
use crate::scenario::{Dist, Scenario, HOURS_PER_YEAR};
use crate::stats::{Mean, Quantity, Weight};
use inputs::{inputs, lever_input, levers, Knob};
use std::fmt::Write as _;
use thiserror::Error;
use triggers::{trigger, Trigger, Triggers};
use variants::{value_of, variant_of};

/// The low setting of frequencies, durations and backup intervals: this
/// many times the scenario's value (a ratio).
pub const LOW_FACTOR: f64 = 0.5;
/// The high setting of frequencies, durations and backup intervals: this
/// many times the scenario's value (a ratio).
pub const HIGH_FACTOR: f64 = 2.0;
/// Team sizes go this many people down (never below one) and up.
pub const TEAM_STEP: u32 = 1;

/// What the tornado measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// Expected annual loss over a `run`.
    Ale,
    /// P(RTO met) for `service` in a drill of `threat`.
    RtoMet {
        /// The service's component id.
        service: String,
        /// The drilled threat's id.
        threat: String,
    },
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

/// Why a tornado could not run. Like [`SimError`], the messages name no
/// command-line flag.
#[derive(Debug, Error)]
pub enum SensitivityError {
    /// Text that is neither `ale` nor `rto:SERVICE:THREAT` (the text).
    #[error(
        "`{0}` is not a metric: use `ale` (expected annual loss over a run) or \
         `rto:SERVICE:THREAT` (P(RTO met) for SERVICE in a drill of THREAT)"
    )]
    BadMetric(String),
    /// An `rto:` metric naming an id the scenario does not have.
    #[error("unknown service `{given}`{}", service_hint(given, known))]
    UnknownService {
        /// The id as given.
        given: String,
        /// The scenario's service ids, in scenario order.
        known: Vec<String>,
    },
    /// An `rto:` metric naming a component that is not a service.
    #[error("`{given}` is a {kind}, not a service{}", service_hint("", known))]
    NotAService {
        /// The id as given.
        given: String,
        /// The component's kind (`database`, `network`, ...).
        kind: String,
        /// The scenario's service ids, in scenario order.
        known: Vec<String>,
    },
    /// An `rto:` metric for a service without an RTO (its id).
    #[error(
        "service `{0}` has no rto, so P(RTO met) means nothing; give it one \
         (e.g. `rto: 4h`)"
    )]
    NoRto(String),
    /// The simulation's own error (an unknown threat, the thread pool).
    #[error(transparent)]
    Sim(#[from] SimError),
}

pub(super) fn service_hint(given: &str, known: &[String]) -> String {
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
    /// How often something happens (a threat's rate, a failure mode's
    /// failures): × [`LOW_FACTOR`] and × [`HIGH_FACTOR`] (a failure mode's
    /// time to failure is divided by them instead).
    Frequency,
    /// A duration distribution, every value scaled by the factors.
    Duration,
    /// A team's size: − / + [`TEAM_STEP`], never below one.
    TeamSize,
    /// Hours between backups, scaled by the factors (high: backups less
    /// often), never above the tier's retention (`keep`, which the interval
    /// must not exceed).
    BackupInterval,
    /// The chance that a restore fails, scaled by the factors and capped
    /// at 1.
    Chance,
    /// How long a tier keeps its points, scaled by the factors, never
    /// below the tier's interval (`keep` must be at least `every`).
    Retention,
}

/// Which value of the scenario an input is, by the ids it has there.
/// (Wording, such as the key `components.ehr-db.repair` and the label
/// `ehr-db repair`, is the report's.)
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A threat's frequency.
    ThreatFrequency {
        /// The threat's id.
        threat: String,
    },
    /// The threat effect's own time: a disruption's duration, or the repair
    /// or rebuild that overrides the components'. `field` is its key in the
    /// scenario file: `duration`, `repair` or `rebuild`.
    ThreatTime {
        /// The threat's id.
        threat: String,
        /// `duration`, `repair` or `rebuild`.
        field: &'static str,
    },
    /// The frequency of failure mode `mode` (from 0) of a component with
    /// `of_modes` of them.
    FailureFrequency {
        /// The component's id.
        component: String,
        /// The failure mode's position in `failures`, from 0.
        mode: usize,
        /// How many failure modes the component has.
        of_modes: usize,
    },
    /// That failure mode's own repair or rebuild time.
    FailureRepair {
        /// The component's id.
        component: String,
        /// The failure mode's position in `failures`, from 0.
        mode: usize,
        /// How many failure modes the component has.
        of_modes: usize,
    },
    /// A component's repair time: after damage, and after a destroy too
    /// when it has no rebuild time of its own.
    Repair {
        /// The component's id.
        component: String,
    },
    /// A component's own rebuild time (after a destroy).
    Rebuild {
        /// The component's id.
        component: String,
    },
    /// A component's detection delay, before repair work can start.
    Detect {
        /// The component's id.
        component: String,
    },
    /// The switchover of the failover group that is entry `requirement`
    /// (from 0) of the component's `depends_on`.
    Switchover {
        /// The id of the component whose requirement it is.
        component: String,
        /// The requirement's position in `depends_on`, from 0.
        requirement: usize,
    },
    /// The interval of backup tier `tier` (from 0), which is `every` hours
    /// in the scenario.
    BackupInterval {
        /// The component's id.
        component: String,
        /// The tier's position in `backups`, from 0.
        tier: usize,
        /// The tier's interval in the scenario, hours.
        every: f64,
    },
    /// The restore time of a backup tier.
    Restore {
        /// The component's id.
        component: String,
        /// The tier's position in `backups`, from 0.
        tier: usize,
        /// The tier's interval in the scenario, hours (it names the tier).
        every: f64,
    },
    /// The chance that a restore from a backup tier fails.
    RestoreFails {
        /// The component's id.
        component: String,
        /// The tier's position in `backups`, from 0.
        tier: usize,
        /// The tier's interval in the scenario, hours (it names the tier).
        every: f64,
    },
    /// How long a backup tier keeps its points (`keep`).
    Keep {
        /// The component's id.
        component: String,
        /// The tier's position in `backups`, from 0.
        tier: usize,
        /// The tier's interval in the scenario, hours (it names the tier).
        every: f64,
    },
    /// A destroy threat's dwell time (how long the attacker was inside).
    Dwell {
        /// The threat's id.
        threat: String,
    },
    /// A service's work recovery time (`wrt`) after each outage.
    WorkRecovery {
        /// The service's id.
        service: String,
    },
    /// A team's size.
    TeamSize {
        /// The team's id.
        team: String,
    },
    /// A parameter on every component of a kind, set low and high together
    /// (each value scaled by the same factor, within its own bounds).
    Class {
        /// Which parameter.
        parameter: Parameter,
        /// The components' kind (`server`, `database`, ...).
        kind: String,
        /// How many components it sets.
        components: usize,
    },
}

impl Input {
    /// What kind of value it is, which decides its low and high settings.
    pub fn kind(&self) -> InputKind {
        match self {
            Input::ThreatFrequency { .. } | Input::FailureFrequency { .. } => InputKind::Frequency,
            Input::ThreatTime { .. }
            | Input::FailureRepair { .. }
            | Input::Repair { .. }
            | Input::Rebuild { .. }
            | Input::Detect { .. }
            | Input::Switchover { .. }
            | Input::Restore { .. }
            | Input::Dwell { .. }
            | Input::WorkRecovery { .. } => InputKind::Duration,
            Input::BackupInterval { .. } => InputKind::BackupInterval,
            Input::RestoreFails { .. } => InputKind::Chance,
            Input::Keep { .. } => InputKind::Retention,
            Input::TeamSize { .. } => InputKind::TeamSize,
            Input::Class { parameter, .. } => parameter.kind(),
        }
    }
}

/// A parameter of components, which [`Input::Class`] sets on every
/// component of a kind at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parameter {
    /// The frequency of their failure modes that damage (or, `destroy`,
    /// destroy) them.
    FailureFrequency {
        /// Modes that destroy, not damage.
        destroy: bool,
    },
    /// Those failure modes' own repair (or rebuild) times.
    FailureRepair {
        /// Modes that destroy, not damage.
        destroy: bool,
    },
    /// Their repair times.
    Repair,
    /// Their rebuild times.
    Rebuild,
    /// Their detection delays.
    Detect,
    /// The switchover times of their failover requirements.
    Switchover,
    /// The interval of their backup tier `tier` (from 0).
    BackupInterval {
        /// The tier's position in `backups`, from 0.
        tier: usize,
    },
    /// The restore time of their backup tier `tier`.
    Restore {
        /// The tier's position in `backups`, from 0.
        tier: usize,
    },
    /// The chance that a restore from their backup tier `tier` fails.
    RestoreFails {
        /// The tier's position in `backups`, from 0.
        tier: usize,
    },
    /// How long their backup tier `tier` keeps its points.
    Keep {
        /// The tier's position in `backups`, from 0.
        tier: usize,
    },
    /// Their work recovery times (services).
    WorkRecovery,
}

impl Parameter {
    /// What kind of value it is.
    pub fn kind(self) -> InputKind {
        match self {
            Parameter::FailureFrequency { .. } => InputKind::Frequency,
            Parameter::BackupInterval { .. } => InputKind::BackupInterval,
            Parameter::RestoreFails { .. } => InputKind::Chance,
            Parameter::Keep { .. } => InputKind::Retention,
            Parameter::FailureRepair { .. }
            | Parameter::Repair
            | Parameter::Rebuild
            | Parameter::Detect
            | Parameter::Switchover
            | Parameter::Restore { .. }
            | Parameter::WorkRecovery => InputKind::Duration,
        }
    }
}

/// How finely the tornado's inputs are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grain {
    /// One input per class: a parameter on every component of a kind
    /// (`server repair`, `database backup 1 interval`) moves as one; each
    /// threat's and team's inputs on their own. A row of one knob (one
    /// component's one parameter) is that knob's own input.
    #[default]
    Class,
    /// One input per component and parameter.
    Component,
}

/// The value of an input, as in the scenario or at a low or high setting.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    /// A threat's frequency: events per hour.
    PerHour(f64),
    /// A threat without a frequency (drilled only).
    Never,
    /// A mean interval, hours: between a failure mode's failures, or
    /// between backups.
    Every(f64),
    /// A failure mode's time to failure.
    After(Dist),
    /// A duration (repair, rebuild, detect, restore, switchover,
    /// disruption, dwell, work recovery).
    Hours(Dist),
    /// A team's size, people.
    People(u32),
    /// A probability 0..1 (that a restore fails).
    Chance(f64),
    /// How long recovery points are kept, hours.
    Kept(f64),
    /// A class's value where its components' values differ.
    Various,
}

/// One input and what the metric did at its low and high settings.
#[derive(Debug, Clone)]
pub struct InputResult {
    /// Which value of the scenario was varied.
    pub input: Input,
    /// The value as in the scenario.
    pub base_value: InputValue,
    /// The value at the low setting.
    pub low_value: InputValue,
    /// The value at the high setting.
    pub high_value: InputValue,
    /// The metric with the input low: money per year for `ale`, a
    /// probability 0..1 for `rto:`.
    pub low: Change,
    /// The metric with the input high, in the same unit.
    pub high: Change,
    /// Low minus base, paired.
    pub low_change: Change,
    /// High minus base, paired.
    pub high_change: Change,
    /// High minus low, paired.
    pub difference: Change,
    /// |high − low| of the means, in the metric's unit: the bar's length.
    pub swing: f64,
    /// Trials in which the low or the high setting changed the metric at all.
    pub changed_trials: u64,
    /// The trials these figures are over: all of them, or a screening's
    /// (see [`Screening`]).
    pub trials: u64,
}

/// A tornado of many inputs is screened: every input first over the first
/// `trials` trials, then all the trials for the `kept` inputs whose swing's
/// 95% interval reaches the screening's `keep`-th largest swing. The other
/// inputs keep the screening's figures, over its trials. An input given
/// all the trials has exactly the figures it has unscreened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screening {
    /// The screening's trials: the first of all the trials.
    pub trials: u64,
    /// The inputs screened (all of them).
    pub inputs: usize,
    /// The inputs given all the trials.
    pub kept: usize,
    /// How many of the largest swings the kept inputs may be among.
    pub keep: usize,
}

/// Above this many inputs a tornado is screened ([`Screening`]), when its
/// screening has at least [`SCREEN_MIN_TRIALS`]: where most inputs cannot
/// be among the [`SCREEN_KEEP`] largest (the bundled scenarios' tornadoes
/// by class have 50 to 70 rows, and are not screened).
pub const SCREEN_ABOVE: usize = 100;
/// A screening keeps the inputs whose swing may be among this many largest.
pub const SCREEN_KEEP: usize = 40;
/// A screening runs this share of the trials (1 in 10) ...
const SCREEN_SHARE: u64 = 10;
/// ... and at least this many; fewer trials are not screened.
pub const SCREEN_MIN_TRIALS: u64 = 512;

/// The trials a screening of `inputs` inputs runs when the tornado runs
/// `trials`; `None`: no screening. Whole cycles of 64 trials, as the
/// rare-event designs lay their strata.
fn screen_trials(inputs: usize, trials: u64) -> Option<u64> {
    let first = trials / SCREEN_SHARE / 64 * 64;
    (inputs > SCREEN_ABOVE && first >= SCREEN_MIN_TRIALS).then_some(first)
}

/// The screened inputs (index, cells) worth all the trials: those whose
/// swing's 95% interval reaches the `keep`-th largest swing of the
/// screening (so the `keep` largest and any the screening cannot tell from
/// them), and above 0 (an input that changed nothing in the screening goes
/// no further). In index order.
fn worth_more_trials(screened: &[(usize, InputCells)], keep: usize) -> Vec<usize> {
    let bounds: Vec<(usize, f64, f64)> = screened
        .iter()
        .map(|(i, (cell, _))| {
            let m = cell[4].mean().abs();
            (*i, m, m + cell[4].half_width())
        })
        .collect();
    let mut swings: Vec<f64> = bounds.iter().map(|b| b.1).collect();
    swings.sort_by(|a, b| b.total_cmp(a));
    let threshold = swings.get(keep.saturating_sub(1)).copied().unwrap_or(0.0);
    bounds
        .iter()
        .filter(|b| b.2 > 0.0 && b.2 >= threshold)
        .map(|b| b.0)
        .collect()
}

/// A tornado: inputs by swing, largest first.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// The scenario's name.
    pub scenario: String,
    /// The currency of `ale` figures.
    pub currency: String,
    /// Trials per setting.
    pub trials: u64,
    /// The seed shared by every setting.
    pub seed: u64,
    /// What was measured.
    pub metric: Metric,
    /// `ale`: the simulated period, hours.
    pub horizon_h: Option<f64>,
    /// The metric with every input as in the scenario (money per year for
    /// `ale`, a probability 0..1 for `rto:`).
    pub base: Change,
    /// Inputs that can affect the metric (all of them, however many of
    /// [`Sensitivity::inputs`] are kept).
    pub considered: usize,
    /// How the trials were drawn (rare-event sampling in a run).
    pub sampling: super::Sampling,
    /// How the inputs were screened, when they were.
    pub screening: Option<Screening>,
    /// Sorted by swing, largest first; equal swings in the order the inputs
    /// were found (threats, components, then teams, each in scenario order).
    pub inputs: Vec<InputResult>,
}

/// Per input: the metric low, high, their changes from base and high − low,
/// and the number of trials either setting changed.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Acc {
    /// Which inputs (indices among the tornado's) the cells are of: part
    /// of the pass's fingerprint, so that a merge folds each shard's cells
    /// into the inputs they are of.
    which: Vec<u32>,
    base: Mean,
    inputs: Vec<InputCells>,
}

/// One input's accumulators over the trials: its value at the low and high
/// settings, their changes from the base and their difference; and how
/// many trials either setting changed.
type InputCells = ([Mean; 5], u64);

/// The most bytes of variant models (with each thread's trial of each)
/// held at once; past it, the inputs are simulated in batches.
const VARIANT_BYTES: usize = 256 << 20;

/// The threads a shard's batches of inputs are sized for, whatever it runs
/// on, so that every shard and the merge cut the inputs alike (a shard on
/// more threads holds more than [`VARIANT_BYTES`]).
const SHARD_BATCH_THREADS: usize = 8;

/// One batch's progress reported as progress of the whole tornado.
struct Stage<'a> {
    whole: &'a dyn Progress,
    /// Trials of the batches before this one.
    before: u64,
    /// Trials of all batches.
    total: u64,
}

impl Progress for Stage<'_> {
    fn update(&self, done: u64, _total: u64) {
        self.whole.update(self.before + done, self.total);
    }
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

/// How many inputs of `base` the tornado varies, each low and high
/// (`drilled`: the threat of a drill metric, whose inputs differ).
pub(crate) fn input_count(base: &Scenario, drilled: Option<usize>, grain: Grain) -> usize {
    levers(base, &inputs(base, drilled), grain).len()
}

/// Runs the tornado: every input of `base` that can affect `metric`, low
/// and high, on common random numbers, by class ([`Grain::Class`]).
/// `horizon` (hours) applies to `ale` (default: the scenario's).
pub fn sensitivity(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Sensitivity, SensitivityError> {
    sensitivity_with(base, metric, horizon, Grain::Class, config, progress)
}

/// [`sensitivity`] with its inputs drawn at `grain`.
pub fn sensitivity_with(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    grain: Grain,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Sensitivity, SensitivityError> {
    let how = How {
        grain,
        skip: true,
        variant_bytes: VARIANT_BYTES,
        screen: true,
    };
    tornado(base, metric, horizon, config, progress, how)
}

/// How [`tornado`] works: its inputs' `grain`; `skip`: reuse the base's
/// outcome where a variant cannot differ (see [`Trigger`]);
/// `variant_bytes`: the most bytes of variant models held at once;
/// `screen`: whether many inputs are screened. The results do not depend on
/// `skip` or `variant_bytes`.
#[derive(Debug, Clone, Copy)]
struct How {
    grain: Grain,
    skip: bool,
    variant_bytes: usize,
    /// Screen many inputs ([`Screening`]); else every input runs every trial.
    screen: bool,
}

/// [`sensitivity_with`], worked as `how` says.
fn tornado(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
    how: How,
) -> Result<Sensitivity, SensitivityError> {
    let graph = DependencyGraph::build(base);
    let base_model = Model::compile(base, &graph);
    let (mode, service) = resolve(base, &base_model, metric, horizon)?;
    let drilled = match mode {
        Mode::Drill { threat } => Some(threat as usize),
        Mode::Run { .. } => None,
    };

    let knobs = levers(base, &inputs(base, drilled), how.grain);
    // Rare-event sampling in a run (see `rare`): the base's design, shared
    // by every variant, each bound to its own rates (a variant changes
    // values, not structure, so the base's threat indices hold).
    // The settings that change a threat's rate, which the design must
    // cover (see `Design::for_run`).
    let rate_variants: Vec<(Scenario, Model)> = knobs
        .iter()
        .filter(|l| matches!(l.knobs[..], [Knob::ThreatFrequency(_)]))
        .flat_map(|l| [false, true].map(|high| variant_of(base, &l.knobs, high)))
        .flatten()
        .map(|s| {
            let m = Model::compile(&s, &graph);
            (s, m)
        })
        .collect();
    let covered: Vec<(&Scenario, &Model)> = rate_variants.iter().map(|(s, m)| (s, m)).collect();
    let design = rare::Design::for_variants(base, &base_model, mode, config, &covered);
    let base_binding = design.as_ref().map(|d| d.bind(base, &base_model));
    let teams = triggers::team_members(base);
    let measure = |model: &Model, trial: &Trial| -> f64 {
        match service {
            None => trial_loss(model, &trial.services),
            Some(s) => {
                let met = targets::met(&model.services[s], &trial.services[s], mode);
                f64::from(u8::from(met.rto.expect("checked above")))
            }
        }
    };

    // The variants of a batch of inputs at a time: their models, and each
    // thread's trial of each, stay within VARIANT_BYTES however large the
    // scenario. Each batch re-runs the base trials (on common random
    // numbers, the same ones), so the results do not depend on batching.
    // Shards and their merge batch alike whatever their threads (each pass
    // is one batch, and the merge folds the shards' passes): as if on
    // SHARD_BATCH_THREADS threads.
    let threads = match (&config.work, config.threads) {
        (Work::Shard(_) | Work::Merge(_), _) => SHARD_BATCH_THREADS,
        (Work::Whole, 0) => rayon::current_num_threads(),
        (Work::Whole, n) => n,
    };
    let per_input = 2 * base_model.footprint().max(1) * (1 + threads);
    let batch = (how.variant_bytes / per_input).max(1);
    let batches_of = |inputs: usize| inputs.div_ceil(batch).max(1) as u64;
    // One pass: the inputs `selected` (indices into `knobs`) over the first
    // `trials` trials, run as `config` says (a screening runs whole, on every
    // shard); progress counts from `before` of `total` trials. Returns the
    // base's moments and each selected input's cells.
    let pass = |selected: &[usize],
                trials: u64,
                config: &Config,
                before: u64,
                total: u64|
     -> Result<(Mean, Vec<(usize, InputCells)>), SimError> {
        let batches: Vec<&[usize]> = if selected.is_empty() {
            vec![&[]]
        } else {
            selected.chunks(batch).collect()
        };
        let mut base_moments = None;
        let mut cells: Vec<(usize, InputCells)> = Vec::with_capacity(selected.len());
        for (b, chunk) in batches.iter().enumerate() {
            // Distinct variant scenarios; an input's low or high setting points
            // at one of them, or at the base when the setting changes nothing.
            let mut models = Vec::new();
            let mut triggers = Vec::new();
            let mut settings: Vec<[Option<usize>; 2]> = Vec::with_capacity(chunk.len());
            for lever in chunk.iter().map(|&i| &knobs[i]) {
                for &knob in &lever.knobs {
                    if let Knob::WorkRecovery(c) = knob {
                        let s = triggers::service_index(base, c);
                        debug_assert_eq!(base_model.services[s].component as usize, c);
                    }
                }
                let mut pair = [None, None];
                for (slot, high) in pair.iter_mut().zip([false, true]) {
                    if let Some(s) = variant_of(base, &lever.knobs, high) {
                        // Values change, structure does not: the base graph holds.
                        models.push(Model::compile(&s, &graph));
                        triggers.push(if how.skip {
                            Triggers::of(lever.knobs.iter().map(|&k| trigger(base, k, high)))
                        } else {
                            Triggers::of([Trigger::Always])
                        });
                        *slot = Some(models.len() - 1);
                    }
                }
                settings.push(pair);
            }
            for t in triggers.iter().flat_map(Triggers::each) {
                match *t {
                    Trigger::Switched(g) => {
                        debug_assert_eq!(
                            base_model.groups[g].kind,
                            super::model::GroupKind::Failover
                        );
                    }
                    Trigger::Always
                    | Trigger::Struck(_)
                    | Trigger::WorkedOn(_)
                    | Trigger::Team(_)
                    | Trigger::Outage(_) => {}
                }
            }
            // An input whose settings both equal the base cannot matter.
            let kept: Vec<usize> = (0..chunk.len())
                .filter(|&k| settings[k] != [None, None])
                .collect();
            if kept.is_empty() && b > 0 {
                continue;
            }
            let stage = Stage {
                whole: progress,
                before: before + b as u64 * trials,
                total,
            };

            let bindings: Vec<Option<Binding>> = models
                .iter()
                .map(|m| design.as_ref().map(|d| d.bind(base, m)))
                .collect();
            let acc = in_parallel(
                0..trials,
                config,
                &stage,
                || Acc {
                    which: kept.iter().map(|&k| chunk[k] as u32).collect(),
                    base: Mean::new(),
                    inputs: vec![(std::array::from_fn(|_| Mean::new()), 0); kept.len()],
                },
                || {
                    let (base, variants) =
                        bound_trials(&base_model, base_binding.as_ref(), &models, &bindings);
                    let values = vec![(0.0, Weight::ONE); models.len()];
                    (base, variants, values, Strikes::default())
                },
                |(base_trial, trials, values, strikes), acc, t| {
                    let design = design.as_ref();
                    let base_rare = design.zip(base_binding.as_ref());
                    let at0 = run_trial(base_trial, base_rare, strikes, config.seed, t, mode);
                    let v0 = measure(&base_model, base_trial);
                    acc.base.add(v0, at0);
                    for ((((model, trial), v), trigger), binding) in models
                        .iter()
                        .zip(trials.iter_mut())
                        .zip(values.iter_mut())
                        .zip(&triggers)
                        .zip(&bindings)
                    {
                        // A variant the trial cannot tell from the base has the
                        // base's outcome, at its own weight (its rare threats'
                        // rates may differ).
                        let rare = design.zip(binding.as_ref());
                        *v = if trigger.fired(base_trial, &teams) {
                            let at = run_trial(trial, rare, strikes, config.seed, t, mode);
                            (measure(model, trial), at)
                        } else {
                            (v0, strikes.weight(rare, t))
                        };
                    }
                    for (&k, (cell, changed)) in kept.iter().zip(acc.inputs.iter_mut()) {
                        let [(lo, at_lo), (hi, at_hi)] =
                            settings[k].map(|i| i.map_or((v0, at0), |i| values[i]));
                        cell[0].add(lo, at_lo);
                        cell[1].add(hi, at_hi);
                        cell[2].add_paired(lo, at_lo, v0, at0);
                        cell[3].add_paired(hi, at_hi, v0, at0);
                        cell[4].add_paired(hi, at_hi, lo, at_lo);
                        // Changed: the weighted value differs (a rare
                        // threat's rate changes a trial's weight, not its
                        // outcome).
                        let changed_at = |v: f64, at: Weight| v * at.w != v0 * at0.w;
                        *changed += u64::from(changed_at(lo, at_lo) || changed_at(hi, at_hi));
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
            base_moments.get_or_insert(acc.base);
            for (&k, cell) in kept.iter().zip(acc.inputs) {
                cells.push((chunk[k], cell));
            }
        }
        Ok((base_moments.expect("the first batch always runs"), cells))
    };

    let all: Vec<usize> = (0..knobs.len()).collect();
    let full = config.trials.get();
    // Per input, its cells and the trials they are over.
    let mut cells: Vec<Option<(InputCells, u64)>> = vec![None; knobs.len()];
    let screen = screen_trials(knobs.len(), full).filter(|_| how.screen);
    let (base_moments, screening) = match screen {
        None => {
            let (base, measured) = pass(&all, full, config, 0, full * batches_of(all.len()))?;
            for (i, cell) in measured {
                cells[i] = Some((cell, full));
            }
            (base, None)
        }
        Some(first) => {
            // Screening: every input over the first trials, run whole on
            // every shard and in a merge (which inputs go on depends on all
            // of them); then all the trials for the inputs whose swing may
            // be among the SCREEN_KEEP largest.
            let before = first * batches_of(all.len());
            let (_, screened) = pass(&all, first, &config.whole(), 0, before + full)?;
            let chosen = worth_more_trials(&screened, SCREEN_KEEP);
            for (i, cell) in screened {
                cells[i] = Some((cell, first));
            }
            let total = before + full * batches_of(chosen.len());
            let (base, measured) = pass(&chosen, full, config, before, total)?;
            for (i, cell) in measured {
                cells[i] = Some((cell, full));
            }
            let screening = Screening {
                trials: first,
                inputs: knobs.len(),
                kept: chosen.len(),
                keep: SCREEN_KEEP,
            };
            (base, Some(screening))
        }
    };

    let horizon_h = match mode {
        Mode::Run { horizon } => Some(horizon),
        Mode::Drill { .. } => None,
    };
    let scale = horizon_h.map_or(1.0, |h| HOURS_PER_YEAR / h);
    // The base and each setting's value are a loss (never below 0) or
    // P(RTO met) (a fraction); their changes and differences are signed.
    let quantity = match metric {
        Metric::Ale => Quantity::NonNegative,
        Metric::RtoMet { .. } => Quantity::Fraction,
    };
    let level = |m: &Mean| Change::scaled_of(m, quantity, scale);
    let change = |m: &Mean| Change::scaled(m, scale);
    let mut results: Vec<InputResult> = knobs
        .iter()
        .zip(&cells)
        .filter_map(|(lever, cell)| Some((lever, cell.as_ref()?)))
        .map(|(lever, ((cell, changed), trials))| {
            let setting = |high: bool| {
                let s = variant_of(base, &lever.knobs, high);
                value_of(s.as_ref().unwrap_or(base), &lever.knobs)
            };
            let difference = change(&cell[4]);
            // A row the screening left at its first trials: its levels are
            // the base over all the trials plus the change it measured, so
            // they read against the base shown ("As given").
            let (low, high) = if *trials == full {
                (level(&cell[0]), level(&cell[1]))
            } else {
                (
                    Change::sum_of(&base_moments, &cell[2], quantity, scale),
                    Change::sum_of(&base_moments, &cell[3], quantity, scale),
                )
            };
            InputResult {
                input: lever_input(base, lever),
                base_value: value_of(base, &lever.knobs),
                low_value: setting(false),
                high_value: setting(true),
                low,
                high,
                low_change: change(&cell[2]),
                high_change: change(&cell[3]),
                swing: difference.mean.abs(),
                difference,
                changed_trials: *changed,
                trials: *trials,
            }
        })
        .collect();
    // Stable: equal swings stay in the order found.
    results.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    Ok(Sensitivity {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        trials: config.trials.get(),
        seed: config.seed,
        metric: metric.clone(),
        horizon_h,
        base: level(&base_moments),
        considered: results.len(),
        sampling: super::Sampling::of(design.as_ref(), config.trials.get()),
        screening,
        inputs: results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::NoProgress;

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

    /// Fifty-one services, each on its own server failing every 2000
    /// hours, repaired in `r_i` hours, at `p_i` an hour: 102 inputs (a
    /// failure frequency and a repair time each) whose swings grow with
    /// `p_i · r_i`.
    fn many_inputs() -> Scenario {
        let mut yaml = String::from("name: Many\nhorizon: 8w\ncomponents:\n");
        for i in 0..51 {
            let (repair, price) = (1 + i % 7, 10 * (i + 1) * (i + 1));
            yaml += &format!(
                "  - {{id: srv{i}, kind: server, repair: {{exp: {repair}h}}, failures: [{{every: 2000h}}]}}\n  - {{id: svc{i}, kind: service, depends_on: [srv{i}], impact: {{per_hour: {price}}}}}\n"
            );
        }
        crate::scenario::load_str(&yaml, "many.yaml")
            .unwrap()
            .scenario
    }

    #[test]
    fn a_screened_tornado_gives_its_kept_inputs_the_unscreened_figures() {
        let s = many_inputs();
        let config = Config::new(5120, 3, 0).unwrap();
        let how = |screen| How {
            grain: Grain::Component,
            skip: true,
            variant_bytes: VARIANT_BYTES,
            screen,
        };
        let metric = Metric::Ale;
        let screened = tornado(&s, &metric, None, &config, &NoProgress, how(true)).unwrap();
        let whole = tornado(&s, &metric, None, &config, &NoProgress, how(false)).unwrap();
        let sc = screened.screening.expect("102 inputs are screened");
        assert_eq!(sc.inputs, 102);
        assert_eq!(sc.trials, 512);
        assert!(whole.screening.is_none());
        assert!(sc.kept >= SCREEN_KEEP && sc.kept < 80, "{sc:?}");
        assert_eq!(format!("{:?}", screened.base), format!("{:?}", whole.base));
        let full: Vec<_> = screened
            .inputs
            .iter()
            .filter(|i| i.trials == 5120)
            .collect();
        assert_eq!(full.len(), sc.kept);
        for i in &full {
            let same = whole.inputs.iter().find(|w| w.input == i.input).unwrap();
            assert_eq!(format!("{i:?}"), format!("{same:?}"));
        }
        // The largest swings unscreened are all among those kept.
        for w in &whole.inputs[..SCREEN_KEEP / 2] {
            assert!(
                full.iter().any(|i| i.input == w.input),
                "{:?} dropped",
                w.input
            );
        }
        assert!(screened
            .inputs
            .iter()
            .all(|i| i.trials == 5120 || i.trials == 512));
        // A screened row's levels read against the base over all trials:
        // that base plus the change the screening measured.
        for i in screened.inputs.iter().filter(|i| i.trials == 512) {
            for (level, change) in [(&i.low, &i.low_change), (&i.high, &i.high_change)] {
                let sum = screened.base.mean + change.mean;
                assert!(
                    (level.mean - sum).abs() <= 1e-9 * sum.abs().max(1.0),
                    "{i:?}"
                );
                assert!(level.ci95[0] <= level.mean && level.mean <= level.ci95[1]);
            }
        }
    }

    #[test]
    fn few_inputs_or_few_trials_are_not_screened() {
        assert_eq!(screen_trials(SCREEN_ABOVE, 1_000_000), None);
        assert_eq!(screen_trials(SCREEN_ABOVE + 1, 5_119), None);
        assert_eq!(screen_trials(SCREEN_ABOVE + 1, 5_120), Some(512));
        assert_eq!(screen_trials(SCREEN_ABOVE + 1, 10_000), Some(960));
    }

    #[test]
    fn errors_name_no_command_line_flag() {
        let bad = Metric::parse("rpo").unwrap_err().to_string();
        assert!(bad.contains("`rto:SERVICE:THREAT`"), "{bad}");
        let no_rto = SensitivityError::NoRto("shop".into()).to_string();
        assert!(no_rto.contains("give it one (e.g. `rto: 4h`)"), "{no_rto}");
        for msg in [bad, no_rto] {
            assert!(!msg.contains("--"), "{msg}");
        }
    }
}
