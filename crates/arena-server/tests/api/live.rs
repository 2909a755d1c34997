//! Live battles against a stand-in model provider: a small server speaking the OpenAI-compatible
//! chat completions API (streamed), started by the test, with a steady model, a slow one and a
//! failing one. The arena's own part is real: HTTP, the checks, the store, the vote.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arena_core::api::{LiveEvent, LiveStatus, PublicBattle, Side, VoteResponse};
use arena_server::live::{LiveConfig, LiveModel};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, spawn_app_with};

/// What the stand-in provider was asked: the model and the `Authorization` header.
type Asked = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// The answer the steady models write, in pieces; it ends with a phone number (scrubbed when
/// stored) and names no model.
const PIECES: [&str; 6] = [
    "**세종대왕**은 ",
    "1443년에 ",
    "훈민정음을 창제하고 ",
    "1446년에 반포했습니다.\n\n",
    "- 문의: 010-1234-5678\n",
    "- 자료: 국립한글박물관",
];

/// The arena id the `signs` model gives away.
const SIGNED_ID: &str = "hanbit-7b";

/// A stand-in for a model provider: `steady*` stream [`PIECES`] 20 ms apart, `slow` waits 3 s
/// before anything, `lagging` takes about 1.2 s in all, `broken` answers 500, `named` says which
/// model it is, `signs` signs its answer in a code block with [`SIGNED_ID`].
async fn provider() -> (SocketAddr, Asked) {
    let asked: Asked = Arc::default();
    let app = axum::Router::new()
        .route("/v1/chat/completions", axum::routing::post(completions))
        .with_state(Arc::clone(&asked));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, asked)
}

async fn completions(
    State(asked): State<Asked>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let model = body["model"].as_str().unwrap_or_default().to_owned();
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    asked.lock().unwrap().push((model.clone(), auth));
    assert_eq!(body["stream"], true, "the arena streams");
    assert_eq!(body["messages"][0]["role"], "user");
    if model == "broken" {
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response();
    }
    let whole = match model.as_str() {
        "named" => Some("저는 OpenAI가 만든 ChatGPT입니다.".to_owned()),
        "signs" => Some(format!(
            "김치찌개는 신 김치로 끓입니다.\n\n```text\nanswered-by: {SIGNED_ID}\n```"
        )),
        _ => None,
    };
    if let Some(content) = whole {
        let chunk = json!({"choices": [{"index": 0, "delta": {"content": content}}]});
        let body = format!("data: {chunk}\n\ndata: [DONE]\n\n");
        return ([("content-type", "text/event-stream")], body).into_response();
    }
    let (first_wait, gap) = match model.as_str() {
        "slow" => (Duration::from_secs(3), Duration::from_millis(20)),
        "lagging" => (Duration::from_millis(200), Duration::from_millis(200)),
        _ => (Duration::ZERO, Duration::from_millis(20)),
    };
    let stream = async_stream(first_wait, gap, model);
    let mut response = axum::body::Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static("text/event-stream"),
    );
    response
}

/// The chunks of a streamed completion, `data: {…}` each, then `data: [DONE]`.
fn async_stream(
    first_wait: Duration,
    gap: Duration,
    model: String,
) -> impl futures_util::Stream<Item = Result<String, std::convert::Infallible>> {
    let pieces: Vec<String> = PIECES
        .iter()
        .map(|p| {
            let chunk = json!({
                "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": null}]
            });
            format!("data: {chunk}\n\n")
        })
        .chain(["data: [DONE]\n\n".to_owned()])
        .collect();
    futures_util::stream::unfold(
        (pieces.into_iter(), true),
        move |(mut rest, first)| async move {
            tokio::time::sleep(if first { first_wait } else { gap }).await;
            rest.next().map(|piece| (Ok(piece), (rest, false)))
        },
    )
}

fn model(id: &str, provider: SocketAddr, timeout_secs: u64) -> LiveModel {
    LiveModel {
        id: id.into(),
        name: format!("라이브 {id}"),
        base_url: format!("http://{provider}/v1"),
        model: id.into(),
        api_key_env: None,
        max_concurrent: 4,
        timeout_secs,
    }
}

async fn live_app(models: Vec<LiveModel>, adjust: impl FnOnce(&mut LiveConfig)) -> TestApp {
    let mut config = LiveConfig::with_models(models);
    config.first_token_timeout = Duration::from_secs(2);
    adjust(&mut config);
    spawn_app_with(Options {
        live: Some(config),
        ..Options::default()
    })
    .await
}

