//! `GET /api/v1/battle`: a random prompt with two anonymous answers and a sealed token.

use arena_core::api::{Answers, BattleResponse};
use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{CategoryQuery, QueryParams, voter};
use crate::AppState;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::token::BattleClaims;

pub async fn get_battle(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Result<Response, ApiError> {
    let category = query.category();
    let drawn = state.store.draw_battle(category).await?.ok_or_else(|| {
        ApiError::NoBattle(match category {
            Some(c) => format!(" in the category {c:?}"),
            None => " yet; an operator must import a battle set".into(),
        })
    })?;
    let claims = BattleClaims {
        battle_id: rand::random(),
        issued_at_ms: now_ms(),
        prompt_id: drawn.prompt.id.clone(),
        model_a: drawn.model_a,
        model_b: drawn.model_b,
    };
    let body = BattleResponse {
        token: state.keys.seal(&claims, rand::random()),
        prompt: drawn.prompt,
        answers: Answers {
            a: drawn.answer_a,
            b: drawn.answer_b,
        },
    };
    let mut response = Json(body).into_response();
    let headers_out = response.headers_mut();
    headers_out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if voter::from_headers(&headers).is_none() {
        let cookie = voter::set_cookie(&voter::new_id(), state.settings.secure_cookies);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers_out.insert(SET_COOKIE, value);
        }
    }
    Ok(response)
}
