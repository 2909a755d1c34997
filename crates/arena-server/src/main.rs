//! `arena-server`: serve the arena, import battle sets, compute leaderboards from battle files.

use std::path::PathBuf;
use std::process::ExitCode;

use arena_server::application::Application;
use arena_server::cli;
use arena_server::config::{DbArgs, ServeConfig};
use arena_server::import::{ImportError, import_path};
use arena_server::store::DynStore;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "arena-server",
    version,
    about = "K-AI Arena: a public, blind, side-by-side arena for Korean-context AI answers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log lines as `text` or as `json` (one object per line, with the request's id).
    #[arg(long, global = true, env = "ARENA_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API and the built web app.
    Serve(Box<ServeConfig>),
    /// Import a battle-set file (JSON Lines) or a FastChat/Arena-Hard folder; all of it or, if
    /// anything is bad, nothing.
    Import(ImportArgs),
    /// Compute a leaderboard from a file of battle records (Chatbot Arena field names).
    Leaderboard(cli::leaderboard::LeaderboardArgs),
    /// Write every counted vote as JSON Lines with the public Chatbot Arena field names (no
    /// personal data), for publishing; `leaderboard --battles` reads it back.
    Export(ExportArgs),
    /// Answers that give their model away: list them, allow or forbid drawing one.
    Answers(AnswersArgs),
    /// Make an operator token: prints the token (give it to the operator) and the entry to add
    /// to ARENA_OPERATOR_TOKEN_SHA256 (the server keeps only its hash).
    OperatorToken(OperatorTokenArgs),
    /// Write a consistent copy of the database to FILE while the arena serves (SQLite: a
    /// database file; PostgreSQL: pg_dump's custom format). README says how to restore it.
    Backup(BackupArgs),
}

#[derive(clap::Args, Debug)]
struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The new file (never overwritten).
    file: PathBuf,
}

#[derive(clap::Args, Debug)]
struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
}

#[derive(clap::Args, Debug)]
struct AnswersArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    action: AnswersAction,
}

#[derive(Subcommand, Debug)]
enum AnswersAction {
    /// List the answers held back for naming their model or maker (not drawn unless allowed).
    #[command(alias = "leaks")]
    Held,
    /// Allow one flagged answer to be drawn after all (its text was checked by a person).
    Allow { prompt: String, model: String },
    /// Stop drawing a flagged answer again.
    Forbid { prompt: String, model: String },
}

#[derive(clap::Args, Debug)]
struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// A battle-set file, or a folder with question.jsonl and model_answer/<model>.jsonl.
    file: PathBuf,
    /// For a FastChat folder: the category of all its prompts (instead of the questions' own).
    #[arg(long)]
    category: Option<String>,
    /// Leave out (and list) answers that break the rules, e.g. empty or longer than 100,000
    /// characters, instead of refusing the file or folder (a prompt left with no answer too).
    #[arg(long)]
    skip_bad_answers: bool,
    /// Check everything and count what would change, then store nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args, Debug)]
