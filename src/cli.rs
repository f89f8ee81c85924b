//! Command-line types (clap). Nothing in the library imports this.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
  drsim report FILE               a self-contained HTML report for the board
  drsim check  FILE               validate the file, list single points of failure
  drsim graph  FILE               the dependency graph as DOT or Mermaid

Start with:  drsim drill scenarios/hospital.yaml --threat ransomware";

#[derive(Debug, Parser)]
#[command(name = "drsim", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a scenario and print a one-screen summary
    #[command(long_about = "\
Validate a scenario and print a one-screen summary: components by kind,
services with their targets, threats with their yearly frequency, teams,
investment options with their annual cost, each service's single points of
failure (components whose loss alone takes it down), and components that no
service depends on (usually a forgotten dependency).

Every problem is reported at once with its file, line, key path and a hint.
Exit code 0 when the scenario is valid, 1 when it is not.

Example:
  drsim check scenarios/bank.yaml")]
    Check {
        /// Scenario file (YAML)
        file: PathBuf,
    },

    /// Export the dependency graph as Graphviz DOT or Mermaid
    #[command(long_about = "\
Export the dependency graph. Arrows point from a dependency to what needs it,
so business services are at the top. Sites are drawn as clusters; redundancy
groups (k of n, failover) as small diamond nodes between the members and the
component that needs them.

Examples:
  drsim graph scenarios/retail.yaml | dot -Tsvg > retail.svg
  drsim graph scenarios/retail.yaml --format mermaid -o retail.mmd")]
    Graph {
        /// Scenario file (YAML)
        file: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        /// Write to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },

    /// Stress-test a DR plan: a threat strikes now; how long until each service is back?
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
  drsim drill scenarios/retail.yaml --threat cloud-region-outage --explain")]
    Drill {
        /// Scenario file (YAML)
        file: PathBuf,
        /// The threat that strikes (omit it to list the scenario's threats)
        #[arg(long)]
        threat: Option<String>,
        /// Also show, per service, which components' hits caused the downtime
        /// and whose recovery was on the critical path
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        sim: SimArgs,
    },

    /// Simulate a year (or more) of random failures and threats: availability and expected loss
    #[command(long_about = "\
Simulate the scenario's horizon (default one year) from all-up, with
independent failures (every: MTBF, or after: a time-to-failure distribution)
and threats arriving at random at their yearly frequencies.

Per service: availability, downtime, number of outages, the chance no outage
breaches the RTO, data lost, and money lost; plus the total loss and its
exceedance curve (P(annual loss > x)) in JSON.

Examples:
  drsim run scenarios/retail.yaml
  drsim run scenarios/bank.yaml --horizon 10y --format json > bank-risk.json")]
    Run {
        /// Scenario file (YAML)
        file: PathBuf,
        /// Simulated period, e.g. 1y or 10y (default: the scenario's horizon)
        #[arg(long)]
        horizon: Option<String>,
        /// Also show, per service, the share of downtime started by each
        /// component and each threat
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        sim: SimArgs,
    },

    /// Compare investment options: risk reduced versus cost, on common random numbers
    #[command(long_about = "\
Compare the scenario's investment options (its `options:` section: patches
such as a standby database, immutable backups, a bigger team, each with an
upfront and yearly cost) with the base scenario.

Every trial runs the base and each option on the same random numbers: a
component's failures, repairs and threat hits depend only on the seed, the
trial and the component's id, so whatever an option does not change sees
exactly the same events. The change in expected annual loss therefore comes
with a much narrower (paired) interval than two separate runs would give.

Per option: annual cost (upfront / lifetime + per year), change in expected
annual loss with its paired 95% interval, net benefit (loss reduction minus
cost), return on investment, payback years, and the chance that a year with
the option costs less than the same year without it. For each drilled threat:
the change in P(RTO met) and P(RPO met) per service, in percentage points.

Examples:
  drsim compare scenarios/hospital.yaml
  drsim compare scenarios/bank.yaml --options cyber-vault --threats ransomware
  drsim compare scenarios/retail.yaml --threats none --format json
  drsim compare scenarios/hospital.yaml --threats none --chart options.svg")]
    Compare(CompareArgs),

    /// Which uncertain input matters most? A tornado of low/high settings
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

