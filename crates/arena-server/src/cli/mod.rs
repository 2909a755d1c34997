//! Every subcommand of `arena-server`, one file each: `serve.rs`, `catalogue.rs` (`import`,
//! `answers`), `database.rs` (`export`, `backup`), `operator_token.rs`, `leaderboard.rs`.

pub mod catalogue;
pub mod database;
pub mod leaderboard;
pub mod operator_token;
pub mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::ServeConfig;

#[derive(Parser, Debug)]
#[command(
    name = "arena-server",
    version,
    about = "K-AI Arena: a public, blind, side-by-side arena for Korean-context AI answers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log lines as `text` or as `json` (one object per line, with the request's id).
    #[arg(long, global = true, env = "ARENA_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API and the built web app.
    Serve(Box<ServeConfig>),
    /// Import a battle-set file (JSON Lines) or a FastChat/Arena-Hard folder; all of it or, if
    /// anything is bad, nothing.
    Import(catalogue::ImportArgs),
    /// Compute a leaderboard from a file of battle records (Chatbot Arena field names).
    Leaderboard(leaderboard::LeaderboardArgs),
    /// Write every counted vote as JSON Lines with the public Chatbot Arena field names (no
    /// personal data), for publishing; `leaderboard --battles` reads it back.
    Export(database::ExportArgs),
    /// Answers that give their model away: list them, allow or forbid drawing one.
    Answers(catalogue::AnswersArgs),
    /// Make an operator token: prints the token (give it to the operator) and the entry to add
    /// to ARENA_OPERATOR_TOKEN_SHA256 (the server keeps only its hash).
    OperatorToken(operator_token::OperatorTokenArgs),
    /// Write a consistent copy of the database to FILE while the arena serves (SQLite: a
    /// database file; PostgreSQL: pg_dump's custom format). README says how to restore it.
    Backup(database::BackupArgs),
}

/// Runs the command line: what `main` does.
pub fn run(cli: Cli) -> ExitCode {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr);
    if cli.log_format == "json" {
        logs.json().init();
    } else {
        logs.init();
    }
    let result = match cli.command {
        Command::Leaderboard(args) => leaderboard::run(&args),
        Command::OperatorToken(args) => operator_token::run(&args),
        command => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|rt| {
                rt.block_on(async {
                    match command {
                        Command::Serve(args) => serve::run(*args).await,
                        Command::Import(args) => catalogue::import(args).await,
                        Command::Export(args) => database::export(args).await,
                        Command::Answers(args) => catalogue::answers(args).await,
                        Command::Backup(args) => database::backup(args).await,
                        Command::Leaderboard(_) | Command::OperatorToken(_) => {
                            unreachable!("handled above")
                        }
                    }
                })
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
