//! K-AI Arena's server.
//!
//! [`application::Application::build`] builds the whole server from a typed
//! [`application::Config`], for `main` and for the tests alike, with its HTTP service
//! ([`application::app`]). Where things live: `api/` (JSON routes and the state they read),
//! `token.rs` (sealed battle tokens), `store/` (the database behind one trait),
//! `leaderboard/` (tables kept in memory), `trust/` (who may vote how often, and which votes
//! count), `serve/` (the HTTP server with its timeouts and connection limit), `web.rs` (the built
//! web app), `config.rs` (every setting, typed), `cli/` (every subcommand), `import.rs`,
//! `secret.rs`.

pub mod api;
pub mod application;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod import;
pub mod leaderboard;
pub mod live;
pub mod metrics;
pub mod operator;
pub mod secret;
pub mod serve;
pub mod store;
pub mod token;
pub mod trust;
pub mod web;
