//! Importing a battle-set file: parse it all, refuse it whole if any line is bad, store it in
//! one transaction. Used by `arena-server import` and by `serve --import-if-empty`.

use std::path::Path;

use anyhow::Context;
use arena_core::battle_set;

use crate::store::{ImportReport, Store};

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {count} bad line(s)", count = .errors.len())]
    BadLines {
        file: String,
        errors: Vec<battle_set::LineError>,
    },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub async fn import_file(store: &dyn Store, path: &Path) -> Result<ImportReport, ImportError> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))?;
    let set = battle_set::parse(&text).map_err(|errors| ImportError::BadLines {
        file: path.display().to_string(),
        errors,
    })?;
    let report = store
        .import(&set)
        .await
        .with_context(|| format!("cannot store {}", path.display()))?;
    Ok(report)
}
