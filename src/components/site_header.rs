//! The header on every page: the arena's name, the main navigation and the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::lang_switch::LangSwitch;
use crate::i18n::tr;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="container header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"K"</span>
                    <span>{tr("K-AI 아레나", "K-AI Arena")}</span>
                </a>
                <nav aria-label=tr("주 메뉴", "Main menu")>
                    <ul class="nav-list">
                        <li><A href="/" exact=true>{tr("대결하기", "Battle")}</A></li>
                        <li><A href="/leaderboard">{tr("리더보드", "Leaderboard")}</A></li>
                        <li><A href="/about">{tr("소개", "About")}</A></li>
                    </ul>
                </nav>
                <LangSwitch/>
            </div>
        </header>
    }
}
