//! The typed API client: one generic JSON helper and one function per route of API v1.
//!
//! Every request carries the voter id this browser was given ([`crate::voter`]). A battle may
//! first be refused with a proof-of-work challenge (428, see `arena_core::pow`): the app solves it
//! in small slices, letting the page breathe between them, and asks once more.
//!
//! Errors become an [`ApiError`] whose [`ApiError::user_message`] is the sentence the page shows
//! in the chosen language; the server's `code` decides which.

use arena_core::Choice;
use arena_core::api::{
    API_PREFIX, BattleResponse, CountsResponse, ErrorBody, LeaderboardResponse, LiveEvent,
    LiveRequest, LiveStatus, ReasonsRequest, ReasonsResponse, SnapshotResponse, SnapshotSummary,
    VOTER_HEADER, VoteRequest, VoteResponse, codes,
};
use arena_core::pow::{self, Challenge};
use arena_core::reason::Reason;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::i18n::Lang;
use crate::{format, voter};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, server down).
    Network(String),
    /// The server answered with an error.
    Server {
        status: u16,
        code: String,
        message: String,
        /// Seconds to wait before asking again (`Retry-After`), when the server said.
        retry_after: Option<u64>,
        /// With `bad_import`: every problem, `file:line: message`.
        problems: Vec<String>,
    },
    /// The server answered with something this app cannot read.
    Decode(String),
}

