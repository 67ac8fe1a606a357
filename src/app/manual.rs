//! Shell completions and man pages, generated from the clap definitions in `cli.rs`
//! so that they never drift from `--help`. Packagers run
//! `soc2scan completions bash > /usr/share/bash-completion/completions/soc2scan`,
//! `soc2scan man > soc2scan.1` and `soc2scan man scan > soc2scan-scan.1`.

use crate::app::{Failure, EXIT_CLEAN};
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;

/// Print the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<u8, Failure> {
    // Rendered into memory first: clap_complete panics when its writer fails, and
    // stdout fails as soon as a pager or `head` closes the pipe.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "soc2scan", &mut script);
    print(&script);
    Ok(EXIT_CLEAN)
}

/// Print the man page of `soc2scan`, or of the subcommand that `path` names
/// (`["scan"]` gives soc2scan-scan(1)).
pub fn man(path: &[String]) -> Result<u8, Failure> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Building names subcommands `soc2scan-scan`, as their pages are called.
    cmd.build();
    for name in path {
        cmd = cmd.find_subcommand(name).cloned().ok_or_else(|| {
            Failure::usage(format!(
                "no command \"{name}\" to document; `soc2scan man` lists the commands"
            ))
        })?;
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        // Subcommands carry no version of their own; every page names the release.
        .source(format!("soc2scan {}", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .map_err(|e| Failure::usage(format!("cannot render the man page: {e}")))?;
    print(&page);
    Ok(EXIT_CLEAN)
}

/// A closed pipe is the reader's choice, not an error.
fn print(bytes: &[u8]) {
    let _ = std::io::stdout().lock().write_all(bytes);
}
