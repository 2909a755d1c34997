//! `POST /api/v1/live/battle`: a citizen's own prompt, answered live by two anonymous models,
//! streamed back as Server-Sent Events ([`LiveEvent`]).
//!
//! The prompt passes the same gate as a drawn battle (rate limits, proof of work, the voter id),
//! then the live checks (personal data, the moderation list, the voter's live prompts, a free
//! place at two models). Both models are asked at once; each side's answer so far is sent,
//! rendered as safe HTML, at most every [`UPDATE_EVERY`]. When both have answered, the prompt and
//! answers (personal data scrubbed) are stored and the battle is sealed into a token like any
//! other: from there on the battle page votes it, gives reasons and reveals it as usual. A model
//! that fails ends the battle without a vote; a citizen who leaves stops both models.

use std::convert::Infallible;
use std::time::Duration;

use arena_core::api::{
    Answers, BattleResponse, LIVE_PROMPT_MAX_CHARS, LiveEvent, LiveRequest, LiveStatus, PromptView,
    Side, codes,
};
use arena_core::markdown::render_html;
use arena_core::personal_data;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::AppState;
use super::{JsonBody, Peer};
use crate::error::ApiError;
use crate::live::Seat;
use crate::live::provider::ProviderError;
use crate::store::LiveBattle;
use crate::token::BattleClaims;

/// The category live battles are counted in (a table of their own on the leaderboard).
pub const LIVE_CATEGORY: &str = "live";

/// How often a side's answer so far is sent while it grows.
const UPDATE_EVERY: Duration = Duration::from_millis(120);

/// The longest an event may wait for a reader who stopped reading; then the battle is dropped
/// (and its models' places freed).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends an event unless the reader is gone or has stopped reading for [`SEND_TIMEOUT`].
async fn send(events: &mpsc::Sender<LiveEvent>, event: LiveEvent) -> Result<(), ProviderError> {
    events
        .send_timeout(event, SEND_TIMEOUT)
        .await
        .map_err(|_| ProviderError::Abandoned)
}

/// `GET /api/v1/live`: whether live prompts are taken here.
pub async fn get_live(State(state): State<AppState>) -> axum::Json<LiveStatus> {
    axum::Json(LiveStatus {
        enabled: state.live.is_some(),
        max_prompt_chars: LIVE_PROMPT_MAX_CHARS,
    })
}

pub async fn post_live_battle(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LiveRequest>,
) -> Result<Response, ApiError> {
    let live = state.live.clone().ok_or(ApiError::LiveOff)?;
    let trust = &state.trust;
    let address = trust.address(peer, &headers).await?.network;
    let known = trust.voter(&headers);
    let pow = headers
        .get(arena_core::pow::HEADER)
        .and_then(|v| v.to_str().ok());
    // A refused prompt, or a busy arena, costs nothing of the live limits (but the battle gate's).
    let admission = trust.admit_battle(&address, known, pow)?;
    let prompt = live.check(&request.prompt)?;
    let started_ms = trust.now_ms();
    let (seat_a, seat_b) = live.pick().ok_or(ApiError::LiveBusy)?;
    live.admit(
        &admission.voter.id.hex(),
        &address,
        started_ms,
        trust.settings.limits_enabled,
    )?;
    metrics::counter!("arena_live_battles_total").increment(1);

    let signed_voter = admission.voter.signed(&state.keys);
    let battle = Battle {
        state: state.clone(),
        live,
        prompt,
        voter: admission.voter.id.0,
        signed_voter: signed_voter.clone(),
        started_ms,
    };
    let (events, receiver) = mpsc::channel::<LiveEvent>(64);
    tokio::spawn(battle.run(seat_a, seat_b, events));
    let stream = receiver_stream(receiver);
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
        .into_response();
    let out = response.headers_mut();
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies must pass the pieces on as they come.
    out.insert("x-accel-buffering", HeaderValue::from_static("no"));
    if admission.new_voter {
        let cookie = trust.voter_cookie(&admission.voter, state.settings.secure_cookies);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            out.insert(SET_COOKIE, value);
        }
    }
    Ok(response)
}

fn receiver_stream(
    mut receiver: mpsc::Receiver<LiveEvent>,
) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::poll_fn(move |cx| {
        receiver.poll_recv(cx).map(|event| {
            event.map(|e| {
                let name = match &e {
                    LiveEvent::Answer { .. } => "answer",
                    LiveEvent::Failed { .. } => "failed",
                    LiveEvent::Ready { .. } => "ready",
                    LiveEvent::Ended { .. } => "ended",
                };
                Ok(Event::default()
                    .event(name)
                    .json_data(&e)
                    .unwrap_or_else(|_| Event::default().event(name)))
            })
        })
    })
}

struct Battle {
    state: AppState,
    live: std::sync::Arc<crate::live::Live>,
    prompt: String,
    voter: [u8; 16],
    signed_voter: String,
    started_ms: i64,
}

