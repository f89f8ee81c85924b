//! `drsim calibrate`: measured durations update the scenario's estimates.

use super::shared::{self, emit, scenario_text, Bar};
use crate::cli::TrialArgs;
use crate::output;
use anyhow::Result;
use drsim::calibrate::{self, actuals};
use drsim::report;
use drsim::scenario::{self, InvestmentOption};
use drsim::sim;
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
place, with a comment above its component or threat saying what it was, what it is now and from how many
observations.

Then it says what calibration changes for the board: the expected annual
loss before and after, and P(RTO met) per service in a drill of each threat
(--threats, default all), on common random numbers (the two versions of
the scenario see the same failures and strikes), with paired 95%
intervals; and lists the duration estimates no observation tested, by how
much each moves the expected annual loss when halved and doubled (the
sensitivity tornado, per component): test those first. --estimates-only
skips both simulations.

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
    /// Threats to drill for the change in P(RTO met), comma-separated;
    /// `all` (the default) or `none`
    #[arg(long, alias = "threat", value_delimiter = ',')]
    threats: Vec<String>,
    /// Simulated period of the risk run, e.g. 1y (default: the scenario's horizon)
    #[arg(long)]
    horizon: Option<String>,
    /// Only update the estimates: do not simulate what the change does
    #[arg(long)]
    estimates_only: bool,
    /// No progress bar
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    trial: TrialArgs,
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Checks a prior weight given on the command line.
pub fn prior_weight(weight: f64) -> Result<f64> {
    if !(weight.is_finite() && (0.0..=1e6).contains(&weight)) {
        usage_bail!(
            "--prior-weight {weight}: give how many observations the scenario's estimate is worth, from 0 (the observations alone) up, e.g. 3"
        );
    }
    Ok(weight)
}

/// What calibration found and what it changes: shared by `calibrate` and
/// `report --actuals`.
pub struct Assessed {
    /// The estimates updated and the calibrated file.
    pub result: calibrate::Calibration,
    /// The actuals file, as messages name it.
    pub actuals_name: String,
    /// The calibrated scenario against the original on common random
    /// numbers (`None` when nothing changed or not simulated).
    pub impact: Option<sim::Comparison>,
    /// The estimates never tested, largest swing first (`None` when not
    /// simulated).
    pub untested: Option<Vec<calibrate::Untested>>,
}

/// Calibrates the scenario `src` (named `name`, loaded as `base`) with the
/// actuals at `actuals`; unless `estimates_only`, simulates what the
/// calibration changes and which estimates were never tested.
#[allow(clippy::too_many_arguments)]
pub fn assess(
    base: &scenario::Scenario,
    src: &str,
    name: &str,
    actuals: &std::path::Path,
    weight: f64,
    threats: &[String],
    horizon: Option<f64>,
    trial: &TrialArgs,
    estimates_only: bool,
    bar: &Bar,
) -> Result<Assessed> {
    let measured = actuals::read(actuals)?;
    let actuals_name = scenario::escape_unsafe(&actuals.display().to_string(), false).into_owned();
    let result = calibrate::calibrate(src, name, &measured, &actuals_name, weight)?;
    if estimates_only {
        return Ok(Assessed {
            result,
            actuals_name,
            impact: None,
            untested: None,
        });
    }
    let config = shared::config(trial)?;
    let plan = sim::Plan::off();
    let variant = if result.estimates.is_empty() {
        Vec::new()
    } else {
        let calibrated = scenario::load_str(&result.yaml, name)?.scenario;
        vec![InvestmentOption::variant(
            "calibrated",
            "Calibrated",
            calibrated,
        )]
    };
    let metric = sim::Metric::Ale;
    let grain = sim::Grain::Component;
    let per_trial = sim::cost::sensitivity_events(base, &metric, horizon, grain)
        + if variant.is_empty() {
            0.0
        } else {
            sim::cost::compare_events(base, &variant, &plan, horizon, threats)
        };
    shared::affordable(trial, per_trial)?;
    let impact = if variant.is_empty() {
        None
    } else {
        bar.0.set_message("calibrated against the original");
        Some(sim::compare(
            base, &variant, &plan, horizon, threats, &config, bar,
        )?)
    };
    // The estimates never tested, by how much they matter: a tornado of
    // every input, each estimate halved and doubled.
    bar.0.set_message("estimates never tested");
    let tornado = sim::sensitivity_with(base, &metric, horizon, grain, &config, bar)?;
    let untested = calibrate::untested(base, &result, &tornado);
    Ok(Assessed {
        result,
        actuals_name,
        impact,
        untested: Some(untested),
    })
}

pub fn exec(args: Args) -> Result<()> {
    let weight = prior_weight(args.prior_weight)?;
    if let Some(out) = &args.output {
        output::check(&args.file, &[output::Planned::File("-o", Some(out))])?;
    }
    let (src, name) = scenario_text(&args.file)?;
    let loaded = scenario::load_str(&src, &name)?;
    let base = &loaded.scenario;
    let threats = shared::threats(base, &args.threats)?;
    let horizon = shared::horizon(args.horizon.as_deref())?;
    let bar = Bar::stages(args.quiet);
    let a = assess(
        base,
        &src,
        &name,
        &args.actuals,
        weight,
        &threats,
        horizon,
        &args.trial,
        args.estimates_only,
        &bar,
    )?;
    bar.finish();
    let report = report::calibrate::CalibrationReport {
        calibration: &a.result,
        actuals: &a.actuals_name,
        impact: a.impact.as_ref(),
        untested: a.untested.as_deref(),
    };
    let text = match args.format {
        Format::Text => report::calibrate::text(&report, &base.name),
        Format::Json => report::calibrate::json(&report, &base.name),
    };
    if let Some(out) = &args.output {
        emit(&a.result.yaml, Some(out))?;
    }
    emit(&text, None)
}
