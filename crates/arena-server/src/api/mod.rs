//! API v1: the JSON routes under `/api/v1`, and the extractors that turn every kind of bad
//! input into an [`ApiError`] with a JSON body (axum's own rejections are plain text).
//!
//! One file per resource: `battle.rs` (draw a battle), `vote.rs` (store a vote), `leaderboard.rs`.

pub mod admin;
mod battle;
pub mod cards;
pub mod downloads;
mod leaderboard;
pub mod live;
pub mod panel;
pub mod reasons;
pub mod rounds;
pub mod snapshots;
mod state;
mod vote;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub use state::{AppState, Settings};

/// Longest request body the API reads; a vote is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/battle", get(battle::get_battle))
        .route("/vote", post(vote::post_vote))
        .route("/vote/reasons", post(reasons::post_reasons))
        .route("/leaderboard", get(leaderboard::get_leaderboard))
        .route("/leaderboard/counts", get(leaderboard::get_counts))
        .route("/live", get(live::get_live))
        .route("/live/battle", post(live::post_live_battle))
        .route("/join", post(panel::join))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(same_origin_only))
}

/// The API answers the arena's own pages (and scripts, which send no `Sec-Fetch-Site`), never
/// another site's page: otherwise any website could make its visitors' browsers draw battles
/// and use up their school's or carrier's limits. The embedded arena is a frame of our own
/// origin, so its requests are same-origin.
async fn same_origin_only(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    if matches!(site, "cross-site" | "same-site") {
        return ApiError::CrossSite.into_response();
    }
    next.run(request).await
}

/// A JSON request body; any failure (too large, not UTF-8, wrong shape) is a 4xx JSON error.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Only JSON: a browser sends `text/plain` across sites without asking first (CORS).
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::BadRequest {
                status: axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "the request body must be JSON (Content-Type: application/json)".into(),
            });
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| ApiError::BadRequest {
                status: r.status(),
                message: r.body_text(),
            })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            ApiError::bad_request(format!(
                "the request body is not valid JSON for this route: {e}"
            ))
        })
    }
}

/// The address of the peer that sent the request (a proxy, when there is one; see
/// `trust::address`). Requests that did not come over a socket (tests driving the router
/// directly) share the unspecified address.
pub struct Peer(pub std::net::SocketAddr);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0)
            .unwrap_or_else(|| std::net::SocketAddr::from(([0, 0, 0, 0], 0)));
        Ok(Peer(peer))
    }
}

/// Query parameters; a malformed query string is a 400 JSON error.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| QueryParams(q.0))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// `?category=..`: an empty value means all categories.
#[derive(serde::Deserialize, Default)]
pub struct CategoryQuery {
    pub category: Option<String>,
}

impl CategoryQuery {
    pub fn category(&self) -> Option<&str> {
        self.category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

/// One path segment (`{id}`); a bad one is a 400 JSON error.
pub struct PathId(pub String);

impl PathId {
    /// The segment as a row id (snapshots, rounds): anything but a positive integer is not one.
    pub fn row_id(&self) -> Result<i64, ApiError> {
        self.0
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ApiError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let id = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?
            .0;
        // No database keeps a NUL, and no id of ours has a control character.
        if id.chars().any(char::is_control) {
            return Err(ApiError::bad_request("the id has a control character"));
        }
        Ok(PathId(id))
    }
}