impl ApiError {
    /// What to tell the person in front of the screen, decided by the error's code (the server's
    /// own message is for developers and stays in English).
    pub fn user_message(&self, lang: Lang) -> String {
        let t = |ko: &str, en: &str| lang.pick(ko, en).to_owned();
        match self {
            ApiError::Network(_) => t(
                "서버에 연결하지 못했습니다. 인터넷 연결을 확인한 뒤 다시 시도해 주세요.",
                "Could not reach the server. Check your internet connection and try again.",
            ),
            ApiError::Decode(_) => t(
                "서버의 응답을 읽지 못했습니다. 잠시 후 다시 시도해 주세요.",
                "Could not read the server's answer. Please try again in a moment.",
            ),
            ApiError::Server {
                code,
                status,
                retry_after,
                ..
            } => match code.as_str() {
                codes::ALREADY_VOTED => t(
                    "이 대결에는 이미 투표하셨습니다. 다음 대결로 넘어가 주세요.",
                    "You have already voted in this battle. Please go on to the next one.",
                ),
                codes::TOKEN_EXPIRED => t(
                    "대결을 연 지 너무 오래되어 투표할 수 없습니다. 새 대결을 불러와 주세요.",
                    "This battle was opened too long ago to be voted. Please load a new battle.",
                ),
                codes::INVALID_TOKEN | codes::BATTLE_GONE => t(
                    "이 대결은 더 이상 투표할 수 없습니다. 새 대결을 불러와 주세요.",
                    "This battle can no longer be voted. Please load a new battle.",
                ),
                codes::ROUND_CAP => t(
                    "이 평가 라운드에서 한 사람이 할 수 있는 투표를 모두 하셨습니다. 참여해 주셔서 감사합니다.",
                    "You have cast every vote this evaluation round allows one person. Thank you for taking part.",
                ),
                codes::ROUND_CLOSED => t(
                    "이 평가 라운드는 마감되었습니다. 더 이상 투표를 받지 않습니다.",
                    "This evaluation round has closed. It takes no more votes.",
                ),
                codes::ROUND_NOT_OPEN => t(
                    "이 평가 라운드는 지금 참여를 받지 않습니다. 아직 시작하지 않았거나 이미 마감되었습니다.",
                    "This evaluation round is not taking part now: it has not opened yet, or it has closed.",
                ),
                codes::PANEL_ONLY => t(
                    "이 평가 라운드는 초대받은 시민 평가단만 참여할 수 있습니다.",
                    "Only the round's invited citizens' panel can vote in this evaluation round.",
                ),
                codes::BAD_CODE => t(
                    "초대 코드의 형식이 맞지 않습니다. 카드에 적힌 코드를 다시 확인해 주세요.",
                    "The invitation code is not in the right form. Please check it against your card.",
                ),
                codes::UNKNOWN_CODE => t(
                    "이 초대 코드를 찾을 수 없습니다. 카드와 한 글자씩 비교해 주세요.",
                    "This invitation code was not found. Please compare it with your card letter by letter.",
                ),
                codes::CODE_USED => t(
                    "이미 사용된 초대 코드입니다. 초대 코드는 한 번만 쓸 수 있습니다.",
                    "This invitation code has already been used. Each code works once.",
                ),
                codes::OTHER_DEVICE => t(
                    "이 초대 코드는 다른 종류의 기기에서 처음 사용되었습니다. \
                     처음 참여할 때와 같은 종류의 기기(휴대전화, 태블릿, 컴퓨터)에서 입력해 주세요.",
                    "This invitation code was first used on another kind of device (phone, tablet or computer). \
                     Please enter it on the same kind of device you first joined with.",
                ),
                codes::CODE_REVOKED => t(
                    "사용이 중지된 초대 코드입니다. 초대한 기관에 문의해 주세요.",
                    "This invitation code has been withdrawn. Please ask the organisation that invited you.",
                ),
                codes::NO_BATTLE => t(
                    "아직 준비된 대결이 없습니다. 운영자가 질문과 답변을 등록하면 시작할 수 있습니다.",
                    "No battles are ready yet. They start once the operators load prompts and answers.",
                ),
                // A proxy in front of the arena may refuse with a bare 429 of its own.
                _ if code == codes::RATE_LIMITED || *status == 429 => match retry_after {
                    Some(seconds) => {
                        let wait = format::wait((*seconds).max(1), lang);
                        lang.pick(
                            format!("요청이 너무 많습니다. {wait} 뒤에 다시 시도해 주세요."),
                            format!("Too many requests. Please try again in {wait}."),
                        )
                    }
                    None => t(
                        "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
                        "Too many requests. Please try again in a moment.",
                    ),
                },
                codes::REASONS_CLOSED => t(
                    "이유를 바꿀 수 있는 시간이 지났습니다.",
                    "The time to change the reasons has passed.",
                ),
                codes::NO_VOTE => t(
                    "이 대결의 투표를 찾지 못했습니다.",
                    "The vote of this battle was not found.",
                ),
                codes::UNAUTHORIZED => t(
                    "운영자 토큰이 맞지 않습니다. 토큰을 다시 확인해 주세요.",
                    "The operator token was not accepted. Please check it and try again.",
                ),
                codes::BAD_IMPORT => t(
                    "파일에 문제가 있어 아무것도 저장하지 않았습니다. 아래 줄을 고친 뒤 다시 올려 주세요.",
                    "The files have problems, so nothing was stored. Fix the lines below and upload again.",
                ),
                _ if *status == 413 => t(
                    "파일이 너무 큽니다. 나누어 올려 주세요.",
                    "The upload is too large. Please split it into smaller files.",
                ),
                codes::POW_REQUIRED => t(
                    "자동 확인을 마치지 못했습니다. 잠시 후 다시 시도해 주세요.",
                    "The automatic check did not finish. Please try again in a moment.",
                ),
                _ if *status >= 500 => t(
                    "서버에 일시적인 문제가 있습니다. 잠시 후 다시 시도해 주세요.",
                    "The server has a temporary problem. Please try again in a moment.",
                ),
                _ => t(
                    "요청을 처리하지 못했습니다. 새로고침한 뒤 다시 시도해 주세요.",
                    "The request could not be processed. Please reload the page and try again.",
                ),
            },
        }
    }

