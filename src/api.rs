//! The typed API client: one generic JSON helper and one function per route of API v1.
//!
//! Errors become an [`ApiError`] whose [`ApiError::user_message`] is the Korean sentence the
//! page shows; the server's `code` decides which.

use arena_core::Choice;
use arena_core::api::{
    API_PREFIX, BattleResponse, CountsResponse, ErrorBody, LeaderboardResponse, VoteRequest,
    VoteResponse, codes,
};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, server down).
    Network(String),
    /// The server answered with an error.
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered with something this app cannot read.
    Decode(String),
}

impl ApiError {
    /// What to tell the person in front of the screen.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "서버에 연결하지 못했습니다. 인터넷 연결을 확인한 뒤 다시 시도해 주세요.".into()
            }
            ApiError::Decode(_) => {
                "서버의 응답을 읽지 못했습니다. 잠시 후 다시 시도해 주세요.".into()
            }
            ApiError::Server { code, status, .. } => match code.as_str() {
                codes::ALREADY_VOTED => "이 대결에는 이미 투표하셨습니다. 다음 대결로 넘어가 주세요.".into(),
                codes::TOKEN_EXPIRED => {
                    "대결을 연 지 너무 오래되어 투표할 수 없습니다. 새 대결을 불러와 주세요.".into()
                }
                codes::INVALID_TOKEN | codes::BATTLE_GONE => {
                    "이 대결은 더 이상 투표할 수 없습니다. 새 대결을 불러와 주세요.".into()
                }
                codes::NO_BATTLE => {
                    "아직 준비된 대결이 없습니다. 운영자가 질문과 답변을 등록하면 시작할 수 있습니다.".into()
                }
                codes::RATE_LIMITED => "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.".into(),
                _ if *status >= 500 => {
                    "서버에 일시적인 문제가 있습니다. 잠시 후 다시 시도해 주세요.".into()
                }
                _ => "요청을 처리하지 못했습니다. 새로고침한 뒤 다시 시도해 주세요.".into(),
            },
        }
    }

    /// Whether loading a new battle is the way forward (the current one cannot be voted).
    pub fn needs_new_battle(&self) -> bool {
        matches!(self, ApiError::Server { code, .. }
            if [codes::ALREADY_VOTED, codes::TOKEN_EXPIRED, codes::INVALID_TOKEN, codes::BATTLE_GONE]
                .contains(&code.as_str()))
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()));
    }
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Server {
            status,
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(ApiError::Server {
            status,
            code: String::new(),
            message: response.status_text(),
        }),
    }
}

fn url(path: &str, category: Option<&str>) -> String {
    match category {
        Some(c) => format!(
            "{API_PREFIX}{path}?category={}",
            js_sys::encode_uri_component(c)
        ),
        None => format!("{API_PREFIX}{path}"),
    }
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await
}

pub async fn battle(category: Option<&str>) -> Result<BattleResponse, ApiError> {
    get(&url("/battle", category)).await
}

pub async fn vote(token: &str, choice: Choice) -> Result<VoteResponse, ApiError> {
    let body = VoteRequest {
        token: token.to_owned(),
        choice,
    };
    let response = Request::post(&url("/vote", None))
        .json(&body)
        .map_err(|e| ApiError::Decode(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await
}

pub async fn leaderboard(category: Option<&str>) -> Result<LeaderboardResponse, ApiError> {
    get(&url("/leaderboard", category)).await
}

pub async fn leaderboard_counts(category: Option<&str>) -> Result<CountsResponse, ApiError> {
    get(&url("/leaderboard/counts", category)).await
}
