//! The command line's top level (clap): the commands and the arguments
//! several of them share. Each command's own arguments live beside its code
//! in [`crate::commands`]. Nothing in the library imports this.

use crate::commands::{
    calibrate, check, compare, completions, drill, export, graph, import, init, merge, report, run,
    schema, sensitivity, tolerance,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use drsim::sim::shard::{Replay, Slice};
use std::path::PathBuf;
use std::sync::Arc;

const ABOUT: &str = "Disaster-recovery and business-continuity simulator";

const LONG_ABOUT: &str = "\
drsim simulates what happens to your business services when things break.

A scenario file (YAML) describes services, what they depend on (applications,
databases, servers, networks, power, sites, suppliers), how they are protected
(k-of-n redundancy, failover with switchover time, backup tiers), who repairs
them (teams of limited size) and the threats they face (site fire, regional
outage, ransomware, supplier failure) with their frequencies. A parallel Monte
Carlo engine simulates thousands of futures and reports, per service, recovery
time against its RTO, data loss against its RPO, downtime, availability and
money lost, each with a 95% confidence interval.

Jobs, one scenario:
  drsim drill  FILE --threat ID   a threat strikes now: how long until each
                                  service is back, how much data is lost?
  drsim run    FILE               a year of random failures and threats:
                                  availability, expected annual loss
  drsim compare FILE              investment options (a standby site, more
                                  frequent backups, a bigger team): risk
                                  reduced versus cost, on common random numbers
  drsim sensitivity FILE          which estimate matters most: a tornado of
                                  every input set low and high
  drsim tolerance FILE            impact tolerance: P(within each service's
                                  MTPD) per threat, and its breach point
  drsim calibrate FILE ACTUALS.csv  DR tests and incidents update the
                                  estimates (Bayes' rule), with a verdict each
  drsim report FILE               a self-contained HTML report for the board
  drsim check  FILE               validate the file, list single points of failure
  drsim graph  FILE               the dependency graph as DOT or Mermaid
  drsim merge  PARTS...           shards' parts (--shard I/N on drill, run,
                                  compare, sensitivity) into one output
  drsim init   [FILE]             a commented starter scenario to edit
  drsim export FILE --to DIR|X.xlsx  the scenario as tables (CSV or XLSX)
  drsim import DIR|X.xlsx         tables back into a scenario file
  drsim schema                    the JSON Schema of the format, for editors
  drsim completions SHELL         shell completions (bash, zsh, fish, powershell)
  drsim man                       the man page

Start with:  drsim drill scenarios/hospital.yaml --threat ransomware

Exit codes: 0 done; 1 the scenario or another input is wrong, or an output
could not be written; 2 the command line is wrong (an unknown flag, a value
out of range, an id the scenario does not have).";

#[derive(Debug, Parser)]
#[command(name = "drsim", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands, in the order `--help` lists them. Each one's help text is
/// on its `Args` type.
#[derive(Debug, Subcommand)]
pub enum Command {
    Check(check::Args),
    Graph(graph::Args),
    Drill(drill::Args),
    Run(run::Args),
    Compare(compare::Args),
    Sensitivity(sensitivity::Args),
    Tolerance(tolerance::Args),
    Calibrate(calibrate::Args),
    Report(report::Args),
    Merge(merge::Args),
    Init(init::Args),
    Export(export::Args),
    Import(import::Args),
    Schema(schema::Args),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}

/// How many trials, from which seed, on how many threads: shared by every
/// command that simulates.
#[derive(Debug, Clone, Args)]
pub struct TrialArgs {
    /// Number of Monte Carlo trials (per simulation)
    #[arg(long, default_value_t = 10_000)]
    pub trials: u64,
    /// Random seed: the same scenario and seed give the same output, byte for byte
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the results do not depend on it
    #[arg(long)]
    pub threads: Option<usize>,
    /// Plain Monte Carlo: no rare-event sampling. By default a run whose
    /// threats include some rarer than once in 10 trials draws half its
    /// trials from the years in which one strikes, and a drill whose
    /// threat hits some components with a chance below 10% half from the
    /// strikes with such hits, weighted by how likely they are: the same
    /// answers, with rare events measured from many more of them
    #[arg(long)]
    pub plain: bool,
    /// Run even when the estimated work is past the ceiling (1e11 simulated
    /// events, about an hour on two cores)
    #[arg(long)]
    pub force: bool,
}

/// Run to a precision: shared by `run` and `drill`.
#[derive(Debug, Clone, Args)]
pub struct PrecisionArgs {
    /// Run to a precision: double the trials (from --trials) until the 95%
    /// interval of the figure --precision-of names (default: the expected
    /// total loss) is within this share of it, e.g. 0.05 or 5%; the output
    /// says how many trials it took
    #[arg(long, value_name = "REL")]
    pub precision: Option<String>,
    /// The figure --precision narrows: `loss` (the expected total loss, the
    /// default), `loss:SERVICE`, `rto:SERVICE` (P(RTO met) in a drill,
    /// P(no RTO breach) in a run) or `rpo:SERVICE`; a drill also takes
    /// `rto:SERVICE:THREAT`, which names the threat to drill
    #[arg(long, value_name = "FIGURE", requires = "precision")]
    pub precision_of: Option<String>,
    /// The most trials --precision may run
    #[arg(long, default_value_t = 1_000_000, requires = "precision")]
    pub max_trials: u64,
}

/// Trials plus where and how the result is written: shared by the commands
/// that print a result table.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    #[command(flatten)]
    pub trial: TrialArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No progress bar
    #[arg(short, long)]
    pub quiet: bool,
    /// Run shard I of N: this share of the trials, written as a part for
    /// `drsim merge` (to -o PART, or to standard output when it is not a
    /// terminal), e.g. --shard 3/8; merging all N parts prints exactly what
    /// one machine prints. Give every shard the same scenario, settings and
    /// drsim version
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Slice>,
    /// Set by `drsim merge`: the parts whose summaries take the place of
    /// the trials.
    #[arg(skip)]
    pub merging: Option<Arc<Merging>>,
}

impl SimArgs {
    /// These settings without what does not change the results (the
    /// threads, the output, the progress bar, the shard), for checking
    /// that shards' parts belong together.
    pub fn neutral(&self) -> SimArgs {
        SimArgs {
            trial: TrialArgs {
                threads: None,
                force: false,
                ..self.trial.clone()
            },
            format: OutputFormat::Text,
            output: None,
            quiet: false,
            shard: None,
            merging: None,
        }
    }
}

/// `--shard I/N`.
fn parse_shard(text: &str) -> Result<Slice, String> {
    Slice::parse(text).ok_or_else(|| {
        format!(
            "give the shard as I/N with 1 <= I <= N <= {}, e.g. 3/8",
            Slice::MAX_COUNT
        )
    })
}

/// What `drsim merge` gives the command it runs again: the parts, in
/// shard order, and the scenario they carry.
pub struct Merging {
    /// The parts' summaries.
    pub replay: Arc<Replay>,
}

impl std::fmt::Debug for Merging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self.replay.header();
        write!(f, "Merging({} of {})", h.command, h.scenario_name)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// A table for people
    Text,
    /// The stable JSON document (docs/scenario-format.md, section 10)
    Json,
    /// One row per service
    Csv,
}
