//! `drsim export`: a scenario as tables, CSV files or an XLSX workbook.

use super::shared::{emit_with, scenario_text};
use crate::output;
use anyhow::{Context, Result};
use drsim::scenario::{self, tables};
use std::path::{Path, PathBuf};

/// Write a scenario as tables: CSV files, or an XLSX workbook
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Write a scenario as tables a person can fill in: one CSV file per table in
a directory, or one XLSX workbook with a sheet per table. The tables are
scenario, sites, teams, components, dependencies, failures, backups,
services, impact_steps, threats, hits, risk_tolerance, options and
option_changes: one row per thing, plain column names, durations and money
as the YAML writes them (4h, {lognormal: [2h, 8h]}, 20000). A component's
requirements read `db`, `2 of app-1 app-2 app-3` or
`failover db-a db-b after 15m lag 1m`. Every table is written, empty ones
with their headings only, so the files are also a template.

`drsim import` reads them back into a scenario file; export then import
gives a scenario that simulates exactly as the original (byte-identical
output for the same seed).

In CSV files, text a spreadsheet would run as a formula (it starts with =,
+, -, @) gets a leading ', which import removes again.

Examples:
  drsim export scenarios/hospital.yaml --to hospital-tables/
  drsim export scenarios/hospital.yaml --to hospital.xlsx
  drsim import hospital.xlsx -o hospital.yaml")]
pub struct Args {
    /// Scenario file (YAML); `-` reads it from standard input
    file: PathBuf,
    /// Where: a directory for CSV files (made if missing), or a file ending
    /// in .xlsx for a workbook
    #[arg(long, value_name = "DIR|FILE.xlsx")]
    to: PathBuf,
}

/// Whether `path` names an XLSX workbook (by its extension).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub fn exec(args: Args) -> Result<()> {
    let (src, name) = scenario_text(&args.file)?;
    if args.to.extension().is_some_and(|e| {
        e.eq_ignore_ascii_case("csv")
            || e.eq_ignore_ascii_case("xls")
            || e.eq_ignore_ascii_case("ods")
    }) {
        usage_bail!(
            "--to {}: give a directory (one CSV file per table is written into it) or a file ending in .xlsx",
            scenario::escape_unsafe(&args.to.display().to_string(), false)
        );
    }
    let book = tables::export(&src, &name)?;
    let mut files = output::Batch::default();
    if is_xlsx(&args.to) {
        let bytes = tables::write_xlsx(&book)
            .map_err(|e| anyhow::anyhow!("cannot write the workbook: {e}"))?;
        files.add(&args.to, &bytes)?;
    } else {
        if args.to.is_file() {
            usage_bail!(
                "--to {} is a file: give a directory for CSV files, or a name ending in .xlsx for a workbook",
                scenario::escape_unsafe(&args.to.display().to_string(), false)
            );
        }
        files.dir(&args.to)?;
        for (file, bytes) in tables::write_csv_dir(&book) {
            files
                .add(&args.to.join(&file), &bytes)
                .with_context(|| format!("cannot write {file}"))?;
        }
    }
    emit_with(files, "", None)
}
