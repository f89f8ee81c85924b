//! The Monte Carlo engine: a compiled model, counter-based random streams,
//! one discrete-event trial, and a parallel runner whose results do not
//! depend on the number of threads.
//!
//! ```
//! use drsim::{scenario, sim};
//! let yaml = "name: Demo\ncomponents:\n  - {id: app, kind: application, repair: 2h}\n  - {id: shop, kind: service, depends_on: [app], rto: 4h}\nthreats:\n  - {id: crash, hits: {components: [app]}, effect: damage}\n";
//! let s = scenario::load_str(yaml, "demo.yaml").unwrap().scenario;
//! let config = sim::Config::new(100, 1, 1).expect("at least 2 trials");
//! let results = sim::drill(&s, "crash", &config, &sim::NoProgress).unwrap();
//! assert_eq!(results.services[0].detail.recovery_h.mean, 2.0);
//! ```

pub mod appetite;
mod compare;
pub mod cost;
mod model;
pub mod package;
mod queue;
pub mod rare;
mod rng;
mod runner;
mod sensitivity;
pub mod shard;
mod targets;
pub mod tolerance;
mod trial;
mod ziggurat;

pub use compare::{
    compare, Change, Comparison, DrillChange, LossQuantile, OptionResult, Payback,
    ServiceDrillChange,
};
pub use model::Model;
pub use package::{Exclusion, Package, PackageSet, Plan, Search};
pub use runner::{simulate, Samples, TOTAL_LOSS_RESOLUTION};
use runner::{simulate_with, LossPartMoments, Rare, ServiceAttribution, ServiceSamples};
pub use sensitivity::{
    sensitivity, sensitivity_with, Grain, Input, InputKind, InputResult, InputValue, Metric,
    Parameter, Screening, Sensitivity, SensitivityError, HIGH_FACTOR, LOW_FACTOR, SCREEN_ABOVE,
    SCREEN_KEEP, SCREEN_MIN_TRIALS, TEAM_STEP,
};
pub use trial::{Mode, ServiceOutcome, TraceEvent, TraceKind, Trial};

use crate::graph::DependencyGraph;
use crate::scenario::Scenario;
use crate::stats::{self, ExceedancePoint, Proportion, Quantity, Summary};
use thiserror::Error;

/// How many trials, from which seed, on how many threads.
#[derive(Debug, Clone)]
pub struct Config {
    /// Trials to run, at least [`Trials::MIN`].
    pub trials: Trials,
    /// Seed of every random stream: the same seed (and trials) gives the
    /// same results on any number of threads.
    pub seed: u64,
    /// 0: all cores.
    pub threads: usize,
    /// Plain Monte Carlo even where rare-event sampling applies (a run
    /// with rare threats, see [`rare`]).
    pub plain: bool,
    /// Run to a precision: more trials until the expected total loss is
    /// known well enough ([`Precision`]); `None`: exactly `trials`.
    pub precision: Option<Precision>,
    /// Which of the trials this process runs: all, a shard's, or none
    /// (a merge of shards' parts, see [`shard`]).
    pub work: shard::Work,
}

/// When to stop adding trials: once the 95% interval of a figure (`of`,
/// by default the expected total loss) is within `relative` of it (half
/// its width over it), or at `max_trials`. The trials double from
/// [`Config::trials`], each batch continuing the numbering, so the result
/// depends only on the seed and where it stopped, not on threads. Batches
/// are whole cycles of 64 trials (the rare-event designs'), so `trials` is
/// rounded up and `max_trials` down to multiples of 64.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// The target: the interval's half-width over the figure, e.g. 0.05.
    pub relative: f64,
    /// The most trials to run.
    pub max_trials: u64,
    /// The figure whose interval it narrows.
    pub of: PrecisionOf,
}

/// The figure a run or drill to a precision narrows the interval of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrecisionOf {
    /// The expected total loss (`loss`, the default).
    Loss,
    /// A service's expected loss (`loss:SERVICE`).
    ServiceLoss(String),
    /// P(RTO met) of a service in a drill, P(no RTO breach) in a run
    /// (`rto:SERVICE`; `rto:SERVICE:THREAT` names the drilled threat).
    RtoMet(String),
    /// P(RPO met) of a service, likewise (`rpo:SERVICE`).
    RpoMet(String),
}

impl PrecisionOf {
    /// Parses `loss`, `loss:SERVICE`, `rto:SERVICE[:THREAT]` or
    /// `rpo:SERVICE[:THREAT]`; returns the figure and the threat named, if
    /// any (a drill's; ids are checked against the scenario by the
    /// simulation). `None` for anything else.
    pub fn parse(text: &str) -> Option<(PrecisionOf, Option<String>)> {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.iter().skip(1).any(|p| p.is_empty()) {
            return None;
        }
        let threat = |i: usize| parts.get(i).map(|t| t.to_string());
        match parts.as_slice() {
            ["loss"] => Some((PrecisionOf::Loss, None)),
            ["loss", s] => Some((PrecisionOf::ServiceLoss(s.to_string()), None)),
            ["rto", s] | ["rto", s, _] => Some((PrecisionOf::RtoMet(s.to_string()), threat(2))),
            ["rpo", s] | ["rpo", s, _] => Some((PrecisionOf::RpoMet(s.to_string()), threat(2))),
            _ => None,
        }
    }

    /// The figure in words: `the expected total loss`, `P(RTO met) for ehr`.
    pub fn words(&self, mode: Mode) -> String {
        let rto = match mode {
            Mode::Drill { .. } => "P(RTO met)",
            Mode::Run { .. } => "P(no RTO breach)",
        };
        match self {
            PrecisionOf::Loss => "the expected total loss".into(),
            PrecisionOf::ServiceLoss(s) => format!("the expected loss of {s}"),
            PrecisionOf::RtoMet(s) => format!("{rto} for {s}"),
            PrecisionOf::RpoMet(s) => format!("P(RPO met) for {s}"),
        }
    }

