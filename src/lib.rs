//! K-AI Arena's web app: a Leptos client-side app built by Trunk.
//!
//! Read `app.rs` (the shell and the routes) first, then `routes/battle.rs` (the vote flow).
//! `api.rs` is the only place that talks to the server (with the voter id `voter.rs` keeps); the
//! wire types come from arena-core.
//! Components live one per file under `components/`.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod routes;
pub mod voter;

pub use app::App;

/// Replaces the page's loading placeholder with the app.
pub fn mount() {
    let document = leptos::prelude::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}
