//! `GET /api/v1/battle`: a random prompt with two anonymous answers, sealed to the voter it is
//! drawn for. `?round={id}` draws from an open evaluation round instead (what it sealed; the
//! token carries the round), while the voter has votes left in it: for its invited panelist
//! (the `x-arena-panelist` credential, sealed to their pseudonym) when its audience has a panel,
//! for the public when it has the public.

use arena_core::api::{Answers, BattleResponse};
use arena_core::markdown::render_html;
use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::{Peer, QueryParams};
use crate::error::ApiError;
use crate::token::BattleClaims;
use arena_core::round::Audience;

/// `?category=..` (empty: all) or `?round=..`.
#[derive(serde::Deserialize, Default)]
pub struct BattleQuery {
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    round: Option<String>,
}

impl BattleQuery {
    fn category(&self) -> Option<&str> {
        self.category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }

    /// The round asked for; anything but a positive integer is no round of ours (404).
    fn round(&self) -> Result<Option<i64>, ApiError> {
        match self.round.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(id) => super::PathId(id.to_owned()).row_id().map(Some),
        }
    }
}

pub async fn get_battle(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    QueryParams(query): QueryParams<BattleQuery>,
) -> Result<Response, ApiError> {
    let trust = &state.trust;
    let address = trust.address(peer, &headers).await?.network;
    let known = trust.voter(&headers);
    let pow = headers
        .get(arena_core::pow::HEADER)
        .and_then(|v| v.to_str().ok());
    let admission = trust.admit_battle(&address, known, pow)?;

    let round = query.round()?;
    // The voter the battle is sealed to: in a round, an invited panelist's pseudonym when the
    // request carries their credential for it.
    let mut voter = admission.voter.id.0;
    let mut panel = false;
    let drawn = match round {
        Some(id) => {
            let round = super::rounds::taking_votes(&state, id, trust.now_ms()).await?;
            let panelist = match round.audience {
                Audience::Public => None,
                Audience::Panel | Audience::Both => {
                    super::panel::panelist_of(&state, &headers, id).await?
                }
            };
            match (round.audience, panelist) {
                (Audience::Panel, None) => return Err(ApiError::PanelOnly),
                (_, Some(pseudonym)) => {
                    voter = pseudonym;
                    panel = true;
                }
                _ => {}
            }
            let cast = state.store.round_votes_of(id, &hex::encode(voter)).await?;
            if cast >= u64::from(round.votes_per_person) {
                return Err(ApiError::RoundCap(round.votes_per_person));
            }
            state.store.draw_in_round(id).await?
        }
        None => state.store.draw_battle(query.category()).await?,
    };
    let drawn = drawn.ok_or_else(|| {
        ApiError::NoBattle(match (round, query.category()) {
            (Some(_), _) => " in this round".into(),
            (None, Some(c)) => format!(" in the category {c:?}"),
            (None, None) => " yet; an operator must import a battle set".into(),
        })
    })?;
    let chars = drawn.answer_a.chars().count() + drawn.answer_b.chars().count();
    let min_read_ms = trust.settings.min_read.for_chars(chars);
    let claims = BattleClaims {
        battle_id: rand::random(),
        issued_at_ms: trust.now_ms(),
        voter,
        min_read_ms,
        round,
        panel,
        prompt_id: drawn.prompt.id.clone(),
        model_a: drawn.model_a,
        model_b: drawn.model_b,
    };
    let signed_voter = admission.voter.signed(&state.keys);
    let body = BattleResponse {
        token: state.keys.seal(&claims, rand::random()),
        prompt: drawn.prompt,
        answers_html: Answers {
            a: render_html(&drawn.answer_a),
            b: render_html(&drawn.answer_b),
        },
        answers: Answers {
            a: drawn.answer_a,
            b: drawn.answer_b,
        },
        voter: signed_voter.clone(),
        min_read_ms: u64::from(min_read_ms),
    };
    let mut response = Json(body).into_response();
    let headers_out = response.headers_mut();
    headers_out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if admission.new_voter {
        let cookie = trust.voter_cookie(&admission.voter, state.settings.secure_cookies);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers_out.insert(SET_COOKIE, value);
        }
    }
    Ok(response)
}