    /// The service it names, if any.
    fn service(&self) -> Option<&str> {
        match self {
            PrecisionOf::Loss => None,
            PrecisionOf::ServiceLoss(s) | PrecisionOf::RtoMet(s) | PrecisionOf::RpoMet(s) => {
                Some(s)
            }
        }
    }

    /// Its interval's half-width over its value in `samples`, `s` the
    /// service's index; 0 when both are 0 (nothing lost, or never met:
    /// known exactly), infinite when only the value is.
    fn relative(&self, samples: &Samples, s: Option<usize>) -> f64 {
        let ratio = |value: f64, half: f64| {
            if half == 0.0 {
                0.0
            } else if value == 0.0 {
                f64::INFINITY
            } else {
                half / value.abs()
            }
        };
        let share = |p: stats::Proportion| ratio(p.p, (p.ci95[1] - p.ci95[0]) / 2.0);
        match (self, s) {
            (PrecisionOf::Loss, _) | (_, None) => {
                ratio(samples.total_loss.mean(), samples.total_loss.half_width())
            }
            (PrecisionOf::ServiceLoss(_), Some(s)) => {
                let loss = &samples.services[s].loss;
                ratio(loss.mean(), loss.half_width())
            }
            (PrecisionOf::RtoMet(_), Some(s)) => share(samples.services[s].rto_met.proportion()),
            (PrecisionOf::RpoMet(_), Some(s)) => share(samples.services[s].rpo_met.proportion()),
        }
    }
}

/// What running to a precision achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionReached {
    /// The target asked for.
    pub target: f64,
    /// The figure, in words ([`PrecisionOf::words`]).
    pub of: String,
    /// The half-width of the figure's 95% interval over its value at the
    /// end (0 when both are 0).
    pub relative: f64,
    /// Whether it is within the target (else `max_trials` stopped it).
    pub reached: bool,
}

impl Config {
    /// The most threads a simulation starts: far past any core count, and
    /// quick to start (100,000 took half a minute to fail).
    pub const MAX_THREADS: usize = 1024;

    /// `trials` trials (at least [`Trials::MIN`]) from `seed` on `threads`
    /// threads (0: all cores).
    pub fn new(trials: u64, seed: u64, threads: usize) -> Result<Config, SimError> {
        if threads > Config::MAX_THREADS {
            return Err(SimError::TooManyThreads(threads));
        }
        Ok(Config {
            trials: Trials::new(trials)?,
            seed,
            threads,
            plain: false,
            precision: None,
            work: shard::Work::Whole,
        })
    }

    /// This configuration, run to `precision` (or to exactly `trials`
    /// with `None`).
    pub fn with_precision(mut self, precision: Option<Precision>) -> Config {
        self.precision = precision;
        self
    }

    /// This configuration running all its trials itself, whether a shard
    /// or a merge: for a pass whose results decide the passes after it
    /// (every shard and the merge then run it alike).
    pub(crate) fn whole(&self) -> Config {
        Config {
            work: shard::Work::Whole,
            ..self.clone()
        }
    }

    /// This configuration, with plain Monte Carlo (`plain`) or rare-event
    /// sampling where it applies.
    pub fn with_plain(mut self, plain: bool) -> Config {
        self.plain = plain;
        self
    }
}

/// A number of trials that every statistic can be computed from: at least
/// two, since an interval needs two samples. Checked once, when it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trials(u64);

impl Trials {
    /// The fewest trials a simulation runs.
    pub const MIN: u64 = 2;
    /// The most trials a simulation runs: a billion gives any probability
    /// to within 0.0031 percentage points (95%), past any use.
    pub const MAX: u64 = 1_000_000_000;

    /// `n` trials; [`SimError::TooFewTrials`] below [`Trials::MIN`],
    /// [`SimError::TooManyTrials`] above [`Trials::MAX`].
    pub fn new(n: u64) -> Result<Trials, SimError> {
        if n < Trials::MIN {
            return Err(SimError::TooFewTrials(n));
        }
        if n > Trials::MAX {
            return Err(SimError::TooManyTrials(n));
        }
        Ok(Trials(n))
    }

    /// The number of trials.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// Receives progress from the runner; the CLI turns it into a bar.
pub trait Progress: Sync {
    /// `done` of `total` trials are finished.
    fn update(&self, _done: u64, _total: u64) {}
}

/// Reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Why a simulation could not run. The messages say what is wrong, not
/// which command-line flag fixes it (the binary adds that).
#[derive(Debug, Error)]
pub enum SimError {
    /// A threat id that the scenario does not have (the message suggests
    /// the nearest one and lists them all).
    #[error("unknown threat `{given}`{}", suggestion(given, known))]
    UnknownThreat {
        /// The id as given.
        given: String,
        /// The scenario's threat ids, in scenario order.
        known: Vec<String>,
    },
    /// A drill of a scenario without threats.
    #[error("the scenario has no threats to drill; add one under `threats:`")]
    NoThreats,
    /// A component id that is not one of the scenario's services.
    #[error("unknown service `{given}`{}", sensitivity::service_hint(given, known))]
    UnknownService {
        /// The id as given.
        given: String,
        /// The scenario's service ids, in scenario order.
        known: Vec<String>,
    },
    /// A figure asked of a service that sets no such target (`rto` or
    /// `rpo`).
    #[error("{service} sets no {target}, so it has no P({} met) to run to a precision; name another figure (--precision-of loss:{service}) or set `{target}:` on it", target.to_uppercase())]
    NoTarget {
        /// The service's id.
        service: String,
        /// `rto` or `rpo`.
        target: &'static str,
    },
    /// Fewer than [`Trials::MIN`] trials (the number given).
    #[error("at least 2 trials are needed (got {0}): an interval needs two samples")]
    TooFewTrials(u64),
    /// More than [`Trials::MAX`] trials (the number given).
    #[error("at most 1,000,000,000 trials are run (got {0}); a billion already gives any probability to within 0.0031 points")]
    TooManyTrials(u64),
    /// More than [`Config::MAX_THREADS`] threads (the number given).
    #[error(
        "at most 1024 threads are started (got {0}); the results do not depend on the thread count"
    )]
    TooManyThreads(usize),
    /// Shards' parts that cannot be merged.
    #[error(transparent)]
    Shard(shard::ShardError),
    /// The thread pool could not be built.
    #[error("could not start {threads} threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// rayon's reason.
        message: String,
    },
}

