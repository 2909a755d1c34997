//! About the arena: what it is and how the ranking is computed. The privacy notice has its own
//! page (`privacy.rs`); this page only points to it.

use leptos::prelude::*;

use crate::i18n::tr;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <article class="prose" aria-labelledby="about-heading">
            <h1 id="about-heading" class="page-title">{tr("K-AI 아레나 소개", "About K-AI Arena")}</h1>
            <p>
                {tr(
                    "K-AI 아레나는 한국어 맥락(법률·행정, 역사, 문화, 존댓말, 사투리, 공공서비스 등)에서 \
                     AI 모델이 얼마나 잘 답하는지 시민이 직접 비교하는 공개 평가 플랫폼입니다. \
                     두 답변은 어떤 모델이 썼는지 가린 채 무작위 순서로 보여 주며, 투표한 뒤에만 모델을 공개합니다.",
                    "K-AI Arena is a public evaluation platform where citizens compare for themselves how well \
                     AI models answer in Korean context (law and administration, history, culture, honorifics, \
                     dialects, public services and more). The two answers are shown in random order without \
                     saying which model wrote them; the models are revealed only after you vote.",
                )}
            </p>
            <h2>{tr("순위는 어떻게 계산하나요?", "How is the ranking computed?")}</h2>
            <p>
                {tr(
                    "모든 투표를 모델 쌍과 결과별로 집계한 뒤 브래들리–테리 모형으로 점수를 계산합니다. \
                     비김과 ‘둘 다 별로’는 양쪽에 반 승씩 셉니다. \
                     95% 신뢰구간은 집계를 여러 번(기본 1,000번) 다시 표집(부트스트랩)하여 구합니다. \
                     리더보드 화면에서 공개 집계로 순위를 직접 다시 계산해 검증할 수 있습니다.",
                    "All votes are counted by pair of models and by outcome, and the ratings are computed \
                     from these counts with the Bradley–Terry model. A tie and ‘both are bad’ count as half \
                     a win for each side. The 95% intervals come from resampling the counts many times \
                     (1,000 times by default; the bootstrap). On the leaderboard page you can recompute the \
                     ranking yourself from the published counts and check it.",
                )}
            </p>
            <h2>{tr("개인정보", "Personal data")}</h2>
            <p>
                {tr(
                    "이름, 연락처, 계정 등 개인을 알아볼 수 있는 정보는 수집하지 않습니다. \
                     무엇을 왜 저장하고 얼마나 보관하는지는 ",
                    "We collect nothing that could identify you, such as your name, contact details or an \
                     account. What we store, why, and for how long is explained in the ",
                )}
                <a href="/privacy">{tr("개인정보 처리방침", "privacy policy")}</a>
                {tr("에서 안내합니다.", ".")}
            </p>
            <p class="notice notice-info">
                {tr(
                    "이름에 ‘샘플’이 붙은 모델의 질문과 답변은 서비스 시연을 위해 만든 샘플 데이터이며, \
                     실제 AI 모델의 답변이 아닙니다.",
                    "The questions and answers of models whose name includes ‘샘플’ (sample) are sample data \
                     made to demonstrate the service; they are not answers from real AI models.",
                )}
            </p>
        </article>
    }
}
