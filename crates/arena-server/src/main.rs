//! `arena-server`: serve the arena, import battle sets, compute leaderboards from battle files
//! (every subcommand is in `cli/`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    arena_server::cli::run(arena_server::cli::Cli::parse())
}
