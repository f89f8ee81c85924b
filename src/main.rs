//! The drsim binary: parses the command line, runs the command (see
//! [`commands`]), prints errors and maps them to an exit code. This is the
//! only place that prints an error or exits.

mod cli;
mod commands;
mod output;

use clap::Parser;
use drsim::scenario::ScenarioError;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout (exit 0), usage errors to stderr
        // (exit 1); help that could not be written is a failure too.
        Err(e) => {
            return match e.print() {
                Ok(()) if !e.use_stderr() => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            };
        }
    };
    match commands::exec(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failure(&err),
    }
}

/// Prints `err` with its causes on stderr and returns exit code 1; a closed
/// stdout pipe (`drsim run ... | head`) is a clean exit.
fn failure(err: &anyhow::Error) -> ExitCode {
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    let mut stderr = std::io::stderr().lock();
    // Nothing more can be done when stderr itself cannot be written.
    let _ = if let Some(e) = err.downcast_ref::<ScenarioError>() {
        writeln!(stderr, "{e}")
    } else {
        writeln!(stderr, "error: {err}").and_then(|()| {
            err.chain()
                .skip(1)
                .try_for_each(|cause| writeln!(stderr, "  caused by: {cause}"))
        })
    };
    ExitCode::from(1)
}
