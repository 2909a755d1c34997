//! K-AI Arena's server.
//!
//! [`application::Application::build`] builds the whole server from a typed
//! [`application::Config`], for `main` and for the tests alike; [`app`] is its HTTP service. Where things live: `api/` (JSON routes), `token.rs` (sealed battle tokens),
//! `store/` (the database behind one trait), `leaderboard.rs` (tables kept in memory),
//! `trust/` (who may vote how often, and which votes count), `serve/` (the HTTP server with
//! its timeouts and connection limit), `web.rs` (the built web app), `import.rs` and `cli/`
//! (operator commands), `secret.rs`.

pub mod api;
pub mod application;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod import;
pub mod leaderboard;
pub mod live;
pub mod metrics;
pub mod operator;
pub mod secret;
pub mod serve;
pub mod store;
pub mod token;
pub mod trust;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::header::ETAG;
use axum::http::header::{REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS};
use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::leaderboard::Leaderboards;
use crate::store::DynStore;
use crate::token::TokenKeys;
use crate::trust::Trust;

/// Settings the handlers read; everything comes from configuration, nothing is hard-wired.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a battle may stay open before its vote is refused.
    pub token_ttl: Duration,
    /// Mark the voter cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Who may use the operator API.
    pub operators: operator::OperatorTokens,
    /// Largest upload the operator API reads (an import), in bytes.
    pub max_upload_bytes: usize,
    /// Live battles' models and rules; `None`: no live battles.
    pub live: Option<live::LiveConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl: Duration::from_secs(3600),
            secure_cookies: false,
            operators: operator::OperatorTokens::default(),
            max_upload_bytes: 256 * 1024 * 1024,
            live: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub keys: Arc<TokenKeys>,
    pub leaderboards: Arc<Leaderboards>,
    pub settings: Arc<Settings>,
    pub trust: Arc<Trust>,
    /// Imports started through the operator API on this server.
    pub imports: Arc<api::admin::ImportJobs>,
    /// Live battles, when configured.
    pub live: Option<Arc<live::Live>>,
    /// Snapshots' battle files, as written to disk for download.
    pub downloads: Arc<api::downloads::Downloads>,
}

impl AppState {
    /// The arena's state from its parts, the same for `main` and the tests. The leaderboards
    /// are not computed yet: call `leaderboards.recompute()` and `spawn_worker()`.
    pub fn new(
        store: DynStore,
        secret: &[u8],
        settings: Settings,
        trust: trust::TrustSettings,
        rating: arena_core::rating::RatingOptions,
        refresh: leaderboard::RefreshSettings,
    ) -> Self {
        let keys = Arc::new(TokenKeys::from_secret(secret));
        let clock = Arc::clone(&refresh.clock);
        // `Application::build` checked the configuration; a client that cannot start here is
        // told in the log and the arena goes on without live battles.
        let live = settings
            .live
            .clone()
            .and_then(|config| match live::Live::new(config) {
                Ok(live) => Some(Arc::new(live)),
                Err(e) => {
                    tracing::error!(error = %e, "live battles are off");
                    None
                }
            });
        AppState {
            live,
            trust: Arc::new(Trust::new(
                trust,
                Arc::clone(&store),
                Arc::clone(&keys),
                clock,
            )),
            leaderboards: Leaderboards::new(Arc::clone(&store), rating, refresh),
            store,
            keys,
            settings: Arc::new(settings),
            imports: Arc::default(),
            downloads: Arc::default(),
        }
    }
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
        .nest("/snapshots", api::snapshots::routes());
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
