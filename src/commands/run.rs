//! `drsim run`: a year (or more) of random failures and threats.

use super::shared::{self, emit, load, Bar};
use crate::cli::SimArgs;
use anyhow::{anyhow, Result};
use drsim::sim;
use std::path::PathBuf;

/// Simulate a year (or more) of random failures and threats: availability and expected loss
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Simulate the scenario's horizon (default one year) from all-up, with
independent failures (every: MTBF, or after: a time-to-failure distribution)
and threats arriving at random at their yearly frequencies.

Per service: availability, downtime, number of outages, the chance no outage
breaches the RTO, data lost, and money lost; plus the total loss and its
exceedance curve (P(annual loss > x)) in JSON.

Examples:
  drsim run scenarios/retail.yaml
  drsim run scenarios/bank.yaml --horizon 10y --format json > bank-risk.json")]
pub struct Args {
    /// Scenario file (YAML)
    file: PathBuf,
    /// Simulated period, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    horizon: Option<String>,
    /// Also show, per service, the share of downtime started by each
    /// component and each threat
    #[arg(long)]
    explain: bool,
    /// Run to a precision: double the trials (from --trials) until the 95%
    /// interval of the expected total loss is within this share of it,
    /// e.g. 0.05 or 5%; the output says how many trials it took
    #[arg(long, value_name = "REL")]
    precision: Option<String>,
    /// The most trials --precision may run
    #[arg(long, default_value_t = 1_000_000, requires = "precision")]
    max_trials: u64,
    #[command(flatten)]
    sim: SimArgs,
}

/// `--precision`: a share above 0 and below 1, as `0.05` or `5%`.
fn precision(text: &str, max_trials: u64) -> Result<sim::Precision> {
    let (number, scale) = match text.trim().strip_suffix('%') {
        Some(p) => (p, 0.01),
        None => (text.trim(), 1.0),
    };
    let relative = number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|x| x * scale)
        .filter(|x| *x > 0.0 && *x < 1.0)
        .ok_or_else(|| {
            anyhow!("--precision must be a share above 0 and below 1, such as 0.05 or 5% (got `{text}`)")
        })?;
    let max_trials = sim::Trials::new(max_trials)
        .map_err(|_| {
            anyhow!(
                "--max-trials must be between {} and {} (got {max_trials})",
                sim::Trials::MIN,
                sim::Trials::MAX
            )
        })?
        .get();
    Ok(sim::Precision {
        relative,
        max_trials,
    })
}

pub fn exec(args: Args) -> Result<()> {
    shared::outputs(&args.file, args.sim.output.as_deref(), None)?;
    let loaded = load(&args.file)?;
    let horizon = shared::horizon(args.horizon.as_deref())?;
    let target = args
        .precision
        .as_deref()
        .map(|p| precision(p, args.max_trials))
        .transpose()?;
    let config = shared::config(&args.sim.trial)?.with_precision(target);
    let per_trial =
        sim::cost::run_events(&loaded.scenario, horizon.unwrap_or(loaded.scenario.horizon));
    // Run to a precision: the work ceiling holds for the most trials it may run.
    let mut ceiling = args.sim.trial.clone();
    if let Some(p) = target {
        ceiling.trials = ceiling.trials.max(p.max_trials);
    }
    shared::affordable(&ceiling, per_trial)?;
    let bar = Bar::trials(&args.sim);
    let results = sim::run_with(&loaded.scenario, horizon, &config, &bar, args.explain)?;
    bar.finish();
    emit(
        &shared::render(&results, args.sim.format),
        args.sim.output.as_deref(),
    )
}