    /// Whether sending again later may succeed: no answer, a timeout, or the server (or a proxy
    /// before it) failing or asking to slow down. A refusal about the vote itself is final.
    pub fn worth_retrying(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Decode(_) => false,
            ApiError::Server { status, code, .. } => {
                *status >= 500 || *status == 408 || *status == 429 || code == codes::RATE_LIMITED
            }
        }
    }

    /// Whether the evaluation round asked for takes no battle from this person now (its cap
    /// reached, closed, not open yet, or for its panel only): trying again will not help.
    pub fn ends_round(&self) -> bool {
        matches!(self, ApiError::Server { code, .. }
            if [codes::ROUND_CAP, codes::ROUND_CLOSED, codes::ROUND_NOT_OPEN, codes::PANEL_ONLY]
                .contains(&code.as_str()))
    }

    /// Whether loading a new battle is the way forward (the current one cannot be voted).
    pub fn needs_new_battle(&self) -> bool {
        matches!(self, ApiError::Server { code, .. }
            if [codes::ALREADY_VOTED, codes::TOKEN_EXPIRED, codes::INVALID_TOKEN, codes::BATTLE_GONE]
                .contains(&code.as_str()))
    }
}

/// An error answer, with the challenge when the server asked for proof of work.
struct Refusal {
    error: ApiError,
    challenge: Option<Challenge>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal {
            error,
            challenge: None,
        }
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, Refusal> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()).into());
    }
    Err(refusal(response).await)
}

/// The error of a response that is not OK.
async fn refusal(response: Response) -> Refusal {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|s| s.trim().parse().ok());
    match response.json::<ErrorBody>().await {
        Ok(body) => Refusal {
            error: ApiError::Server {
                status,
                code: body.error.code,
                message: body.error.message,
                retry_after,
                problems: body.problems,
            },
            challenge: body.pow,
        },
        Err(_) => ApiError::Server {
            status,
            code: String::new(),
            message: response.status_text(),
            retry_after,
            problems: Vec::new(),
        }
        .into(),
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

/// Every request says which voter sends it (and, where this browser joined a round's panel,
/// which panelist: the server reads that only in the round it is for).
fn as_voter(request: RequestBuilder) -> RequestBuilder {
    let request = match crate::panelist::current() {
        Some(credential) => request.header(arena_core::panel::PANELIST_HEADER, &credential),
        None => request,
    };
    match voter::current() {
        Some(id) => request.header(VOTER_HEADER, &id),
        None => request,
    }
}

async fn get<T: DeserializeOwned>(url: &str, proof: Option<&str>) -> Result<T, Refusal> {
    let mut request = as_voter(Request::get(url));
    if let Some(proof) = proof {
        request = request.header(pow::HEADER, proof);
    }
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await
}

/// Where a battle is drawn from: the open arena (all categories or one), or an evaluation round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Draw {
    Arena(Option<String>),
    Round(String),
}

impl Draw {
    fn url(&self) -> String {
        match self {
            Draw::Arena(category) => url("/battle", category.as_deref()),
            Draw::Round(id) => format!(
                "{API_PREFIX}/battle?round={}",
                js_sys::encode_uri_component(id)
            ),
        }
    }
}

/// Draws a battle. When the server first wants proof of work, `on_proof_of_work` is called (the
/// page says it is checking), the challenge is solved and the request sent once more.
pub async fn battle(
    from: &Draw,
    on_proof_of_work: impl FnOnce(),
) -> Result<BattleResponse, ApiError> {
    let url = from.url();
    let first = match early_battle().await {
        Some(response) => read::<BattleResponse>(response).await,
        None => get::<BattleResponse>(&url, None).await,
    };
    let answer = match first {
        Err(Refusal {
            error,
            challenge: Some(challenge),
        }) => {
            on_proof_of_work();
            let nonce = solve(&challenge).await.ok_or(error)?;
            get(&url, Some(&pow::header_value(&challenge, nonce))).await
        }
        other => other,
    };
    let battle = answer.map_err(|r| r.error)?;
    voter::remember(&battle.voter);
    Ok(battle)
}

/// How long a vote may take before it is given up and kept for later ([`crate::outbox`]).
pub const VOTE_TIMEOUT_MS: i32 = 15_000;