async fn ask(app: &TestApp, prompt: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/live/battle"))
        .json(&json!({ "prompt": prompt }))
        .send()
        .await
        .unwrap()
}

/// Reads a live battle's whole stream: its events, in order.
async fn events(res: reqwest::Response) -> Vec<LiveEvent> {
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    body.split("\n\n")
        .filter_map(|block| {
            let data: Vec<&str> = block
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            (!data.is_empty()).then(|| serde_json::from_str(&data.join("\n")).unwrap())
        })
        .collect()
}

async fn error_code(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    (status, body)
}

#[tokio::test]
async fn without_live_models_there_are_no_live_battles() {
    let app = spawn_app_with(Options::default()).await;
    let status: LiveStatus = app.get_json("/api/v1/live").await;
    assert!(!status.enabled);
    let (status, body) = error_code(ask(&app, "안녕하세요").await).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "live_off");
}

#[tokio::test]
async fn a_live_battle_streams_both_answers_then_is_voted_revealed_and_exported() {
    let (provider, asked) = provider().await;
    let mut steady = model("steady-1", provider, 10);
    steady.api_key_env = Some("CARGO_PKG_NAME".into());
    let app = live_app(vec![steady, model("steady-2", provider, 10)], |_| {}).await;
    let status: LiveStatus = app.get_json("/api/v1/live").await;
    assert!(status.enabled);

    let events = events(ask(&app, "  훈민정음은 언제 만들어졌나요?  ").await).await;
    // Each side grows piece by piece (at least a first and a last update), then the battle.
    for side in [Side::A, Side::B] {
        let html: Vec<&String> = events
            .iter()
            .filter_map(|e| match e {
                LiveEvent::Answer { side: s, html } if *s == side => Some(html),
                _ => None,
            })
            .collect();
        assert!(html.len() >= 2, "{side:?} came in one piece: {html:?}");
        assert!(html.windows(2).all(|w| w[0].len() <= w[1].len()));
        assert!(html[0].starts_with("<p><strong>세종대왕</strong>"));
        assert!(html.last().unwrap().contains("국립한글박물관"));
    }
    let Some(LiveEvent::Ready { battle }) = events.last() else {
        panic!("the stream did not end with the battle: {events:?}");
    };
    assert_eq!(battle.prompt.text, "훈민정음은 언제 만들어졌나요?");
    assert_eq!(battle.prompt.category, "live");
    // Personal data in an answer is scrubbed before it is kept (and shown for the vote).
    assert!(
        battle.answers.a.contains("[전화번호]"),
        "{}",
        battle.answers.a
    );
    assert!(!battle.answers.b.contains("010-1234-5678"));
    // Nothing names a model before the vote.
    let raw = serde_json::to_string(battle).unwrap();
    assert!(!raw.contains("steady"), "{raw}");
    let mut models_asked: Vec<String> = asked
        .lock()
        .unwrap()
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    models_asked.sort();
    assert_eq!(models_asked, ["steady-1", "steady-2"]);
    let auth = asked
        .lock()
        .unwrap()
        .iter()
        .find(|(m, _)| m == "steady-1")
        .and_then(|(_, a)| a.clone());
    assert_eq!(
        auth.as_deref(),
        Some("Bearer arena-server"),
        "the key of api_key_env"
    );

    // From here it is a battle like any other: vote, reveal, leaderboard, export.
    let res = app
        .post_vote(json!({ "token": battle.token, "choice": "a" }))
        .await;
    assert_eq!(res.status(), 200);
    let revealed: VoteResponse = res.json().await.unwrap();
    let models = revealed.models.unwrap();
    let mut names = [models.a.name, models.b.name];
    names.sort();
    assert_eq!(names, ["라이브 steady-1", "라이브 steady-2"]);
    let table = app.refreshed_leaderboard().await;
    assert_eq!(table.total_votes, 1);
    let live_table: arena_core::api::LeaderboardResponse =
        app.get_json("/api/v1/leaderboard?category=live").await;
    assert_eq!(live_table.total_votes, 1);
    let exported = app.state.store.public_battles().await.unwrap();
    let PublicBattle { live, .. } = &exported[0];
    let live = live
        .as_ref()
        .expect("a live battle is exported with its texts");
    assert_eq!(live.prompt, "훈민정음은 언제 만들어졌나요?");
    assert!(live.answer_a.contains("[전화번호]"));

    // A live prompt is never drawn for anyone else's battle.
    for _ in 0..30 {
        let drawn = app.battle().await;
        assert!(!drawn.prompt.id.starts_with("live-"), "{:?}", drawn.prompt);
    }
}

