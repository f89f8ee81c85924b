//! `drsim check`: validate a scenario and print a one-screen summary.

use super::shared::{emit, load};
use anyhow::Result;
use drsim::{graph, report, scenario};
use std::path::PathBuf;

/// Validate a scenario and print a one-screen summary
#[derive(Debug, clap::Args)]
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
pub struct Args {
    /// Scenario file (YAML)
    file: PathBuf,
}

pub fn exec(args: Args) -> Result<()> {
    let loaded = load(&args.file)?;
    let g = graph::DependencyGraph::build(&loaded.scenario);
    let text = report::summary::render(
        &loaded.scenario,
        &loaded.options,
        &g,
        // A file name may hold any character: shown escaped.
        &scenario::escape_unsafe(&args.file.display().to_string(), false),
        &loaded.warnings,
    );
    emit(&text, None)
}
