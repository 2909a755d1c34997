//! Opening the database a URL names.

use std::sync::Arc;

use super::DynStore;
use super::postgres::PgStore;
use super::sqlite::{Durability, SqliteStore};

/// Opens (and migrates) the database the URL names: SQLite for `sqlite:`, PostgreSQL for
/// `postgres://`. Any other URL is a clear error, never a surprise: `postgres://user@host/db`
/// once became a SQLite file named after it. Also returns a label for messages (never a
/// password). `durability`: what an acknowledged vote survives on SQLite.
pub async fn open(url: &str, durability: Durability) -> anyhow::Result<(DynStore, String)> {
    let url = url.trim();
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => {
            let store = SqliteStore::connect_with(url, durability).await?;
            let label = store
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "SQLite in memory".into());
            Ok((Arc::new(store), label))
        }
        "postgres" | "postgresql" => {
            let store = PgStore::connect(url)
                .await
                .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", redact(url)))?;
            Ok((Arc::new(store), redact(url)))
        }
        _ => anyhow::bail!(
            "DATABASE_URL must be sqlite://path/to/arena.db, sqlite::memory: or \
             postgres://USER:PASSWORD@HOST:PORT/DATABASE, got {:?}",
            redact(url)
        ),
    }
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => match url[start + 3..at].split_once(':') {
            Some((user, _password)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}
