//! One file per command: its arguments (clap) and its `exec`, which checks
//! the arguments, loads the scenario, calls the library and writes the
//! result. What several commands share (reading the scenario, trial
//! settings, the progress bar, threat and option selection, writing output
//! and charts) is in [`shared`]. To add a command: copy the smallest one
//! (`check.rs`), add its variant to [`crate::cli::Command`] and its arm
//! below.

pub mod check;
pub mod compare;
pub mod drill;
pub mod graph;
pub mod merge;
pub mod report;
pub mod run;
pub mod sensitivity;
mod shared;
pub mod tolerance;

use crate::cli::Command;
use anyhow::Result;

/// Runs one command.
pub fn exec(command: Command) -> Result<()> {
    match command {
        Command::Check(args) => check::exec(args),
        Command::Graph(args) => graph::exec(args),
        Command::Drill(args) => drill::exec(args),
        Command::Run(args) => run::exec(args),
        Command::Compare(args) => compare::exec(args),
        Command::Sensitivity(args) => sensitivity::exec(args),
        Command::Tolerance(args) => tolerance::exec(args),
        Command::Report(args) => report::exec(args),
        Command::Merge(args) => merge::exec(args),
    }
}
