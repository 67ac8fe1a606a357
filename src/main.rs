//! soc2scan command-line entry point: parse arguments, run, exit with the documented code.

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = soc2scan::cli::Cli::parse();
    soc2scan::app::main(cli)
}
