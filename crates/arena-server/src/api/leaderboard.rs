//! `GET /api/v1/leaderboard` and `GET /api/v1/leaderboard/counts`, served from memory.
//!
//! The counts are what the table was computed from, so anyone can recompute it. Both are
//! serialised straight from the shared snapshot; a request copies nothing.
//!
//! `?intervals=sandwich` and `?reweight=true` ask for the same table with sandwich intervals
//! or pair reweighting (see `arena_core::rating`): recomputed from the same counts on the first
//! request after each recomputation, then served from memory too.

use arena_core::rating::IntervalMethod;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::{CategoryQuery, QueryParams};
use crate::error::ApiError;

/// `?category=..&intervals=bootstrap|sandwich&reweight=true|false`.
#[derive(serde::Deserialize, Default)]
pub struct LeaderboardQuery {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub intervals: Option<String>,
    #[serde(default)]
    pub reweight: Option<bool>,
}

pub async fn get_leaderboard(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<LeaderboardQuery>,
) -> Result<Response, ApiError> {
    let category = CategoryQuery {
        category: query.category.clone(),
    };
    let intervals = match query.intervals.as_deref().map(str::trim) {
        None | Some("") => state.leaderboards.options().intervals,
        Some(code) => IntervalMethod::from_code(code).ok_or_else(|| {
            ApiError::bad_request(format!(
                "intervals must be \"bootstrap\" or \"sandwich\", not {code:?}"
            ))
        })?,
    };
    let reweight = query
        .reweight
        .unwrap_or(state.leaderboards.options().reweight);
    let table = state
        .leaderboards
        .variant(category.category(), intervals, reweight)
        .await
        .map_err(ApiError::Internal)?;
    Ok(Json(&table.response).into_response())
}

pub async fn get_counts(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Response {
    let table = state.leaderboards.table(query.category());
    Json(&table.counts).into_response()
}
