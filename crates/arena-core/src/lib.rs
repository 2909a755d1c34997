//! K-AI Arena's shared core.
//!
//! Everything the browser and the server must agree on lives here, once: the API wire types
//! ([`api`], and the operator API's in [`admin`]), the vote [`Choice`] and why a vote does not count ([`Flag`]), the battle-set file format ([`battle_set`]), the rating maths
//! ([`rating`]) and safe Markdown rendering with answer style features ([`markdown`]), the check that a
//! published leaderboard follows from its published counts ([`verify`]), and the proof-of-work
//! rule ([`pow`]) the browser solves and the server checks.
//! This crate does no I/O and builds for `wasm32-unknown-unknown` as well as native targets, so
//! the leaderboard page can recompute the server's table from the published counts.

pub mod admin;
pub mod api;
pub mod battle_set;
pub mod choice;
pub mod fastchat;
pub mod flag;
pub mod identity_leak;
pub mod markdown;
pub mod panel;
pub mod personal_data;
pub mod pow;
pub mod rating;
pub mod reason;
pub mod round;
pub mod verify;

pub use choice::Choice;
pub use flag::{Flag, Flags};
