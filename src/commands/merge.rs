//! `drsim merge`: shards' parts folded into the output of one run.

use super::shared::{self, Sharded};
use super::{compare, drill, run, sensitivity};
use crate::cli::{Cli, Command, Merging, OutputFormat};
use anyhow::{anyhow, bail, Result};
use drsim::sim::shard::{Part, Replay};
use std::path::PathBuf;
use std::sync::Arc;

/// Merge shards' parts (--shard I/N) into exactly what one run prints
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Merge the parts that `--shard I/N` wrote (on drill, run, compare or
sensitivity) into the output of the whole command: byte for byte what one
machine running all the trials prints, in the format asked for.

Each part carries the scenario, the command line and, per chunk of 256
trials, its summaries; the merge folds them in trial order. It refuses parts
that do not belong together (another scenario, other settings, another
number of shards, a shard given twice or missing, another drsim version) and
says which and why. A comparison's greedy package search (past 64 sets of
options), whose steps depend on all the trials, runs in the merge.

Examples:
  drsim run scenarios/bank.yaml --trials 100000 --shard 1/2 -o part-1.drsim
  drsim run scenarios/bank.yaml --trials 100000 --shard 2/2 -o part-2.drsim
  drsim merge part-*.drsim --format json -o bank-risk.json

Launchers for a Kubernetes Indexed Job and a Slurm job array are in deploy/
(the README's section Many machines says how).")]
pub struct Args {
    /// The parts, one per shard, in any order
    #[arg(required = true, value_name = "PARTS")]
    parts: Vec<PathBuf>,
    /// Output format (default: the one the shards were given)
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Also draw the command's chart (compare: the frontier, sensitivity:
    /// the tornado) into this file: `.svg` or `.png`. The shards' own
    /// --chart is not drawn
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Worker threads for what the merge runs itself (default: all cores)
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar
    #[arg(short, long)]
    quiet: bool,
}

/// The most bytes read of one part: far past any run's (a part holds a few
/// kilobytes per chunk of 256 trials and service).
const MAX_PART_BYTES: u64 = 16 << 30;

pub fn exec(args: Args) -> Result<()> {
    if let Some(out) = &args.output {
        // The same file by any name (a link, a hard link): device and inode.
        let id = |p: &std::path::Path| {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
        };
        let same = |p: &PathBuf| id(p).is_some() && id(p) == id(out);
        if let Some(p) = args.parts.iter().find(|p| same(p)) {
            bail!(
                "-o {} is the part {}: write the merged output to another file",
                out.display(),
                p.display()
            );
        }
    }
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let name = path.display().to_string();
        let bytes = read(path)?;
        parts.push((name.clone(), Part::decode(&bytes, &name)?));
    }
    let replay = Arc::new(Replay::new(parts)?);
    let header = replay.header().clone();
    let line = std::iter::once("drsim".to_string())
        .chain(std::iter::once(header.command.clone()))
        .chain(header.arguments.iter().cloned());
    let cli = <Cli as clap::Parser>::try_parse_from(line).map_err(|e| {
        anyhow!(
            "the parts' command line (drsim {} {}) does not parse: {}",
            header.command,
            header.arguments.join(" "),
            e.render()
        )
    })?;
    let merging = Arc::new(Merging { replay });
    match cli.command {
        Command::Run(a) => run::exec(again(a, &args, merging)?),
        Command::Drill(a) => drill::exec(again(a, &args, merging)?),
        Command::Compare(a) => compare::exec(again(a, &args, merging)?),
        Command::Sensitivity(a) => sensitivity::exec(again(a, &args, merging)?),
        Command::Check(_)
        | Command::Graph(_)
        | Command::Tolerance(_)
        | Command::Report(_)
        | Command::Merge(_)
        | Command::Init(_)
        | Command::Export(_)
        | Command::Import(_)
        | Command::Schema(_)
        | Command::Calibrate(_)
        | Command::Completions(_)
        | Command::Man(_) => bail!(
            "the parts name `{}`, which is not run in shards (drill, run, compare and sensitivity are)",
            header.command
        ),
    }
}

/// The shards' command as the merge runs it: its output where the merge
/// writes, folding the parts instead of running trials.
fn again<A: Sharded>(mut command: A, args: &Args, merging: Arc<Merging>) -> Result<A> {
    // The command line must be the one the parts' settings record (a
    // crafted part could carry another, e.g. a chart written elsewhere).
    let header = merging.replay.header();
    if shared::settings(&command) != header.settings {
        bail!(
            "the parts' command line (drsim {} {}) is not the one their settings record: they were not written by this drsim's --shard",
            header.command,
            header.arguments.join(" ")
        );
    }
    match command.chart() {
        Some(chart) => *chart = args.chart.clone(),
        None if args.chart.is_some() => usage_bail!(
            "--chart: `{}` draws no chart (compare and sensitivity do)",
            header.command
        ),
        None => {}
    }
    let (_, sim) = command.parts();
    sim.shard = None;
    sim.merging = Some(merging);
    sim.output = args.output.clone();
    sim.quiet = args.quiet;
    sim.trial.threads = args.threads;
    if let Some(format) = args.format {
        sim.format = format;
    }
    Ok(command)
}

/// A part's bytes, refusing a directory or anything past [`MAX_PART_BYTES`].
fn read(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow!("cannot read the part {}: {e}", path.display()))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        bail!(
            "{} is a directory: give the part files, e.g. parts/*.drsim",
            path.display()
        );
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow!("cannot read the part {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        bail!("{} is larger than any part drsim writes", path.display());
    }
    Ok(bytes)
}