impl Battle {
    async fn run(self, a: Seat, b: Seat, events: mpsc::Sender<LiveEvent>) {
        // The first side to fail stops the other: the battle cannot be voted any more.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let (answer_a, answer_b) = tokio::join!(
            self.side(Side::A, &a, &events, &stop, stopped.clone()),
            self.side(Side::B, &b, &events, &stop, stopped.clone())
        );
        // The places are free again before anything else is sent or stored.
        let (model_a, model_b) = (a.model.clone(), b.model.clone());
        drop((a, b));
        let (answer_a, answer_b) = match (answer_a, answer_b) {
            (Ok(x), Ok(y)) => (x, y),
            (x, y) => {
                let abandoned =
                    |r: &Result<String, ProviderError>| matches!(r, Err(ProviderError::Abandoned));
                if !(abandoned(&x) && abandoned(&y)) {
                    let _ = send(
                        &events,
                        LiveEvent::Ended {
                            code: codes::MODEL_FAILED.into(),
                        },
                    )
                    .await;
                }
                return;
            }
        };
        // A model that names itself or its maker gives the battle away: no vote on it. Live
        // answers are read strictly (code too) and with the configured models' own names.
        let identity = &self.live.identity;
        if identity.find(&answer_a).is_some() || identity.find(&answer_b).is_some() {
            metrics::counter!("arena_live_identity_leaks_total").increment(1);
            let _ = send(
                &events,
                LiveEvent::Ended {
                    code: codes::IDENTITY_LEAK.into(),
                },
            )
            .await;
            return;
        }
        let event = match self
            .store(&model_a.id, answer_a, &model_b.id, answer_b)
            .await
        {
            Ok(battle) => LiveEvent::Ready {
                battle: Box::new(battle),
            },
            Err(e) => {
                tracing::error!(error = ?e, "a live battle could not be stored");
                LiveEvent::Ended {
                    code: codes::INTERNAL.into(),
                }
            }
        };
        let _ = send(&events, event).await;
    }

    /// One side: asks its model and sends the answer so far as it grows; stops when the reader
    /// is gone or the other side failed. A failure is told at once.
    async fn side(
        &self,
        side: Side,
        seat: &Seat,
        events: &mpsc::Sender<LiveEvent>,
        stop: &tokio::sync::watch::Sender<bool>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) -> Result<String, ProviderError> {
        let mut sent_at: Option<Instant> = None;
        let mut sent_len = 0;
        let asked = self.live.client.answer(
            &seat.model,
            &self.prompt,
            self.live.config.max_answer_chars,
            |text| {
                if sent_at.is_some_and(|t| t.elapsed() < UPDATE_EVERY) {
                    return true;
                }
                // Full (a slow reader): skip this update, the next one carries the whole answer.
                if events
                    .try_send(LiveEvent::Answer {
                        side,
                        html: render_html(&personal_data::scrub(text)),
                    })
                    .is_ok()
                {
                    sent_at = Some(Instant::now());
                    sent_len = text.len();
                }
                true
            },
        );
        let result = tokio::select! {
            result = asked => result,
            _ = events.closed() => Err(ProviderError::Abandoned),
            _ = stopped.wait_for(|s| *s) => Err(ProviderError::Abandoned),
        };
        let answer = match result {
            Ok(answer) => answer,
            Err(ProviderError::Abandoned) => return Err(ProviderError::Abandoned),
            Err(e) => {
                tracing::warn!(model = %seat.model.id, error = %e, "a live model failed");
                metrics::counter!("arena_live_failures_total", "model" => seat.model.id.clone())
                    .increment(1);
                let _ = stop.send(true);
                send(events, LiveEvent::Failed { side }).await?;
                return Err(e);
            }
        };
        if answer.len() != sent_len {
            send(
                events,
                LiveEvent::Answer {
                    side,
                    html: render_html(&personal_data::scrub(&answer)),
                },
            )
            .await?;
        }
        Ok(answer)
    }

    /// Stores the battle (personal data scrubbed) and seals it for the vote.
    async fn store(
        &self,
        model_a: &str,
        answer_a: String,
        model_b: &str,
        answer_b: String,
    ) -> Result<BattleResponse, ApiError> {
        let battle_id: [u8; 16] = rand::random();
        let prompt_id = format!("live-{}", hex::encode(battle_id));
        let stored = LiveBattle {
            prompt_id: prompt_id.clone(),
            category: LIVE_CATEGORY.into(),
            prompt: personal_data::scrub(&self.prompt),
            model_a: model_a.into(),
            answer_a: personal_data::scrub(&answer_a),
            model_b: model_b.into(),
            answer_b: personal_data::scrub(&answer_b),
        };
        self.state.store.store_live_battle(&stored).await?;
        let trust = &self.state.trust;
        let chars = stored.answer_a.chars().count() + stored.answer_b.chars().count();
        let claims = BattleClaims {
            battle_id,
            // The reading time runs from the prompt: the answers were read as they came.
            issued_at_ms: self.started_ms,
            voter: self.voter,
            min_read_ms: trust.settings.min_read.for_chars(chars),
            round: None,
            panel: false,
            prompt_id: prompt_id.clone(),
            model_a: model_a.into(),
            model_b: model_b.into(),
        };
        let min_read_ms =
            u64::try_from(self.started_ms + i64::from(claims.min_read_ms) - trust.now_ms())
                .unwrap_or(0);
        Ok(BattleResponse {
            token: self.state.keys.seal(&claims, rand::random()),
            prompt: PromptView {
                id: prompt_id,
                category: LIVE_CATEGORY.into(),
                text: stored.prompt,
            },
            answers_html: Answers {
                a: render_html(&stored.answer_a),
                b: render_html(&stored.answer_b),
            },
            answers: Answers {
                a: stored.answer_a,
                b: stored.answer_b,
            },
            voter: self.signed_voter.clone(),
            min_read_ms,
        })
    }
}