struct OperatorTokenArgs {
    /// Who will hold the token (shown beside their changes in the audit log).
    #[arg(long)]
    label: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Leaderboard(args) => cli::leaderboard::run(&args),
        Command::OperatorToken(args) => operator_token(&args),
        command => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|rt| {
                rt.block_on(async {
                    match command {
                        Command::Serve(args) => serve(*args).await,
                        Command::Import(args) => import(args).await,
                        Command::Export(args) => export(args).await,
                        Command::Answers(args) => answers(args).await,
                        Command::Backup(args) => backup(args).await,
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

fn operator_token(args: &OperatorTokenArgs) -> anyhow::Result<()> {
    let entry_check: Result<arena_server::operator::OperatorTokens, String> =
        format!("{}:{}", args.label, "0".repeat(64)).parse();
    entry_check.map_err(anyhow::Error::msg)?;
    let (token, entry) = arena_server::operator::OperatorTokens::generate(args.label.trim());
    println!(
        "token (give it to {}; it is shown once): {token}",
        args.label.trim()
    );
    println!("add to ARENA_OPERATOR_TOKEN_SHA256: {entry}");
    Ok(())
}

async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let (store, label) = args.db.open().await?;
    store.backup(&args.file).await?;
    println!("backed up {label} to {}", args.file.display());
    Ok(())
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let (store, _) = args.db.open().await?;
    let battles = store.public_battles().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for battle in &battles {
        serde_json::to_writer(&mut out, battle)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    eprintln!("exported {} battles", battles.len());
    Ok(())
}

async fn answers(args: AnswersArgs) -> anyhow::Result<()> {
    let (store, _) = args.db.open().await?;
    match args.action {
        AnswersAction::Held => {
            for l in store.held_answers().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    l.prompt_id,
                    l.model_id,
                    l.term,
                    if l.allowed { "allowed" } else { "not drawn" }
                );
            }
            Ok(())
        }
        AnswersAction::Allow { prompt, model } => allow(&store, &prompt, &model, true).await,
        AnswersAction::Forbid { prompt, model } => allow(&store, &prompt, &model, false).await,
    }
}

async fn allow(store: &DynStore, prompt: &str, model: &str, allow: bool) -> anyhow::Result<()> {
    let audit = arena_server::store::NewAudit {
        at_ms: arena_server::clock::now_ms(),
        operator: "cli".into(),
        action: if allow { "answer.allow" } else { "answer.hold" }.into(),
        subject: format!("{prompt} / {model}"),
        detail: serde_json::json!({ "after": { "allowed": allow } }),
    };
    anyhow::ensure!(
        store
            .allow_held_answer_logged(prompt, model, allow, Some(audit))
            .await?,
        "no flagged answer of {model} to {prompt} (see `arena-server answers held`)"
    );
    println!(
        "the answer of {model} to {prompt} is {}",
        if allow { "drawn" } else { "no longer drawn" }
    );
    Ok(())
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (store, _) = args.db.open().await?;
    let options = arena_core::fastchat::Options {
        category: args.category.as_deref(),
        skip_bad_answers: args.skip_bad_answers,
    };
    let audit = arena_server::store::NewAudit {
        at_ms: arena_server::clock::now_ms(),
        operator: "cli".into(),
        action: "import".into(),
        subject: args.file.display().to_string(),
        detail: serde_json::json!({ "files": [args.file.display().to_string()] }),
    };
    let progress = arena_server::import::print_progress;
    let store_options = arena_server::store::ImportOptions {
        dry_run: args.dry_run,
        progress: Some(&progress),
        audit: Some(audit),
    };
    match import_path(store.as_ref(), &args.file, &options, store_options).await {
        Ok((report, skipped)) => {
            for s in &skipped {
                eprintln!("left out: {s}");
            }
            let leaks: Vec<_> = store
                .held_answers()
                .await?
                .into_iter()
                .filter(|l| !l.allowed)
                .collect();
            for l in &leaks {
                eprintln!(
                    "not drawn: the answer of {} to {} names {:?} (arena-server answers allow {} {} if it is fine)",
                    l.model_id, l.prompt_id, l.term, l.prompt_id, l.model_id
                );
            }
            println!(
                "{} {}: {} models added, {} renamed; {} prompts added, {} changed; {} answers added, {} changed{}",
                if args.dry_run {
                    "dry run, nothing stored; importing would change"
                } else {
                    "imported"
                },
                args.file.display(),
                report.models_added,
                report.models_renamed,
                report.prompts_added,
                report.prompts_changed,
                report.answers_added,
                report.answers_changed,
                if report.changed_anything() {
                    ""
                } else {
                    " (nothing new)"
                }
            );
            Ok(())
        }
        Err(ImportError::Other(e)) => Err(e),
        Err(bad) => {
            for line in bad.report() {
                eprintln!("{line}");
            }
            anyhow::bail!(
                "{} was not imported: {bad}, nothing stored",
                args.file.display()
            )
        }
    }
}

async fn serve(args: ServeConfig) -> anyhow::Result<()> {
    let application = Application::build(args.config()?).await?;
    println!(
        "K-AI Arena is running at http://{}  (database: {}, {} prompts ready for battle; Ctrl-C stops it)",
        application.address()?,
        application.database,
        application.store.battle_ready_prompts().await?
    );
    let database = application.database.clone();
    // Ctrl-C or SIGTERM: stop accepting, let the requests in flight finish, then write the
    // database's log into its file and close it.
    application.run_until(shutdown_signal()).await?;
    eprintln!("stopped; every acknowledged vote is in {database}");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
