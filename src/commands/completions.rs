//! `drsim completions` and `drsim man`: shell completions and man pages,
//! generated from the command line's own definition (clap).

use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

/// Print a shell completion script
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Print a completion script for a shell, to standard output.

Examples:
  drsim completions bash > ~/.local/share/bash-completion/completions/drsim
  drsim completions zsh > ~/.zfunc/_drsim        (with fpath+=~/.zfunc)
  drsim completions fish > ~/.config/fish/completions/drsim.fish
  drsim completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell
    shell: clap_complete::Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "drsim", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    Ok(stdout.flush()?)
}

/// Print the man page, or write one per command
#[derive(Debug, clap::Args)]
#[command(long_about = "\
Print the drsim(1) man page (roff) to standard output, or with --dir write
drsim.1 and a page per command (drsim-drill.1, ...) into a directory.

Examples:
  drsim man | man -l -
  drsim man --dir ~/.local/share/man/man1")]
pub struct ManArgs {
    /// Write drsim.1 and drsim-COMMAND.1 into this directory (made if missing)
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn man(args: ManArgs) -> Result<()> {
    let command = Cli::command();
    let Some(dir) = args.dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(command).render(&mut out)?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&out)?;
        return Ok(stdout.flush()?);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let mut pages = vec![("drsim.1".to_string(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("drsim-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    let mut files = crate::output::Batch::default();
    for (file, page) in pages {
        let mut out = Vec::new();
        clap_mangen::Man::new(page).render(&mut out)?;
        files.add(&dir.join(file), &out)?;
    }
    files.commit()?;
    Ok(())
}
