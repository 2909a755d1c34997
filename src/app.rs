//! The app shell: skip link, header with navigation, the routed page, footer.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::site_header::SiteHeader;
use crate::routes::{
    about::AboutPage, battle::BattlePage, leaderboard::LeaderboardPage, privacy::PrivacyPage,
};

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#main" rel="external">"본문 바로가기"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1" class="container">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=BattlePage/>
                    <Route path=path!("/leaderboard") view=LeaderboardPage/>
                    <Route path=path!("/about") view=AboutPage/>
                    <Route path=path!("/privacy") view=PrivacyPage/>
                </Routes>
            </main>
            <footer class="site-footer">
                <div class="container">
                    <p>
                        "K-AI 아레나는 시민이 한국어 맥락의 AI 답변을 직접 비교·평가하는 공개 플랫폼입니다. "
                        "이름·연락처 같은 개인정보는 수집하지 않습니다. "
                        <a href="/about">"운영 방식"</a>
                        " · "
                        // 개인정보 처리방침 작성지침: the privacy link stands out from the other footer links.
                        <a href="/privacy"><strong>"개인정보 처리방침"</strong></a>
                    </p>
                </div>
            </footer>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page-message">
            <h1>"페이지를 찾을 수 없습니다"</h1>
            <p>"주소를 다시 확인해 주세요. "<a href="/">"대결하기로 돌아가기"</a></p>
        </section>
    }
}
