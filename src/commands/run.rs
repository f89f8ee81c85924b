//! `drsim run`: a year (or more) of random failures and threats.

use super::shared::{self, emit, Bar};
use crate::cli::{PrecisionArgs, SimArgs};
use anyhow::Result;
use drsim::sim;
use std::path::PathBuf;

/// Simulate a year (or more) of random failures and threats: availability and expected loss
#[derive(Debug, Clone, clap::Args)]
#[command(long_about = "\
Simulate the scenario's horizon (default one year) from all-up, with
independent failures (every: MTBF, or after: a time-to-failure distribution)
and threats arriving at random at their yearly frequencies.

Per service: availability, downtime, number of outages, the chance no outage
breaches the RTO, data lost, and money lost; plus the total loss and its
exceedance curve (P(annual loss > x)) in JSON, the bad years (1 in 10, 100,
200), and the loss by threat: each threat's strikes a year and the expected
loss of the incidents it started (components failing on their own are a row
too), adding up to the total.

Examples:
  drsim run scenarios/retail.yaml
  drsim run scenarios/bank.yaml --horizon 10y --format json > bank-risk.json")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Simulated period, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    horizon: Option<String>,
    /// Also show, per service, the share of downtime started by each
    /// component and each threat (an outage started by a strike is shared
    /// equally among the components it took down that the service needs;
    /// past 16, "many hits at once")
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    precision: PrecisionArgs,
    /// What-if: apply these investment options (ids from the scenario's
    /// `options:`, comma-separated) to the scenario before simulating; the
    /// output says which (their costs are not in the losses)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    options: Vec<String>,
    #[command(flatten)]
    pub sim: SimArgs,
}

impl shared::Sharded for Args {
    fn parts(&mut self) -> (&mut PathBuf, &mut SimArgs) {
        (&mut self.file, &mut self.sim)
    }
}

pub fn exec(args: Args) -> Result<()> {
    shared::outputs(&args.file, args.sim.output.as_deref(), None)?;
    shared::no_shard_to_precision(&args.sim, &args.precision)?;
    let source = shared::source(&args.file, &args.sim)?;
    let s = shared::what_if(&source.loaded, &args.options, &args.file)?;
    let horizon = shared::horizon(args.horizon.as_deref())?;
    let (target, threat) = shared::precision(&args.precision)?;
    if let Some(threat) = threat {
        usage_bail!("--precision-of names a threat to drill (`{threat}`): a run has none; drop `:{threat}`, or drill it with drsim drill --precision");
    }
    let config = shared::sim_config(&args.sim)?.with_precision(target.clone());
    let per_trial = sim::cost::run_events(&s, horizon.unwrap_or(s.horizon));
    // Run to a precision: the work ceiling holds for the most trials it may run.
    let mut ceiling = args.sim.trial.clone();
    if let Some(p) = &target {
        ceiling.trials = ceiling.trials.max(p.max_trials);
    }
    shared::affordable(&ceiling, per_trial)?;
    let bar = Bar::trials(&args.sim);
    let results = sim::run_with(&s, horizon, &config, &bar, args.explain)?;
    bar.finish();
    if shared::write_part("run", &args, &source, &config)? {
        return Ok(());
    }
    emit(
        &shared::render(&results, args.sim.format),
        args.sim.output.as_deref(),
    )
}