#[tokio::test]
async fn prompts_with_personal_data_listed_terms_or_nothing_are_refused_before_any_model() {
    let (provider, asked) = provider().await;
    let app = live_app(
        vec![
            model("steady-1", provider, 10),
            model("steady-2", provider, 10),
        ],
        |c| c.blocklist = arena_server::live::parse_blocklist("필로폰\n"),
    )
    .await;
    let (status, body) = error_code(
        ask(
            &app,
            "제 주민번호 900101-1234567이랑 hong@example.com으로 확인해 주세요",
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "personal_data");
    assert_eq!(body["problems"], json!(["resident_number", "email"]));
    // Full-width digits and dashes are the same number.
    let (status, body) =
        error_code(ask(&app, "연락은 ０１０－１２３４－５６７８로 주세요").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"], json!(["phone"]));
    let (status, body) = error_code(ask(&app, "필로 폰 구하는 법").await).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (422, json!("moderated"))
    );
    let (status, body) = error_code(ask(&app, "   ").await).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!("bad_prompt"))
    );
    let long = "가".repeat(arena_core::api::LIVE_PROMPT_MAX_CHARS + 1);
    let (status, _) = error_code(ask(&app, &long).await).await;
    assert_eq!(status, 400);
    let res = app
        .client
        .post(app.url("/api/v1/live/battle"))
        .json(&json!({ "prompt": "안녕", "model": "steady-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "unknown fields are refused");
    assert!(asked.lock().unwrap().is_empty(), "no model was asked");
    assert_eq!(app.vote_count().await, 0);
}

#[tokio::test]
async fn a_failing_or_slow_model_ends_the_battle_without_a_vote() {
    let (provider, _) = provider().await;
    for other in ["broken", "slow"] {
        // `slow` says nothing for 3 s; the first piece must come within 2 s.
        // Beside the broken one a model that takes 1.2 s: the failure must not wait for it.
        let partner = if other == "broken" {
            "lagging"
        } else {
            "steady-1"
        };
        let app = live_app(
            vec![model(partner, provider, 10), model(other, provider, 10)],
            |_| {},
        )
        .await;
        let started = std::time::Instant::now();
        let events = events(ask(&app, "김치찌개 끓이는 법").await).await;
        let took = started.elapsed();
        let failed: Vec<&LiveEvent> = events
            .iter()
            .filter(|e| matches!(e, LiveEvent::Failed { .. }))
            .collect();
        assert_eq!(failed.len(), 1, "{other}: {events:?}");
        assert_eq!(
            events.last(),
            Some(&LiveEvent::Ended {
                code: "model_failed".into()
            }),
            "{other}"
        );
        if other == "slow" {
            // The steady side streamed its whole answer meanwhile.
            assert!(events.iter().any(|e| matches!(e, LiveEvent::Answer { .. })));
        } else {
            // A failure stops the other model at once: no waiting for it to finish.
            assert!(took < std::time::Duration::from_millis(900), "{took:?}");
        }
        // Nothing was stored.
        let stored = app
            .texts("SELECT id FROM prompts WHERE id LIKE 'live-%'")
            .await;
        assert!(stored.is_empty(), "{other}: {stored:?}");
    }
}

#[tokio::test]
async fn each_model_takes_its_places_and_each_voter_its_prompts() {
    let (provider, _) = provider().await;
    let mut a = model("lagging", provider, 10);
    a.max_concurrent = 1;
    let mut b = model("steady-1", provider, 10);
    b.max_concurrent = 1;
    let app = live_app(vec![a, b], |c| {
        c.voter_rate = "2/hour".parse().unwrap();
    })
    .await;
    // Per-voter limits apply only with limits on; this app's trust is permissive, so the first
    // part is about places only.
    let first = ask(&app, "첫 질문").await;
    assert_eq!(first.status(), 200);
    let (status, body) = error_code(ask(&app, "둘째 질문").await).await;
    assert_eq!(status, 503, "both models' only places are taken: {body}");
    assert_eq!(body["error"]["code"], "live_busy");
    let events = events(first).await;
    assert!(matches!(events.last(), Some(LiveEvent::Ready { .. })));
    // The places are free again.
    let again = events_of(&app, "셋째 질문").await;
    assert!(matches!(again.last(), Some(LiveEvent::Ready { .. })));

    // With limits on, a voter has `voter_rate` live prompts.
    let limited = spawn_app_with(Options {
        live: Some({
            let mut c = LiveConfig::with_models(vec![
                model("steady-1", provider, 10),
                model("steady-2", provider, 10),
            ]);
            c.voter_rate = "2/hour".parse().unwrap();
            c
        }),
        trust: arena_server::trust::TrustSettings {
            limits_enabled: true,
            ..crate::helpers::permissive()
        },
        ..Options::default()
    })
    .await;
    for n in 0..2 {
        let events = events_of(&limited, &format!("질문 {n}")).await;
        assert!(matches!(events.last(), Some(LiveEvent::Ready { .. })));
    }
    let res = ask(&limited, "세 번째").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

async fn events_of(app: &TestApp, prompt: &str) -> Vec<LiveEvent> {
    events(ask(app, prompt).await).await
}

/// An answer that names its model gives the battle away: it ends without a vote and nothing is
/// kept.
#[tokio::test]
async fn a_model_that_names_itself_ends_the_battle_without_a_vote() {
    let (provider, _) = provider().await;
    let app = live_app(
        vec![
            model("steady-1", provider, 10),
            model("named", provider, 10),
        ],
        |_| {},
    )
    .await;
    let events = events_of(&app, "너는 누구야?").await;
    assert_eq!(
        events.last(),
        Some(&LiveEvent::Ended {
            code: "identity_leak".into()
        }),
        "{events:?}"
    );
    assert!(
        app.texts("SELECT id FROM prompts WHERE id LIKE 'live-%'")
            .await
            .is_empty()
    );
}

/// The check knows the arena's own models: an answer that names one by its configured id, even
/// inside a code block, ends the battle as a named maker does.
#[tokio::test]
async fn an_answer_naming_a_configured_model_by_its_id_ends_the_battle() {
    let (provider, _) = provider().await;
    let mut signs = model(SIGNED_ID, provider, 10);
    signs.name = "한빛 7B".into();
    signs.model = "signs".into();
    let app = live_app(vec![model("steady-1", provider, 10), signs], |_| {}).await;
    let events = events_of(&app, "김치찌개 끓이는 법").await;
    assert_eq!(
        events.last(),
        Some(&LiveEvent::Ended {
            code: "identity_leak".into()
        }),
        "{events:?}"
    );
    assert!(
        app.texts("SELECT id FROM prompts WHERE id LIKE 'live-%'")
            .await
            .is_empty()
    );
}

/// A free tunnel's /48 holds 256 /56s; together they send the live prompts of one address.
#[tokio::test]
async fn the_slash_56s_of_one_slash_48_share_one_address_live_limit() {
    let (provider, _) = provider().await;
    let app = spawn_app_with(Options {
        live: Some({
            let mut c = LiveConfig::with_models(vec![
                model("steady-1", provider, 10),
                model("steady-2", provider, 10),
            ]);
            c.address_rate = "2/hour".parse().unwrap();
            c
        }),
        trust: arena_server::trust::TrustSettings {
            limits_enabled: true,
            trusted_proxies: "127.0.0.1/32".parse().unwrap(),
            ..crate::helpers::permissive()
        },
        ..Options::default()
    })
    .await;
    // Each prompt from another /56 of the same /48, by a new voter (no cookie, no header).
    let ask_from = |from: String| {
        reqwest::Client::new()
            .post(app.url("/api/v1/live/battle"))
            .header("x-forwarded-for", from)
            .json(&json!({ "prompt": "김장은 언제 하나요?" }))
            .send()
    };
    for n in 0..2 {
        let res = ask_from(format!("2001:db8:77:{n:02x}00::1")).await.unwrap();
        assert!(matches!(
            events(res).await.last(),
            Some(LiveEvent::Ready { .. })
        ));
    }
    let res = ask_from("2001:db8:77:ff00::1".into()).await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // Another /48 is another address.
    let res = ask_from("2001:db8:78::1".into()).await.unwrap();
    assert!(matches!(
        events(res).await.last(),
        Some(LiveEvent::Ready { .. })
    ));
}
