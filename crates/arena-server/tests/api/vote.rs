//! `POST /api/v1/vote`: stored exactly once, identities revealed, bad input a 4xx JSON error.

use std::time::Duration;

use arena_core::api::VoteResponse;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::helpers::{Options, assert_error, spawn_app, spawn_app_with};

fn model_of(answer: &str) -> &'static str {
    match answer {
        "**1446년**에 반포되었습니다." | "‘단단히, 확실히 하라’는 경상도 말입니다." => {
            "m-good"
        }
        "1446년입니다." | "잘 하라는 뜻입니다." => "m-plain",
        _ => "m-weak",
    }
}

#[tokio::test]
async fn a_vote_reveals_the_models_that_wrote_each_side() {
    let app = spawn_app().await;
    let battle = app.battle().await;
    let res = app
        .post_vote(json!({"token": battle.token, "choice": "a"}))
        .await;
    assert_eq!(res.status(), 200);
    let revealed: VoteResponse = res.json().await.unwrap();
    assert_eq!(
        revealed.models.as_ref().unwrap().a.id,
        model_of(&battle.answers.a)
    );
    assert_eq!(
        revealed.models.as_ref().unwrap().b.id,
        model_of(&battle.answers.b)
    );
    let name = |id: &str| {
        match id {
            "m-good" => "좋은 모델",
            "m-plain" => "평범한 모델",
            other => other,
        }
        .to_owned()
    };
    assert_eq!(
        revealed.models.as_ref().unwrap().a.name,
        name(&revealed.models.as_ref().unwrap().a.id)
    );

    let row: Vec<String> = app
        .rows(
            "SELECT prompt_id, model_a, model_b, choice, CAST(issued_at_ms AS TEXT), \
             CAST(voted_at_ms AS TEXT), CAST(elapsed_ms AS TEXT) FROM votes",
        )
        .await
        .remove(0)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(row[0], battle.prompt.id);
    assert_eq!(
        (row[1].as_str(), row[2].as_str()),
        (
            revealed.models.as_ref().unwrap().a.id.as_str(),
            revealed.models.as_ref().unwrap().b.id.as_str()
        )
    );
    assert_eq!(row[3], "a");
    let [issued, voted, elapsed] = [4, 5, 6].map(|i| row[i].parse::<i64>().unwrap());
    assert!(issued > 0 && voted >= issued);
    assert_eq!(
        elapsed,
        voted - issued,
        "time from battle to vote is stored"
    );
}

#[tokio::test]
async fn the_same_battle_is_stored_once_even_when_raced_and_retries_get_the_same_reveal() {
    let app = spawn_app().await;
    let battle = app.battle().await;
    let body = json!({"token": battle.token, "choice": "tie"});
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (client, url, body) = (app.client.clone(), app.url("/api/v1/vote"), body.clone());
        racing.spawn(async move {
            let res = client.post(url).json(&body).send().await.unwrap();
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.unwrap();
            (status, body)
        });
    }
    let answers: Vec<(u16, serde_json::Value)> = racing.join_all().await;
    // Twelve copies of one vote (a client retrying after a lost answer): each gets the reveal.
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    assert!(
        answers.iter().all(|(_, b)| *b == answers[0].1),
        "{answers:?}"
    );
    assert_eq!(app.vote_count().await, 1);
    // Another choice for a voted battle is a conflict, and changes nothing.
    let again = app
        .post_vote(json!({"token": battle.token, "choice": "b"}))
        .await;
    assert_error(again, 409, "already_voted").await;
    assert_eq!(app.vote_count().await, 1);
    assert_eq!(app.texts("SELECT choice FROM votes").await, ["tie"]);
}

#[tokio::test]
async fn forged_and_malformed_tokens_are_refused_without_storing() {
    let app = spawn_app().await;
    let battle = app.battle().await;
    let mut raw = URL_SAFE_NO_PAD.decode(&battle.token).unwrap();
    raw[20] ^= 1;
    let forged = URL_SAFE_NO_PAD.encode(&raw);
    for token in [
        forged.as_str(),
        "",
        "not-a-token",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "토큰",
    ] {
        let res = app.post_vote(json!({"token": token, "choice": "a"})).await;
        assert_error(res, 400, "invalid_token").await;
    }
    let other = spawn_app_with(Options {
        secret: b"another secret another secret another".to_vec(),
        ..Options::default()
    })
    .await;
    let foreign = other.battle().await;
    let res = app
        .post_vote(json!({"token": foreign.token, "choice": "a"}))
        .await;
    assert_error(res, 400, "invalid_token").await;
    assert_eq!(app.vote_count().await, 0);
}

#[tokio::test]
async fn malformed_bodies_get_json_errors() {
    let app = spawn_app().await;
    let battle = app.battle().await;
    for body in [
        json!({"token": battle.token, "choice": "c"}),
        json!({"token": battle.token}),
        json!({"choice": "a"}),
        json!({"token": battle.token, "choice": "a", "model_a": "m-good"}),
        json!(["a"]),
    ] {
        let res = app.post_vote(body.clone()).await;
        assert_error(res, 400, "bad_request").await;
    }
    let res = app
        .client
        .post(app.url("/api/v1/vote"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "bad_request").await;
    let res = app
        .client
        .post(app.url("/api/v1/vote"))
        .header("content-type", "text/plain")
        .body(serde_json::to_vec(&json!({"token": battle.token, "choice": "a"})).unwrap())
        .send()
        .await
        .unwrap();
    assert_error(res, 415, "bad_request").await;
    let res = app
        .client
        .post(app.url("/api/v1/vote"))
        .header("content-type", "application/json")
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_error(res, 413, "bad_request").await;
    assert_eq!(app.vote_count().await, 0, "nothing stored");
    let res = app
        .post_vote(json!({"token": battle.token, "choice": "b"}))
        .await;
    assert_eq!(
        res.status(),
        200,
        "the battle can still be voted after bad attempts"
    );
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app_with(Options {
        token_ttl: Duration::from_millis(1),
        ..Options::default()
    })
    .await;
    let battle = app.battle().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let res = app
        .post_vote(json!({"token": battle.token, "choice": "a"}))
        .await;
    assert_error(res, 410, "token_expired").await;
    assert_eq!(app.vote_count().await, 0);
}

#[tokio::test]
async fn a_battle_whose_answer_was_removed_is_gone_not_an_error() {
    let app = spawn_app().await;
    let battle = app.battle().await;
    app.execute(&format!(
        "DELETE FROM answers WHERE prompt_id = '{}'",
        battle.prompt.id
    ))
    .await;
    let res = app
        .post_vote(json!({"token": battle.token, "choice": "a"}))
        .await;
    assert_error(res, 410, "battle_gone").await;
}