fn suggestion(given: &str, known: &[String]) -> String {
    let mut out = String::new();
    if let Some(hint) = crate::scenario::did_you_mean(given, known.iter().map(String::as_str)) {
        out.push_str(&format!("; {hint}"));
    }
    out.push_str(&format!("\nthreats in this scenario: {}", known.join(", ")));
    out
}

/// Per-service results of a drill or a run: what both measure, and in
/// `detail` what only one of them does ([`DrillDetail`] or [`RunDetail`]).
#[derive(Debug, Clone)]
pub struct ServiceResult<D> {
    /// The service's component id.
    pub id: String,
    /// Its display name (`name`, else the id).
    pub name: String,
    /// Share of trials in which it had an outage or lost data, probability
    /// 0..1.
    pub affected: Proportion,
    /// Hours unavailable per trial (outages still open at a run's horizon
    /// count up to the horizon).
    pub downtime_h: Summary,
    /// Hours of disruption per trial (spec 13.2): in a drill the recovery
    /// plus the work recovery time after the last outage; over a run every
    /// outage plus its work recovery time, cut at the horizon. Equal to the
    /// downtime for a service without `wrt` (in a run; in a drill, to the
    /// recovery time).
    pub disruption_h: Summary,
    /// Hours of data lost per trial, summed over incidents; total losses
    /// count as 0 here (see `total_data_loss`).
    pub data_loss_h: Summary,
    /// `None` when the service has no RTO. In a drill: back for good within
    /// the RTO; over a run: no outage longer than the RTO.
    pub rto_met: Option<Proportion>,
    /// `None` when the service has no RPO: no total data loss and no
    /// incident losing more than the RPO.
    pub rpo_met: Option<Proportion>,
    /// `None` when the service has no MTPD. In a drill: its disruption
    /// (recovery plus work recovery time) within it; over a run: no
    /// disruption longer than it.
    pub mtpd_met: Option<Proportion>,
    /// Share of trials with at least one total data loss (no backup tier
    /// survived), probability 0..1.
    pub total_data_loss: Proportion,
    /// Money lost by this service per trial, in the scenario's currency:
    /// over one strike in a drill, over the whole horizon in a run (not
    /// scaled to a year).
    pub loss: Summary,
    /// The mean of `loss` split by cause, each part with its interval; the
    /// parts add up to `loss.mean` (up to float rounding).
    pub loss_breakdown: LossBreakdown,
    /// What only a drill, or only a run, measures.
    pub detail: D,
    /// Points (hours, P(downtime <= hours)) of the downtime CDF, at the
    /// sketch's resolution.
    pub downtime_cdf: Vec<(f64, f64)>,
    /// Points (hours, P(data loss <= hours)) of the data-loss CDF (total
    /// losses count as 0).
    pub data_loss_cdf: Vec<(f64, f64)>,
    /// Its recovery time objective, hours (`None`: not set).
    pub rto_h: Option<f64>,
    /// Its recovery point objective, hours of data (`None`: not set).
    pub rpo_h: Option<f64>,
    /// Its maximum tolerable period of disruption, hours (`None`: not set).
    pub mtpd_h: Option<f64>,
    /// Whether it has a work recovery time (`wrt`), so that its disruption
    /// can be longer than its outages.
    pub has_wrt: bool,
    /// What caused the downtime and what ended it (when asked for).
    pub explain: Option<Explanation>,
}

/// The mean of a quantity over trials with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean over trials, in the quantity's unit.
    pub mean: f64,
    /// 95% interval of the mean, cut to the values the quantity can take.
    pub ci95: [f64; 2],
}

impl Estimate {
    fn of(m: &stats::Mean, quantity: Quantity) -> Estimate {
        Estimate {
            mean: m.mean(),
            ci95: m.ci95_of(quantity),
        }
    }
}

/// What a service's loss is made of (spec 9 and 13.1), one part per
/// [`LossCause`]: money per trial, in the scenario's currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossBreakdown {
    /// The disruptions at the hourly rate: `per_hour` over every hour of
    /// disruption, as the steps over time change it.
    pub outage_time: Estimate,
    /// The steps' `once` amounts, paid as a disruption passes their `after`.
    pub once: Estimate,
    /// `per_incident` for each outage.
    pub per_incident: Estimate,
    /// Hours of data lost at `per_hour_data_lost`.
    pub data_loss: Estimate,
    /// Total losses of the data at their price (`per_total_data_loss`, by
    /// default a year of `per_hour_data_lost`).
    pub total_data_loss: Estimate,
}

/// One cause of a service's loss: a part of [`LossBreakdown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossCause {
    /// [`LossBreakdown::outage_time`].
    OutageTime,
    /// [`LossBreakdown::once`].
    Once,
    /// [`LossBreakdown::per_incident`].
    PerIncident,
    /// [`LossBreakdown::data_loss`].
    DataLoss,
    /// [`LossBreakdown::total_data_loss`].
    TotalDataLoss,
}

