//! `arena-server serve`: the arena, until Ctrl-C or SIGTERM.

use crate::application::{Application, Config};
use crate::config::ServeConfig;

pub async fn run(args: ServeConfig) -> anyhow::Result<()> {
    let application = Application::build(Config::from_flags(&args)?).await?;
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
