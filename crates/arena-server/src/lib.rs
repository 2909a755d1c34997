//! K-AI Arena's server.
//!
//! [`app`] builds the whole HTTP service from an [`AppState`], so tests drive exactly what
//! `main` serves. Where things live: `api/` (JSON routes), `token.rs` (sealed battle tokens),
//! `store/` (the database behind one trait), `leaderboard.rs` (tables kept in memory),
//! `web.rs` (the built web app), `import.rs` and `cli/` (operator commands), `secret.rs`.

pub mod api;
pub mod cli;
pub mod clock;
pub mod error;
pub mod import;
pub mod leaderboard;
pub mod secret;
pub mod store;
pub mod token;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::header::{REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::leaderboard::Leaderboards;
use crate::store::DynStore;
use crate::token::TokenKeys;

/// Settings the handlers read; everything comes from configuration, nothing is hard-wired.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a battle may stay open before its vote is refused.
    pub token_ttl: Duration,
    /// Mark the voter cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl: Duration::from_secs(24 * 3600),
            secure_cookies: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub keys: Arc<TokenKeys>,
    pub leaderboards: Arc<Leaderboards>,
    pub settings: Arc<Settings>,
}

/// The whole service: `/healthz`, API v1 and, when `web` is given, the built app.
pub fn app(state: AppState, web: Option<(std::path::PathBuf, web::IndexPage)>) -> Router {
    let api = api::routes().layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES));
    let mut router = Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok\n" }))
        .nest(arena_core::api::API_PREFIX, api);
    if let Some((dist, index)) = web {
        router = router.merge(web::routes(dist, index));
    }
    router
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}