impl LossCause {
    /// Every cause, in the order outputs list them.
    pub const ALL: [LossCause; 5] = [
        LossCause::OutageTime,
        LossCause::Once,
        LossCause::PerIncident,
        LossCause::DataLoss,
        LossCause::TotalDataLoss,
    ];
}

impl LossBreakdown {
    fn from_moments(m: &LossPartMoments) -> LossBreakdown {
        // Money is never negative: a step that lowers the rate lowers the
        // outage time's part, never below 0.
        let of = |m: &stats::Mean| Estimate::of(m, Quantity::NonNegative);
        LossBreakdown {
            outage_time: of(&m.outage_time),
            once: of(&m.once),
            per_incident: of(&m.per_incident),
            data_loss: of(&m.data_loss),
            total_data_loss: of(&m.total_data_loss),
        }
    }

    /// The part of one cause.
    pub fn part(&self, cause: LossCause) -> &Estimate {
        match cause {
            LossCause::OutageTime => &self.outage_time,
            LossCause::Once => &self.once,
            LossCause::PerIncident => &self.per_incident,
            LossCause::DataLoss => &self.data_loss,
            LossCause::TotalDataLoss => &self.total_data_loss,
        }
    }
}

/// What only a drill measures of a service.
#[derive(Debug, Clone)]
pub struct DrillDetail {
    /// Hours from the strike until it is back for good.
    pub recovery_h: Summary,
    /// Points (hours, P(recovery <= hours)) of the recovery-time CDF, at
    /// the sketch's resolution.
    pub recovery_cdf: Vec<(f64, f64)>,
}

/// What only a run measures of a service.
#[derive(Debug, Clone)]
pub struct RunDetail {
    /// Fraction of the horizon available, 0..1 (its interval too).
    pub availability: Summary,
    /// Outages in the horizon, a count: whole-number quantiles.
    pub outages: Summary,
    /// Outages longer than the RTO (0 without an RTO), a count.
    pub rto_breaches: Summary,
}

/// How a mode's detail comes from the samples.
pub(crate) trait Detail: Sized {
    /// The detail of one service's samples.
    fn from_samples(samples: &ServiceSamples) -> Self;
}

impl Detail for DrillDetail {
    fn from_samples(s: &ServiceSamples) -> Self {
        DrillDetail {
            recovery_h: s.recovery.summary(Quantity::NonNegative),
            recovery_cdf: s.recovery.cdf(),
        }
    }
}

impl Detail for RunDetail {
    fn from_samples(s: &ServiceSamples) -> Self {
        RunDetail {
            availability: s.availability.summary(Quantity::Fraction),
            outages: s.outages.summary(Quantity::Count),
            rto_breaches: s.rto_breaches.summary(Quantity::Count),
        }
    }
}

/// A drill's results.
pub type DrillResults = Results<DrillDetail>;
/// A run's results.
pub type RunResults = Results<RunDetail>;

/// Where a service's downtime came from, as shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Component whose hit started the outage, share of all downtime; largest first.
    pub by_component: Vec<(String, f64)>,
    /// Threat that started the outage (or "independent failures"), share of all downtime.
    pub by_threat: Vec<(String, f64)>,
    /// Component whose recovery brought the service back the last time, share of trials.
    pub critical_path: Vec<(String, f64)>,
    /// Of the trials in which the service stayed disrupted past its MTPD,
    /// the component whose recovery brought it back the last time, share
    /// of those trials; largest first (empty without an MTPD or a breach).
    pub mtpd_breaches: Vec<(String, f64)>,
}

/// Label for downtime started by components failing on their own.
pub const INDEPENDENT_FAILURES: &str = "independent failures";

/// Label for downtime started by strikes that took down more than
/// [`trial::MAX_BLAMED`] components the service needed, credited to them
/// together rather than a sliver to each.
pub const MANY_HITS: &str = "many hits at once";

/// Their name for people, where a threat's name would stand.
pub const INDEPENDENT_FAILURES_NAME: &str = "Components failing on their own";

/// What one cause of incidents costs over a run: a threat's strikes, or
/// the components' independent failures.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreatLoss {
    /// The threat's id, or [`INDEPENDENT_FAILURES`].
    pub id: String,
    /// The threat's name, or [`INDEPENDENT_FAILURES_NAME`].
    pub name: String,
    /// How many strikes (failures) a year: a threat's rate as given (not
    /// estimated: its interval is the rate itself), the failures' mean
    /// count per year over the trials.
    pub per_year: Estimate,
    /// The money per trial (over the horizon) lost by the incidents it
    /// started: their outages and data losses.
    pub loss: Estimate,
}

/// The rows of [`Results::loss_by_threat`]: each threat with a yearly
/// rate, then independent failures (none for a drill).
fn loss_by_threat(scenario: &Scenario, samples: &Samples, mode: Mode) -> Vec<ThreatLoss> {
    let Mode::Run { horizon } = mode else {
        return Vec::new();
    };
    let Some((failures, threats)) = samples.loss_by_cause.split_last() else {
        return Vec::new();
    };
    let money = |m: &stats::Mean| Estimate::of(m, Quantity::NonNegative);
    let years = horizon / crate::scenario::HOURS_PER_YEAR;
    let mut rows: Vec<ThreatLoss> = scenario
        .threats
        .iter()
        .zip(threats)
        .filter_map(|(t, m)| {
            let rate = t.per_year()?;
            Some(ThreatLoss {
                id: t.id.clone(),
                name: t.label().to_string(),
                per_year: Estimate {
                    mean: rate,
                    ci95: [rate, rate],
                },
                loss: money(m),
            })
        })
        .collect();
    // Without failure modes nothing fails on its own: no row.
    if !scenario.components.iter().any(|c| !c.failures.is_empty()) {
        return rows;
    }
    let count = Estimate::of(&samples.independent_failures, Quantity::NonNegative);
    rows.push(ThreatLoss {
        id: INDEPENDENT_FAILURES.to_string(),
        name: INDEPENDENT_FAILURES_NAME.to_string(),
        per_year: Estimate {
            mean: count.mean / years,
            ci95: [count.ci95[0] / years, count.ci95[1] / years],
        },
        loss: money(failures),
    });
    rows
}

