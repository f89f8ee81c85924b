//! The drsim binary: parses the command line, runs the command (see
//! [`commands`]), prints errors and maps them to an exit code. This is the
//! only place that prints an error or exits.
//!
//! Exit codes: 0 done; 1 the scenario or another input file is wrong, or
//! the work failed (a file could not be written); 2 the command line is
//! wrong (clap's usage errors, and [`commands::is_usage`]).

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
        // (exit 2); help that could not be written is a failure (1).
        Err(e) if !e.use_stderr() => {
            return match e.print() {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(1),
            };
        }
        // A usage error echoes the arguments: printed plain, escaped.
        Err(e) => {
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                printable(&e.render().to_string())
            );
            return ExitCode::from(USAGE);
        }
    };
    match commands::exec(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failure(&err),
    }
}

/// The exit code of a wrong command line.
const USAGE: u8 = 2;

/// Prints `err` with its causes on stderr and returns exit code 1, or 2
/// for a wrong command line; a closed stdout pipe (`drsim run ... | head`)
/// is a clean exit.
fn failure(err: &anyhow::Error) -> ExitCode {
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    if err.downcast_ref::<commands::Reported>().is_some() {
        return ExitCode::from(1);
    }
    let mut text = String::new();
    let code = if commands::is_usage(err) { USAGE } else { 1 };
    if let Some(e) = err.downcast_ref::<ScenarioError>() {
        text = format!("{e}\n");
    } else if let Some(e) = err.downcast_ref::<drsim::scenario::tables::TableErrors>() {
        text = format!("{e}\n");
    } else {
        text.push_str(&format!("error: {err}\n"));
        for cause in err.chain().skip(1) {
            text.push_str(&format!("  caused by: {cause}\n"));
        }
    }
    // Nothing more can be done when stderr itself cannot be written.
    let _ = std::io::stderr()
        .lock()
        .write_all(printable(&text).as_bytes());
    ExitCode::from(code)
}

/// An error message as it may reach a terminal: it can echo a command-line
/// argument, an unknown key or an id from the file, so every control
/// character but the newlines and tabs of its layout is shown escaped
/// (`\u{1b}`), as are the bidirectional controls.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    drsim::scenario::escape_unsafe(text, true)
}
