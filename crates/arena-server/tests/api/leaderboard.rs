//! The leaderboard moves after votes, is served from memory, and publishes its counts.

use std::time::Duration;

use arena_core::api::{CountsResponse, LeaderboardResponse, VoteResponse};
use arena_core::rating::{self, BattleCounts, RatingOptions};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn leaderboard(app: &TestApp, query: &str) -> LeaderboardResponse {
    app.get_json(&format!("/api/v1/leaderboard{query}")).await
}

async fn wait_for_total(app: &TestApp, query: &str, total: u64) -> LeaderboardResponse {
    for _ in 0..100 {
        let table = leaderboard(app, query).await;
        if table.total_votes == total {
            return table;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the leaderboard never reached {total} votes");
}

#[tokio::test]
async fn votes_move_the_leaderboard_and_counts_are_published() {
    let app = spawn_app().await;
    let empty = leaderboard(&app, "").await;
    assert_eq!(empty.total_votes, 0);
    assert!(empty.models.is_empty());

    // The best model (recognised by its answers) wins whenever it plays; otherwise a tie.
    let mut expected = BattleCounts::default();
    let mut history_votes = 0;
    for _ in 0..40 {
        let battle = app.battle().await;
        let is_good = |text: &str| text.contains("1446년**") || text.contains("단단히");
        let choice = if is_good(&battle.answers.a) {
            "a"
        } else if is_good(&battle.answers.b) {
            "b"
        } else {
            "tie"
        };
        let res = app
            .post_vote(json!({"token": battle.token, "choice": choice}))
            .await;
        assert_eq!(res.status(), 200);
        let revealed: VoteResponse = res.json().await.unwrap();
        expected.add(
            &revealed.models.as_ref().unwrap().a.id,
            &revealed.models.as_ref().unwrap().b.id,
            choice.parse().unwrap(),
            1,
        );
        if battle.prompt.category == "역사" {
            history_votes += 1;
        }
    }
    let table = wait_for_total(&app, "", 40).await;
    assert_eq!(table.models[0].id, "m-good", "{table:?}");
    assert_eq!(table.models[0].name, "좋은 모델");
    assert_eq!(table.models[0].rank, 1);
    for m in &table.models {
        assert!(m.ci_low <= m.rating && m.rating <= m.ci_high, "{m:?}");
        assert!(m.rating.is_finite() && m.ci_low.is_finite() && m.ci_high.is_finite());
    }
    assert_eq!(
        table.models.iter().map(|m| m.votes).sum::<u64>(),
        80,
        "each vote counts for two models"
    );

    let published: CountsResponse = app.get_json("/api/v1/leaderboard/counts").await;
    assert_eq!(
        published.computed_at_ms, table.computed_at_ms,
        "counts and table belong together"
    );
    let counts = published.counts;
    assert_eq!(
        counts,
        expected.canonical(),
        "the published counts are the votes"
    );
    // Anyone can recompute the table from the published counts.
    let recomputed = rating::compute(
        &counts,
        &RatingOptions {
            bootstrap_rounds: table.bootstrap_rounds,
            seed: table.seed,
            ..RatingOptions::default()
        },
    );
    let ids: Vec<_> = recomputed.models.iter().map(|m| m.id.clone()).collect();
    assert_eq!(
        ids,
        table
            .models
            .iter()
            .map(|m| m.id.clone())
            .collect::<Vec<_>>()
    );
    for (mine, theirs) in recomputed.models.iter().zip(&table.models) {
        assert_eq!(mine.rating, theirs.rating);
        assert_eq!((mine.ci_low, mine.ci_high), (theirs.ci_low, theirs.ci_high));
    }

    let history = wait_for_total(&app, "?category=%EC%97%AD%EC%82%AC", history_votes).await;
    assert_eq!(history.category.as_deref(), Some("역사"));
    let none = leaderboard(&app, "?category=nothing").await;
    assert_eq!(none.total_votes, 0);
    assert!(none.models.is_empty());
}

#[tokio::test]
async fn the_public_export_reproduces_the_leaderboard() {
    let app = spawn_app().await;
    for i in 0..30 {
        let battle = app.battle().await;
        let choice = ["a", "b", "tie", "both_bad", "a"][i % 5];
        let res = app
            .post_vote(json!({"token": battle.token, "choice": choice}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let table = wait_for_total(&app, "", 30).await;

    let battles = app.store.public_battles().await.unwrap();
    assert_eq!(battles.len(), 30);
    let jsonl: String = battles
        .iter()
        .map(|b| serde_json::to_string(b).unwrap() + "\n")
        .collect();
    assert!(
        !jsonl.contains("voter") && !jsonl.contains("anonymous"),
        "nothing personal"
    );

    // What the public downloads, read back with the Chatbot-Arena parser, gives the same table.
    let records = rating::records::parse_battle_records(&jsonl).unwrap();
    let recomputed = rating::compute(
        &rating::records::aggregate(&records, None),
        &RatingOptions {
            bootstrap_rounds: table.bootstrap_rounds,
            seed: table.seed,
            ..RatingOptions::default()
        },
    );
    let mine: Vec<_> = recomputed
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.rating, m.ci_low, m.ci_high))
        .collect();
    let served: Vec<_> = table
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.rating, m.ci_low, m.ci_high))
        .collect();
    assert_eq!(mine, served);
}

/// The same table with sandwich intervals or pair reweighting, asked for per request: computed
/// from the same counts (same `computed_at_ms`), saying how, verifiable like the served one; a
/// bad method is a 400.
#[tokio::test]
async fn other_interval_methods_and_reweighting_are_served_and_verify() {
    let app = spawn_app().await;
    for i in 0..40 {
        let battle = app.battle().await;
        let choice = ["a", "b", "tie", "a"][i % 4];
        let res = app
            .post_vote(json!({"token": battle.token, "choice": choice}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let served = wait_for_total(&app, "", 40).await;
    assert_eq!(served.intervals, rating::IntervalMethod::Bootstrap);
    assert!(!served.reweighted);
    let counts: CountsResponse = app.get_json("/api/v1/leaderboard/counts").await;

    for query in [
        "?intervals=sandwich",
        "?intervals=sandwich&reweight=true",
        "?reweight=true",
    ] {
        let table = leaderboard(&app, query).await;
        // The worker may have recomputed in between: compare with the counts of this table.
        let counts = if table.computed_at_ms == counts.computed_at_ms {
            counts.clone()
        } else {
            app.get_json("/api/v1/leaderboard/counts").await
        };
        assert_eq!(table.computed_at_ms, counts.computed_at_ms, "{query}");
        assert_eq!(
            table.intervals,
            if query.contains("sandwich") {
                rating::IntervalMethod::Sandwich
            } else {
                rating::IntervalMethod::Bootstrap
            },
            "{query}"
        );
        assert_eq!(table.reweighted, query.contains("reweight=true"), "{query}");
        assert_eq!(table.total_votes, 40);
        let (_, differences) = arena_core::verify::verify(&table, &counts.counts);
        assert!(differences.is_empty(), "{query}: {differences:?}");
    }
    let sandwich = leaderboard(&app, "?intervals=sandwich").await;
    let widths = |t: &LeaderboardResponse| -> Vec<f64> {
        t.models.iter().map(|m| m.ci_high - m.ci_low).collect()
    };
    assert_ne!(
        widths(&sandwich),
        widths(&served),
        "another method, other intervals"
    );

    let res = app
        .client
        .get(app.url("/api/v1/leaderboard?intervals=jackknife"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    let res = app
        .client
        .get(app.url("/api/v1/leaderboard?reweight=maybe"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