fn ranked(mut v: Vec<(String, f64)>) -> Vec<(String, f64)> {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn explanation(scenario: &Scenario, a: &ServiceAttribution, trials: u64) -> Explanation {
    let total: f64 = a.by_component.values().sum();
    let share = |h: f64| if total > 0.0 { h / total } else { 0.0 };
    // Indices come from this scenario's trials, or from a merge's parts
    // (checked against its scenario's digest, but not authenticated): one
    // out of range is named by its number, never a panic.
    let name = |c: u32| {
        scenario
            .components
            .get(c as usize)
            .map_or_else(|| format!("#{c}"), |x| x.id.clone())
    };
    let hit = |c: u32| {
        if c == trial::MANY_HITS {
            MANY_HITS.to_string()
        } else {
            name(c)
        }
    };
    // The component whose recovery ended an outage, or its failover
    // group's switchover.
    let last = |c: u32| {
        if c & trial::SWITCHOVER != 0 {
            format!("{} (switchover)", name(c & !trial::SWITCHOVER))
        } else {
            name(c)
        }
    };
    let breached: f64 = a.breached.values().sum();
    Explanation {
        by_component: ranked(
            a.by_component
                .iter()
                .map(|(&c, &h)| (hit(c), share(h)))
                .collect(),
        ),
        by_threat: ranked(
            a.by_threat
                .iter()
                .map(|(&t, &h)| {
                    let label = if t == model::NONE {
                        INDEPENDENT_FAILURES.to_string()
                    } else {
                        scenario
                            .threats
                            .get(t as usize)
                            .map_or_else(|| format!("#{t}"), |x| x.id.clone())
                    };
                    (label, share(h))
                })
                .collect(),
        ),
        critical_path: ranked(
            a.critical
                .iter()
                .map(|(&c, &n)| (last(c), n / trials as f64))
                .collect(),
        ),
        mtpd_breaches: ranked(
            a.breached
                .iter()
                .map(|(&c, &n)| (last(c), n / breached))
                .collect(),
        ),
    }
}

/// How the trials were drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampling {
    /// Plain Monte Carlo: every trial drawn from the scenario's law, all
    /// of the same weight.
    Plain,
    /// Stratified on the rare threats ([`rare`]).
    RareEvents {
        /// The rare threats' ids.
        threats: Vec<String>,
        /// The probability that a trial holds at least one rare strike.
        p_some: f64,
        /// Trials drawn with at least one (plain sampling: about
        /// `p_some` of them).
        trials_some: u64,
        /// The strata of the years with a rare strike, in order: each
        /// holds the years in which its threats strike and those of the
        /// strata before it do not.
        strata: Vec<RareStratum>,
        /// The pilot's trials that shared the rare trials among the strata
        /// (0: one stratum, no pilot).
        pilot_trials: u64,
        /// The effective sample size for a figure the rare threats do not
        /// touch: the plain trials that would estimate it as precisely,
        /// `1 / Σ_h P_h² / n_h` over the strata.
        effective: f64,
    },
    /// A drill stratified on the number of its rare hits
    /// ([`rare::hits`]).
    RareHits {
        /// The components the drilled threat hits with a chance below
        /// 10%, and those chances.
        targets: Vec<(String, f64)>,
        /// The strata with rare hits (those without are the rest of the
        /// trials).
        strata: Vec<HitStratum>,
        /// The probability that a trial has no rare hit.
        p_none: f64,
        /// The effective sample size for a figure the rare hits do not
        /// touch, as for [`Sampling::RareEvents`].
        effective: f64,
    },
}

/// One stratum of a drill's trials with rare hits ([`Sampling::RareHits`]).
#[derive(Debug, Clone, PartialEq)]
pub struct HitStratum {
    /// The number of rare hits in its trials.
    pub hits: u32,
    /// Whether it holds the trials with `hits` rare hits or more (the last
    /// stratum), rather than exactly `hits`.
    pub or_more: bool,
    /// Its probability under the scenario.
    pub probability: f64,
    /// The trials drawn from it.
    pub trials: u64,
}

/// One stratum of the years with a rare strike ([`Sampling::RareEvents`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RareStratum {
    /// The rare threats that define it (at least one of them strikes).
    pub threats: Vec<String>,
    /// Its probability under the scenario.
    pub probability: f64,
    /// The trials drawn from it.
    pub trials: u64,
}

/// `1 / Σ_h P_h² / n_h` over strata of probabilities `p` and trials `n`.
fn effective_trials(p: &[f64], n: &[u64]) -> f64 {
    let spread: f64 = p
        .iter()
        .zip(n)
        .filter(|(_, n)| **n > 0)
        .map(|(p, &n)| p * p / n as f64)
        .sum();
    1.0 / spread
}

