//! `GET /api/v1/battle`: a random prompt with two anonymous answers, sealed to the voter it is
//! drawn for.

use arena_core::api::{Answers, BattleResponse};
use arena_core::markdown::render_html;
use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::{CategoryQuery, Peer, QueryParams};
use crate::error::ApiError;
use crate::token::BattleClaims;

pub async fn get_battle(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Result<Response, ApiError> {
    let trust = &state.trust;
    let address = trust.address(peer, &headers).await?.network;
    let known = trust.voter(&headers);
    let pow = headers
        .get(arena_core::pow::HEADER)
        .and_then(|v| v.to_str().ok());
    let admission = trust.admit_battle(&address, known, pow)?;

    let category = query.category();
    let drawn = state.store.draw_battle(category).await?.ok_or_else(|| {
        ApiError::NoBattle(match category {
            Some(c) => format!(" in the category {c:?}"),
            None => " yet; an operator must import a battle set".into(),
        })
    })?;
    let chars = drawn.answer_a.chars().count() + drawn.answer_b.chars().count();
    let min_read_ms = trust.settings.min_read.for_chars(chars);
    let claims = BattleClaims {
        battle_id: rand::random(),
        issued_at_ms: trust.now_ms(),
        voter: admission.voter.id.0,
        min_read_ms,
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
