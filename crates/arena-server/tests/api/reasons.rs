//! Why a citizen preferred an answer: reasons after the vote, stored with it, editable for a
//! while, shown per model on the leaderboard (for counted votes only), never moving a rating.

use std::sync::Arc;

use arena_core::api::{BattleResponse, ReasonsResponse};
use arena_server::api::reasons::EDIT_WINDOW_MS;
use arena_server::clock::ManualClock;
use serde_json::json;

use crate::helpers::{Options, TestApp, assert_error, spawn_app_with};

const T0: i64 = 1_800_000_000_000;

async fn app() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    // Settings relied on: no reading time, no limits, no proof of work (Options' permissive
    // trust), a clock moved by hand, the leaderboard refreshed by the test.
    let app = spawn_app_with(Options {
        clock: Some(clock.clone()),
        worker: false,
        ..Options::default()
    })
    .await;
    (app, clock)
}

async fn voted(app: &TestApp, choice: &str) -> BattleResponse {
    let battle = app.battle().await;
    let res = app
        .post_vote(json!({"token": battle.token, "choice": choice}))
        .await;
    assert_eq!(res.status(), 200);
    battle
}

async fn post_reasons(app: &TestApp, token: &str, reasons: serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/vote/reasons"))
        .json(&json!({"token": token, "reasons": reasons}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn reasons_are_stored_with_the_vote_and_counted_for_the_chosen_model() {
    let (app, _clock) = app().await;
    let battle = voted(&app, "a").await;
    let before = app.refreshed_leaderboard().await;

    let res = post_reasons(&app, &battle.token, json!(["korean_context", "accuracy"])).await;
    assert_eq!(res.status(), 200);
    let saved: ReasonsResponse = res.json().await.unwrap();
    assert_eq!(
        serde_json::to_value(&saved.reasons).unwrap(),
        json!(["accuracy", "korean_context"])
    );
    assert_eq!(saved.editable_until_ms, T0 + EDIT_WINDOW_MS);

    let after = app.refreshed_leaderboard().await;
    let winner = app.rows("SELECT model_a FROM votes").await[0][0]
        .clone()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&after.reasons).unwrap(),
        json!({ winner: {"accuracy": 1, "korean_context": 1} })
    );
    // Reasons explain the ranking; they do not change it.
    assert_eq!(after.models, before.models);
    assert_eq!(after.total_votes, before.total_votes);
}

#[tokio::test]
async fn a_tie_credits_both_models_and_both_bad_neither() {
    let (app, _clock) = app().await;
    let tie = voted(&app, "tie").await;
    let bad = voted(&app, "both_bad").await;
    for battle in [&tie, &bad] {
        assert_eq!(
            post_reasons(&app, &battle.token, json!(["safety"]))
                .await
                .status(),
            200
        );
    }
    let table = app.refreshed_leaderboard().await;
    let tied = app
        .rows("SELECT model_a, model_b FROM votes WHERE choice = 'tie'")
        .await;
    let (a, b) = (tied[0][0].clone().unwrap(), tied[0][1].clone().unwrap());
    let safety: u64 = table
        .reasons
        .values()
        .map(|r| r.get("safety").copied().unwrap_or(0))
        .sum();
    assert_eq!(
        safety, 2,
        "one tie, two models credited, and nothing for both bad: {:?}",
        table.reasons
    );
    assert_eq!(table.reasons[&a]["safety"], 1);
    assert_eq!(table.reasons[&b]["safety"], 1);
}

#[tokio::test]
async fn reasons_can_be_changed_for_a_while_then_no_more() {
    let (app, clock) = app().await;
    let battle = voted(&app, "b").await;
    assert_eq!(
        post_reasons(&app, &battle.token, json!(["usefulness"]))
            .await
            .status(),
        200
    );
    clock.advance(EDIT_WINDOW_MS - 1000);
    // The second set replaces the first; an empty set clears.
    assert_eq!(
        post_reasons(&app, &battle.token, json!(["natural_korean"]))
            .await
            .status(),
        200
    );
    let table = app.refreshed_leaderboard().await;
    let per_model: Vec<_> = table.reasons.values().collect();
    assert_eq!(
        serde_json::to_value(&per_model).unwrap(),
        json!([{"natural_korean": 1}])
    );
    assert_eq!(
        post_reasons(&app, &battle.token, json!([])).await.status(),
        200
    );
    assert!(app.refreshed_leaderboard().await.reasons.is_empty());

    clock.advance(2000);
    let res = post_reasons(&app, &battle.token, json!(["accuracy"])).await;
    assert_error(res, 409, "reasons_closed").await;
    assert!(
        app.refreshed_leaderboard().await.reasons.is_empty(),
        "nothing changed"
    );
}

#[tokio::test]
async fn bad_requests_get_clear_errors_and_change_nothing() {
    let (app, _clock) = app().await;
    let unvoted = app.battle().await;
    assert_error(
        post_reasons(&app, &unvoted.token, json!(["accuracy"])).await,
        404,
        "no_vote",
    )
    .await;
    assert_error(
        post_reasons(&app, "not-a-token", json!(["accuracy"])).await,
        400,
        "invalid_token",
    )
    .await;
    let battle = voted(&app, "a").await;
    assert_error(
        post_reasons(&app, &battle.token, json!(["charm"])).await,
        400,
        "bad_request",
    )
    .await;
    assert_error(
        post_reasons(&app, &battle.token, json!("accuracy")).await,
        400,
        "bad_request",
    )
    .await;
    assert!(app.refreshed_leaderboard().await.reasons.is_empty());
}

#[tokio::test]
async fn the_public_export_carries_the_reasons() {
    let (app, _clock) = app().await;
    let with = voted(&app, "a").await;
    voted(&app, "b").await;
    assert_eq!(
        post_reasons(&app, &with.token, json!(["safety", "usefulness"]))
            .await
            .status(),
        200
    );
    let exported = app.store.public_battles().await.unwrap();
    let reasons: Vec<serde_json::Value> = exported
        .iter()
        .map(|b| serde_json::to_value(b).unwrap()["reasons"].clone())
        .collect();
    assert_eq!(exported.len(), 2);
    assert!(
        reasons.contains(&json!(["usefulness", "safety"])),
        "{reasons:?}"
    );
    // None given: no field, as in the public arena's own format.
    assert!(reasons.contains(&serde_json::Value::Null), "{reasons:?}");
}

#[tokio::test]
async fn a_voter_sending_reasons_in_a_loop_is_held_to_its_rate() {
    // The default rate, 30 a minute (ARENA_LIMIT_VOTER_REASONS), with the limits on.
    let clock = Arc::new(ManualClock::new(T0));
    let app = spawn_app_with(Options {
        clock: Some(clock.clone()),
        worker: false,
        trust: arena_server::trust::TrustSettings {
            limits_enabled: true,
            ..crate::helpers::permissive()
        },
        ..Options::default()
    })
    .await;
    let battle = voted(&app, "a").await;
    let sets = [json!(["accuracy"]), json!(["safety"]), json!([])];
    for reasons in sets.iter().cycle().take(30) {
        assert_eq!(
            post_reasons(&app, &battle.token, reasons.clone())
                .await
                .status(),
            200
        );
    }
    let res = post_reasons(&app, &battle.token, json!(["usefulness"])).await;
    assert_eq!(res.headers()["retry-after"], "2");
    assert_error(res, 429, "rate_limited").await;
    // Another battle of the same voter takes from the same bucket.
    let other = voted(&app, "b").await;
    let res = post_reasons(&app, &other.token, json!(["usefulness"])).await;
    assert_error(res, 429, "rate_limited").await;
    clock.advance(2_000);
    assert_eq!(
        post_reasons(&app, &battle.token, json!(["usefulness"]))
            .await
            .status(),
        200
    );
}
