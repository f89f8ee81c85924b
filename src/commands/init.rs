//! `drsim init`: write a short, commented starter scenario.

use anyhow::{bail, Result};
use std::io::Write;
use std::path::PathBuf;

/// The starter scenario as the repository keeps it (examples/): valid (a
/// test checks it), small, and commented.
pub const STARTER: &str = include_str!("../../examples/starter.yaml");

/// The schema comment of the repository's copy, which names the schema in
/// the repository.
const REPOSITORY_SCHEMA: &str = "# yaml-language-server: $schema=../schema/scenario.schema.json\n";

/// The starter as `init` writes it: its schema comment names a schema
/// beside the file, and says how to write one there.
pub fn starter() -> String {
    STARTER.replacen(
        REPOSITORY_SCHEMA,
        "# yaml-language-server: $schema=scenario.schema.json\n\
         # (editors complete and check keys with it: drsim schema -o scenario.schema.json)\n",
        1,
    )
}

/// Write a commented starter scenario to edit
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Write a short, commented starter scenario: two sites, a team, a database
with two backup tiers and a standby copy at the other site, two application
servers, a business service with its RTO, RPO, MTPD and the cost of an
outage, and two threats (ransomware and a site fire). Edit it to describe
your estate; `drsim check` says what is wrong and where.

Never overwrites: an existing file is refused. Without FILE the scenario
goes to standard output.

Examples:
  drsim init scenario.yaml
  drsim init > scenario.yaml")]
pub struct Args {
    /// Where to write it (a new file); standard output when left out
    file: Option<PathBuf>,
}

pub fn exec(args: Args) -> Result<()> {
    let Some(path) = args.file else {
        let mut out = std::io::stdout().lock();
        out.write_all(starter().as_bytes())?;
        return Ok(out.flush()?);
    };
    // Created exclusively: never over a file that is there, even one made
    // between a check and the write.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} exists; drsim init never overwrites a file: give a new name, e.g. drsim init my-scenario.yaml",
            drsim::scenario::escape_unsafe(&path.display().to_string(), false)
        ),
        Err(e) => bail!(
            "cannot write {}: {e}",
            drsim::scenario::escape_unsafe(&path.display().to_string(), false)
        ),
    };
    if let Err(e) = file
        .write_all(starter().as_bytes())
        .and_then(|()| file.sync_all())
    {
        // No half-written starter left behind.
        let _ = std::fs::remove_file(&path);
        bail!("cannot write {}: {e}", path.display());
    }
    eprintln!(
        "wrote {}; next: drsim check {0}",
        drsim::scenario::escape_unsafe(&path.display().to_string(), false)
    );
    Ok(())
}
