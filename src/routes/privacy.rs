//! The privacy notice (개인정보 처리방침) that 「개인정보 보호법」 제30조 asks every public website to
//! publish: what the arena never collects, the four things it stores and why, how long each is
//! kept, and what a visitor can do about them. Every sentence states what the server does; a change
//! to what the server stores or how long it keeps it changes this page too. Read next:
//! `crates/arena-server/src/api/voter.rs` (the random voter id).

use leptos::prelude::*;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <section class="prose" data-testid="privacy-page" aria-labelledby="privacy-heading">
            <h1 id="privacy-heading" class="page-title">"개인정보 처리방침"</h1>
            <p class="lead">
                "K-AI 아레나(이하 ‘아레나’)는 「개인정보 보호법」 제30조에 따라 이용자의 정보를 어떻게 다루는지 알려 드립니다. "
                "아레나는 이름이나 연락처처럼 개인을 알아볼 수 있는 정보를 수집하지 않으며, 공정한 평가에 필요한 정보만 저장합니다."
            </p>
            <nav aria-label="개인정보 처리방침 목차">
                <ol>
                    <li><a href="#privacy-not-collected" rel="external">"수집하지 않는 정보"</a></li>
                    <li><a href="#privacy-stored" rel="external">"저장하는 정보와 목적"</a></li>
                    <li><a href="#privacy-proof-of-work" rel="external">"작업증명(브라우저 자동 계산)"</a></li>
                    <li><a href="#privacy-retention" rel="external">"보관 기간"</a></li>
                    <li><a href="#privacy-rights" rel="external">"이용자의 권리와 행사 방법"</a></li>
                    <li><a href="#privacy-effective-date" rel="external">"시행일"</a></li>
                </ol>
            </nav>

            <h2 id="privacy-not-collected">"1. 수집하지 않는 정보"</h2>
            <p>"아레나는 다음 정보를 수집하지 않습니다."</p>
            <ul>
                <li>"이름"</li>
                <li>"연락처(전화번호, 전자우편 주소 등)"</li>
                <li>"계정(회원 가입과 로그인이 없습니다)"</li>
                <li>"주민등록번호"</li>
                <li>"접속 주소(IP 주소) 원문"</li>
                <li>"정확한 위치"</li>
                <li>"브라우저 지문(fingerprint: 기기와 브라우저의 특징을 모아 이용자를 구별하는 값)"</li>
                <li>"광고 식별자"</li>
            </ul>
            <p>
                "외부 업체의 보안문자(캡차), 이용 통계(분석) 서비스, 광고 서비스를 쓰지 않습니다. "
                "다른 사이트가 설치하는 쿠키(제3자 쿠키)도 없습니다."
            </p>

            <h2 id="privacy-stored">"2. 저장하는 정보와 목적"</h2>
            <p>"아레나는 다음 네 가지 정보만 저장합니다."</p>
            <ol>
                <li>
                    <strong>"투표 기록"</strong>
                    <ul>
                        <li>
                            "항목: 대결 번호, 질문, 비교한 두 모델, 선택한 결과"
                            "(A가 더 좋음, B가 더 좋음, 비슷함, 둘 다 별로 중 하나), 대결을 연 시각, 투표한 시각"
                        </li>
                        <li>"목적: 리더보드(모델 순위) 계산"</li>
                        <li>
                            "공개: 리더보드 계산에 반영한 투표는 누구나 순위를 다시 계산해 볼 수 있도록 공개 자료로 게시합니다. "
                            "공개 자료에는 투표자 번호와 접속 주소 요약값이 들어가지 않습니다."
                        </li>
                    </ul>
                </li>
                <li>
                    <strong>"무작위 투표자 번호"</strong>
                    <ul>
                        <li>
                            "내용: 서버가 무작위로 만들고 위조할 수 없도록 서명한 번호입니다. "
                            "이름, 접속 주소, 기기 정보 등 이용자에 관한 어떤 정보로부터도 만들지 않습니다."
                        </li>
                        <li>
                            "저장 위치: 이용자의 브라우저에 저장합니다. 쿠키 "<code>"kai_voter"</code>
                            "(웹 페이지의 스크립트가 읽을 수 없는 HttpOnly 쿠키, 유효 기간 1년)와 "
                            "브라우저 로컬 저장소(local storage)의 "<code>"kai-voter"</code>" 항목입니다. "
                            "투표할 때에는 투표 기록과 함께 서버에 저장됩니다."
                        </li>
                        <li>
                            "목적: 한 사람의 투표가 공정하게 반영되도록 투표 횟수를 제한하고, "
                            "한 사람이 천 번씩 투표하는 것과 같은 행위를 찾아냅니다."
                        </li>
                        <li>"삭제: 브라우저에서 이 사이트의 쿠키와 사이트 데이터를 삭제하면 지워집니다."</li>
                    </ul>
                </li>
                <li>
                    <strong>"접속 주소(IP 주소)의 암호화된 요약값"</strong>
                    <ul>
                        <li>"접속 주소 자체는 저장 장치나 기록(로그)에 남기지 않습니다."</li>
                        <li>
                            "대신 접속 주소에 비밀 키를 넣어 계산한, 되돌릴 수 없는 요약값(HMAC)만 저장합니다. "
                            "이 키는 협정 세계시(UTC) 기준으로 하루마다(한국 시각 매일 오전 9시) 무작위로 새로 만들고, "
                            "각 날의 키는 2일이 지나면 삭제합니다. 키가 삭제된 뒤에는 운영기관을 포함한 누구도 "
                            "저장된 요약값이 어느 접속 주소에서 나왔는지 알아낼 수 없습니다."
                        </li>
                        <li>
                            "목적: 한 네트워크에서 들어오는 투표 수와 새 투표자 번호 발급 수를 제한합니다. "
                            "학교나 사무실처럼 여러 사람이 하나의 접속 주소를 함께 쓰는 경우를 고려하여 한도를 정합니다."
                        </li>
                        <li>"삭제: 운영기관이 정한 보관 기간(기본 30일)이 지나면 삭제합니다."</li>
                    </ul>
                </li>
                <li>
                    <strong>"이상 투표 표시"</strong>
                    <ul>
                        <li>
                            "내용: 자동 프로그램이나 조작으로 보이는 투표에 그 이유를 표시합니다. "
                            "지나치게 빠른 투표, 지나치게 많은 투표, 점수로 예상되는 것보다 한쪽으로 크게 치우친 투표, "
                            "한 네트워크에서 새 투표자 번호가 한꺼번에 생기는 경우, 특정 모델을 밀어주는 집단 투표가 이에 해당합니다."
                        </li>
                        <li>
                            "목적: 순위를 공정하게 유지합니다. 표시한 투표는 리더보드 계산에서 빼고, "
                            "리더보드에 뺀 투표의 수와 이유를 공개합니다."
                        </li>
                        <li>"삭제: 누구나 점검할 수 있도록 표시한 투표도 삭제하지 않고 보관합니다."</li>
                    </ul>
                </li>
            </ol>

            <h2 id="privacy-proof-of-work">"3. 작업증명(브라우저 자동 계산)"</h2>
            <p>
                "접속이 몰릴 때나 새 투표자 번호를 발급할 때에는, 대결을 불러오기 전에 브라우저가 작은 계산을 "
                "자동으로 풀 수 있습니다(작업증명). 휴대전화에서도 1초 안에 끝나며, 이 과정에서 이용자에 관한 정보는 전송되지 않습니다."
            </p>
            <p>
                "사람이 직접 글자나 그림을 맞히는 문제(보안문자)는 쓰지 않습니다. "
                "보안문자는 장애가 있는 이용자의 이용을 막을 수 있기 때문입니다(한국형 웹 콘텐츠 접근성 지침, KWCAG)."
            </p>

            <h2 id="privacy-retention">"4. 보관 기간"</h2>
            <p>"저장하는 정보별 보관 기간은 다음과 같습니다."</p>
            <div class="table-scroll">
                <table class="data-table text-table" data-testid="privacy-retention-table">
                    <caption>"정보별 보관 기간"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"정보"</th>
                            <th scope="col">"보관 기간"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">"투표 기록"</th>
                            <td>
                                "평가를 운영하는 동안 보관하며, 리더보드 계산에 반영한 투표는 공개 자료로 게시합니다. "
                                "공개 자료에서는 투표자 번호와 접속 주소 요약값을 뺍니다."
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"이상 투표 표시"</th>
                            <td>"삭제하지 않고 투표 기록과 함께 보관합니다."</td>
                        </tr>
                        <tr>
                            <th scope="row">"접속 주소 요약값"</th>
                            <td>
                                "운영기관이 정한 기간(기본 30일, 설정 항목 "
                                <code>"ARENA_ADDRESS_RETENTION_DAYS"</code>
                                "). 기간이 지나면 삭제합니다."
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"요약값을 만드는 하루 단위 키"</th>
                            <td>"2일. 지나면 삭제합니다."</td>
                        </tr>
                        <tr>
                            <th scope="row">"브라우저의 투표자 번호"</th>
                            <td>"1년 또는 이용자가 직접 삭제할 때까지"</td>
                        </tr>
                    </tbody>
                </table>
            </div>

            <h2 id="privacy-rights">"5. 이용자의 권리와 행사 방법"</h2>
            <ul>
                <li>
                    "이용자는 언제든지 브라우저 설정에서 이 사이트의 쿠키("<code>"kai_voter"</code>")와 "
                    "사이트 데이터(로컬 저장소의 "<code>"kai-voter"</code>")를 삭제할 수 있습니다. "
                    "삭제한 뒤 다시 방문하면 새 무작위 투표자 번호가 발급됩니다."
                </li>
                <li>
                    "아레나는 이용자를 알아볼 수 있는 정보를 저장하지 않으므로, "
                    "운영기관도 이름이나 연락처로 ‘내 투표’를 찾을 수 없습니다."
                </li>
                <li>
                    "개인정보 처리에 관한 문의를 받는 운영기관의 연락처는 아레나를 운영하는 기관이 별도로 공개합니다."
                </li>
            </ul>

            <h2 id="privacy-effective-date">"6. 시행일"</h2>
            <p>
                "이 개인정보 처리방침은 "<time datetime="2026-12-02">"2026년 12월 2일"</time>"부터 시행합니다."
            </p>
        </section>
    }
}
