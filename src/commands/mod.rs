//! One file per command: its arguments (clap) and its `exec`, which checks
//! the arguments, loads the scenario, calls the library and writes the
//! result. What several commands share (reading the scenario, trial
//! settings, the progress bar, threat and option selection, writing output
//! and charts) is in [`shared`]. To add a command: copy the smallest one
//! (`check.rs`), add its variant to [`crate::cli::Command`] and its arm
//! below.

use crate::cli::Command;
use anyhow::Result;
use std::fmt;

/// A mistake on the command line that clap cannot see: a value out of its
/// range, flags that contradict each other, an id the scenario does not
/// have. The binary exits with 2 for it, as for clap's own usage errors;
/// a wrong scenario or data file exits with 1.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A failure the command has already reported in its output (`check
/// --format json` prints the diagnostics on standard output): the binary
/// exits with 1 and prints nothing more.
#[derive(Debug)]
pub struct Reported;

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reported in the output")
    }
}

impl std::error::Error for Reported {}

/// Whether `err` is a mistake on the command line: a [`UsageError`], or
/// one of the library's errors about a value the command line gave (a
/// threat or service id the scenario lacks, a figure its service has no
/// target for, trials or threads out of range).
pub fn is_usage(err: &anyhow::Error) -> bool {
    use drsim::sim::SimError as E;
    err.downcast_ref::<UsageError>().is_some()
        || err.downcast_ref::<E>().is_some_and(|e| {
            matches!(
                e,
                E::UnknownThreat { .. }
                    | E::UnknownService { .. }
                    | E::NoTarget { .. }
                    | E::TooFewTrials(_)
                    | E::TooManyTrials(_)
                    | E::TooManyThreads(_)
            )
        })
}

/// A [`UsageError`] with this message, as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Returns early with a [`UsageError`], as `anyhow::bail!` does with any
/// error.
macro_rules! usage_bail {
    ($($arg:tt)*) => {
        return Err($crate::commands::usage(format!($($arg)*)))
    };
}

/// A [`UsageError`] from a format string, as `anyhow::anyhow!` makes any
/// error.
macro_rules! usage_error {
    ($($arg:tt)*) => {
        $crate::commands::usage(format!($($arg)*))
    };
}

pub mod calibrate;
pub mod check;
pub mod compare;
pub mod completions;
pub mod drill;
pub mod export;
pub mod graph;
pub mod import;
pub mod init;
pub mod merge;
pub mod report;
pub mod run;
pub mod schema;
pub mod sensitivity;
mod shared;
pub mod tolerance;

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
        Command::Init(args) => init::exec(args),
        Command::Export(args) => export::exec(args),
        Command::Import(args) => import::exec(args),
        Command::Schema(args) => schema::exec(args),
        Command::Calibrate(args) => calibrate::exec(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    }
}
