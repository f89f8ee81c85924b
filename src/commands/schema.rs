//! `drsim schema`: the JSON Schema of the scenario format, for editors.

use super::shared::emit;
use anyhow::Result;
use std::path::PathBuf;

/// Print the JSON Schema of the scenario format, for editors
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Print the JSON Schema (draft-07) of the scenario format, so that an editor
completes keys, explains them and flags a wrong one as you type. It checks
each key and the form of each value (a duration needs a unit, a
distribution is one of six forms); `drsim check` checks the rest (that ids
exist, ranges, no cycle).

With the YAML extension of VS Code (or any editor using
yaml-language-server), put the schema beside your scenario and start the
scenario with this line:
  # yaml-language-server: $schema=scenario.schema.json

The repository keeps a copy in schema/scenario.schema.json, which the
bundled scenarios name.

Examples:
  drsim schema -o scenario.schema.json
  drsim schema | jq '.definitions | keys'")]
pub struct Args {
    /// Write to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn exec(args: Args) -> Result<()> {
    emit(&drsim::scenario::schema(), args.output.as_deref())
}
