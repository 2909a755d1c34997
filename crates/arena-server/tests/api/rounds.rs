//! Evaluation rounds through the API: an operator makes a draft (its prompts and answers sealed),
//! opens, closes and publishes it one step at a time; the public sees a round once it opened;
//! every bad request is a 4xx with a JSON error, and every change is logged.

use arena_core::round::{Round, RoundState, seal, text_sha256};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_error, assert_names_nothing, every_byte, spawn_app};

fn draft() -> serde_json::Value {
    json!({
        "name": "2026년 12월 1차 시민 평가",
        "models": ["m-good", "m-plain", "m-weak"],
        "categories": ["역사"],
        "opens_at_ms": 1_765_000_000_000_i64,
        // Far ahead: the arena closes a round by itself once its closing time passed.
        "closes_at_ms": 4_102_444_800_000_i64,
        "audience": "both",
        "votes_per_person": 30,
        "reveal": "after_close",
        // m-good's team declares the endpoint its answers came from, and its weights' digest.
        "declared": {"m-good": {
            "endpoint": "https://api.good.example/v1",
            "model_id": "good-ko-7b",
            "checkpoint": format!("sha256:{}", "7e".repeat(32)),
        }},
    })
}

#[tokio::test]
async fn an_operator_runs_a_round_from_draft_to_published() {
    let app = spawn_app().await;
    let res = app
        .admin(Method::POST, "/rounds")
        .json(&draft())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let round: Round = res.json().await.unwrap();
    assert_eq!(round.state, RoundState::Draft);
    // 역사 has p-1 (three models) and p-3 (one model: not a battle).
    assert_eq!(round.prompts, 1);
    assert_eq!(
        round.prompts_sha256,
        seal([("p-1", text_sha256("훈민정음은 언제 반포되었나요?").as_str())])
    );
    let good = round.models.iter().find(|m| m.id == "m-good").unwrap();
    assert_eq!(good.name, "좋은 모델");
    let declared = good.declared.as_ref().expect("sealed with the round");
    assert_eq!(
        (declared.endpoint.as_str(), declared.model_id.as_str()),
        ("https://api.good.example/v1", "good-ko-7b")
    );
    assert!(
        round
            .models
            .iter()
            .all(|m| m.id == "m-good" || m.declared.is_none())
    );
    assert_eq!(
        good.answers_sha256,
        seal([("p-1", text_sha256("**1446년**에 반포되었습니다.").as_str())])
    );
    let id = round.id.clone();

    // A draft is the operators' alone.
    let public: Vec<Round> = app.get_json("/api/v1/rounds").await;
    assert!(public.is_empty());
    let res = app
        .client
        .get(app.url(&format!("/api/v1/rounds/{id}")))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
    let listed: Vec<Round> = app
        .admin(Method::GET, "/rounds")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&round));

    // One step at a time.
    let step = |to: &'static str| {
        app.admin(Method::PUT, &format!("/rounds/{id}/state"))
            .json(&json!({ "state": to }))
    };
    let body = assert_error(step("closed").send().await.unwrap(), 409, "round_state").await;
    assert!(
        body.error.message.contains("draft"),
        "{}",
        body.error.message
    );
    for to in ["open", "closed", "published"] {
        let res = step(to).send().await.unwrap();
        assert_eq!(res.status(), 200, "{to}");
        let moved: Round = res.json().await.unwrap();
        assert_eq!(moved.state.code(), to);
        assert_eq!(moved.models, round.models, "sealed as drafted");
        let public: Round = app.get_json(&format!("/api/v1/rounds/{id}")).await;
        assert_eq!(public, moved);
    }
    assert_error(step("open").send().await.unwrap(), 409, "round_state").await;
    let res = app
        .client
        .get(app.url("/api/v1/rounds"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let public: Vec<Round> = res.json().await.unwrap();
    assert_eq!(public.len(), 1);

    let log = app.audit().await;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .take(4)
        .map(|e| (e.action.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("round.published", id.as_str()),
            ("round.closed", id.as_str()),
            ("round.open", id.as_str()),
            ("round.create", id.as_str()),
        ]
    );
    assert_eq!(log[3].detail["prompts_sha256"], round.prompts_sha256);
}

#[tokio::test]
async fn a_bad_round_is_refused_with_its_reason_and_nothing_is_stored() {
    let app = spawn_app().await;
    let with = |key: &str, value: serde_json::Value| {
        let mut d = draft();
        d[key] = value;
        d
    };
    for (body, says) in [
        (with("name", json!(" ")), "name"),
        (with("models", json!(["m-good"])), "2 to"),
        (with("models", json!(["m-good", "m-good"])), "repeat"),
        (with("models", json!(["m-good", "m-nobody"])), "m-nobody"),
        (with("closes_at_ms", json!(1)), "closes_at_ms"),
        (
            with(
                "declared",
                json!({"m-good": {"endpoint": "https://x.example/v1", "model_id": "g", "checkpoint": "md5:1"}}),
            ),
            "checkpoint",
        ),
        (
            with(
                "declared",
                json!({"m-none": {"endpoint": "https://x.example/v1", "model_id": "g"}}),
            ),
            "not one of the round's models",
        ),
        (with("votes_per_person", json!(0)), "votes_per_person"),
        (with("categories", json!(["없는 분야"])), "no prompt"),
        (with("audience", json!("everyone")), ""),
        (with("reveal", json!("never")), ""),
        (with("surprise", json!(1)), ""),
    ] {
        let res = app
            .admin(Method::POST, "/rounds")
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = assert_error(res, 400, "bad_request").await;
        assert!(
            error.error.message.contains(says),
            "{says}: {}",
            error.error.message
        );
    }
    let res = app
        .client
        .post(app.url("/api/v1/admin/rounds"))
        .json(&draft())
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "unauthorized").await;
    for path in ["/rounds/7", "/rounds/x", "/rounds/0"] {
        let res = app.admin(Method::GET, path).send().await.unwrap();
        assert_error(res, 404, "not_found").await;
    }
    let res = app
        .admin(Method::PUT, "/rounds/7/state")
        .json(&json!({"state": "open"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
    let rounds: Vec<Round> = app
        .admin(Method::GET, "/rounds")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(rounds.is_empty());
    assert!(
        app.audit()
            .await
            .iter()
            .all(|e| !e.action.starts_with("round."))
    );
}

/// Every id and display name of the test set's models: what a reveal would carry.
const NAMES: [&str; 5] = ["m-good", "m-plain", "m-weak", "좋은 모델", "평범한 모델"];

/// Settings: reading time 0, no rate limits or proof of work (`permissive`), the arena's clock
/// set by the test, a round of 3 votes per person sealed until it closes.
#[tokio::test]
async fn a_public_round_is_voted_apart_capped_and_sealed_until_it_closes() {
    use arena_core::api::{BattleResponse, VoteResponse};
    use arena_core::round::RoundResults;
    use arena_server::clock::ManualClock;
    use std::sync::Arc;

    const T0: i64 = 1_800_000_000_000;
    let clock = Arc::new(ManualClock::new(T0));
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        clock: Some(clock.clone()),
        worker: false,
        ..Default::default()
    })
    .await;
    let mut body = draft();
    body["categories"] = json!([]);
    body["audience"] = json!("public");
    body["votes_per_person"] = json!(3);
    body["opens_at_ms"] = json!(T0 - 1_000);
    body["closes_at_ms"] = json!(T0 + 3_600_000);
    let res = app
        .admin(Method::POST, "/rounds")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let round: Round = res.json().await.unwrap();
    assert_eq!(round.prompts, 2, "p-1 and p-2; p-3 has one answer");
    let id = round.id.clone();
    let battle_in = |client: &reqwest::Client| {
        client
            .get(app.url(&format!("/api/v1/battle?round={id}")))
            .send()
    };

    // A draft draws nothing (it is not there for the public); neither does a made-up round.
    assert_error(battle_in(&app.client).await.unwrap(), 404, "not_found").await;
    for bad in ["abc", "0", "-3", "99999"] {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/battle?round={bad}")))
            .send()
            .await
            .unwrap();
        assert_error(res, 404, "not_found").await;
    }
    let step = |to: &'static str| {
        app.admin(Method::PUT, &format!("/rounds/{id}/state"))
            .json(&json!({ "state": to }))
            .send()
    };
    assert_eq!(step("open").await.unwrap().status(), 200);

    // Three votes: counted, answered with when the round closes, and no model in any byte.
    let mut tokens = Vec::new();
    for n in 0..3 {
        let (status, text, bytes) = every_byte(battle_in(&app.client).await.unwrap()).await;
        assert_eq!(status, 200, "{text}");
        assert_names_nothing(&text, &NAMES, "a round's battle");
        let battle: BattleResponse = serde_json::from_slice(&bytes).unwrap();
        let choice = ["a", "b", "tie"][n];
        let res = app
            .post_vote(json!({"token": battle.token, "choice": choice}))
            .await;
        let (status, text, bytes) = every_byte(res).await;
        assert_eq!(status, 200, "{text}");
        assert_names_nothing(&text, &NAMES, "a vote in a round sealed until it closes");
        let answer: VoteResponse = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(answer.sealed_until_ms, Some(T0 + 3_600_000));
        assert!(answer.models.is_none() && answer.not_counted.is_empty());
        // A retry while it runs: the same sealed answer.
        let res = app
            .post_vote(json!({"token": battle.token, "choice": choice}))
            .await;
        let (status, text, _) = every_byte(res).await;
        assert_eq!(status, 200);
        assert_names_nothing(&text, &NAMES, "a retried vote in a sealed round");
        tokens.push((battle.token, choice));
    }
    // The cap: no fourth battle for this voter; another voter still draws.
    let body = assert_error(battle_in(&app.client).await.unwrap(), 403, "round_cap").await;
    assert!(body.error.message.contains('3'), "{}", body.error.message);
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let late: BattleResponse = battle_in(&other).await.unwrap().json().await.unwrap();

    // Tabulated apart: nothing in the open arena; the public sees no table while it runs.
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 0);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/rounds/{id}/results")))
        .send()
        .await
        .unwrap();
    assert_error(res, 409, "round_state").await;
    let running: RoundResults = app
        .admin(Method::GET, &format!("/rounds/{id}/results"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(running.public.table.total_votes, 3);

    // Its window passed: no battle, and a vote through a token drawn before is 410.
    clock.set(T0 + 3_600_000);
    assert_error(battle_in(&other).await.unwrap(), 410, "round_closed").await;
    let res = other
        .post(app.url("/api/v1/vote"))
        .json(&json!({"token": late.token, "choice": "a"}))
        .send()
        .await
        .unwrap();
    let (status, text, _) = every_byte(res).await;
    assert_eq!(status, 410, "{text}");
    assert!(text.contains("round_closed"), "{text}");
    assert_names_nothing(&text, &NAMES, "a vote after the round closed");
    // No operator closes it: the arena does, just after its closing time, and logs the step.
    clock.set(T0 + 3_600_000 + 5_000);
    let closed = wait_for_state(&app, &id, RoundState::Closed).await;
    assert_eq!(closed.state, RoundState::Closed);
    let log = app.audit().await;
    let step = log
        .iter()
        .find(|e| e.action == "round.closed" && e.subject == id)
        .expect("the close is logged");
    assert_eq!(step.operator, arena_server::store::rounds::CLOSER);
    assert_eq!(step.detail["from"], "open");
    // Back within the tokens' life: what follows is the closed state's doing, not the clock's.
    clock.set(T0 + 1_000);
    let res = other
        .post(app.url("/api/v1/vote"))
        .json(&json!({"token": late.token, "choice": "a"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 410, "round_closed").await;
    assert_eq!(app.vote_count().await, 3, "nothing stored after the close");

    // Closed: a retry of a vote cast in time now names its models, and the tables are public.
    let (token, choice) = &tokens[0];
    let answer: VoteResponse = app
        .post_vote(json!({"token": token, "choice": choice}))
        .await
        .json()
        .await
        .unwrap();
    assert!(answer.models.is_some(), "{answer:?}");
    let results: RoundResults = app.get_json(&format!("/api/v1/rounds/{id}/results")).await;
    assert_eq!(results.round.state, RoundState::Closed);
    assert_eq!(results.public.table.total_votes, 3);
    assert_eq!(results.public.counts.counts.total(), 3);
    assert!(
        results
            .public
            .table
            .models
            .iter()
            .all(|m| round.models.iter().any(|s| s.id == m.id))
    );
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 0);
}

#[tokio::test]
async fn a_round_for_its_panel_draws_nothing_for_the_public() {
    let app = spawn_app().await;
    let now = arena_server::clock::now_ms();
    let mut body = draft();
    body["audience"] = json!("panel");
    body["opens_at_ms"] = json!(now - 60_000);
    body["closes_at_ms"] = json!(now + 3_600_000);
    let round: Round = app
        .admin(Method::POST, "/rounds")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .admin(Method::PUT, &format!("/rounds/{}/state", round.id))
        .json(&json!({"state": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/battle?round={}", round.id)))
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "panel_only").await;
}

/// The round `id` as the public sees it, once it is in `state` (the arena's closer runs every
/// two seconds; ten are allowed).
async fn wait_for_state(app: &crate::helpers::TestApp, id: &str, state: RoundState) -> Round {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let round: Round = app.get_json(&format!("/api/v1/rounds/{id}")).await;
        if round.state == state || std::time::Instant::now() > until {
            return round;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