Every variant runs on the same random numbers as the scenario itself, so a
swing of a few percent is still measured, not noise; each swing carries its
paired 95% interval. Spend your estimating effort on the top rows: a better
number for a bottom row would not change the decision.

A variant is simulated only in trials where its input comes into play (a
repair time only when that component breaks), but a large scenario still
costs many runs' worth of time: try --trials 2000 for a first look.

Metrics:
  ale                    expected annual loss over a run (default)
  rto:SERVICE:THREAT     P(RTO met) for SERVICE when THREAT strikes (a drill)

Examples:
  drsim sensitivity scenarios/hospital.yaml
  drsim sensitivity scenarios/hospital.yaml --metric rto:ehr:ransomware
  drsim sensitivity scenarios/bank.yaml --top 30 --format csv -o tornado.csv
  drsim sensitivity scenarios/retail.yaml --trials 2000 --chart tornado.png")]
    Sensitivity(SensitivityArgs),

    /// Write a board report: one self-contained HTML file with charts and plain words
    #[command(long_about = "\
Write a board report: the annual risk simulation plus a drill of each selected
threat, in one self-contained HTML file (inline CSS and SVG charts, no
scripts, nothing fetched; prints on A4).

At the top, in plain words: the expected annual loss, where the loss
exceedance curve crosses the board's risk tolerance, the five largest risks,
the services likely to miss their RTO, RPO or MTPD, and one sentence per
threat. Then the charts: loss exceedance with the risk tolerance, a heat map
of P(RTO met) by threat and service, recovery time and data loss per threat,
annual downtime, each service's single points of failure and the top causes
of its downtime, the recovery timeline of one representative trial, and the
dependency graph; the investment options when the scenario has any (a table,
and cost against remaining loss with the efficient frontier); and the method
(version, scenario SHA-256, seed, trials, assumptions).

With --charts DIR, every chart is also written as SVG and PNG, with the data
behind it as CSV.

Examples:
  drsim report scenarios/hospital.yaml -o hospital-report.html
  drsim report scenarios/bank.yaml --threats ransomware,regional-disaster-london --charts charts/")]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario file (YAML)
    pub file: PathBuf,
    /// Threats to drill, comma-separated; `all` (the default) or `none`
    #[arg(long, alias = "threat", value_delimiter = ',')]
    pub threats: Vec<String>,
    #[command(flatten)]
    pub trial: TrialArgs,
    /// Write the HTML to this file instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write every chart as SVG and PNG, and its data as CSV, into this directory
    #[arg(long)]
    pub charts: Option<PathBuf>,
    /// No progress bar
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (YAML)
    pub file: PathBuf,
    /// What to rank inputs by: `ale`, or `rto:SERVICE:THREAT`
    #[arg(long, default_value = "ale")]
    pub metric: String,
    /// How many inputs to show, largest swing first
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Also draw the tornado chart into this file: `.svg` or `.png`
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Simulated period for `ale`, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    pub horizon: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario file (YAML) with an `options:` section
    pub file: PathBuf,
    /// Options to compare, by id, comma-separated (default: all)
    #[arg(long, value_delimiter = ',')]
    pub options: Vec<String>,
    /// Threats to drill for the change in P(RTO met) and P(RPO met),
    /// comma-separated; `all` (the default) or `none`
    #[arg(long, alias = "threat", value_delimiter = ',')]
    pub threats: Vec<String>,
    /// Simulated period of the risk run, e.g. 1y or 10y (default: the scenario's horizon)
    #[arg(long)]
    pub horizon: Option<String>,
    /// Also draw cost against remaining loss, with the efficient frontier,
    /// into this file: `.svg` or `.png`
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

/// How many trials, from which seed, on how many threads: shared by every
/// command that simulates.
#[derive(Debug, Args)]
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
}

#[derive(Debug, Args)]
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// A table for people
    Text,
    /// The stable JSON document (spec section 10)
    Json,
    /// One row per service
    Csv,
}
