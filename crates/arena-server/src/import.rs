//! Importing a battle set: parse it all, refuse it whole if anything is bad, store it in one
//! transaction. A file is the arena's own battle-set format; a folder is the FastChat /
//! Arena-Hard layout (`question.jsonl` + `model_answer/<model>.jsonl`). Used by
//! `arena-server import` and by `serve --import-if-empty`.

use std::path::Path;

use anyhow::Context;
use arena_core::battle_set;
use arena_core::battle_set::FileLineError;
use arena_core::fastchat;

use arena_core::admin::ImportUpload;

use crate::store::{ImportOptions, ImportReport, Store};

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every problem found, each with its file and line.
    #[error("{count} problem(s)", count = .0.len())]
    Bad(Vec<FileLineError>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ImportError {
    /// One line per problem, `file:line: message`, for people.
    pub fn report(&self) -> Vec<String> {
        match self {
            ImportError::Bad(errors) => errors.iter().map(ToString::to_string).collect(),
            ImportError::Other(e) => vec![format!("{e:#}")],
        }
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))
}

/// Parses the file or folder at `path` without storing anything. Answers left out (see
/// [`fastchat::Options::skip_bad_answers`], which the battle-set format follows too) come back
/// beside the set.
pub fn load(path: &Path, options: &fastchat::Options<'_>) -> Result<fastchat::Parsed, ImportError> {
    if !path.is_dir() {
        let text = read(path)?;
        let file = path.display().to_string();
        return battle_set::parse_with(&text, options.skip_bad_answers)
            .map(|(set, skipped)| (set, skipped.into_iter().map(|e| e.in_file(&file)).collect()))
            .map_err(|errors| {
                ImportError::Bad(errors.into_iter().map(|e| e.in_file(&file)).collect())
            });
    }
    let question_path = path.join("question.jsonl");
    let questions = read(&question_path)?;
    let mut answer_paths: Vec<_> = std::fs::read_dir(path.join("model_answer"))
        .with_context(|| format!("{} has no model_answer folder", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    answer_paths.sort();
    let answers = answer_paths
        .iter()
        .map(|p| Ok((p.display().to_string(), read(p)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let answers: Vec<(&str, &str)> = answers
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let question_file = question_path.display().to_string();
    fastchat::parse((&question_file, &questions), &answers, options).map_err(ImportError::Bad)
}

/// Parses an upload of the operator API: one battle-set file, or a FastChat / Arena-Hard set
/// (a file named `question.jsonl` and the models' answer files). Nothing is stored.
pub fn parse_upload(upload: &ImportUpload) -> Result<fastchat::Parsed, ImportError> {
    let base = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
    let question = upload
        .files
        .iter()
        .position(|f| base(&f.name) == "question.jsonl");
    match (question, upload.files.as_slice()) {
        (_, []) => Err(anyhow::anyhow!("the upload has no file").into()),
        (None, [file]) => battle_set::parse_with(&file.text, upload.skip_bad_answers)
            .map(|(set, skipped)| {
                let skipped = skipped.into_iter().map(|e| e.in_file(&file.name)).collect();
                (set, skipped)
            })
            .map_err(|errors| {
                ImportError::Bad(errors.into_iter().map(|e| e.in_file(&file.name)).collect())
            }),
        (None, _) => Err(anyhow::anyhow!(
            "several files but none named question.jsonl: upload one battle-set file, or a \
             FastChat set (question.jsonl and the model_answer files)"
        )
        .into()),
        (Some(q), files) => {
            let answers: Vec<(&str, &str)> = files
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != q)
                .map(|(_, f)| (f.name.as_str(), f.text.as_str()))
                .collect();
            let options = fastchat::Options {
                category: upload
                    .category
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty()),
                skip_bad_answers: upload.skip_bad_answers,
            };
            let question = &files[q];
            fastchat::parse((&question.name, &question.text), &answers, &options)
                .map_err(ImportError::Bad)
        }
    }
}

/// Prints an import's progress on standard error at every tenth of the way.
pub fn print_progress(done: u64, total: u64) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_TENTH: AtomicU64 = AtomicU64::new(u64::MAX);
    let tenth = (done * 10).checked_div(total).unwrap_or(10);
    if done == 0 || LAST_TENTH.swap(tenth, Ordering::Relaxed) == tenth {
        return;
    }
    eprintln!(
        "storing: {}% ({done} of {total} models, prompts and answers)",
        tenth * 10
    );
}

/// Imports the file or folder at `path`; returns what changed and what was left out.
pub async fn import_path(
    store: &dyn Store,
    path: &Path,
    options: &fastchat::Options<'_>,
    store_options: ImportOptions<'_>,
) -> Result<(ImportReport, Vec<FileLineError>), ImportError> {
    let (set, skipped) = load(path, options)?;
    let report = store
        .import_with(&set, store_options)
        .await
        .with_context(|| format!("cannot store {}", path.display()))?;
    Ok((report, skipped))
}

/// A battle-set file (the arena's own format).
pub async fn import_file(store: &dyn Store, path: &Path) -> Result<ImportReport, ImportError> {
    let options = fastchat::Options::default();
    Ok(import_path(store, path, &options, ImportOptions::default())
        .await?
        .0)
}
