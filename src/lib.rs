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
pub mod i18n;
pub mod outbox;
pub mod routes;
pub mod voter;

pub use app::{App, EmbedApp};

/// Replaces the page's loading placeholder with the app: the whole site, or at
/// [`app::EMBED_PATH`] only the battle, for another site's frame.
pub fn mount() {
    let document = leptos::prelude::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    if path.trim_end_matches('/') == app::EMBED_PATH {
        if let Some(body) = document.body() {
            let _ = body.class_list().add_1("embedded");
        }
        leptos::mount::mount_to_body(EmbedApp);
    } else {
        leptos::mount::mount_to_body(App);
    }
}
