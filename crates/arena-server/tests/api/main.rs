//! API tests: the real router on a real loopback port, a real SQLite file, real HTTP.
//!
//! `helpers.rs` has `spawn_app()`; one file per resource tells its story.
#![allow(clippy::unwrap_used)]

mod battle;
mod helpers;
mod import;
mod leaderboard;
mod serve;
mod simulation;
mod trust;
mod vote;
mod web;
