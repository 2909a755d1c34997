//! One error type for the API, and how each case maps to a status code and a JSON body.
//!
//! Bad input is always a 4xx with `{"error": {"code", "message"}}`; only a failure of our own
//! (the database, a bug) is a 5xx, and its details go to the log, not to the client.

use arena_core::api::{ErrorBody, ErrorDetail, codes};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { status: StatusCode, message: String },
    #[error("the battle token is not valid; load a new battle")]
    InvalidToken,
    #[error("the battle token has expired; load a new battle")]
    TokenExpired,
    #[error("this battle has already been voted on")]
    AlreadyVoted,
    #[error("the prompt or answers of this battle are no longer in the arena")]
    BattleGone,
    #[error("no battle is available{0}")]
    NoBattle(String),
    #[error("there is nothing at this address")]
    NotFound,
    #[error("this battle has no vote to give reasons for")]
    NoVote,
    #[error("the reasons of this vote can no longer change")]
    ReasonsClosed,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("the API answers the arena's own pages only")]
    CrossSite,
    #[error("too many requests; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("solve the proof-of-work challenge in this response, then ask again")]
    PowRequired(arena_core::pow::Challenge),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("the upload has {count} problem(s); nothing was stored", count = .0.len())]
    BadImport(Vec<String>),
    #[error("live battles are not offered on this server")]
    LiveOff,
    #[error("{0}")]
    BadPrompt(String),
    #[error("the prompt contains personal data ({}); remove it and ask again", kinds(.0))]
    PersonalData(Vec<arena_core::personal_data::PersonalData>),
    #[error("the prompt contains a term this arena does not send to models")]
    Moderated,
    #[error("every live model is busy; try again in a few seconds")]
    LiveBusy,
    #[error("the round is {from}; it can only become {}", .from.next().map_or("nothing else", |s| s.code()))]
    RoundState { from: arena_core::round::RoundState },
    #[error("the round has not opened yet")]
    RoundNotOpen,
    #[error("the round has closed; it takes no more battles or votes")]
    RoundClosed,
    #[error("you have cast the {0} votes this round allows each person")]
    RoundCap(u32),
    #[error("this round takes the votes of its invited panel only")]
    PanelOnly,
    #[error("{0}")]
    BadCode(arena_core::panel::CodeProblem),
    #[error("there is no such invitation code; check it against the card")]
    UnknownCode,
    #[error("this invitation code has been used already; each code works once")]
    CodeUsed,
    #[error("this invitation code has been revoked")]
    CodeRevoked,
    #[error(
        "this invitation code was first used on {0}; it brings its panelist back only on the same kind of device"
    )]
    OtherDevice(&'static str),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

fn kinds(found: &[arena_core::personal_data::PersonalData]) -> String {
    found
        .iter()
        .map(|k| k.names().1)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Seconds a client waits before asking again when every live model is busy.
const LIVE_BUSY_RETRY_SECS: u64 = 5;

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { status, .. } => (*status, codes::BAD_REQUEST),
            ApiError::InvalidToken => (StatusCode::BAD_REQUEST, codes::INVALID_TOKEN),
            ApiError::TokenExpired => (StatusCode::GONE, codes::TOKEN_EXPIRED),
            ApiError::AlreadyVoted => (StatusCode::CONFLICT, codes::ALREADY_VOTED),
            ApiError::BattleGone => (StatusCode::GONE, codes::BATTLE_GONE),
            ApiError::NoBattle(_) => (StatusCode::NOT_FOUND, codes::NO_BATTLE),
            ApiError::NotFound => (StatusCode::NOT_FOUND, codes::NOT_FOUND),
            ApiError::NoVote => (StatusCode::NOT_FOUND, codes::NO_VOTE),
            ApiError::ReasonsClosed => (StatusCode::CONFLICT, codes::REASONS_CLOSED),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, codes::BAD_REQUEST),
            ApiError::CrossSite => (StatusCode::FORBIDDEN, codes::CROSS_SITE),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED),
            ApiError::PowRequired(_) => (StatusCode::PRECONDITION_REQUIRED, codes::POW_REQUIRED),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED),
            ApiError::BadImport(_) => (StatusCode::UNPROCESSABLE_ENTITY, codes::BAD_IMPORT),
            ApiError::LiveOff => (StatusCode::NOT_FOUND, codes::LIVE_OFF),
            ApiError::BadPrompt(_) => (StatusCode::BAD_REQUEST, codes::BAD_PROMPT),
            ApiError::PersonalData(_) => (StatusCode::UNPROCESSABLE_ENTITY, codes::PERSONAL_DATA),
            ApiError::Moderated => (StatusCode::UNPROCESSABLE_ENTITY, codes::MODERATED),
            ApiError::LiveBusy => (StatusCode::SERVICE_UNAVAILABLE, codes::LIVE_BUSY),
            ApiError::RoundState { .. } => (StatusCode::CONFLICT, codes::ROUND_STATE),
            ApiError::RoundNotOpen => (StatusCode::CONFLICT, codes::ROUND_NOT_OPEN),
            ApiError::RoundClosed => (StatusCode::GONE, codes::ROUND_CLOSED),
            ApiError::RoundCap(_) => (StatusCode::FORBIDDEN, codes::ROUND_CAP),
            ApiError::PanelOnly => (StatusCode::FORBIDDEN, codes::PANEL_ONLY),
            ApiError::BadCode(_) => (StatusCode::BAD_REQUEST, codes::BAD_CODE),
            ApiError::UnknownCode => (StatusCode::NOT_FOUND, codes::UNKNOWN_CODE),
            ApiError::CodeUsed => (StatusCode::CONFLICT, codes::CODE_USED),
            ApiError::CodeRevoked => (StatusCode::GONE, codes::CODE_REVOKED),
            ApiError::OtherDevice(_) => (StatusCode::CONFLICT, codes::OTHER_DEVICE),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::BattleGone => ApiError::BattleGone,
            StoreError::Database(e) => ApiError::Internal(e.into()),
            StoreError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let message = self.to_string();
        let unauthorized = matches!(self, ApiError::Unauthorized(_));
        let (pow, retry_after, problems) = match self {
            ApiError::PowRequired(challenge) => (Some(challenge), None, Vec::new()),
            ApiError::RateLimited { retry_after_secs } => {
                (None, Some(retry_after_secs), Vec::new())
            }
            ApiError::BadImport(problems) => (None, None, problems),
            ApiError::LiveBusy => (None, Some(LIVE_BUSY_RETRY_SECS), Vec::new()),
            ApiError::PersonalData(found) => (
                None,
                None,
                found.iter().map(|k| k.code().to_owned()).collect(),
            ),
            _ => (None, None, Vec::new()),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
            },
            pow,
            problems,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        if unauthorized {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"K-AI Arena operators\""),
            );
        }
        response
    }
}