/// The first battle, when `battle.html`'s inline script already asked for it while the app was
/// still loading (`window.kaiFirstBattle`, a fetch promise with the same URL and voter header):
/// the battle then arrives a round trip sooner on a slow phone. Taken once; `None` otherwise,
/// or when that request never got an answer.
async fn early_battle() -> Option<Response> {
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("kaiFirstBattle");
    let pending = js_sys::Reflect::get(&window, &key).ok()?;
    if pending.is_undefined() || pending.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    let promise: js_sys::Promise = pending.dyn_into().ok()?;
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    Some(Response::from(response))
}

pub async fn vote(token: &str, choice: Choice) -> Result<VoteResponse, ApiError> {
    let body = VoteRequest {
        token: token.to_owned(),
        choice,
    };
    post("/vote", &body, Some(VOTE_TIMEOUT_MS)).await
}

/// Sets why this vote's choice was made (replacing what was given before).
pub async fn reasons(token: &str, reasons: Vec<Reason>) -> Result<ReasonsResponse, ApiError> {
    let body = ReasonsRequest {
        token: token.to_owned(),
        reasons,
    };
    post("/vote/reasons", &body, None).await
}

/// Whether this arena takes live prompts.
pub async fn live_status() -> Result<LiveStatus, ApiError> {
    get(&url("/live", None), None).await.map_err(|r| r.error)
}

/// Sends a live prompt and hands every event of the battle to `on_event` as it arrives, until
/// the stream ends. Proof of work, when asked for, is done as for a drawn battle.
/// `abort`: aborting it stops the request and the stream (the page was left), so the server
/// stops both models.
pub async fn live_battle(
    prompt: &str,
    abort: &web_sys::AbortSignal,
    on_proof_of_work: impl FnOnce(),
    mut on_event: impl FnMut(LiveEvent),
) -> Result<(), ApiError> {
    let body = LiveRequest {
        prompt: prompt.to_owned(),
    };
    let response = match send_live(&body, None, abort).await {
        Err(Refusal {
            error,
            challenge: Some(challenge),
        }) => {
            on_proof_of_work();
            let nonce = solve(&challenge).await.ok_or(error)?;
            send_live(&body, Some(&pow::header_value(&challenge, nonce)), abort).await
        }
        other => other,
    }
    .map_err(|r| r.error)?;
    let stream = response
        .body()
        .ok_or_else(|| ApiError::Decode("the live battle came without a body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut events = crate::sse::Events::default();
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| ApiError::Network(format!("{e:?}")))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into())
            && let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>()
        {
            for data in events.push(&bytes.to_vec()) {
                let event = serde_json::from_str::<LiveEvent>(&data)
                    .map_err(|e| ApiError::Decode(e.to_string()))?;
                // A finished battle may come with a new voter id (the one it is sealed to).
                if let LiveEvent::Ready { battle } = &event {
                    voter::remember(&battle.voter);
                }
                on_event(event);
            }
        }
        if done {
            return Ok(());
        }
    }
}

async fn send_live(
    body: &LiveRequest,
    proof: Option<&str>,
    abort: &web_sys::AbortSignal,
) -> Result<Response, Refusal> {
    let mut request = as_voter(Request::post(&url("/live/battle", None))).abort_signal(Some(abort));
    if let Some(proof) = proof {
        request = request.header(pow::HEADER, proof);
    }
    let response = request
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(response)
    } else {
        Err(refusal(response).await)
    }
}

/// Posts `body` as JSON as this voter; with `timeout_ms`, a request still unanswered by then is
/// aborted and counts as a network error.
async fn post<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    timeout_ms: Option<i32>,
) -> Result<T, ApiError> {
    let controller = timeout_ms.and_then(|_| web_sys::AbortController::new().ok());
    let timer = controller.as_ref().zip(timeout_ms).and_then(|(c, ms)| {
        let abort = wasm_bindgen::closure::Closure::once_into_js({
            let c = c.clone();
            move || c.abort()
        });
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), ms)
            .ok()
    });
    let sent = as_voter(Request::post(&url(path, None)))
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?
        .send()
        .await;
    if let (Some(timer), Some(window)) = (timer, web_sys::window()) {
        window.clear_timeout_with_handle(timer);
    }
    let response = sent.map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await.map_err(|r| r.error)
}

