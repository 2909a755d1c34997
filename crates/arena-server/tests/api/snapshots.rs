//! Snapshots: an operator publishes the leaderboard as it stands; it stays exactly so at a
//! stable address (later votes move the live table, not the snapshot), its tables follow from
//! its own counts and battles file, and anyone may fetch and download it.

use arena_core::api::{SnapshotResponse, SnapshotSummary};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{OPERATOR_LABEL, TestApp, assert_error, spawn_app};

async fn vote(app: &TestApp, choice: &str) {
    let battle = app.battle().await;
    let res = app
        .post_vote(json!({"token": battle.token, "choice": choice}))
        .await;
    assert_eq!(res.status(), 200);
}

async fn publish(app: &TestApp, title: &str) -> SnapshotSummary {
    let res = app
        .admin(Method::POST, "/snapshots")
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_published_snapshot_is_frozen_verifiable_and_downloadable() {
    let app = spawn_app().await;
    for choice in ["a", "b", "a", "tie", "both_bad", "a", "b", "a"] {
        vote(&app, choice).await;
    }
    // Only operators publish.
    let res = app
        .client
        .post(app.url("/api/v1/admin/snapshots"))
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "unauthorized").await;
    for title in ["", "   ", &"가".repeat(121)] {
        let res = app
            .admin(Method::POST, "/snapshots")
            .json(&json!({ "title": title }))
            .send()
            .await
            .unwrap();
        assert_error(res, 400, "bad_request").await;
    }

    let summary = publish(&app, "2026년 12월 1차 평가").await;
    assert_eq!(summary.id, "1");
    assert_eq!(summary.total_votes, 8);
    assert_eq!(summary.models, 3);
    let listed: Vec<SnapshotSummary> = app.get_json("/api/v1/snapshots").await;
    assert_eq!(listed, std::slice::from_ref(&summary));

    let res = app
        .client
        .get(app.url("/api/v1/snapshots/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let snapshot: SnapshotResponse = res.json().await.unwrap();
    assert_eq!(snapshot.summary, summary);
    assert!(snapshot.licence.name_ko.contains("공공누리 제1유형"));
    assert_eq!(snapshot.table.total_votes, 8);
    assert_eq!(snapshot.table.computed_at_ms, summary.published_at_ms);
    // The table follows from the published counts, as the browser checks it.
    let (_, differences) = arena_core::verify::verify(&snapshot.table, &snapshot.counts.counts);
    assert!(differences.is_empty(), "{differences:?}");

    // The battles file: exactly the counted votes, with the hash the summary gives.
    let res = app
        .client
        .get(app.url(&snapshot.battles_jsonl))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("kai-arena-snapshot-1-battles.jsonl")
    );
    let jsonl = res.text().await.unwrap();
    assert_eq!(jsonl.lines().count(), 8);
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(jsonl.as_bytes())),
        summary.battles_sha256
    );
    // ... and the same table follows from the battles file itself (the CLI's own computation).
    let records = arena_core::rating::records::parse_battle_records(&jsonl).unwrap();
    let counts = arena_core::rating::records::aggregate(&records, None);
    let (_, differences) = arena_core::verify::verify(&snapshot.table, &counts);
    assert!(differences.is_empty(), "{differences:?}");
    let csv = app
        .client
        .get(app.url(&snapshot.battles_csv))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with(
            "battle_id,question_id,category,model_a,model_b,winner,tstamp,reasons,prompt,answer_a,answer_b\n"
        )
    );
    assert_eq!(csv.lines().count(), 9);

    // Per category.
    let category = &snapshot.table.categories[0];
    let one: SnapshotResponse = app
        .get_json(&format!(
            "/api/v1/snapshots/1?category={}",
            urlencode(category)
        ))
        .await;
    assert_eq!(one.table.category.as_deref(), Some(category.as_str()));

    // Later votes move the live table, never the snapshot.
    for _ in 0..4 {
        vote(&app, "a").await;
    }
    let live = app.refreshed_leaderboard().await;
    assert_eq!(live.total_votes, 12);
    let again: SnapshotResponse = app.get_json("/api/v1/snapshots/1").await;
    assert_eq!(again, snapshot);
    let second = publish(&app, "2차").await;
    assert_eq!((second.id.as_str(), second.total_votes), ("2", 12));
    let listed: Vec<SnapshotSummary> = app.get_json("/api/v1/snapshots").await;
    assert_eq!(listed, [second, summary]);

    // Logged; and the database refuses to change a published snapshot.
    let log = app.audit().await;
    assert_eq!(log[1].action, "snapshot.publish");
    assert_eq!(log[1].subject, "1");
    assert_eq!(log[1].operator, OPERATOR_LABEL);
    assert!(
        app.try_execute("UPDATE snapshots SET title = 'x'")
            .await
            .is_err()
    );
    assert!(app.try_execute("DELETE FROM snapshots").await.is_err());

    // Not there: 404 with the API's error body.
    for path in [
        "/api/v1/snapshots/9",
        "/api/v1/snapshots/abc",
        "/api/v1/snapshots/0/battles.csv",
        "/api/v1/snapshots/1?category=없는분야",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_error(res, 404, "not_found").await;
    }
}

#[tokio::test]
async fn snapshots_are_open_data_for_every_site() {
    let app = spawn_app().await;
    vote(&app, "a").await;
    publish(&app, "공개").await;
    // Another site's page may fetch a snapshot (the live API answers the arena's pages only).
    let res = app
        .client
        .get(app.url("/api/v1/snapshots/1"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url("/api/v1/leaderboard"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "cross_site").await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
