//! The server secret that keys battle tokens.
//!
//! From `ARENA_SECRET` when set (several servers must share it); otherwise generated once and
//! kept in the secret file (`ARENA_SECRET_FILE`, `data/arena.secret` by default), readable by its
//! owner only, so tokens survive a restart. Where the secret lives never depends on the database:
//! a PostgreSQL server has no file beside it, and an in-memory SQLite database once made a
//! secret file appear under a name sqlx invented.

use std::path::Path;

use anyhow::Context;

const MIN_SECRET_LEN: usize = 32;

/// `from_env` is the value of `ARENA_SECRET`, if any; `path` the secret file to use otherwise.
pub fn load(from_env: Option<String>, path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = from_env.filter(|s| !s.is_empty()) {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_LEN,
            "ARENA_SECRET must be at least {MIN_SECRET_LEN} characters"
        );
        return Ok(secret.into_bytes());
    }
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret = hex::decode(text.trim())
                .with_context(|| format!("{} is not a hex secret", path.display()))?;
            anyhow::ensure!(
                secret.len() >= MIN_SECRET_LEN,
                "{} is too short",
                path.display()
            );
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = rand::random::<[u8; 32]>().to_vec();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            write_private(path, &hex::encode(&secret))
                .with_context(|| format!("cannot write {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new server secret");
            Ok(secret)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys").join("arena.secret");
        let first = load(None, &file).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(load(None, &file).unwrap(), first);
        assert!(load(Some("short".into()), &file).is_err());
        let from_env = "x".repeat(40);
        assert_eq!(
            load(Some(from_env.clone()), &file).unwrap(),
            from_env.into_bytes()
        );
    }
}
