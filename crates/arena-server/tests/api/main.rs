//! API tests: the real router on a real loopback port, real HTTP, and a real database: a SQLite
//! file, or PostgreSQL with `ARENA_TEST_STORE=postgres` (`make test` runs both).
//!
//! `helpers.rs` has `spawn_app()`; one file per resource tells its story.
#![allow(clippy::unwrap_used)]

#[path = "../support/contest.rs"]
mod contest;
#[path = "../support/postgres.rs"]
mod pg;

mod admin;
mod battle;
mod contenders;
mod flood;
mod helpers;
mod import;
mod leaderboard;
mod live;
mod pairing;
mod panel;
mod reasons;
mod recovery;
mod reveal;
mod rounds;
mod serve;
mod servers;
mod simulation;
mod snapshots;
mod trust;
mod vote;
mod web;
