//! `drsim graph`: the dependency graph as Graphviz DOT or Mermaid.

use super::shared::{self, emit, load};
use anyhow::Result;
use clap::ValueEnum;
use drsim::graph;
use std::path::PathBuf;

/// Export the dependency graph as Graphviz DOT or Mermaid
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Export the dependency graph. Arrows point from a dependency to what needs it,
so business services are at the top. Sites are drawn as clusters; redundancy
groups (k of n, failover) as small diamond nodes between the members and the
component that needs them.

Examples:
  drsim graph scenarios/retail.yaml | dot -Tsvg > retail.svg
  drsim graph scenarios/retail.yaml --format mermaid -o retail.mmd")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
}

pub fn exec(args: Args) -> Result<()> {
    shared::outputs(&args.file, args.output.as_deref(), None)?;
    let loaded = load(&args.file)?;
    let text = match args.format {
        GraphFormat::Dot => graph::to_dot(&loaded.scenario),
        GraphFormat::Mermaid => graph::to_mermaid(&loaded.scenario),
    };
    emit(&text, args.output.as_deref())
}
