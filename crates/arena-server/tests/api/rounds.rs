//! Evaluation rounds through the API: an operator makes a draft (its prompts and answers sealed),
//! opens, closes and publishes it one step at a time; the public sees a round once it opened;
//! every bad request is a 4xx with a JSON error, and every change is logged.

use arena_core::round::{Round, RoundState, seal, text_sha256};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_error, spawn_app};

fn draft() -> serde_json::Value {
    json!({
        "name": "2026년 12월 1차 시민 평가",
        "models": ["m-good", "m-plain", "m-weak"],
        "categories": ["역사"],
        "opens_at_ms": 1_765_000_000_000_i64,
        "closes_at_ms": 1_766_000_000_000_i64,
        "audience": "both",
        "votes_per_person": 30,
        "reveal": "after_close",
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
