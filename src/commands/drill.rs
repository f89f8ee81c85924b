//! `drsim drill`: a threat strikes now; how long until each service is back?

use super::shared::{self, emit, Bar};
use crate::cli::{PrecisionArgs, SimArgs};
use anyhow::Result;
use drsim::sim;
use std::path::PathBuf;

/// Stress-test a DR plan: a threat strikes now; how long until each service is back?
#[derive(Debug, Clone, clap::Args)]
#[command(long_about = "\
Stress-test a DR plan. The threat strikes at t = 0 in every trial (each
component it selects is hit with the threat's `chance`); nothing else fails.
Each trial runs until everything is recovered: damaged components are repaired
by their teams (in priority order when a team is busy), destroyed ones are
rebuilt and restored from the newest surviving backup, failover groups switch
to their standby.

Per service: the chance it is affected, recovery time (p50/p90/p99) against
its RTO and the chance the RTO is met, data lost against its RPO, and the money
lost, each with a 95% interval.

Examples:
  drsim drill scenarios/hospital.yaml --threat ransomware
  drsim drill scenarios/bank.yaml --threat regional-disaster-london --trials 50000 --format json
  drsim drill scenarios/retail.yaml --threat cloud-region-outage --explain
  drsim drill scenarios/hospital.yaml --precision 5% --precision-of rto:ehr:ransomware")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// The threat that strikes (omit it to list the scenario's threats)
    #[arg(long)]
    threat: Option<String>,
    /// Also show, per service, which components' hits caused the downtime
    /// (the components the strike took down that the service needs share
    /// it equally; past 16, "many hits at once") and whose recovery was on
    /// the critical path
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
    let s = &*shared::what_if(&source.loaded, &args.options, &args.file)?;
    let (target, named) = shared::precision(&args.precision)?;
    let given = match (args.threat.clone(), named) {
        (Some(a), Some(b)) if a != b => {
            usage_bail!("--threat {a} and --precision-of name different threats (`{b}`); name one")
        }
        (a, b) => a.or(b),
    };
    let threat = shared::drill_threat(s, given)?;
    let config = shared::sim_config(&args.sim)?.with_precision(target.clone());
    let t = s.threat_index(&threat).expect("drill_threat checked it");
    // Run to a precision: the work ceiling holds for the most trials it may run.
    let mut ceiling = args.sim.trial.clone();
    if let Some(p) = &target {
        ceiling.trials = ceiling.trials.max(p.max_trials);
    }
    shared::affordable(&ceiling, sim::cost::drill_events(s, t))?;
    let bar = Bar::trials(&args.sim);
    let results = sim::drill_with(s, &threat, &config, &bar, args.explain)?;
    bar.finish();
    if shared::write_part("drill", &args, &source, &config)? {
        return Ok(());
    }
    emit(
        &shared::render(&results, args.sim.format),
        args.sim.output.as_deref(),
    )
}
