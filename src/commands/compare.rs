//! `drsim compare`: investment options, risk reduced versus cost, on common
//! random numbers.

use super::shared::{self, Bar};
use crate::cli::SimArgs;
use anyhow::Result;
use drsim::{report, sim};
use std::path::PathBuf;

/// Compare investment options: risk reduced versus cost, on common random numbers
#[derive(Debug, Clone, clap::Args)]
#[command(long_about = "\
Compare the scenario's investment options (its `options:` section: patches
such as a standby database, immutable backups, a bigger team, each with an
upfront and yearly cost) with the base scenario.

Every trial runs the base and each option on the same random numbers: a
component's failures, repairs and threat hits depend only on the seed, the
trial and the component's id, so whatever an option does not change sees
exactly the same events. The change in expected annual loss therefore comes
with a much narrower (paired) interval than two separate runs would give.

Per option:
  Annual cost      upfront / lifetime + per year
  Loss change/yr   the option's expected annual loss minus the base's, on the
                   same simulated years, with its paired 95% interval
  Net benefit/yr   the reduction in expected annual loss minus the annual cost
  ROI              net benefit / annual cost
  Payback          years for the loss reduction, net of running costs, to
                   repay the upfront cost; shown only within the lifetime
  P(better year)   the share of simulated years in which the loss with the
                   option plus its annual cost is below the loss without it
For each drilled threat: the change in P(RTO met), P(RPO met) and P(all data
lost: no recovery point left to restore) per service, in percentage points.

The package, said first: the set of options to buy. Each set is simulated
with all its options' changes applied, on the same trials (substitutes and
complements are judged as they are, not by adding single effects); the
package is the set with the highest net benefit whose annual costs add up to
no more than --budget. Options that change the same key of the same item,
or cannot otherwise be applied together, are never combined (and are named).
With the scenario's risk_tolerance: whether the package keeps the loss
exceedance curve within it, and the cheapest set that does. The package is
compared pair by pair with the 7 next best sets: the runner-up comes with
the 95% interval of the gap in net benefit, and one holding zero means the
trials cannot tell the two apart (the text names any such set). Every set
is simulated while there are at most 64, else the search is greedy (add the
best option, or every paying one at once, drop one that no longer pays,
until neither helps). --no-package skips it.

Examples:
  drsim compare scenarios/hospital.yaml
  drsim compare scenarios/hospital.yaml --budget 50k --threats none
  drsim compare scenarios/bank.yaml --options cyber-vault --threats ransomware
  drsim compare scenarios/retail.yaml --threats none --format json
  drsim compare scenarios/hospital.yaml --threats none --chart options.svg")]
pub struct Args {
    /// Scenario file (YAML) with an `options:` section; `-` reads it from
    /// standard input
    file: PathBuf,
    /// Options to compare, by id, comma-separated (default: all)
    #[arg(long, value_delimiter = ',')]
    options: Vec<String>,
    /// Threats to drill for the change in P(RTO met), P(RPO met) and P(all data lost),
    /// comma-separated; `all` (the default) or `none`
    #[arg(long, alias = "threat", value_delimiter = ',')]
    threats: Vec<String>,
    /// The most the options bought may cost together, money per year
    /// (annual cost: upfront / lifetime + per year), e.g. 150000 or 150k;
    /// the package is the best set within it (default: no cap)
    #[arg(long, value_name = "AMOUNT")]
    budget: Option<String>,
    /// Judge the options one at a time only: no search for the best set
    /// (which simulates every set that can be applied together, up to 64,
    /// or greedily beyond)
    #[arg(long, conflicts_with = "budget")]
    no_package: bool,
    /// Simulated period of the risk run, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    horizon: Option<String>,
    /// Also draw cost against remaining loss, with the efficient frontier,
    /// into this file: `.svg` or `.png`
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

impl shared::Sharded for Args {
    fn parts(&mut self) -> (&mut PathBuf, &mut SimArgs) {
        (&mut self.file, &mut self.sim)
    }
    fn chart(&mut self) -> Option<&mut Option<PathBuf>> {
        Some(&mut self.chart)
    }
}

pub fn exec(args: Args) -> Result<()> {
    let chart = shared::chart(args.chart.as_deref())?;
    shared::outputs(
        &args.file,
        args.sim.output.as_deref(),
        args.chart.as_deref(),
    )?;
    let source = shared::source(&args.file, &args.sim)?;
    let loaded = &source.loaded;
    let options = shared::options(loaded, &args.options, &args.file)?;
    let threats = shared::threats(&loaded.scenario, &args.threats)?;
    let horizon = shared::horizon(args.horizon.as_deref())?;
    let config = shared::sim_config(&args.sim)?;
    let budget = args
        .budget
        .as_deref()
        .map(|b| shared::money("--budget", b))
        .transpose()?;
    let s = &loaded.scenario;
    let plan = if args.no_package {
        sim::Plan::off()
    } else {
        sim::Plan::new(&options, budget, !s.risk_tolerance.is_empty())
    };
    let per_trial = sim::cost::compare_events(s, &options, &plan, horizon, &threats);
    shared::affordable(&args.sim.trial, per_trial)?;
    let bar = Bar::trials(&args.sim);
    let result = sim::compare(s, &options, &plan, horizon, &threats, &config, &bar)?;
    bar.finish();
    if shared::write_part("compare", &args, &source, &config)? {
        return Ok(());
    }
    shared::finish(
        &args.sim,
        chart,
        || report::charts::frontier::figure(&result),
        [
            report::compare::text,
            report::compare::json,
            report::compare::csv,
        ],
        &result,
    )
}
