//! Pairing: a model that joins a board with votes is drawn far more often than uniform pairing
//! would draw it (its pairs teach the table most), and with pairing set to uniform it is not.

use arena_core::api::VoteResponse;
use arena_core::battle_set;
use serde_json::json;

use crate::helpers::{Options, TestApp, spawn_app_with};

/// The share of `n` voted battles that had `m-new` in them.
async fn share_with_new_model(app: &TestApp, n: usize) -> f64 {
    let mut with = 0;
    for _ in 0..n {
        let battle = app.battle().await;
        let vote: VoteResponse = app
            .post_vote(json!({"token": battle.token, "choice": "a"}))
            .await
            .json()
            .await
            .unwrap();
        if vote.models.as_ref().unwrap().a.id == "m-new"
            || vote.models.as_ref().unwrap().b.id == "m-new"
        {
            with += 1;
        }
    }
    with as f64 / n as f64
}

/// Three models with 150 votes among them; then `m-new` answers both prompts.
async fn board_then_new_model(informative_pairing: bool) -> TestApp {
    let app = spawn_app_with(Options {
        // The test refreshes the tables (and the pairing plan) itself, once after the import.
        worker: false,
        informative_pairing,
        ..Options::default()
    })
    .await;
    app.state.leaderboards.refresh().await.unwrap();
    share_with_new_model(&app, 150).await;
    let newcomer = r#"{"models": [{"id": "m-new", "name": "새 모델"}]}
{"id": "p-1", "category": "역사", "prompt": "훈민정음은 언제 반포되었나요?", "answers": [{"model": "m-new", "text": "1446년 음력 9월입니다."}]}
{"id": "p-2", "category": "사투리", "prompt": "‘단디 해라’는 무슨 뜻인가요?", "answers": [{"model": "m-new", "text": "단단히 하라는 뜻입니다."}]}
"#;
    app.store
        .import(&battle_set::parse(newcomer).unwrap())
        .await
        .unwrap();
    app.state.leaderboards.refresh().await.unwrap();
    app
}

#[tokio::test]
async fn a_new_model_is_drawn_where_it_teaches_most() {
    // Each of p-1 and p-2 now has four models: uniformly, half of the pairs have m-new.
    let app = board_then_new_model(true).await;
    let share = share_with_new_model(&app, 200).await;
    assert!(
        share > 0.7,
        "informative pairing drew m-new in {share:.2} of battles"
    );
}

#[tokio::test]
async fn with_uniform_pairing_a_new_model_gets_its_plain_share() {
    let app = board_then_new_model(false).await;
    let share = share_with_new_model(&app, 200).await;
    assert!(
        share < 0.65,
        "uniform pairing drew m-new in {share:.2} of battles"
    );
}
