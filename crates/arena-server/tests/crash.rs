//! A vote answered with 200 is stored, exactly once, whatever happens to the server after.
//!
//! The real `arena-server` binary serves a database on loopback while eight clients vote as fast
//! as they can; at a random moment it is killed with SIGKILL (no shutdown, no flush), then
//! started again on the same database, 20 times. On PostgreSQL, every fourth round the database
//! cluster itself is stopped the hard way (`pg_ctl -m immediate`, like a crash) while the votes
//! go on, and restarted. At the end the database must be intact (SQLite's integrity check; on
//! PostgreSQL, recovery and a full read) and hold every acknowledged vote exactly once, with the
//! acknowledged choice; the leaderboard's cells, kept by triggers in each vote's transaction,
//! must equal the votes counted again.
//! (A power cut is stronger than SIGKILL; `synchronous=FULL` is what covers it, and SIGKILL is
//! what a test can do.) Settings: rate limits, proof of work and reading time off, so the clients
//! vote as fast as the server allows.
#![allow(clippy::unwrap_used)]

#[path = "support/postgres.rs"]
mod pg;
#[path = "support/process.rs"]
mod process;

use process::free_port;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arena_core::api::BattleResponse;
use arena_server::token::TokenKeys;
use rand::Rng;

const SECRET: &str = "crash test secret crash test secret!";
const KILLS: usize = 20;
const CLIENTS: usize = 8;

fn start(db: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_arena-server"))
        .args(["serve", "--database-url", db, "--dist", "/nonexistent"])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("ARENA_SECRET", SECRET)
        .env("ARENA_RATE_LIMITS", "off")
        .env("ARENA_POW", "off")
        .env("ARENA_MIN_READ_MS", "0")
        .env("ARENA_SQLITE_SYNCHRONOUS", "full")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(base: &str) {
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Votes in a loop until told to stop; records every vote the server acknowledged.
async fn client(
    base: String,
    acked: Arc<Mutex<HashMap<String, String>>>,
    stop: Arc<tokio::sync::Notify>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let choices = ["a", "b", "tie", "both_bad"];
    loop {
        let step = async {
            let battle: BattleResponse = http
                .get(format!("{base}/api/v1/battle"))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            let choice = choices[rand::rng().random_range(0..4)];
            let res = http
                .post(format!("{base}/api/v1/vote"))
                .header("x-arena-voter", &battle.voter)
                .json(&serde_json::json!({"token": battle.token, "choice": choice}))
                .send()
                .await
                .ok()?;
            (res.status() == 200).then(|| (battle.token, choice.to_owned()))
        };
        tokio::select! {
            done = step => {
                if let Some((token, choice)) = done {
                    acked.lock().unwrap().insert(token, choice);
                }
            }
            () = stop.notified() => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_vote_survives_twenty_kill_9s_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("arena.db").display());
    let acked = crash_rounds(&db, None).await;
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let stored: Vec<(String, String)> = sqlx::query_as("SELECT battle_id, choice FROM votes")
        .fetch_all(&pool)
        .await
        .unwrap();
    check("SQLite", &acked, stored);
    let (cells, recount): (Vec<Cell>, Vec<Cell>) = (
        sqlx::query_as(CELLS).fetch_all(&pool).await.unwrap(),
        sqlx::query_as(RECOUNT).fetch_all(&pool).await.unwrap(),
    );
    check_cells(cells, recount);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_vote_survives_kill_9s_and_database_crashes_on_postgres() {
    let cluster = pg::start_own();
    let db = pg::fresh_database_in(&cluster).await;
    let acked = crash_rounds(&db, Some(&cluster)).await;
    let pool = sqlx::PgPool::connect(&db).await.unwrap();
    let stored: Vec<(String, String)> = sqlx::query_as("SELECT battle_id, choice FROM votes")
        .fetch_all(&pool)
        .await
        .unwrap();
    check("PostgreSQL", &acked, stored);
    let (cells, recount): (Vec<Cell>, Vec<Cell>) = (
        sqlx::query_as(CELLS).fetch_all(&pool).await.unwrap(),
        sqlx::query_as(RECOUNT).fetch_all(&pool).await.unwrap(),
    );
    check_cells(cells, recount);
}

type Cell = (String, String, String, String, i64);

fn check_cells(mut cells: Vec<Cell>, mut recount: Vec<Cell>) {
    cells.sort();
    recount.sort();
    assert!(!cells.is_empty());
    assert_eq!(
        cells, recount,
        "the leaderboard's cells are the votes, counted again"
    );
}

/// The cells the triggers kept through the crashes, and the same counted from the votes.
const CELLS: &str = "SELECT category, model_a, model_b, choice, count FROM vote_cells \
     WHERE count > 0";
const RECOUNT: &str = "SELECT category, model_a, model_b, choice, COUNT(*) FROM votes \
     WHERE flags = 0 GROUP BY 1, 2, 3, 4";

/// Every acknowledged vote is stored once with its choice; more may be stored (a vote the
/// server wrote but could not answer before it died).
fn check(store: &str, acked: &HashMap<String, String>, stored: Vec<(String, String)>) {
    let keys = TokenKeys::from_secret(SECRET.as_bytes());
    let stored_count = stored.len();
    let stored: HashMap<String, String> = stored.into_iter().collect();
    assert_eq!(stored.len(), stored_count, "battle ids are unique");
    let (mut missing, mut wrong) = (0, 0);
    for (token, choice) in acked {
        match stored.get(&keys.open(token).unwrap().battle_id_hex()) {
            None => missing += 1,
            Some(c) if c == choice => {}
            Some(_) => wrong += 1,
        }
    }
    eprintln!(
        "crash test on {store}: {KILLS} kills, {} votes acknowledged, {missing} missing, {wrong} wrong, {stored_count} stored",
        acked.len()
    );
    assert!(acked.len() > KILLS * 5, "the clients got votes through");
    assert_eq!((missing, wrong), (0, 0));
    assert!(stored_count >= acked.len());
}

/// Imports the sample set, then 20 rounds of voting and `kill -9`; returns what was acknowledged.
async fn crash_rounds(db: &str, cluster: Option<&pg::Cluster>) -> HashMap<String, String> {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample/battle-set.jsonl");
    let import = Command::new(env!("CARGO_BIN_EXE_arena-server"))
        .args(["import", "--database-url", db, sample])
        .output()
        .unwrap();
    assert!(import.status.success());

    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    for round in 0..KILLS {
        let mut server = start(db, port);
        wait_ready(&base).await;
        let stop = Arc::new(tokio::sync::Notify::new());
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| tokio::spawn(client(base.clone(), acked.clone(), stop.clone())))
            .collect();
        let run_for = rand::rng().random_range(200..1200);
        tokio::time::sleep(Duration::from_millis(run_for)).await;
        if let Some(cluster) = cluster.filter(|_| round % 4 == 3) {
            // The database crashes under the votes; the server stays up and reconnects.
            cluster.crash_and_restart();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        // SIGKILL in the middle of whatever the server is doing.
        server.kill().unwrap();
        server.wait().unwrap();
        stop.notify_waiters();
        for c in clients {
            // A client blocked on a dead connection is stopped by its own timeout.
            let _ = tokio::time::timeout(Duration::from_secs(6), c).await;
        }
    }
    acked.lock().unwrap().clone()
}
