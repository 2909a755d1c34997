//! What an operator runs the arena with, on the real binary: metrics on their own address,
//! JSON logs with request ids and nothing personal, an online backup that restores, and a
//! graceful stop that leaves the database in one file.
#![allow(clippy::unwrap_used)]

#[path = "support/postgres.rs"]
mod pg;
#[path = "support/process.rs"]
mod process;

use std::process::{Child, Command, Stdio};

use arena_core::api::{BattleResponse, VOTER_HEADER};
use process::{arena_server, free_port};

fn sample() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample/battle-set.jsonl")
}

/// Starts `serve` and returns it with the address it printed.
fn serve(db: &str, envs: &[(&str, String)], log: &std::path::Path) -> (Child, String) {
    let mut child = arena_server()
        .args(["serve", "--database-url", db, "--addr", "127.0.0.1:0"])
        .args(["--dist", "/nonexistent", "--import-if-empty"])
        .arg(sample())
        // The settings this test relies on: a vote right after its battle counts, no proof of
        // work, limits as deployed.
        .env("ARENA_SECRET", "ops test secret, ops test secret!!")
        .env("ARENA_MIN_READ_MS", "0")
        .env("ARENA_POW", "off")
        .env("ARENA_RATE_LIMITS", "on")
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let (address, _) = process::printed_address(&mut child);
    (child, address)
}

fn stop(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a graceful stop exits 0: {exit:?}");
}

fn export(db: &str) -> String {
    let out = arena_server()
        .args(["export", "--database-url", db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn backup(db: &str, file: &std::path::Path) -> std::process::Output {
    arena_server()
        .args(["backup", "--database-url", db])
        .arg(file)
        .output()
        .unwrap()
}

/// One battle and a vote on it; the vote's response's request id.
async fn battle_and_vote(address: &str) -> (BattleResponse, String) {
    let client = reqwest::Client::new();
    let battle: BattleResponse = client
        .get(format!("http://{address}/api/v1/battle"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = client
        .post(format!("http://{address}/api/v1/vote"))
        .header(VOTER_HEADER, &battle.voter)
        .json(&serde_json::json!({"token": battle.token, "choice": "a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    (battle, id)
}

#[tokio::test]
async fn metrics_logs_backup_and_a_graceful_stop_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("arena.db").display());
    let metrics = format!("127.0.0.1:{}", free_port());
    let log = dir.path().join("server.log");
    let (server, address) = serve(
        &db,
        &[
            ("ARENA_METRICS_ADDR", metrics.clone()),
            ("ARENA_LOG_FORMAT", "json".into()),
            ("RUST_LOG", "info,tower_http=debug".into()),
        ],
        &log,
    );
    let (battle, request_id) = battle_and_vote(&address).await;

    // Metrics on their own address, by route, with the vote counted; none on the public one.
    let text = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "arena_http_requests_total{route=\"/api/v1/battle\",method=\"GET\",status=\"200\"} 1",
        "arena_votes_total{outcome=\"counted\"} 1",
        "arena_http_request_duration_seconds_bucket{route=\"/api/v1/vote\"",
        "arena_vote_batch_size_count 1",
        "arena_db_connections{state=\"open\"}",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let public = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();
    assert_ne!(public.status(), 200);
    assert!(
        !public
            .text()
            .await
            .unwrap()
            .contains("arena_http_requests_total")
    );

    // An online backup while the server runs; it never overwrites a file.
    let copy = dir.path().join("copy.db");
    let out = backup(&db, &copy);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!backup(&db, &copy).status.success());
    let restored = format!("sqlite://{}", copy.display());
    assert_eq!(export(&restored), export(&db));
    assert_eq!(export(&restored).lines().count(), 1);

    // A graceful stop writes the log into the database file.
    stop(server);
    let wal = dir.path().join("arena.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0,
        "the write-ahead log is checkpointed into the database"
    );

    // JSON lines; the vote's request id is in them; no voter id, no address of a client.
    let logs = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty(), "{logs}");
    assert!(
        logs.contains(&request_id),
        "request id {request_id} in:\n{logs}"
    );
    assert!(!logs.contains(&battle.voter));
    assert!(!logs.contains(&format!("\"{}\"", battle.voter)));
}

#[tokio::test]
async fn a_postgresql_backup_restores_into_a_new_database() {
    let source = pg::fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let (server, address) = serve(&source, &[], &log);
    battle_and_vote(&address).await;
    let file = dir.path().join("arena.dump");
    let out = backup(&source, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stop(server);

    let target = pg::fresh_database().await;
    let restore = Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &target])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    assert_eq!(export(&target).lines().count(), 1);
    assert_eq!(export(&target), export(&source));
}
