//! The header on every page: the arena's name, the main navigation and the language switch.
//! Plain links: in the full app the router takes them over; in the battle app (no router) they
//! load the page. `path` marks the current page.

use leptos::prelude::*;

use crate::components::lang_switch::LangSwitch;
use crate::i18n::tr;

#[component]
pub fn SiteHeader(#[prop(into)] path: Signal<String>) -> impl IntoView {
    let current = move |href: &'static str| {
        move || {
            path.with(|p| {
                let here = if href == "/" {
                    p == "/"
                } else {
                    p.starts_with(href)
                };
                here.then_some("page")
            })
        }
    };
    view! {
        <header class="site-header">
            <div class="container header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"K"</span>
                    <span>{tr("K-AI 아레나", "K-AI Arena")}</span>
                </a>
                <nav aria-label=tr("주 메뉴", "Main menu")>
                    <ul class="nav-list">
                        <li><a href="/" aria-current=current("/")>{tr("대결하기", "Battle")}</a></li>
                        <li><a href="/live" aria-current=current("/live")>{tr("직접 묻기", "Ask")}</a></li>
                        <li><a href="/leaderboard" aria-current=current("/leaderboard")>{tr("리더보드", "Leaderboard")}</a></li>
                        <li><a href="/about" aria-current=current("/about")>{tr("소개", "About")}</a></li>
                    </ul>
                </nav>
                <LangSwitch/>
            </div>
        </header>
    }
}
