//! `arena-server export` (every counted vote, public fields only) and `arena-server backup` (a
//! consistent copy of the database while the arena serves).

use std::path::PathBuf;

use crate::config::DbArgs;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The new file (never overwritten).
    pub file: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let (store, label) =
        crate::store::open(&args.db.database_url, args.db.sqlite_synchronous).await?;
    store.backup(&args.file).await?;
    println!("backed up {label} to {}", args.file.display());
    Ok(())
}

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let (store, _) = crate::store::open(&args.db.database_url, args.db.sqlite_synchronous).await?;
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
