//! Several servers on one PostgreSQL database with one secret: a battle drawn from one is voted
//! through another, the daily caps hold across them, and every server answers with the same
//! leaderboard and counts (one recomputes and publishes, the others serve what it published).
//! Runs in the PostgreSQL pass (`ARENA_TEST_STORE=postgres`, part of `make test`).

use std::time::{Duration, Instant};

use arena_core::api::{CountsResponse, LeaderboardResponse, VOTER_HEADER, VoteResponse};
use arena_server::trust::TrustSettings;
use serde_json::json;

use crate::helpers::{Options, TestApp, on_postgres, permissive, spawn_app_with};

/// Caps of one counted vote per voter a day; nothing else limited.
fn one_vote_a_day() -> TrustSettings {
    TrustSettings {
        limits_enabled: true,
        voter_votes: "1000/min".parse().unwrap(),
        voter_battles: "1000/min".parse().unwrap(),
        address_requests: "1000/min".parse().unwrap(),
        address_new_voters: "1000/min".parse().unwrap(),
        voter_daily_cap: 1,
        address_daily_cap: 1_000,
        ..permissive()
    }
}

async fn vote_through(app: &TestApp, voter: &str, token: &str) -> VoteResponse {
    let res = app
        .client
        .post(app.url("/api/v1/vote"))
        .header(VOTER_HEADER, voter)
        .json(&json!({"token": token, "choice": "a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn battle_for(app: &TestApp, voter: &str) -> arena_core::api::BattleResponse {
    let res = app
        .client
        .get(app.url("/api/v1/battle"))
        .header(VOTER_HEADER, voter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_take_each_others_battles_and_answer_alike() {
    if !on_postgres() {
        eprintln!(
            "skipped on SQLite: several servers share a PostgreSQL database; this runs in the \
             PostgreSQL pass (ARENA_TEST_STORE=postgres)"
        );
        return;
    }
    let first = spawn_app_with(Options {
        trust: one_vote_a_day(),
        ..Options::default()
    })
    .await;
    let second = spawn_app_with(Options {
        trust: one_vote_a_day(),
        database_url: first.database_url(),
        ..Options::default()
    })
    .await;

    // Drawn from the first, voted through the second: one secret, no server-side session.
    let drawn = first.battle().await;
    let revealed = vote_through(&second, &drawn.voter, &drawn.token).await;
    assert_ne!(
        revealed.models.as_ref().unwrap().a.id,
        revealed.models.as_ref().unwrap().b.id
    );
    // The same voter's second vote of the day, through the first server, is over the cap that
    // the second server counted.
    let again = battle_for(&first, &drawn.voter).await;
    vote_through(&first, &drawn.voter, &again.token).await;
    let flags = first
        .flag_codes("SELECT CAST(flags AS TEXT) FROM votes ORDER BY seq")
        .await;
    assert_eq!(flags, ["", "voter_daily_cap"]);

    // Both answer with one table and its counts, whichever recomputed it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let a: LeaderboardResponse = first.get_json("/api/v1/leaderboard").await;
        let b: LeaderboardResponse = second.get_json("/api/v1/leaderboard").await;
        // A table computed between the two votes has the counted vote but not yet the
        // excluded one: wait for the table that has both.
        if a.total_votes == 1 && a.excluded.total == 1 && a == b {
            let ca: CountsResponse = first.get_json("/api/v1/leaderboard/counts").await;
            let cb: CountsResponse = second.get_json("/api/v1/leaderboard/counts").await;
            if ca == cb && ca.computed_at_ms == a.computed_at_ms {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the servers still disagree: {} vs {} votes ({} vs {} excluded), computed at {} vs {}",
            a.total_votes,
            b.total_votes,
            a.excluded.total,
            b.excluded.total,
            a.computed_at_ms,
            b.computed_at_ms
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