/// The live table; `method`: `?intervals=…&reweight=…` for a table computed another way
/// (none: the server's own).
pub async fn leaderboard(
    category: Option<&str>,
    method: Option<&str>,
) -> Result<LeaderboardResponse, ApiError> {
    let mut address = url("/leaderboard", category);
    if let Some(method) = method {
        address.push(if category.is_some() { '&' } else { '?' });
        address.push_str(method);
    }
    get(&address, None).await.map_err(|r| r.error)
}

/// Every published snapshot, newest first.
pub async fn snapshots() -> Result<Vec<SnapshotSummary>, ApiError> {
    get(&url("/snapshots", None), None)
        .await
        .map_err(|r| r.error)
}

/// One table of a snapshot, with its counts.
/// Redeems an invitation code for a round's panel; the credential is kept for the round's votes.
pub async fn join(
    code: &str,
    profile: arena_core::panel::Profile,
) -> Result<arena_core::panel::JoinResponse, ApiError> {
    let body = arena_core::panel::JoinRequest {
        code: code.to_owned(),
        profile,
    };
    let joined: arena_core::panel::JoinResponse = post("/join", &body, None).await?;
    crate::panelist::remember(&joined.panelist);
    Ok(joined)
}

/// An evaluation round, as the public sees it (not a draft).
pub async fn round(id: &str) -> Result<arena_core::round::Round, ApiError> {
    let path = format!("{API_PREFIX}/rounds/{}", js_sys::encode_uri_component(id));
    get(&path, None).await.map_err(|r| r.error)
}

pub async fn snapshot(id: &str, category: Option<&str>) -> Result<SnapshotResponse, ApiError> {
    let path = format!("/snapshots/{}", js_sys::encode_uri_component(id));
    get(&url(&path, category), None).await.map_err(|r| r.error)
}

pub async fn leaderboard_counts(category: Option<&str>) -> Result<CountsResponse, ApiError> {
    get(&url("/leaderboard/counts", category), None)
        .await
        .map_err(|r| r.error)
}

/// Nonces tried between two looks at the clock: well under a millisecond on a computer, a few
/// on a slow phone.
const SLICE: u64 = 1_000;
/// How long the solver may hold the page before it gives the browser a turn (painting, input).
/// Yielding after every slice instead would cost more than the hashing on a fast machine:
/// Chromium makes nested `setTimeout(0)` wait at least 4 ms.
const TURN_MS: f64 = 10.0;

/// Finds the smallest nonce that solves `challenge`, in slices of [`SLICE`] nonces, giving the
/// browser a turn at least every [`TURN_MS`]. At the server's 15 bits that is 32,768 hashes on
/// average: a few hundred milliseconds on a phone. Gives up after 32 times the expected work (a
/// chance of e^-32 for an honest challenge), so a broken one cannot spin forever.
pub async fn solve(challenge: &Challenge) -> Option<u64> {
    let bits = challenge.bits.min(pow::MAX_BITS);
    let give_up = 32u64 << bits;
    let mut start = 0;
    let mut turn_started = js_sys::Date::now();
    while start < give_up {
        if let Some(nonce) = pow::solve_from(challenge, start, SLICE) {
            return Some(nonce);
        }
        start += SLICE;
        if js_sys::Date::now() - turn_started >= TURN_MS {
            next_task().await;
            turn_started = js_sys::Date::now();
        }
    }
    None
}

/// Resolves in a later task of the browser's event loop (`setTimeout(0)`), so the page can paint
/// and take input first.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .is_ok()
        });
        if scheduled != Some(true) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

pub mod admin;
