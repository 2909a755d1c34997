//! About the arena, and the privacy notice (개인정보 처리 안내) that PIPA asks for.

use leptos::prelude::*;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <article class="prose" aria-labelledby="about-heading">
            <h1 id="about-heading" class="page-title">"K-AI 아레나 소개"</h1>
            <p>
                "K-AI 아레나는 한국어 맥락(법률·행정, 역사, 문화, 존댓말, 사투리, 공공서비스 등)에서 "
                "AI 모델이 얼마나 잘 답하는지 시민이 직접 비교하는 공개 평가 플랫폼입니다. "
                "두 답변은 어떤 모델이 썼는지 가린 채 무작위 순서로 보여 주며, 투표한 뒤에만 모델을 공개합니다."
            </p>
            <h2>"순위는 어떻게 계산하나요?"</h2>
            <p>
                "모든 투표를 모델 쌍과 결과별로 집계한 뒤 브래들리–테리 모형으로 점수를 계산합니다. "
                "비김과 ‘둘 다 별로’는 양쪽에 반 승씩 셉니다. 95% 신뢰구간은 집계를 1,000번 다시 표집(부트스트랩)하여 구합니다."
            </p>
            <h2>"개인정보 처리 안내"</h2>
            <ul>
                <li>"이름, 연락처, 계정 등 개인을 알아볼 수 있는 정보는 수집하지 않습니다."</li>
                <li>"같은 브라우저의 투표를 묶어 부정 투표를 막기 위해, 무작위로 만든 식별값을 쿠키(kai_voter)에 저장합니다. 이 값으로는 누구인지 알 수 없습니다."</li>
                <li>"투표마다 선택한 결과, 대결을 연 시각과 투표한 시각을 저장합니다."</li>
                <li>"공개하는 투표 자료에는 쿠키 식별값이 들어가지 않습니다."</li>
            </ul>
            <p class="notice notice-info">
                "현재 화면의 질문과 답변은 서비스 시연을 위해 만든 샘플 데이터이며, 실제 AI 모델의 답변이 아닙니다."
            </p>
        </article>
    }
}
