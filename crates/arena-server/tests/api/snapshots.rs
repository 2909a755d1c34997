//! Snapshots: an operator publishes the leaderboard as it stands; it stays exactly so at a
//! stable address (later votes move the live table, not the snapshot), its tables follow from
//! its own counts and battles file, and anyone may fetch and download it.

use arena_core::api::{SnapshotResponse, SnapshotSummary};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{OPERATOR_LABEL, Options, TestApp, assert_error, spawn_app, spawn_app_with};

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

async fn download(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()[name].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn battle_files_are_named_by_their_sha256_and_sent_once_per_cache() {
    let app = spawn_app().await;
    for choice in ["a", "b", "tie"] {
        vote(&app, choice).await;
    }
    let summary = publish(&app, "파일").await;
    let stored = app.store.snapshot_battles(1).await.unwrap().unwrap();
    let jsonl = "/api/v1/snapshots/1/battles.jsonl";
    let csv = "/api/v1/snapshots/1/battles.csv";

    // The very bytes stored (and served before), tagged with the hash the summary publishes.
    let res = download(&app, jsonl, &[]).await;
    assert_eq!(res.status(), 200);
    let etag = header(&res, "etag");
    assert_eq!(etag, format!("\"{}\"", summary.battles_sha256));
    assert_eq!(header(&res, "access-control-allow-origin"), "*");
    assert!(header(&res, "cache-control").contains("immutable"));
    assert_eq!(header(&res, "content-length"), stored.len().to_string());
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.text().await.unwrap(), stored);
    let res = download(&app, csv, &[]).await;
    let csv_etag = header(&res, "etag");
    let expected_csv = arena_server::api::snapshots::to_csv(&stored).unwrap();
    assert_eq!(
        csv_etag,
        format!(
            "\"{}\"",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                expected_csv.as_bytes()
            ))
        )
    );
    assert_eq!(res.text().await.unwrap(), expected_csv);

    // A cache that has them is told so, with no body.
    for (path, tag) in [(jsonl, etag.as_str()), (csv, csv_etag.as_str())] {
        let res = download(&app, path, &[("if-none-match", tag)]).await;
        assert_eq!(res.status(), 304, "{path}");
        assert_eq!(header(&res, "etag"), tag);
        assert_eq!(header(&res, "access-control-allow-origin"), "*");
        assert!(res.bytes().await.unwrap().is_empty());
    }
    let res = download(&app, jsonl, &[("if-none-match", "\"something else\"")]).await;
    assert_eq!(res.status(), 200);

    // Compressed once on disk: other bytes, so another tag; the same battles inside.
    let res = download(&app, jsonl, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), "gzip");
    assert!(header(&res, "vary").contains("accept-encoding"));
    let gz_etag = header(&res, "etag");
    assert_ne!(gz_etag, etag);
    let gz = res.bytes().await.unwrap();
    assert_eq!(
        gz_etag,
        format!(
            "\"{}\"",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&gz))
        )
    );
    let mut unpacked = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unpacked)
        .unwrap();
    assert_eq!(unpacked, stored);
    let res = download(
        &app,
        jsonl,
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_etag)],
    )
    .await;
    assert_eq!(res.status(), 304);
    // A client that takes only brotli gets the plain bytes its tag names, not recompressed.
    let res = download(&app, jsonl, &[("accept-encoding", "br")]).await;
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(header(&res, "etag"), etag);
    assert_eq!(res.text().await.unwrap(), stored);
}

#[tokio::test]
async fn full_downloads_are_limited_per_address_and_revalidations_are_free() {
    // ARENA_LIMIT_ADDRESS_DOWNLOADS as by default (30 an hour), with the rate limits on.
    let app = spawn_app_with(Options {
        trust: arena_server::trust::TrustSettings {
            limits_enabled: true,
            ..crate::helpers::permissive()
        },
        ..Options::default()
    })
    .await;
    vote(&app, "a").await;
    publish(&app, "제한").await;
    let path = "/api/v1/snapshots/1/battles.jsonl";
    let mut etag = String::new();
    for n in 0..30 {
        let path = if n % 2 == 0 {
            path
        } else {
            "/api/v1/snapshots/1/battles.csv"
        };
        let res = download(&app, path, &[]).await;
        assert_eq!(res.status(), 200, "download {n}");
        if n == 0 {
            etag = header(&res, "etag");
        }
    }
    let res = download(&app, path, &[]).await;
    assert_eq!(header(&res, "retry-after"), "120");
    assert_eq!(header(&res, "access-control-allow-origin"), "*");
    assert_error(res, 429, "rate_limited").await;
    // A cache checking what it holds is answered all the same.
    let res = download(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), 304);

    // With the rate limits off, nothing is refused.
    let open = spawn_app().await;
    vote(&open, "a").await;
    publish(&open, "열림").await;
    for _ in 0..40 {
        assert_eq!(download(&open, path, &[]).await.status(), 200);
    }
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
