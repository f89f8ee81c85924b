//! `drsim check`: validate a scenario and print a one-screen summary, or
//! its diagnostics as JSON for editors and scripts.

use super::shared::emit;
use anyhow::Result;
use drsim::scenario::{self, Diagnostic, Loaded, ScenarioError};
use drsim::{graph, report};
use serde_json::{json, Value};
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

With --format json, standard output is one JSON object whether or not the
scenario is valid: {\"file\", \"valid\", \"diagnostics\": [{\"severity\":
\"error\"|\"warning\", \"message\", \"help\", \"line\", \"column\", \"path\"}]}
(line and column 1-based, null where unknown; path the key path, such as
components[3].depends_on[1], empty for the whole file).

Examples:
  drsim check scenarios/bank.yaml
  drsim check - --format json < scenario.yaml")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Output format: a summary for people, or the diagnostics as JSON
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn exec(args: Args) -> Result<()> {
    let name = scenario::source_name(&args.file);
    let loaded = scenario::load_path(&args.file);
    if args.format == Format::Json {
        let (value, valid) = json_report(&name, &loaded);
        emit(&format!("{value:#}\n"), None)?;
        return if valid {
            Ok(())
        } else {
            Err(anyhow::Error::new(super::Reported))
        };
    }
    let loaded = loaded?;
    let g = graph::DependencyGraph::build(&loaded.scenario);
    let text = report::summary::render(
        &loaded.scenario,
        &loaded.options,
        &g,
        // A file name may hold any character: shown escaped.
        &scenario::escape_unsafe(&name, false),
        &loaded.warnings,
    );
    emit(&text, None)
}

/// The JSON report of a load, and whether the scenario is valid.
fn json_report(name: &str, loaded: &Result<Loaded, ScenarioError>) -> (Value, bool) {
    let one = |severity: &str, d: &Diagnostic| {
        json!({
            "severity": severity,
            "message": d.message,
            "help": d.help,
            "line": d.line,
            "column": d.column,
            "path": d.path,
        })
    };
    let (diagnostics, valid): (Vec<Value>, bool) = match loaded {
        Ok(l) => (l.warnings.iter().map(|d| one("warning", d)).collect(), true),
        Err(ScenarioError::Invalid { diagnostics, .. }) => {
            (diagnostics.iter().map(|d| one("error", d)).collect(), false)
        }
        // Unreadable, or not text: one error about the whole file.
        Err(e) => (
            vec![one("error", &Diagnostic::new("", e.to_string()))],
            false,
        ),
    };
    (
        json!({ "file": name, "valid": valid, "diagnostics": diagnostics }),
        valid,
    )
}
