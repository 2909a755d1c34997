//! `POST /api/v1/vote`: check the token, store the vote once (with the reasons it may not
//! count), reveal the two models — only when the vote counts: a vote kept but not counted (too
//! fast, another voter's battle, beyond a daily cap) is answered with its reasons and no model,
//! so nothing is learned from a vote that costs nothing. A retry of the same vote gets the same
//! answer.
//!
//! A battle of an evaluation round is voted only while the round takes votes (410
//! `round_closed` after), held to its votes-per-person cap, tabulated apart, and with the
//! reveal policy `after_close` answered without any model until the round closes.

use arena_core::api::{VoteRequest, VoteResponse};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::AppState;
use super::{JsonBody, Peer};
use crate::error::ApiError;
use crate::store::{InRound, NewVote, Recorded, StoredVote};
use crate::trust::voter::{self, VoterId};
use arena_core::round::{RevealPolicy, Round};

/// A token may claim to come from a little in the future (clock skew between servers), no more.
const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

pub async fn post_vote(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<VoteRequest>,
) -> Result<Json<VoteResponse>, ApiError> {
    let trust = &state.trust;
    let address = trust.address(peer, &headers).await?;
    let claims = match state.keys.open(&request.token) {
        Ok(claims) => claims,
        Err(_) => {
            // Junk costs its address, not the voters behind it.
            trust.admit_anonymous(&address.network)?;
            return Err(ApiError::InvalidToken);
        }
    };
    let now = trust.now_ms();
    if claims.issued_at_ms > now + MAX_CLOCK_SKEW_MS {
        return Err(ApiError::InvalidToken);
    }
    let ttl_ms = i64::try_from(state.settings.token_ttl.as_millis()).unwrap_or(i64::MAX);
    if now.saturating_sub(claims.issued_at_ms) > ttl_ms {
        return Err(ApiError::TokenExpired);
    }
    let battle_id = claims.battle_id_hex();
    let round = match claims.round {
        None => None,
        Some(id) => match super::rounds::taking_votes(&state, id, now).await {
            Ok(round) => Some(round),
            // A retry of a vote stored before the round closed gets its answer.
            Err(refused) => {
                return match state.store.stored_vote(&battle_id).await? {
                    Some(stored) => answer_again(&state, stored, &request, None).await,
                    None => Err(refused),
                };
            }
        },
    };
    // A panel battle is voted by its panelist (their credential), any other by the voter id.
    let voter = match (claims.panel, claims.round) {
        (true, Some(round)) => super::panel::panelist_of(&state, &headers, round)
            .await?
            .map(VoterId),
        (true, None) => None,
        (false, _) => voter::from_headers(&headers, &state.keys),
    };
    if let Err(limited) = trust.admit_vote(&voter.unwrap_or(VoterId(claims.voter))) {
        // A retry (the first answer was lost on the way) is answered as the first time, even
        // when the voter is out of votes for now.
        return match state.store.stored_vote(&battle_id).await? {
            Some(stored) => answer_again(&state, stored, &request, round.as_ref()).await,
            None => Err(limited),
        };
    }
    let flags = trust.vote_flags(&claims, voter, now);
    let caps = trust.daily_caps(&address);
    let vote = NewVote {
        battle_id,
        prompt_id: claims.prompt_id,
        model_a: claims.model_a,
        model_b: claims.model_b,
        choice: request.choice,
        // The voter the battle was drawn for; a mismatch is among the flags.
        voter_id: hex::encode(claims.voter),
        address_hash: Some(address.today),
        issued_at_ms: claims.issued_at_ms,
        voted_at_ms: now,
        min_read_ms: i64::from(claims.min_read_ms),
        flags,
        round: round.as_ref().zip(claims.round).map(|(r, id)| InRound {
            id,
            cap: r.votes_per_person,
            panel: claims.panel,
        }),
    };
    match state.store.record_vote(&vote, caps.as_ref()).await? {
        Recorded::Stored {
            models,
            not_counted,
        } => {
            let outcome = if not_counted.is_empty() {
                "counted"
            } else {
                "flagged"
            };
            metrics::counter!("arena_votes_total", "outcome" => outcome).increment(1);
            state.leaderboards.mark_dirty();
            if !not_counted.is_empty() {
                return Ok(Json(VoteResponse::withheld(not_counted.codes())));
            }
            if let Some(sealed) = sealed_until(round.as_ref()) {
                return Ok(Json(sealed));
            }
            let models = state.store.with_cards(models).await?;
            Ok(Json(VoteResponse::revealed(models)))
        }
        // A retry, or two copies of one vote that raced: the same answer as the first time.
        Recorded::Duplicate(stored) => {
            metrics::counter!("arena_votes_total", "outcome" => "duplicate").increment(1);
            answer_again(&state, stored, &request, round.as_ref()).await
        }
    }
}

/// The answer to a counted vote in a round that names no model until it closes.
fn sealed_until(round: Option<&Round>) -> Option<VoteResponse> {
    round
        .filter(|r| r.reveal == RevealPolicy::AfterClose)
        .map(|r| VoteResponse::sealed(r.closes_at_ms))
}

/// The answer for a battle already voted: the same answer for the same choice (the reveal only
/// while the vote counts, and in a round sealed until it closes only after), 409 for another.
/// `round`: the vote's round while it still takes votes.
async fn answer_again(
    state: &AppState,
    stored: StoredVote,
    request: &VoteRequest,
    round: Option<&Round>,
) -> Result<Json<VoteResponse>, ApiError> {
    if stored.choice != request.choice {
        return Err(ApiError::AlreadyVoted);
    }
    if !stored.flags.is_empty() {
        return Ok(Json(VoteResponse::withheld(stored.flags.codes())));
    }
    if let Some(sealed) = sealed_until(round) {
        return Ok(Json(sealed));
    }
    Ok(Json(VoteResponse::revealed(
        state.store.with_cards(stored.models).await?,
    )))
}
