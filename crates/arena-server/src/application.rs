//! One way to build the server: `main` turns the command line into a [`Config`] and calls
//! [`Application::build`]; the tests build a `Config` of their own and call the same function,
//! so they exercise exactly the wiring citizens get (store, secret, trust, leaderboard worker,
//! draw index, router, HTTP server with its limits, graceful stop).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use arena_core::rating::RatingOptions;
use axum::Router;
use tokio::net::TcpListener;

use crate::config::DbArgs;
use crate::import::{ImportError, import_file};
use crate::leaderboard::RefreshSettings;
use crate::serve::ServeLimits;
use crate::store::DynStore;
use crate::store::sqlite::Durability;
use crate::trust::TrustSettings;
use crate::{AppState, Settings, app, web};

/// Everything a server is built from, typed. `ServeConfig::config` makes it from flags and
/// environment (every setting is in `arena-server serve --help`).
pub struct Config {
    pub database_url: String,
    pub sqlite_synchronous: Durability,
    /// Where to listen (`127.0.0.1:0`: any free port; [`Application::address`] says which).
    pub addr: SocketAddr,
    /// The built web app and who may frame it; `None`: the API only.
    pub web: Option<(PathBuf, web::Framing)>,
    /// Import this battle set when no prompt is ready for battle (the first start).
    pub import_if_empty: Option<PathBuf>,
    /// Prometheus metrics on an address of their own.
    pub metrics_addr: Option<SocketAddr>,
    pub secret: Vec<u8>,
    pub settings: Settings,
    pub trust: TrustSettings,
    pub rating: RatingOptions,
    pub refresh: RefreshSettings,
    pub limits: ServeLimits,
    /// Run the leaderboard's background worker (a test may drive the passes itself).
    pub worker: bool,
}

/// A server, built and listening, not yet answering.
pub struct Application {
    pub store: DynStore,
    pub state: AppState,
    /// How the database was named, without a password.
    pub database: String,
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
}

impl Application {
    /// Opens (and migrates) the database, imports the first battle set if asked, computes the
    /// first tables (or takes those another server published), loads what battles are drawn
    /// from, and listens.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = DbArgs {
            database_url: config.database_url,
            sqlite_synchronous: config.sqlite_synchronous,
        };
        let (store, database) = db.open().await?;
        if let Some(file) = &config.import_if_empty
            && store.battle_ready_prompts().await? == 0
        {
            match import_file(store.as_ref(), file).await {
                Ok(report) => println!(
                    "imported {}: {} prompts, {} answers",
                    file.display(),
                    report.prompts_added,
                    report.answers_added
                ),
                Err(ImportError::Other(e)) => return Err(e),
                Err(bad) => {
                    for line in bad.report() {
                        eprintln!("{line}");
                    }
                    anyhow::bail!("{} was not imported: {bad}", file.display());
                }
            }
        }
        if let Some(live) = &config.settings.live {
            live.validate()?;
            let models: Vec<_> = live
                .models
                .iter()
                .map(|m| arena_core::api::ModelRef::named(m.id.clone(), m.name.clone()))
                .collect();
            let added = store.register_models(&models).await?;
            if added > 0 {
                println!("live battles: {added} new model(s) in the catalogue");
            }
        }
        let state = AppState::new(
            Arc::clone(&store),
            &config.secret,
            config.settings,
            config.trust,
            config.rating,
            config.refresh,
        );
        state.leaderboards.start().await?;
        if config.worker {
            state.leaderboards.spawn_worker();
        }
        // Load what battles are drawn from before the first citizen asks for one.
        store.draw_battle(None).await?;

        let web = match config.web {
            Some((dist, framing)) => {
                let index = web::IndexPage::load(&dist, &framing)?;
                if !index.is_built() {
                    eprintln!(
                        "warning: {} has no index.html; the API works, the web app is not built (make run builds it)",
                        dist.display()
                    );
                }
                Some((dist, index))
            }
            None => None,
        };
        if let Some(metrics_addr) = config.metrics_addr {
            let handle = crate::metrics::install()?;
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                if let Err(e) = crate::metrics::serve(metrics_addr, handle, store).await {
                    tracing::error!(error = %e, "metrics stopped");
                }
            });
        }
        let listener = TcpListener::bind(config.addr).await.with_context(|| {
            format!(
                "cannot listen on {} (another program may use it; set ARENA_ADDR)",
                config.addr
            )
        })?;
        let router = app(state.clone(), web);
        Ok(Application {
            store,
            state,
            database,
            listener,
            router,
            limits: config.limits,
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Answers until `shutdown` completes, lets the requests in flight finish, then writes the
    /// database's buffered log into its files and closes it.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        crate::serve::serve(self.listener, self.router, self.limits, shutdown).await?;
        self.store.close().await?;
        Ok(())
    }
}
