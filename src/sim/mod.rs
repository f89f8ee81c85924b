//! The Monte Carlo engine: a compiled model, counter-based random streams,
//! one discrete-event trial, and a parallel runner whose results do not
//! depend on the number of threads.
//!
//! ```
//! use drsim::{scenario, sim};
//! let yaml = "name: Demo\ncomponents:\n  - {id: app, kind: application, repair: 2h}\n  - {id: shop, kind: service, depends_on: [app], rto: 4h}\nthreats:\n  - {id: crash, hits: {components: [app]}, effect: damage}\n";
//! let s = scenario::load_str(yaml, "demo.yaml").unwrap().scenario;
//! let config = sim::Config { trials: 100, seed: 1, threads: 1 };
//! let results = sim::drill(&s, "crash", &config, &sim::NoProgress).unwrap();
//! assert_eq!(results.services[0].recovery_h.unwrap().mean, 2.0);
//! ```

mod compare;
mod model;
mod queue;
pub mod rng;
mod runner;
mod trial;

pub use compare::{compare, Change, Comparison, DrillChange, OptionResult, ServiceDrillChange};
pub use model::Model;
pub use runner::{simulate, Samples, ServiceSamples};
pub use trial::{Mode, ServiceOutcome, Trial};

use crate::graph::DependencyGraph;
use crate::scenario::Scenario;
use crate::stats::{self, ExceedancePoint, Proportion, Summary};
use thiserror::Error;

/// How many trials, from which seed, on how many threads.
#[derive(Debug, Clone)]
pub struct Config {
    pub trials: u64,
    pub seed: u64,
    /// 0: all cores.
    pub threads: usize,
}

/// Receives progress from the runner; the CLI turns it into a bar.
pub trait Progress: Sync {
    /// `done` of `total` trials are finished.
    fn update(&self, _done: u64, _total: u64) {}
}

/// Reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

#[derive(Debug, Error)]
pub enum SimError {
    #[error("unknown threat `{given}`{}", suggestion(given, known))]
    UnknownThreat { given: String, known: Vec<String> },
    #[error("the scenario has no threats to drill; add one under `threats:`")]
    NoThreats,
    #[error("--trials must be at least 2 (got {0}): an interval needs two samples")]
    TooFewTrials(u64),
    #[error("could not start {threads} threads: {message}")]
    Threads { threads: usize, message: String },
}

fn suggestion(given: &str, known: &[String]) -> String {
    let mut out = String::new();
    if let Some(s) = crate::scenario::suggest(given, known.iter().map(String::as_str)) {
        out.push_str(&format!("; did you mean `{s}`?"));
    }
    out.push_str(&format!("\nthreats in this scenario: {}", known.join(", ")));
    out
}

/// Per-service results of a drill or a run.
#[derive(Debug, Clone)]
pub struct ServiceResult {
    pub id: String,
    pub name: String,
    pub affected: Proportion,
    /// Drill only: hours from the strike until it is back for good.
    pub recovery_h: Option<Summary>,
    pub downtime_h: Summary,
    pub data_loss_h: Summary,
    pub rto_met: Option<Proportion>,
    pub rpo_met: Option<Proportion>,
    pub mtpd_met: Option<Proportion>,
    pub total_data_loss: Proportion,
    /// Run only: fraction of the horizon available.
    pub availability: Option<Summary>,
    pub outages: Option<Summary>,
    pub rto_breaches: Option<Summary>,
    pub loss: Summary,
    pub rto_h: Option<f64>,
    pub rpo_h: Option<f64>,
    pub mtpd_h: Option<f64>,
}

/// Everything a report needs from one simulation.
#[derive(Debug, Clone)]
pub struct Results {
    pub scenario: String,
    pub currency: String,
    pub mode: Mode,
    pub threat: Option<String>,
    pub trials: u64,
    pub seed: u64,
    pub services: Vec<ServiceResult>,
    pub loss: Summary,
    pub loss_exceedance: Vec<ExceedancePoint>,
    /// Simulated events over all trials.
    pub events: u64,
}

impl Results {
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
) -> Result<Results, SimError> {
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
    execute(scenario, mode, config, progress)
}

/// Simulates `horizon` hours (default: the scenario's) of random failures and threats.
pub fn run(
    scenario: &Scenario,
    horizon: Option<f64>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Results, SimError> {
    let mode = Mode::Run {
        horizon: horizon.unwrap_or(scenario.horizon),
    };
    execute(scenario, mode, config, progress)
}

fn execute(
    scenario: &Scenario,
    mode: Mode,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Results, SimError> {
    if config.trials < 2 {
        return Err(SimError::TooFewTrials(config.trials));
    }
    let graph = DependencyGraph::build(scenario);
    let model = Model::compile(scenario, &graph);
    let samples = simulate(&model, mode, config, progress)?;
    Ok(summarize(scenario, &model, mode, config, samples))
}

/// Turns raw samples into summaries with intervals.
pub fn summarize(
    scenario: &Scenario,
    model: &Model,
    mode: Mode,
    config: &Config,
    samples: Samples,
) -> Results {
    let n = samples.trials;
    let drill = matches!(mode, Mode::Drill { .. });
    let services = model
        .services
        .iter()
        .zip(samples.services.iter())
        .map(|(svc, s)| {
            let c = &scenario.components[svc.component as usize];
            ServiceResult {
                id: c.id.clone(),
                name: c.label().to_string(),
                affected: stats::wilson(s.affected, n),
                recovery_h: drill.then(|| s.recovery.summary()),
                downtime_h: s.downtime.summary(),
                data_loss_h: s.data_loss.summary(),
                rto_met: svc.rto.map(|_| stats::wilson(s.rto_met, n)),
                rpo_met: svc.rpo.map(|_| stats::wilson(s.rpo_met, n)),
                mtpd_met: svc.mtpd.map(|_| stats::wilson(s.mtpd_met, n)),
                total_data_loss: stats::wilson(s.total_data_loss, n),
                availability: (!drill).then(|| s.availability.summary()),
                outages: (!drill).then(|| s.outages.summary()),
                rto_breaches: (!drill).then(|| s.rto_breaches.summary()),
                loss: s.loss.summary(),
                rto_h: svc.rto,
                rpo_h: svc.rpo,
                mtpd_h: svc.mtpd,
            }
        })
        .collect();
    let loss = samples.total_loss.summary();
    let loss_exceedance = samples.total_loss.exceedance(40);
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
        events: samples.events,
    }
}
