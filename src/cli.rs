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

Three jobs, one scenario:
  drsim drill  FILE --threat ID   a threat strikes now: how long until each
                                  service is back, how much data is lost?
  drsim run    FILE               a year of random failures and threats:
                                  availability, expected annual loss
  drsim compare FILE              investment options (a standby site, more
                                  frequent backups, a bigger team): risk
                                  reduced versus cost, on common random numbers
  drsim check  FILE               validate the file and summarise it

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
services with their targets, threats with their yearly frequency, teams, and
components that no service depends on (usually a forgotten dependency).

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
  drsim drill scenarios/bank.yaml --threat regional-disaster --trials 50000 --format json")]
    Drill {
        /// Scenario file (YAML)
        file: PathBuf,
        /// The threat that strikes (omit it to list the scenario's threats)
        #[arg(long)]
        threat: Option<String>,
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
  drsim compare scenarios/retail.yaml --threats none --format json")]
    Compare(CompareArgs),
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
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Number of Monte Carlo trials
    #[arg(long, default_value_t = 10_000)]
    pub trials: u64,
    /// Random seed: the same scenario and seed give the same output, byte for byte
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the results do not depend on it
    #[arg(long)]
    pub threads: Option<usize>,
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
