//! Nothing is learned for free: a vote that does not count names no model, in any byte of the
//! answer (status line, headers, body), the first time or on a retry. A counted vote does.
//!
//! Settings: reading time fixed at 5 s, a voter's daily cap of 2 counted votes, the arena's
//! clock set by the test; rate limits on (generous enough not to refuse anything here).

use std::sync::Arc;

use arena_core::api::{BattleResponse, VoteResponse};
use arena_server::clock::ManualClock;
use arena_server::trust::{MinRead, TrustSettings};
use serde_json::json;

use crate::helpers::{
    Options, TestApp, assert_names_nothing, every_byte, permissive, spawn_app_with,
};

const T0: i64 = 1_800_000_000_000;

/// Every id and display name of the models, the things a reveal would carry.
async fn names(app: &TestApp) -> Vec<String> {
    let mut out = app.texts("SELECT id FROM models").await;
    out.extend(app.texts("SELECT name FROM models").await);
    assert!(out.len() >= 4, "{out:?}");
    out
}

async fn vote(app: &TestApp, voter: &str, token: &str, choice: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/vote"))
        .header("x-arena-voter", voter)
        .json(&json!({"token": token, "choice": choice}))
        .send()
        .await
        .unwrap()
}

async fn draw(app: &TestApp, voter: Option<&str>) -> BattleResponse {
    let mut req = reqwest::Client::new().get(app.url("/api/v1/battle"));
    if let Some(v) = voter {
        req = req.header("x-arena-voter", v);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_vote_that_does_not_count_names_no_model_in_any_byte() {
    let clock = Arc::new(ManualClock::new(T0));
    let app = spawn_app_with(Options {
        trust: TrustSettings {
            min_read: MinRead::Fixed(5_000),
            limits_enabled: true,
            voter_daily_cap: 2,
            ..permissive()
        },
        clock: Some(clock.clone()),
        worker: false,
        ..Options::default()
    })
    .await;
    let names = names(&app).await;

    // Too fast: sent a second after the battle was drawn.
    let fast = draw(&app, None).await;
    let voter = fast.voter.clone();
    clock.advance(1_000);
    for attempt in ["first", "retry"] {
        let (status, text, _) = every_byte(vote(&app, &voter, &fast.token, "a").await).await;
        assert_eq!(status, 200, "{text}");
        assert_names_nothing(&text, &names, &format!("too fast, {attempt}"));
        let body: VoteResponse = serde_json::from_str(text.rsplit('\n').next().unwrap()).unwrap();
        assert_eq!(body.models, None);
        assert_eq!(body.not_counted, ["too_fast"]);
    }

    // Another voter's battle: kept, not counted, nothing named.
    let theirs = draw(&app, None).await;
    clock.advance(6_000);
    let (status, text, _) = every_byte(vote(&app, &voter, &theirs.token, "b").await).await;
    assert_eq!(status, 200);
    assert_names_nothing(&text, &names, "another voter's battle");
    assert!(text.contains("voter_mismatch"), "{text}");

    // Two counted votes name their models; the third is beyond the daily cap and names none.
    for n in 0..3 {
        let b = draw(&app, Some(&voter)).await;
        clock.advance(6_000);
        let (status, text, _) = every_byte(vote(&app, &voter, &b.token, "tie").await).await;
        assert_eq!(status, 200);
        if n < 2 {
            let body: VoteResponse =
                serde_json::from_str(text.rsplit('\n').next().unwrap()).unwrap();
            let models = body.models.expect("a counted vote names its models");
            assert!(names.contains(&models.a.id) && names.contains(&models.b.id));
            assert!(body.not_counted.is_empty());
        } else {
            assert_names_nothing(&text, &names, "beyond the daily cap");
            assert!(text.contains("voter_daily_cap"), "{text}");
        }
    }
    // A different choice for a voted battle is a 409 that names nothing either.
    let (status, text, _) = every_byte(vote(&app, &voter, &fast.token, "b").await).await;
    assert_eq!(status, 409);
    assert_names_nothing(&text, &names, "another choice");
}
