//! `drsim report`: runs the annual simulation, a drill per selected threat,
//! the options comparison and one traced trial, then writes the HTML report
//! (and, with `--charts`, every chart as SVG, PNG and CSV), all renamed into
//! place together.

use super::shared::{self, Bar};
use crate::cli::TrialArgs;
use crate::output;
use anyhow::{anyhow, Result};
use drsim::report::html;
use drsim::{graph, report, scenario, sim};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Write a board report: one self-contained HTML file with charts and plain words
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Write a board report: the annual risk simulation, a drill of each selected
threat, the impact tolerance and the options' comparison, in one
self-contained HTML file (inline CSS and SVG charts, no scripts, nothing
fetched; prints on A4, the dependency graphs on landscape pages).

First, the summary for the board: the recommended package (what to buy, its
cost, the expected annual loss and the 1-in-100-year loss before and after,
and whether the loss curve then keeps within the board's risk tolerance);
the expected annual loss today with its 1-in-10 and 1-in-100 years; the
appetite verdict; where the expected loss comes from (each threat's strikes
a year, expected loss and share, and independent failures, adding up to the
total); the services likely to miss their RTO, RPO or MTPD; and the impact
tolerance verdict. Then the evidence: loss exceedance with the risk
tolerance, the options (a table, and cost against remaining loss with the
efficient frontier), the impact tolerance self-assessment (as `drsim
tolerance` prints it), a heat map of P(RTO met) by threat and service,
annual downtime, each service's single points of failure and the top causes
of its downtime, the recovery timeline of one representative trial, and what
each important business service needs (its dependency graph). An appendix
gives each threat one block (a sentence, its table, recovery time and data
loss); last, the method (version, scenario SHA-256, seed, trials,
assumptions).

With --charts DIR, every chart is also written as SVG and PNG, with the data
behind it as CSV.

Examples:
  drsim report scenarios/hospital.yaml -o hospital-report.html
  drsim report scenarios/bank.yaml --threats ransomware,regional-disaster-london --charts charts/")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Threats to drill, comma-separated; `all` (the default) or `none`
    #[arg(long, alias = "threat", value_delimiter = ',')]
    threats: Vec<String>,
    /// What-if: apply these investment options (ids from the scenario's
    /// `options:`, comma-separated) before simulating; the report says so
    /// at the top and leaves out the options' comparison
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    options: Vec<String>,
    #[command(flatten)]
    trial: TrialArgs,
    /// Write the HTML to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Also write every chart as SVG and PNG, and its data as CSV, into this directory
    #[arg(long)]
    charts: Option<PathBuf>,
    /// DR tests and incidents (a CSV file of measured durations, as for
    /// `drsim calibrate`): adds a section on what they showed of each
    /// estimate, what calibrating changes, and the estimates never tested
    #[arg(long, value_name = "ACTUALS.csv", conflicts_with = "options")]
    actuals: Option<PathBuf>,
    /// With --actuals: how many observations each estimate counts as
    #[arg(long, default_value_t = drsim::calibrate::fit::DEFAULT_PRIOR_WEIGHT, value_name = "N", requires = "actuals")]
    prior_weight: f64,
    /// No progress bar
    #[arg(short, long)]
    quiet: bool,
}

