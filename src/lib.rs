//! K-AI Arena's web app: a Leptos client-side app built by Trunk.
//!
//! Read `app.rs` (the shell and the routes) first, then `routes/battle.rs` (the vote flow).
//! `api.rs` is the only place that talks to the server (with the voter id `voter.rs` keeps); the
//! wire types come from arena-core.
//! Components live one per file under `components/`.

pub mod address;
pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod outbox;
pub mod panelist;
pub mod routes;
pub mod sse;
pub mod voter;

pub use app::{AdminApp, App, BattleApp, EmbedApp};

/// Replaces the page's loading placeholder with the full app (every page, client-side routed),
/// or at [`app::EMBED_PATH`] with only the battle, for another site's frame.
pub fn mount() {
    if address::path().trim_end_matches('/') == app::EMBED_JOIN_PATH {
        remove_boot();
        mark_embedded();
        leptos::mount::mount_to_body(app::EmbedJoinApp);
    } else {
        mount_with(App);
    }
}

/// Takes away the page's loading placeholder.
fn remove_boot() {
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
}

/// The body of a page inside another site's frame.
fn mark_embedded() {
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.class_list().add_1("embedded");
    }
}

/// The light battle app (`battle.html`, served at `/`): the same battle page without the router
/// and the leaderboard's maths, so a phone's first battle arrives sooner. Its links load pages of
/// the full app.
pub fn mount_battle() {
    mount_with(BattleApp);
}

/// The operators' app (`admin.html`, served at `/admin`).
pub fn mount_admin() {
    mount_with(AdminApp);
}

fn mount_with<V: leptos::IntoView + 'static>(app: fn() -> V) {
    remove_boot();
    if address::path().trim_end_matches('/') == app::EMBED_PATH {
        mark_embedded();
        leptos::mount::mount_to_body(EmbedApp);
    } else {
        leptos::mount::mount_to_body(app);
    }
}