impl Sampling {
    /// A drill's sampling by the rare-hit design `h`.
    pub(crate) fn of_hits(
        h: &rare::hits::HitDesign,
        scenario: &Scenario,
        model: &Model,
        trials: u64,
    ) -> Sampling {
        let p = h.probabilities();
        let counts: Vec<u64> = (0..p.len() as u8).map(|s| h.trials_in(s, trials)).collect();
        let threat = &model.threats[h.threat() as usize];
        let (targets, chances) = h.rare_targets();
        let last = p.len() - 1;
        Sampling::RareHits {
            targets: targets
                .iter()
                .zip(chances)
                .map(|(&k, &c)| {
                    let component = threat.targets[k as usize] as usize;
                    (scenario.components[component].id.clone(), c)
                })
                .collect(),
            strata: (1..p.len())
                .map(|s| HitStratum {
                    hits: s as u32,
                    or_more: s == last,
                    probability: p[s],
                    trials: counts[s],
                })
                .collect(),
            p_none: p[0],
            effective: effective_trials(p, &counts),
        }
    }

    pub(crate) fn of(design: Option<&rare::Design>, trials: u64) -> Sampling {
        let Some(d) = design else {
            return Sampling::Plain;
        };
        let strata = d.strata();
        let counts: Vec<u64> = (0..strata.len() as u8)
            .map(|h| d.trials_in(h, trials))
            .collect();
        let spread: f64 = strata
            .iter()
            .zip(&counts)
            .filter(|(_, n)| **n > 0)
            .map(|((p, _), &n)| p * p / n as f64)
            .sum();
        Sampling::RareEvents {
            threats: d.threats.clone(),
            p_some: d.p_some(),
            trials_some: trials - counts[0],
            strata: strata
                .iter()
                .zip(&counts)
                .skip(1)
                .map(|((p, threats), &n)| RareStratum {
                    threats: threats.iter().map(|t| t.to_string()).collect(),
                    probability: *p,
                    trials: n,
                })
                .collect(),
            pilot_trials: d.pilot_trials,
            effective: 1.0 / spread,
        }
    }
}

/// The tails of a run's total loss: exceeded once in 10, 100 and 200
/// trials (years, for a one-year horizon).
pub const TAIL_LEVELS: [u32; 3] = [10, 100, 200];

/// The total loss exceeded once in `one_in` trials of a run, and the mean
/// loss of the trials at least that bad, with their intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossTail {
    /// 10 for the 1-in-10 loss ([`TAIL_LEVELS`]).
    pub one_in: u32,
    /// The quantile at 1 − 1/`one_in` (value at risk) and the mean beyond
    /// it (tail value at risk).
    pub tail: stats::Tail,
}

/// Everything a report needs from one simulation; `D` is what only that
/// mode measures of each service.
#[derive(Debug, Clone)]
pub struct Results<D> {
    /// The scenario's name.
    pub scenario: String,
    /// The currency every money figure is in (the scenario's `currency`).
    pub currency: String,
    /// What was simulated: the drilled threat's index, or the run's horizon.
    pub mode: Mode,
    /// The drilled threat's id; `None` for a run.
    pub threat: Option<String>,
    /// Trials simulated.
    pub trials: u64,
    /// The seed they were drawn from.
    pub seed: u64,
    /// One per service (component of kind `service`), in scenario order.
    pub services: Vec<ServiceResult<D>>,
    /// Money lost by all services together per trial, in the scenario's
    /// currency (over the horizon in a run, not scaled to a year).
    pub loss: Summary,
    /// P(total loss > loss) at 40 levels spread geometrically over the
    /// losses seen; empty when no trial lost anything.
    pub loss_exceedance: Vec<ExceedancePoint>,
    /// The tails of the total loss of a run ([`TAIL_LEVELS`]); empty for a
    /// drill.
    pub loss_tail: Vec<LossTail>,
    /// The occurrence curve of a run: P(the costliest single incident of a
    /// trial lost more than loss), at 40 levels as `loss_exceedance` (the
    /// aggregate curve, of all the trial's losses together); empty for a
    /// drill (one incident: the same curve) and when nothing was lost. An
    /// incident is a threat's strike or an independent failure; an outage
    /// is charged to the incident during which it began, a data loss to
    /// the one that caused it.
    pub occurrence_exceedance: Vec<ExceedancePoint>,
    /// The tails of the costliest single incident's loss of a run, as
    /// `loss_tail`; empty for a drill.
    pub occurrence_tail: Vec<LossTail>,
    /// A run's loss by what started it: one row per threat that strikes
    /// on its own (in file order), then independent failures. Each loss
    /// is charged to the incident during which it began, so the rows'
    /// means add up to `loss.mean`. Empty for a drill.
    pub loss_by_threat: Vec<ThreatLoss>,
    /// Simulated events over all trials.
    pub events: u64,
    /// How the trials were drawn.
    pub sampling: Sampling,
    /// With [`Config::precision`]: what it achieved.
    pub precision: Option<PrecisionReached>,
    /// The investment options applied to the file's base scenario (a
    /// what-if, `--options`), ids in file order; empty: the base itself.
    pub options_applied: Vec<String>,
}

impl<D> Results<D> {
    /// [`Results::loss_by_threat`] in the order people read it: the causes
    /// that lost something, largest first (equal losses by id), then
    /// those that lost nothing.
    pub fn threats_by_loss(&self) -> (Vec<&ThreatLoss>, Vec<&ThreatLoss>) {
        let (mut lost, idle): (Vec<&ThreatLoss>, Vec<&ThreatLoss>) =
            self.loss_by_threat.iter().partition(|t| t.loss.mean > 0.0);
        lost.sort_by(|a, b| b.loss.mean.total_cmp(&a.loss.mean).then(a.id.cmp(&b.id)));
        (lost, idle)
    }

    /// Whether any service has a work recovery time, so that a disruption
    /// can differ from the outage it follows.
    pub fn any_wrt(&self) -> bool {
        self.services.iter().any(|s| s.has_wrt)
    }

