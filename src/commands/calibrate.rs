//! `drsim calibrate`: measured durations update the scenario's estimates.

use super::shared::{emit, scenario_text};
use crate::output;
use anyhow::Result;
use drsim::calibrate::{self, actuals};
use drsim::report;
use drsim::scenario;
use std::path::PathBuf;

/// Update the scenario's duration estimates from DR tests and incidents
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Update the scenario's duration estimates from what was measured: DR tests,
restore tests, incident tickets, chaos experiments. Each estimate is
updated by Bayes' rule, the scenario's own value taken as the prior belief,
worth --prior-weight observations (default 3); with --prior-weight 0 the
observations alone decide (the maximum-likelihood fit).

ACTUALS is a CSV file, one measured duration per row:
  id        a component, or a threat (for duration, or a threat's own
            repair or rebuild)
  what      repair, rebuild, restore, detect, switchover or duration
  hours     how long it took (6.5, or 90m); or instead
  start,end RFC 3339 times (2026-03-14T02:10:00Z)
  tier      for restore: the backup tier, by number from 1 or interval (24h)
  censored  true when the work was still unfinished after that time: it
            counts as \"longer than\", not dropped, not taken as complete
  date, source   kept for the report
A switchover is named by a member of its failover group: it updates every
failover group with that member.

Lognormal estimates (and fixed, uniform, triangular and Weibull ones, read
as the lognormal with their 5th and 95th percentiles) are updated on the
log scale and written back as {lognormal: [p5, p95]}; exponential ones by
their conjugate gamma, written back as {exp: mean}. Estimates without
observations stay as they were.

The report (standard output) gives, per estimate with observations, the
observed median and p90, the estimate before and after, how many
observations fell in the estimate's own 80% band, and a verdict
(\"optimistic: 7 of 9 took longer than its p90\"). -o writes the
calibrated scenario: the file as it was, each updated value replaced in
place under a comment saying what it was, what it is now and from how many
observations.

Examples:
  drsim calibrate scenarios/hospital.yaml examples/hospital-dr-test-2026.csv
  drsim calibrate scenarios/hospital.yaml examples/hospital-dr-test-2026.csv \\
      -o hospital-calibrated.yaml
  drsim calibrate FILE ACTUALS.csv --prior-weight 0 --format json")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// The measured durations (CSV)
    actuals: PathBuf,
    /// Write the calibrated scenario to this file
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// How many observations the scenario's own estimate is worth
    #[arg(long, default_value_t = calibrate::fit::DEFAULT_PRIOR_WEIGHT, value_name = "N")]
    prior_weight: f64,
    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn exec(args: Args) -> Result<()> {
    if !(args.prior_weight.is_finite() && args.prior_weight >= 0.0 && args.prior_weight <= 1e6) {
        usage_bail!(
            "--prior-weight {}: give how many observations the scenario's estimate is worth, from 0 (the observations alone) up, e.g. 3",
            args.prior_weight
        );
    }
    if let Some(out) = &args.output {
        output::check(&args.file, &[output::Planned::File("-o", Some(out))])?;
    }
    let (src, name) = scenario_text(&args.file)?;
    let loaded = scenario::load_str(&src, &name)?;
    let measured = actuals::read(&args.actuals)?;
    let actuals_name =
        scenario::escape_unsafe(&args.actuals.display().to_string(), false).into_owned();
    let result = calibrate::calibrate(&src, &name, &measured, &actuals_name, args.prior_weight)?;
    let title = &loaded.scenario.name;
    let text = match args.format {
        Format::Text => report::calibrate::text(&result, title, &actuals_name),
        Format::Json => report::calibrate::json(&result, title, &actuals_name),
    };
    if let Some(out) = &args.output {
        emit(&result.yaml, Some(out))?;
    }
    emit(&text, None)
}
