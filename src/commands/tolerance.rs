//! `drsim tolerance`: the impact tolerance self-assessment, per service
//! with an MTPD and drilled threat.

use super::shared::{self, emit, Bar};
use crate::cli::{OutputFormat, TrialArgs};
use anyhow::{bail, Result};
use drsim::report::{json, tolerance};
use drsim::sim;
use std::path::PathBuf;

/// Impact tolerance: can each service stay within its MTPD in severe but plausible scenarios?
#[derive(Debug, Clone, clap::Args)]
#[command(long_about = "\
Impact tolerance self-assessment, in the terms of the UK FCA PS21/3 and PRA
SS1/21 (and of DORA's tested recovery objectives): for each service with an
`mtpd` (its impact tolerance) and each drilled threat (a severe but
plausible scenario):

  P(within)      the chance its disruption (outage plus work recovery
                 time) stays within the MTPD, with its 95% interval;
  Disruption p90 the disruption 1 strike in 10 exceeds;
  What breaks it of the strikes that breach the tolerance, whose recovery
                 brought the service back last (share of those strikes);
  Breach point   how much longer every recovery (detection, repair,
                 rebuild, restore, switchover, a disruption's length, the
                 work recovery time) can take before the service stays
                 within tolerance in fewer than 90% of strikes, or below
                 1x, how much faster it must be to. Found by bisection on
                 the same simulated strikes (common random numbers), to
                 within 1%, searched from 0.01x to 100x; its interval is
                 where the chance's 95% interval crosses 90%.

Each breach point takes a few more drills of the threat: expect about ten
to twenty times the time of one drill per service with an MTPD. The
figures carry sampling error only; simulation supplements real recovery
tests, it does not replace them.

--format csv writes one row per threat and service; --format json the same
figures per threat (see the README, \"Impact tolerance\").

Examples:
  drsim tolerance scenarios/hospital.yaml
  drsim tolerance scenarios/bank.yaml --threats ransomware --format json")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Threats to drill, comma-separated; `all` (the default)
    #[arg(long, alias = "threat", value_delimiter = ',')]
    threats: Vec<String>,
    /// What-if: apply these investment options (ids from the scenario's
    /// `options:`, comma-separated) before simulating
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    options: Vec<String>,
    #[command(flatten)]
    trial: TrialArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// No progress bar
    #[arg(short, long)]
    quiet: bool,
}

pub fn exec(args: Args) -> Result<()> {
    shared::outputs(&args.file, args.output.as_deref(), None)?;
    let loaded = shared::load(&args.file)?;
    let s = &*shared::what_if(&loaded, &args.options, &args.file)?;
    if s.threats.is_empty() {
        bail!(
            "{}: the scenario has no threats to drill; add one under `threats:`",
            args.file.display()
        );
    }
    let threats = shared::threats(s, &args.threats)?;
    if threats.is_empty() {
        usage_bail!("--threats none: the impact tolerance is judged after threats; name some, or leave --threats out for all");
    }
    let config = shared::config(&args.trial)?;
    // The first drill of each threat, then the breach points' drills.
    let per_trial: f64 = threats
        .iter()
        .filter_map(|t| s.threat_index(t))
        .map(|t| sim::cost::tolerance_events(s, t))
        .sum();
    shared::affordable(&args.trial, per_trial)?;
    let bar = Bar::stages(args.quiet);
    bar.0.set_message("drills, bisected");
    let results = sim::tolerance::tolerances(s, &threats, &config, &bar)?;
    bar.finish();
    let text = match args.format {
        OutputFormat::Text => tolerance::text(&results),
        OutputFormat::Json => json::text(tolerance::json(&results)),
        OutputFormat::Csv => tolerance::csv(&results),
    };
    emit(&text, args.output.as_deref())
}