    /// The run's horizon, hours; `None` for a drill.
    pub fn horizon_h(&self) -> Option<f64> {
        match self.mode {
            Mode::Run { horizon } => Some(horizon),
            Mode::Drill { .. } => None,
        }
    }
}

/// Drills `threat`: it strikes at t = 0 in every trial.
pub fn drill(
    scenario: &Scenario,
    threat: &str,
    config: &Config,
    progress: &dyn Progress,
) -> Result<DrillResults, SimError> {
    drill_with(scenario, threat, config, progress, false)
}

/// [`drill`], and with `explain` also what caused each service's downtime
/// and which component's recovery brought it back ([`Explanation`]).
pub fn drill_with(
    scenario: &Scenario,
    threat: &str,
    config: &Config,
    progress: &dyn Progress,
    explain: bool,
) -> Result<DrillResults, SimError> {
    if scenario.threats.is_empty() {
        return Err(SimError::NoThreats);
    }
    let Some(t) = scenario.threat_index(threat) else {
        return Err(SimError::UnknownThreat {
            given: threat.to_string(),
            known: scenario.threats.iter().map(|t| t.id.clone()).collect(),
        });
    };
    let mode = Mode::Drill { threat: t as u32 };
    execute(scenario, mode, config, progress, explain)
}

/// Simulates `horizon` hours (default: the scenario's) of random failures and threats.
pub fn run(
    scenario: &Scenario,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<RunResults, SimError> {
    run_with(scenario, horizon, config, progress, false)
}

/// [`run`], and with `explain` also what caused each service's downtime.
pub fn run_with(
    scenario: &Scenario,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
    explain: bool,
) -> Result<RunResults, SimError> {
    let mode = Mode::Run {
        horizon: horizon.unwrap_or(scenario.horizon),
    };
    execute(scenario, mode, config, progress, explain)
}

fn execute<D: Detail>(
    scenario: &Scenario,
    mode: Mode,
    config: &Config,
    progress: &dyn Progress,
    explain: bool,
) -> Result<Results<D>, SimError> {
    let graph = DependencyGraph::build(scenario);
    let model = Model::compile(scenario, &graph);
    // Whole cycles of 64 trials when run to a precision (see `Precision`).
    let cycle = rare::SLOTS;
    let first = match &config.precision {
        None => config.trials.get(),
        Some(p) => {
            let max = (p.max_trials / cycle * cycle).max(cycle);
            (config.trials.get().div_ceil(cycle) * cycle).min(max)
        }
    };
    // The service a precision names, and its target, checked before any
    // trial runs.
    let precision_service = match config.precision.as_ref().and_then(|p| p.of.service()) {
        None => None,
        Some(id) => Some(service_index(scenario, &model, id)?),
    };
    if let (Some(p), Some(s)) = (&config.precision, precision_service) {
        let svc = &model.services[s];
        let missing = match p.of {
            PrecisionOf::RtoMet(_) if svc.rto.is_none() => Some("rto"),
            PrecisionOf::RpoMet(_) if svc.rpo.is_none() => Some("rpo"),
            _ => None,
        };
        if let Some(target) = missing {
            return Err(SimError::NoTarget {
                service: scenario.components[svc.component as usize].id.clone(),
                target,
            });
        }
    }
    let design = rare::Design::for_run(
        scenario,
        &model,
        mode,
        config.plain,
        first,
        config.seed,
        &[],
    );
    let binding = design.as_ref().map(|d| d.bind(scenario, &model));
    let hits = rare::hits::HitDesign::for_drill(&model, mode, config.plain);
    let rare = match (&design, &binding, &hits) {
        (Some(d), Some(b), _) => Some(Rare::Threats(d, b)),
        (_, _, Some(h)) => Some(Rare::Hits(h)),
        _ => None,
    };
    let sampling_of = |trials: u64| match (&design, &hits) {
        (_, Some(h)) => Sampling::of_hits(h, scenario, &model, trials),
        (d, None) => Sampling::of(d.as_ref(), trials),
    };
    let Some(precision) = &config.precision else {
        let all = 0..config.trials.get();
        let samples = simulate_with(all, &model, mode, config, progress, explain, rare)?;
        let sampling = sampling_of(config.trials.get());
        return Ok(summarize(
            scenario, &model, mode, config, samples, sampling, None,
        ));
    };
    let max = (precision.max_trials / cycle * cycle).max(cycle);
    let mut n = first;
    let mut samples = simulate_with(0..n, &model, mode, config, progress, explain, rare)?;
    let relative = |s: &Samples| precision.of.relative(s, precision_service);
    while relative(&samples) > precision.relative && n < max {
        let next = (n * 2).min(max);
        let more = simulate_with(n..next, &model, mode, config, progress, explain, rare)?;
        samples.merge(&more);
        n = next;
    }
    let reached = PrecisionReached {
        target: precision.relative,
        of: precision.of.words(mode),
        relative: relative(&samples),
        reached: relative(&samples) <= precision.relative,
    };
    let sampling = sampling_of(n);
    Ok(summarize(
        scenario,
        &model,
        mode,
        config,
        samples,
        sampling,
        Some(reached),
    ))
}

/// The index among the model's services of the service `id`.
fn service_index(scenario: &Scenario, model: &Model, id: &str) -> Result<usize, SimError> {
    let c = scenario.component_index(id);
    model
        .services
        .iter()
        .position(|svc| Some(svc.component as usize) == c)
        .ok_or_else(|| SimError::UnknownService {
            given: id.to_string(),
            known: model
                .services
                .iter()
                .map(|svc| scenario.components[svc.component as usize].id.clone())
                .collect(),
        })
}

/// One drill trial traced, from the sample that [`drill`] with `config`
/// summarised: the first (lowest-numbered) trial whose recovery time of
/// `service` is the reported median `p50` at the quantile sketch's
/// resolution. Such a trial exists, since the median sample is one. The
/// trials are run again one by one (each is a pure function of the seed and
/// its number) until it is found. Returns the trial number, its recovery
/// time and the trace.
pub fn median_drill_trace(
    scenario: &Scenario,
    threat: &str,
    service: &str,
    config: &Config,
    p50: f64,
) -> Result<(u64, f64, Vec<TraceEvent>), SimError> {
    let Some(t) = scenario.threat_index(threat) else {
        return Err(SimError::UnknownThreat {
            given: threat.to_string(),
            known: scenario.threats.iter().map(|t| t.id.clone()).collect(),
        });
    };
    let graph = DependencyGraph::build(scenario);
    let model = Model::compile(scenario, &graph);
    let s = service_index(scenario, &model, service)?;
    let mode = Mode::Drill { threat: t as u32 };
    let mut trial = Trial::new(&model);
    let mut nearest: Option<(f64, u64, f64)> = None;
    for i in 0..config.trials.get() {
        trial.run(config.seed, i, mode);
        let recovery = trial.services[s].recovered_at;
        if stats::Sketch::same_bucket(recovery, p50) {
            let trace = trial.run_traced(config.seed, i, mode);
            return Ok((i, recovery, trace));
        }
        // Only if p50 did not come from this sample: the closest trial.
        let distance = (recovery - p50).abs();
        if nearest.is_none_or(|(d, _, _)| distance < d) {
            nearest = Some((distance, i, recovery));
        }
    }
    let (_, index, recovery) = nearest.expect("at least 2 trials");
    Ok((index, recovery, trial.run_traced(config.seed, index, mode)))
}

/// Turns raw samples into summaries with intervals; `D` must be the
/// detail of `mode` ([`DrillDetail`] for a drill, [`RunDetail`] for a run).
/// Every figure summarised here names its [`Quantity`] (hours and money
/// are non-negative, availability a fraction, outages a count), which
/// decides the range its interval is cut to.
pub(crate) fn summarize<D: Detail>(
    scenario: &Scenario,
    model: &Model,
    mode: Mode,
    config: &Config,
    samples: Samples,
    sampling: Sampling,
    precision: Option<PrecisionReached>,
) -> Results<D> {
    let n = samples.trials;
    let services = model
        .services
        .iter()
        .zip(samples.services.iter())
        .enumerate()
        .map(|(i, (svc, s))| {
            let c = &scenario.components[svc.component as usize];
            ServiceResult {
                id: c.id.clone(),
                name: c.label().to_string(),
                affected: s.affected.proportion(),
                downtime_h: s.downtime.summary(Quantity::NonNegative),
                disruption_h: s
                    .disruption(svc.wrt != model::NONE, mode)
                    .summary(Quantity::NonNegative),
                data_loss_h: s.data_loss.summary(Quantity::NonNegative),
                rto_met: svc.rto.map(|_| s.rto_met.proportion()),
                rpo_met: svc.rpo.map(|_| s.rpo_met.proportion()),
                mtpd_met: svc.mtpd.map(|_| s.mtpd_met.proportion()),
                total_data_loss: s.total_data_loss.proportion(),
                loss: s.loss.summary(Quantity::NonNegative),
                loss_breakdown: LossBreakdown::from_moments(&s.loss_parts),
                detail: D::from_samples(s),
                downtime_cdf: s.downtime.cdf(),
                data_loss_cdf: s.data_loss.cdf(),
                explain: samples
                    .attribution
                    .get(i)
                    .map(|a| explanation(scenario, a, n)),
                rto_h: svc.rto,
                rpo_h: svc.rpo,
                mtpd_h: svc.mtpd,
                has_wrt: svc.wrt != model::NONE,
            }
        })
        .collect();
    let loss_by_threat = loss_by_threat(scenario, &samples, mode);
    let loss = samples.total_loss.summary(Quantity::NonNegative);
    let loss_exceedance = samples.total_loss.exceedance(40);
    let tails = |sketch: &stats::Sketch| match mode {
        Mode::Drill { .. } => Vec::new(),
        Mode::Run { .. } => TAIL_LEVELS
            .into_iter()
            .map(|one_in| LossTail {
                one_in,
                tail: sketch.tail(1.0 - 1.0 / f64::from(one_in)),
            })
            .collect(),
    };
    let loss_tail = tails(&samples.total_loss);
    let occurrence_tail = tails(&samples.occurrence);
    let occurrence_exceedance = match mode {
        Mode::Drill { .. } => Vec::new(),
        Mode::Run { .. } => samples.occurrence.exceedance(40),
    };
    Results {
        scenario: scenario.name.clone(),
        currency: scenario.currency.clone(),
        mode,
        threat: match mode {
            Mode::Drill { threat } => Some(scenario.threats[threat as usize].id.clone()),
            Mode::Run { .. } => None,
        },
        trials: n,
        seed: config.seed,
        services,
        loss,
        loss_exceedance,
        loss_tail,
        occurrence_exceedance,
        occurrence_tail,
        loss_by_threat,
        events: samples.events,
        sampling,
        precision,
        options_applied: scenario.options_applied.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_than_two_trials_cannot_be_configured() {
        for n in [0, 1] {
            let err = Config::new(n, 1, 0).unwrap_err();
            // The library says what is wrong; the command line names the flag.
            assert_eq!(
                err.to_string(),
                format!("at least 2 trials are needed (got {n}): an interval needs two samples")
            );
        }
        assert_eq!(Config::new(2, 1, 0).unwrap().trials.get(), 2);
    }
}
