//! The drsim binary: parses arguments, runs a command, prints errors.

mod cli;
mod output;
mod report_cmd;

use anyhow::{bail, Result};
use clap::Parser;
use cli::{
    Cli, Command, CompareArgs, GraphFormat, OutputFormat, SensitivityArgs, SimArgs, TrialArgs,
};
use drsim::scenario::{self, Loaded, ScenarioError};
use drsim::{graph, report, sim};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            if let Some(e) = err.downcast_ref::<ScenarioError>() {
                eprintln!("{e}");
            } else {
                eprintln!("error: {err}");
                for cause in err.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::from(1)
        }
    }
}

fn load(file: &Path) -> Result<Loaded> {
    Ok(scenario::load_path(file)?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check { file } => {
            let loaded = load(&file)?;
            let g = graph::DependencyGraph::build(&loaded.scenario);
            let text = report::summary::render(
                &loaded.scenario,
                &loaded.options,
                &g,
                &file.display().to_string(),
                &loaded.warnings,
            );
            emit(&text, None)?;
        }
        Command::Graph {
            file,
            format,
            output,
        } => {
            let loaded = load(&file)?;
            let text = match format {
                GraphFormat::Dot => graph::to_dot(&loaded.scenario),
                GraphFormat::Mermaid => graph::to_mermaid(&loaded.scenario),
            };
            emit(&text, output.as_deref())?;
        }
        Command::Drill {
            file,
            threat,
            explain,
            sim,
        } => {
            let loaded = load(&file)?;
            let s = &loaded.scenario;
            let Some(threat) = threat else {
                bail!("{}", threat_list(s, "drill needs --threat ID"));
            };
            if s.threat_index(&threat).is_none() {
                bail!("{}", unknown_threat(s, &threat));
            }
            let config = config(&sim.trial);
            let bar = progress(&sim);
            let results = sim::drill_with(s, &threat, &config, &bar, explain)?;
            bar.finish();
            emit(&render(&results, sim.format), sim.output.as_deref())?;
        }
        Command::Run {
            file,
            horizon,
            explain,
            sim,
        } => {
            let loaded = load(&file)?;
            let horizon = parse_horizon(horizon.as_deref())?;
            let config = config(&sim.trial);
            let bar = progress(&sim);
            let results = sim::run_with(&loaded.scenario, horizon, &config, &bar, explain)?;
            bar.finish();
            emit(&render(&results, sim.format), sim.output.as_deref())?;
        }
        Command::Compare(args) => compare(args)?,
        Command::Sensitivity(args) => sensitivity(args)?,
        Command::Report(args) => report_cmd::report(args)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn compare(args: CompareArgs) -> Result<()> {
    let chart = match args.chart.as_deref() {
        Some(path) => Some((path, report_cmd::chart_format(path)?)),
        None => None,
    };
    let loaded = load(&args.file)?;
    let s = &loaded.scenario;
    if loaded.options.is_empty() {
        bail!(
            "{} has no investment options to compare; add an `options:` section, e.g.\n\
             options:\n  - id: bigger-team\n    cost: {{per_year: 60000}}\n    changes:\n      - set: {{id: TEAM_ID, size: 3}}",
            args.file.display()
        );
    }
    let known: Vec<&str> = loaded.options.iter().map(|o| o.id.as_str()).collect();
    let mut chosen = Vec::new();
    for id in &args.options {
        match loaded.options.iter().find(|o| &o.id == id) {
            Some(o) => chosen.push(o.clone()),
            None => {
                let hint = scenario::suggest(id, known.iter().copied())
                    .map(|x| format!("; did you mean `{x}`?"))
                    .unwrap_or_default();
                bail!("unknown option `{id}`{hint}\noptions: {}", known.join(", "));
            }
        }
    }
    if chosen.is_empty() {
        chosen = loaded.options.clone();
    }
    let threats = select_threats(s, &args.threats)?;
    let horizon = parse_horizon(args.horizon.as_deref())?;
    let config = config(&args.sim.trial);
    let bar = progress(&args.sim);
    let result = sim::compare(s, &chosen, horizon, &threats, &config, &bar)?;
    bar.finish();
    finish(
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

fn sensitivity(args: SensitivityArgs) -> Result<()> {
    let chart = match args.chart.as_deref() {
        Some(path) => Some((path, report_cmd::chart_format(path)?)),
        None => None,
    };
    let loaded = load(&args.file)?;
    let metric = sim::Metric::parse(&args.metric)?;
    if args.horizon.is_some() && metric != sim::Metric::Ale {
        bail!("--horizon applies to --metric ale only: a drill runs until everything is recovered");
    }
    if args.top == 0 {
        bail!("--top must be at least 1, e.g. --top 15");
    }
    let horizon = parse_horizon(args.horizon.as_deref())?;
    let config = config(&args.sim.trial);
    let bar = progress(&args.sim);
    let mut result = sim::sensitivity(&loaded.scenario, &metric, horizon, &config, &bar)?;
    bar.finish();
    result.keep_top(args.top);
    finish(
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

/// Writes the chart (when `--chart` was given), then the result in the
/// chosen format: `renderers` are the text, JSON and CSV renderers.
fn finish<R, E: std::fmt::Display>(
    args: &SimArgs,
    chart: Option<(&Path, report_cmd::ChartFormat)>,
    figure: impl FnOnce() -> std::result::Result<report::charts::Figure, E>,
    renderers: [fn(&R) -> String; 3],
    result: &R,
) -> Result<()> {
    if let Some((path, format)) = chart {
        let figure = figure().map_err(|e| anyhow::anyhow!("cannot draw the chart: {e}"))?;
        report_cmd::write_chart(&figure, path, format)?;
    }
    let render = match args.format {
        OutputFormat::Text => renderers[0],
        OutputFormat::Json => renderers[1],
        OutputFormat::Csv => renderers[2],
    };
    emit(&render(result), args.output.as_deref())
}

fn parse_horizon(text: Option<&str>) -> Result<Option<f64>> {
    let Some(h) = text else { return Ok(None) };
    let hours = scenario::parse_duration(h).map_err(|e| anyhow::anyhow!("--horizon: {e}"))?;
    if hours <= 0.0 {
        bail!("--horizon must be longer than zero, e.g. --horizon 1y");
    }
    if hours > scenario::MAX_HORIZON_HOURS {
        bail!("--horizon is longer than 1000y, the longest drsim simulates; plans are usually judged over 1y to 10y");
    }
    Ok(Some(hours))
}

/// The threats named on the command line: `all` (also when none are
/// named), `none`, or a list of ids, each of which must exist.
fn select_threats(s: &scenario::Scenario, given: &[String]) -> Result<Vec<String>> {
    let threats: Vec<String> = match given {
        [] => s.threats.iter().map(|t| t.id.clone()).collect(),
        [one] if one == "all" => s.threats.iter().map(|t| t.id.clone()).collect(),
        [one] if one == "none" => Vec::new(),
        list => list.to_vec(),
    };
    for t in &threats {
        if s.threat_index(t).is_none() {
            bail!("{}", unknown_threat(s, t));
        }
    }
    Ok(threats)
}

/// "unknown threat" with a suggestion and the list of threats.
fn unknown_threat(s: &scenario::Scenario, given: &str) -> String {
    let known: Vec<&str> = s.threats.iter().map(|t| t.id.as_str()).collect();
    let hint = scenario::suggest(given, known.iter().copied())
        .map(|x| format!("; did you mean `{x}`?"))
        .unwrap_or_default();
    threat_list(s, &format!("unknown threat `{given}`{hint}"))
}

fn threat_list(s: &scenario::Scenario, headline: &str) -> String {
    if s.threats.is_empty() {
        return format!("{headline}; this scenario defines no threats (add some under `threats:`)");
    }
    let mut out = format!("{headline}\nthreats in {}:", s.name);
    for t in &s.threats {
        out.push_str(&format!(
            "\n  {:24} {}",
            t.id,
            t.name.as_deref().unwrap_or("")
        ));
    }
    out.push_str(&format!(
        "\nexample: --threat {}",
        s.threats.first().map_or("ID", |t| t.id.as_str())
    ));
    out
}

fn config(args: &TrialArgs) -> sim::Config {
    sim::Config {
        trials: args.trials,
        seed: args.seed,
        threads: args.threads.unwrap_or(0),
    }
}

fn render(results: &sim::Results, format: OutputFormat) -> String {
    match format {
        OutputFormat::Text => report::text::render(results),
        OutputFormat::Json => report::json::render(results),
        OutputFormat::Csv => report::csv::render(results),
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
struct Bar(ProgressBar);

impl sim::Progress for Bar {
    fn update(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

impl Bar {
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn progress(args: &SimArgs) -> Bar {
    if args.quiet || !std::io::stderr().is_terminal() {
        return Bar(ProgressBar::hidden());
    }
    let bar = ProgressBar::new(args.trial.trials);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} trials  {per_sec}  eta {eta}")
            .expect("the template is valid"),
    );
    Bar(bar)
}

/// Writes to stdout, or to a file (see [`output`]: atomically where it is a
/// regular file).
fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Some(path) => output::write(path, text.as_bytes())?,
    }
    Ok(())
}
