//! `POST /api/v1/vote/reasons`: after the vote, why (one-tap reasons, optional). The battle
//! token is the proof that the sender saw the battle; the reasons replace what was given before,
//! for [`EDIT_WINDOW_MS`] after the vote, and count nothing anew: the ratings do not move.

use arena_core::api::{ReasonsRequest, ReasonsResponse};
use arena_core::reason::Reason;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::AppState;
use super::{JsonBody, Peer};
use crate::error::ApiError;
use crate::store::ReasonsUpdate;
use crate::trust::voter::{self, VoterId};

/// How long after the vote its reasons may still change: long enough to change one's mind,
/// short enough that the leaderboard's reason counts settle.
pub const EDIT_WINDOW_MS: i64 = 10 * 60 * 1000;

pub async fn post_reasons(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ReasonsRequest>,
) -> Result<Json<ReasonsResponse>, ApiError> {
    let trust = &state.trust;
    let address = trust.address(peer, &headers).await?;
    let Ok(claims) = state.keys.open(&request.token) else {
        trust.admit_anonymous(&address.network)?;
        return Err(ApiError::InvalidToken);
    };
    // Held to the voter's rate like votes: the sender's id, or the battle's.
    let voter = voter::from_headers(&headers, &state.keys);
    trust.admit_reasons(&voter.unwrap_or(VoterId(claims.voter)))?;
    let now = trust.now_ms();
    let mask = Reason::mask(&request.reasons);
    let update = state
        .store
        .set_reasons(&claims.battle_id_hex(), mask, now - EDIT_WINDOW_MS)
        .await?;
    match update {
        ReasonsUpdate::Saved { voted_at_ms } => {
            state.leaderboards.mark_dirty();
            Ok(Json(ReasonsResponse {
                reasons: Reason::from_mask(mask),
                editable_until_ms: voted_at_ms + EDIT_WINDOW_MS,
            }))
        }
        ReasonsUpdate::NoVote => Err(ApiError::NoVote),
        ReasonsUpdate::Closed { .. } => Err(ApiError::ReasonsClosed),
    }
}
