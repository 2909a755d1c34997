//! `arena-server import` (a battle set or a FastChat folder into the catalogue) and `arena-server
//! answers` (answers held back for naming their model: list, allow, forbid).

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::DbArgs;
use crate::import::{ImportError, import_path};
use crate::store::DynStore;

#[derive(clap::Args, Debug)]
pub struct AnswersArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: AnswersAction,
}

#[derive(Subcommand, Debug)]
pub enum AnswersAction {
    /// List the answers held back for naming their model or maker (not drawn unless allowed).
    #[command(alias = "leaks")]
    Held,
    /// Allow one flagged answer to be drawn after all (its text was checked by a person).
    Allow { prompt: String, model: String },
    /// Stop drawing a flagged answer again.
    Forbid { prompt: String, model: String },
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A battle-set file, or a folder with question.jsonl and model_answer/<model>.jsonl.
    pub file: PathBuf,
    /// For a FastChat folder: the category of all its prompts (instead of the questions' own).
    #[arg(long)]
    pub category: Option<String>,
    /// Leave out (and list) answers that break the rules, e.g. empty or longer than 100,000
    /// characters, instead of refusing the file or folder (a prompt left with no answer too).
    #[arg(long)]
    pub skip_bad_answers: bool,
    /// Check everything and count what would change, then store nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn answers(args: AnswersArgs) -> anyhow::Result<()> {
    let (store, _) = crate::store::open(&args.db.database_url, args.db.sqlite_synchronous).await?;
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
    let audit = crate::store::NewAudit {
        at_ms: crate::clock::now_ms(),
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

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (store, _) = crate::store::open(&args.db.database_url, args.db.sqlite_synchronous).await?;
    let options = arena_core::fastchat::Options {
        category: args.category.as_deref(),
        skip_bad_answers: args.skip_bad_answers,
    };
    let audit = crate::store::NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: "cli".into(),
        action: "import".into(),
        subject: args.file.display().to_string(),
        detail: serde_json::json!({ "files": [args.file.display().to_string()] }),
    };
    let progress = crate::import::print_progress;
    let store_options = crate::store::ImportOptions {
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
