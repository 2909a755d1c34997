//! `POST /api/v1/vote`: check the token, store the vote once, reveal the two models.

use arena_core::api::{VoteRequest, VoteResponse};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::{JsonBody, voter};
use crate::AppState;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::store::NewVote;

/// A token may claim to come from a little in the future (clock skew between servers), no more.
const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

pub async fn post_vote(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<VoteRequest>,
) -> Result<Json<VoteResponse>, ApiError> {
    let claims = state
        .keys
        .open(&request.token)
        .map_err(|_| ApiError::InvalidToken)?;
    let now = now_ms();
    if claims.issued_at_ms > now + MAX_CLOCK_SKEW_MS {
        return Err(ApiError::InvalidToken);
    }
    let ttl_ms = i64::try_from(state.settings.token_ttl.as_millis()).unwrap_or(i64::MAX);
    if now.saturating_sub(claims.issued_at_ms) > ttl_ms {
        return Err(ApiError::TokenExpired);
    }
    let vote = NewVote {
        battle_id: claims.battle_id_hex(),
        prompt_id: claims.prompt_id,
        model_a: claims.model_a,
        model_b: claims.model_b,
        choice: request.choice,
        // A browser that refuses cookies still votes; its votes just cannot be grouped.
        voter_id: voter::from_headers(&headers).unwrap_or_else(|| "anonymous".into()),
        issued_at_ms: claims.issued_at_ms,
        voted_at_ms: now,
    };
    let models = state.store.record_vote(&vote).await?;
    state.leaderboards.mark_dirty();
    Ok(Json(VoteResponse { models }))
}