pub fn exec(args: Args) -> Result<()> {
    // Like shared::outputs, with the chart directory.
    output::check(
        &args.file,
        &[
            output::Planned::File("-o", args.output.as_deref()),
            output::Planned::Dir("--charts", args.charts.as_deref()),
        ],
    )?;
    // Read once: the digest and the scenario come from the same bytes, and
    // a pipe can be read only once.
    let bytes = scenario::read_path(&args.file)?;
    let loaded = scenario::load_bytes(&bytes, &scenario::source_name(&args.file))?;
    let s = &*shared::what_if(&loaded, &args.options, &args.file)?;
    // A what-if's report compares no options: they are patches on the base.
    let options = if args.options.is_empty() {
        &loaded.options[..]
    } else {
        &[]
    };
    let threats = shared::threats(s, &args.threats)?;
    let config = shared::config(&args.trial)?;
    // The annual run, a drill of each threat and the options' comparison
    // (which runs the base again).
    // Each drill, and the impact tolerance's breach points after it.
    let drills: f64 = threats
        .iter()
        .filter_map(|t| s.threat_index(t))
        .map(|t| sim::cost::tolerance_events(s, t))
        .sum();
    let plan = sim::Plan::new(options, None, !s.risk_tolerance.is_empty());
    let per_trial = sim::cost::run_events(s, s.horizon)
        + drills
        + if options.is_empty() {
            0.0
        } else {
            sim::cost::compare_events(s, options, &plan, None, &[])
        };
    shared::affordable(&args.trial, per_trial)?;
    let bar = Bar::stages(args.quiet);
    let started = Instant::now();
    bar.0.set_message("annual risk");
    // With the downtime explained: it costs little, and the report shows it.
    let annual = sim::run_with(s, None, &config, &bar, true)?;
    let mut drills = Vec::with_capacity(threats.len());
    let mut tolerance = Vec::with_capacity(threats.len());
    for t in &threats {
        bar.0.set_message(format!("drill {t}"));
        // Explained: what breaks each service's impact tolerance.
        let d = sim::drill_with(s, t, &config, &bar, true)?;
        bar.0.set_message(format!("tolerance {t}"));
        tolerance.push(sim::tolerance::assess(s, &d, &config, &bar)?);
        drills.push(d);
    }
    let comparison = if options.is_empty() {
        None
    } else {
        bar.0.set_message("options");
        Some(sim::compare(s, options, &plan, None, &[], &config, &bar)?)
    };
    let calibration = match &args.actuals {
        None => None,
        Some(path) => {
            bar.0.set_message("calibration");
            let src =
                std::str::from_utf8(&bytes).map_err(|e| scenario::ScenarioError::NotText {
                    file: scenario::source_name(&args.file),
                    offset: e.valid_up_to(),
                })?;
            Some(super::calibrate::assess(
                s,
                src,
                &scenario::source_name(&args.file),
                path,
                super::calibrate::prior_weight(args.prior_weight)?,
                &threats,
                None,
                &args.trial,
                false,
                &bar,
            )?)
        }
    };
    let representative = match html::representative_choice(&drills) {
        Some((threat, service)) => {
            let p50 = drills
                .iter()
                .filter(|d| d.threat.as_deref() == Some(threat.as_str()))
                .flat_map(|d| &d.services)
                .find(|r| r.id == service)
                .map(|r| r.detail.recovery_h.p50)
                .expect("the representative comes from a drill's service");
            let (trial, recovery_h, trace) =
                sim::median_drill_trace(s, &threat, &service, &config, p50)?;
            Some(html::Representative {
                threat,
                service,
                trial,
                recovery_h,
                trace,
            })
        }
        None => None,
    };
    let run_time_s = started.elapsed().as_secs_f64();
    bar.finish();

    let digest = Sha256::digest(&bytes);
    let sha: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let threads = match config.threads {
        0 => rayon::current_num_threads(),
        n => n,
    };
    // The structure the numbers came from, analysed once for the report.
    let graph = graph::DependencyGraph::build(s);
    let services: Vec<scenario::ComponentId> = annual
        .services
        .iter()
        .filter_map(|r| s.component_index(&r.id))
        .collect();
    let single_points = graph::single_points_of_failure(s, &graph, &services);
    let input = html::Input {
        scenario: s,
        graph: &graph,
        single_points: &single_points,
        annual: &annual,
        drills: &drills,
        representative: representative.as_ref(),
        comparison: comparison.as_ref(),
        tolerance: &tolerance,
        calibration: calibration
            .as_ref()
            .map(|a| report::calibrate::CalibrationReport {
                calibration: &a.result,
                actuals: &a.actuals_name,
                impact: a.impact.as_ref(),
                untested: a.untested.as_deref(),
            }),
        method: html::Method {
            scenario_sha256: sha,
            threads,
            run_time_s,
        },
    };
    let out = html::render(&input).map_err(|e| anyhow!("cannot draw a chart: {e}"))?;
    // The charts and the report are renamed into place together: a failed
    // or interrupted run leaves all of them or none.
    let mut files = output::Batch::default();
    if let Some(dir) = &args.charts {
        write_charts(&mut files, dir, &out.figures)?;
    }
    shared::emit_with(files, &out.html, args.output.as_deref())
}

/// Adds every chart as SVG, CSV and PNG in `dir` to `files`, making `dir`
/// (not its parents) when it does not exist. Files of other names in `dir`
/// are left alone; those of a chart's name are replaced.
fn write_charts(
    files: &mut output::Batch,
    dir: &Path,
    figures: &[report::charts::Figure],
) -> Result<()> {
    files.dir(dir)?;
    for f in figures {
        files.add(&dir.join(format!("{}.svg", f.name)), f.svg.as_bytes())?;
        files.add(&dir.join(format!("{}.csv", f.name)), f.csv.as_bytes())?;
        let png = dir.join(format!("{}.png", f.name));
        files.add(&png, &shared::png(f, &png)?)?;
    }
    Ok(())
}
