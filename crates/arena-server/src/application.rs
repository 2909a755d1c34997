//! One way to build the server: `main` turns the command line into a [`Config`] and calls
//! [`Application::build`]; the tests build a `Config` of their own and call the same function,
//! so they exercise exactly the wiring citizens get (store, secret, trust, leaderboard worker,
//! draw index, router, HTTP server with its limits, graceful stop).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use arena_core::rating::RatingOptions;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{
    ETAG, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::api::{self, AppState, Settings};
use crate::config::ServeConfig;
use crate::import::{ImportError, import_file};
use crate::leaderboard::RefreshSettings;
use crate::serve::ServeLimits;
use crate::store::DynStore;
use crate::store::sqlite::Durability;
use crate::trust::TrustSettings;
use crate::{metrics, web};

/// Everything a server is built from, typed. `ServeConfig::config` makes it from flags and
/// environment (every setting is in `arena-server serve --help`): [`Config::from_flags`].
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

impl Config {
    /// Everything `Application::build` needs from the flags and environment of `serve`, the
    /// secret loaded (or made once into its file).
    pub fn from_flags(flags: &ServeConfig) -> anyhow::Result<Config> {
        let s = flags;
        Ok(Config {
            database_url: s.db.database_url.clone(),
            sqlite_synchronous: s.db.sqlite_synchronous,
            addr: s.addr,
            web: Some((
                s.dist.clone(),
                web::Framing::new(&s.frame_ancestors, &s.embed_origins)?,
            )),
            import_if_empty: s.import_if_empty.clone(),
            metrics_addr: s.metrics_addr,
            secret: crate::secret::load(s.secret.clone(), &s.secret_file)?,
            settings: Settings {
                token_ttl: Duration::from_secs(s.token_ttl_secs),
                secure_cookies: s.secure_cookies,
                operators: s.operator_token_sha256.clone(),
                max_upload_bytes: s.max_upload_mb.max(1).saturating_mul(1024 * 1024),
                live: match &s.live_models {
                    Some(models) => Some(crate::live::LiveConfig {
                        address_rate: s.limit_address_live,
                        site_rate: s.live_budget,
                        ..crate::live::LiveConfig::load(
                            models,
                            s.live_blocklist.as_deref(),
                            s.limit_voter_live,
                        )?
                    }),
                    None => None,
                },
            },
            trust: s.trust(),
            rating: arena_core::rating::RatingOptions {
                bootstrap_rounds: s.bootstrap_rounds,
                intervals: arena_core::rating::IntervalMethod::from_code(&s.intervals)
                    .unwrap_or_default(),
                reweight: s.reweight,
                ..arena_core::rating::RatingOptions::default()
            },
            refresh: s.refresh(),
            limits: s.serve_limits(),
            worker: true,
        })
    }
}

impl Application {
    /// Opens (and migrates) the database, imports the first battle set if asked, computes the
    /// first tables (or takes those another server published), loads what battles are drawn
    /// from, and listens.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let (store, database) =
            crate::store::open(&config.database_url, config.sqlite_synchronous).await?;
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
        spawn_round_closer(state.clone());
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

/// How often a server looks for open rounds whose closing time passed.
const CLOSE_ROUNDS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Closes each round when its window ends, without an operator (see
/// [`crate::store::rounds::close_due`]). Votes after the closing time are refused whether or
/// not this ran yet; this makes the round's state, its public results and its page say so.
fn spawn_round_closer(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CLOSE_ROUNDS_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match crate::store::rounds::close_due(state.store.as_ref(), state.trust.now_ms()).await
            {
                Ok(closed) => {
                    for id in closed {
                        tracing::info!(round = id, "closed at its closing time");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not close the rounds whose time ended"),
            }
        }
    });
}

/// Request ids: a random prefix per process and a counter, short and unique across servers.
#[derive(Clone)]
struct RequestIds {
    prefix: String,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: hex::encode(rand::random::<[u8; 4]>()),
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The whole service: `/healthz`, API v1 and, when `web` is given, the built app.
pub fn app(state: AppState, web: Option<(std::path::PathBuf, web::IndexPage)>) -> Router {
    let upload = state.settings.max_upload_bytes;
    let api = api::routes()
        .layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES))
        .nest("/admin", api::admin::routes(upload))
        .nest("/snapshots", api::snapshots::routes())
        .nest("/rounds", api::rounds::routes());
    let mut router = Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok\n" }))
        .nest(arena_core::api::API_PREFIX, api);
    if let Some((dist, index)) = web {
        router = router.merge(web::routes(dist, index));
    }
    let secure = state.settings.secure_cookies;
    let router = router
        .with_state(state)
        .layer(axum::middleware::from_fn(metrics::track))
        // A response with an entity tag names its exact bytes (a snapshot's file, compressed
        // once, if at all, by its handler): compressing it here would send others under that tag.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                    !headers.contains_key(ETAG)
                },
            )),
        )
        // Every request gets an id (or keeps its proxy's `x-request-id`), logged with it and sent
        // back, so a citizen's report and the server's log meet. Logs carry the method, the
        // route and the id: no address, no voter.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    id = %id,
                    method = %request.method(),
                    path = %request.uri().path(),
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        // No camera, microphone, location or payment for anything on the arena's pages, and a
        // window of its own that a page opened from an answer cannot reach back into.
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    // Served over HTTPS (secure cookies): browsers should never try plain HTTP again.
    if secure {
        router.layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
    } else {
        router
    }
}
