//! `drsim import`: tables (CSV files or an XLSX workbook) into a scenario.

use super::export::is_xlsx;
use super::shared::emit;
use anyhow::{bail, Result};
use drsim::scenario::{self, tables};
use std::path::PathBuf;

/// Read tables (CSV files or an XLSX workbook) into a scenario file
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Read a scenario's tables, a directory of CSV files or an XLSX workbook (as
`drsim export` writes them; the README's section Spreadsheets describes each
table and column), into a commented scenario file, and validate it.

Every problem is reported at once, at its file or sheet, row and column:
an unknown column, a duration without a unit, an id no table defines, a
requirement that does not read. Nothing is written unless the scenario is
valid. Warnings (such as a threat that hits nothing) are printed but do not
stop the import.

Examples:
  drsim import hospital-tables/ -o hospital.yaml
  drsim import estate.xlsx -o estate.yaml
  drsim export examples/starter.yaml --to my-estate.xlsx   (a template)")]
pub struct Args {
    /// A directory of CSV files (one per table), or an .xlsx workbook
    #[arg(value_name = "DIR|FILE.xlsx")]
    source: PathBuf,
    /// Write the scenario to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn exec(args: Args) -> Result<()> {
    let shown = scenario::escape_unsafe(&args.source.display().to_string(), false).into_owned();
    let book = if args.source.is_dir() {
        tables::read_csv_dir(&args.source)?
    } else if is_xlsx(&args.source) {
        tables::read_xlsx(&args.source)?
    } else if !args.source.exists() {
        bail!("{shown}: no such file or directory");
    } else {
        bail!("{shown}: give a directory of CSV files (one per table) or a workbook ending in .xlsx (save an .xls or .ods workbook as .xlsx first)");
    };
    let origin = args
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(shown);
    let imported = tables::import(&book, &origin)?;
    for w in &imported.warnings {
        eprintln!(
            "{}",
            scenario::escape_unsafe(&w.to_string().replacen("error:", "warning:", 1), true)
        );
    }
    emit(&imported.yaml, args.output.as_deref())
}
