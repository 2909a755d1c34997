//! The header on every page: the arena's name and the main navigation.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="container header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"K"</span>
                    <span>"K-AI 아레나"</span>
                </a>
                <nav aria-label="주 메뉴">
                    <ul class="nav-list">
                        <li><A href="/" exact=true>"대결하기"</A></li>
                        <li><A href="/leaderboard">"리더보드"</A></li>
                        <li><A href="/about">"소개"</A></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}
