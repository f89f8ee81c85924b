//! `drsim sensitivity`: which uncertain input matters most? A tornado.

use super::shared::{self, Bar};
use crate::cli::SimArgs;
use anyhow::Result;
use drsim::{report, sim};
use std::path::PathBuf;

/// Which uncertain input matters most? A tornado of low/high settings
#[derive(Debug, Clone, clap::Args)]
#[command(long_about = "\
Which of your estimates matters most? A tornado: each uncertain input is set
low and then high, one at a time, with everything else as given, and the
inputs are ranked by how far that moves the answer (the swing).

Inputs and their low/high settings:
  threat and failure frequencies         ×0.5 and ×2
  repair, rebuild, detect, restore,
  switchover and disruption times        every value of the distribution ×0.5 and ×2
  team sizes                             −1 and +1 (never below 1)
  backup intervals                       ×0.5 and ×2
Inputs that cannot change the metric are left out (the repair time of a
component nothing damages; frequencies in a drill).

By default an input is a class: one parameter on every component of a kind
moves as one row (`server repair (492 components)`: every server's repair time ×0.5,
then ×2), so a large estate has a few dozen rows, and the question answered
is: do server repairs matter more than our DBA team? Threats' and teams'
inputs are rows of their own, as is a class that sets a single value. With
--per-component every component's parameter is a row of its own (thousands
on a large estate, each costing two more runs).

Every variant runs on the same random numbers as the scenario itself, so a
swing of a few percent is still measured, not noise; each swing carries its
paired 95% interval. Spend your estimating effort on the top rows: a better
number for a bottom row would not change the decision.

A variant is simulated only in trials where its input comes into play (a
repair time only when that component breaks), but a large scenario still
costs many runs' worth of time: try --trials 2000 for a first look.

Screening: over 100 rows (e.g. --per-component on an estate) and at least
5,120 trials, every row first runs the first tenth of the trials; only rows
whose swing's 95% interval reaches the 40th largest go on to all of them
(with exactly the figures they would have had unscreened). The output says
so, and each row's trials (a Trials column; `trials` in JSON and CSV).

Metrics:
  ale                    expected annual loss over a run (default)
  rto:SERVICE:THREAT     P(RTO met) for SERVICE when THREAT strikes (a drill)

Examples:
  drsim sensitivity scenarios/hospital.yaml
  drsim sensitivity scenarios/hospital.yaml --metric rto:ehr:ransomware
  drsim sensitivity scenarios/bank.yaml --top 30 --format csv -o tornado.csv
  drsim sensitivity scenarios/retail.yaml --trials 2000 --chart tornado.png")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// What to rank inputs by: `ale`, or `rto:SERVICE:THREAT`
    #[arg(long, default_value = "ale")]
    metric: String,
    /// How many inputs to show, largest swing first
    #[arg(long, default_value_t = 15)]
    top: usize,
    /// Also draw the tornado chart into this file: `.svg` or `.png`
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Simulated period for `ale`, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    horizon: Option<String>,
    /// One input per component and parameter, instead of one per kind of
    /// component and parameter (`server repair`)
    #[arg(long)]
    per_component: bool,
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
    let metric = sim::Metric::parse(&args.metric).map_err(with_flag)?;
    if args.horizon.is_some() && metric != sim::Metric::Ale {
        usage_bail!(
            "--horizon applies to --metric ale only: a drill runs until everything is recovered"
        );
    }
    if args.top == 0 {
        usage_bail!("--top must be at least 1, e.g. --top 15");
    }
    let horizon = shared::horizon(args.horizon.as_deref())?;
    let config = shared::sim_config(&args.sim)?;
    let grain = if args.per_component {
        sim::Grain::Component
    } else {
        sim::Grain::Class
    };
    let per_trial = sim::cost::sensitivity_events(&loaded.scenario, &metric, horizon, grain);
    shared::affordable(&args.sim.trial, per_trial)?;
    let bar = Bar::trials(&args.sim);
    let mut result =
        sim::sensitivity_with(&loaded.scenario, &metric, horizon, grain, &config, &bar)
            .map_err(with_flag)?;
    bar.finish();
    if shared::write_part("sensitivity", &args, &source, &config)? {
        return Ok(());
    }
    report::sensitivity::rank(&mut result, args.top);
    shared::finish(
        &args.sim,
        chart,
        || report::charts::tornado::figure(&result),
        [
            report::sensitivity::text,
            report::sensitivity::json,
            report::sensitivity::csv,
        ],
        &result,
    )
}

/// The library's errors about a metric say what is wrong; on the command
/// line they also say what to give `--metric`.
fn with_flag(e: sim::SensitivityError) -> anyhow::Error {
    use sim::SensitivityError as E;
    match e {
        E::BadMetric(_) => usage_error!("{e}, e.g. --metric rto:ehr:ransomware"),
        E::NoRto(_) => usage_error!("{e} or use --metric ale"),
        E::UnknownService { .. } | E::NotAService { .. } | E::Sim(_) => e.into(),
    }
}
