//! The app shells. Two web apps share these parts (read `lib.rs` for which page gets which):
//! - the battle app (`BattleApp`, `/`): the first page most citizens see, kept light — no router,
//!   no leaderboard maths; its links load the other pages;
//! - the full app (`App`): every page under a client-side router (the battle too, so moving
//!   between pages needs no reload);
//! - the operators' app (`AdminApp`, `/admin`): their pages only, over the operator API;
//! - and the embed (`EmbedApp`, `/embed`, framed by other sites): only the battle, in a box that
//!   tells its host page how tall it is (`routes/embed.rs`).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::site_header::SiteHeader;
use crate::i18n::{self, tr};
use crate::outbox::Outbox;
use crate::routes::{
    about::AboutPage, admin::AdminPage, battle::BattlePage, embed::EmbedPage, join::JoinPage,
    leaderboard::LeaderboardPage, privacy::PrivacyPage, webmasters::WebmastersPage,
};

/// The path of the embedded arena (`public/embed.js` frames it).
pub const EMBED_PATH: &str = "/embed";
/// The path of the embedded panel join page (`embed.js`'s `data-join`; served with the full app).
pub const EMBED_JOIN_PATH: &str = "/embed/join";

#[component]
pub fn App() -> impl IntoView {
    i18n::provide();
    Outbox::provide();
    view! {
        <Router>
            <SkipLink/>
            <RoutedHeader/>
            <main id="main" tabindex="-1" class="container">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <BattlePage/> }/>
                    <Route path=path!("/live") view=crate::routes::live::LivePage/>
                    <Route path=path!("/leaderboard") view=LeaderboardPage/>
                    <Route path=path!("/about") view=AboutPage/>
                    <Route path=path!("/privacy") view=PrivacyPage/>
                    <Route path=path!("/join") view=|| view! { <JoinPage/> }/>
                    <Route path=path!("/webmasters") view=WebmastersPage/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

/// The battle page alone, without a router.
#[component]
pub fn BattleApp() -> impl IntoView {
    i18n::provide();
    Outbox::provide();
    view! {
        <SkipLink/>
        <SiteHeader path=Signal::stored("/".to_owned())/>
        <main id="main" tabindex="-1" class="container">
            <BattlePage/>
        </main>
        <SiteFooter/>
    }
}

/// The operators' pages (`admin.html`, `/admin`): an app of its own, so citizens' pages do not
/// carry them.
#[component]
pub fn AdminApp() -> impl IntoView {
    i18n::provide();
    view! {
        <SkipLink/>
        <SiteHeader path=Signal::stored("/admin".to_owned())/>
        <main id="main" tabindex="-1" class="container">
            <AdminPage/>
        </main>
        <SiteFooter/>
    }
}

/// An evaluation round's panel join page inside another site's frame.
#[component]
pub fn EmbedJoinApp() -> impl IntoView {
    i18n::provide();
    Outbox::provide();
    // Joined: the round's battles follow in the same frame and the same page.
    let voting = RwSignal::new(false);
    let start = Callback::new(move |round: String| {
        crate::routes::join::show_round_in_address(&round);
        voting.set(true);
        // Focus follows to the battle that replaced the button (keyboard and screen readers).
        crate::routes::battle::focus_later(|| {
            leptos::prelude::document()
                .get_element_by_id("battle-heading")
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        });
    });
    view! {
        <main id="main" class="embed">
            <crate::routes::embed::EmbedFrame>
                {move || if voting.get() {
                    view! { <BattlePage embedded=true/> }.into_any()
                } else {
                    view! { <JoinPage embedded=true on_start=start/> }.into_any()
                }}
            </crate::routes::embed::EmbedFrame>
        </main>
    }
}

/// The arena inside another site's frame.
#[component]
pub fn EmbedApp() -> impl IntoView {
    i18n::provide();
    Outbox::provide();
    view! {
        <main id="main" class="embed">
            <EmbedPage/>
        </main>
    }
}

#[component]
fn RoutedHeader() -> impl IntoView {
    let location = use_location();
    view! { <SiteHeader path=location.pathname/> }
}

#[component]
fn SkipLink() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" rel="external">{tr("본문 바로가기", "Skip to main content")}</a>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container">
                <p>
                    {tr(
                        "K-AI 아레나는 시민이 한국어 맥락의 AI 답변을 직접 비교·평가하는 공개 플랫폼입니다. \
                         이름·연락처 같은 개인정보는 수집하지 않습니다. ",
                        "K-AI Arena is a public platform where citizens compare and judge AI answers in \
                         Korean context. It collects no personal data such as names or contact details. ",
                    )}
                    <a href="/about">{tr("운영 방식", "How it works")}</a>
                    " · "
                    <a href="/webmasters">{tr("내 사이트에 넣기", "Embed on your site")}</a>
                    " · "
                    // 개인정보 처리방침 작성지침: the privacy link stands out from the other footer links.
                    <a href="/privacy"><strong>{tr("개인정보 처리방침", "Privacy policy")}</strong></a>
                </p>
            </div>
        </footer>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page-message">
            <h1>{tr("페이지를 찾을 수 없습니다", "Page not found")}</h1>
            <p>
                {tr("주소를 다시 확인해 주세요. ", "Please check the address. ")}
                <a href="/">{tr("대결하기로 돌아가기", "Back to the battle")}</a>
            </p>
        </section>
    }
}
