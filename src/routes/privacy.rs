//! The privacy notice (개인정보 처리방침) that 「개인정보 보호법」 제30조 asks every public website to
//! publish: what the arena never collects, the things it stores and why (an invited panelist's
//! pseudonym and optional profile among them), what it keeps in the
//! browser, how long each is kept, and what a visitor can do about them. Every sentence states
//! what the server (or this app) does; a change to what is stored or how long it is kept changes
//! this page too. Korean is the text of record; the English beside it says the same. Read next:
//! `crates/arena-server/src/trust/voter.rs` (the random voter id), `src/i18n.rs` (`kai-lang`) and
//! `src/outbox.rs` (`kai-outbox`).

use leptos::prelude::*;

use crate::i18n::tr;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <section class="prose" data-testid="privacy-page" aria-labelledby="privacy-heading">
            <h1 id="privacy-heading" class="page-title">{tr("개인정보 처리방침", "Privacy policy")}</h1>
            <p class="lead">
                {tr(
                    "K-AI 아레나(이하 ‘아레나’)는 「개인정보 보호법」 제30조에 따라 이용자의 정보를 어떻게 다루는지 알려 드립니다. \
                     아레나는 이름이나 연락처처럼 개인을 알아볼 수 있는 정보를 수집하지 않으며, 공정한 평가에 필요한 정보만 저장합니다.",
                    "K-AI Arena (‘the Arena’) explains here how it handles your information, as required by \
                     Article 30 of the Personal Information Protection Act. The Arena does not collect information \
                     that identifies a person, such as a name or contact details, and stores only what a fair \
                     evaluation needs.",
                )}
            </p>
            <nav aria-label=tr("개인정보 처리방침 목차", "Contents of the privacy policy")>
                <ol>
                    <li><a href="#privacy-not-collected" rel="external">{tr("수집하지 않는 정보", "Information we do not collect")}</a></li>
                    <li><a href="#privacy-stored" rel="external">{tr("저장하는 정보와 목적", "Information we store, and why")}</a></li>
                    <li><a href="#privacy-proof-of-work" rel="external">{tr("작업증명(브라우저 자동 계산)", "Proof of work (an automatic calculation in the browser)")}</a></li>
                    <li><a href="#privacy-retention" rel="external">{tr("보관 기간", "How long we keep it")}</a></li>
                    <li><a href="#privacy-rights" rel="external">{tr("이용자의 권리와 행사 방법", "Your rights and how to use them")}</a></li>
                    <li><a href="#privacy-effective-date" rel="external">{tr("시행일", "Effective date")}</a></li>
                </ol>
            </nav>

            <h2 id="privacy-not-collected">{tr("1. 수집하지 않는 정보", "1. Information we do not collect")}</h2>
            <p>{tr("아레나는 다음 정보를 수집하지 않습니다.", "The Arena does not collect the following information.")}</p>
            <ul>
                <li>{tr("이름", "Names")}</li>
                <li>{tr("연락처(전화번호, 전자우편 주소 등)", "Contact details (phone numbers, email addresses and the like)")}</li>
                <li>{tr("계정(회원 가입과 로그인이 없습니다)", "Accounts (there is no sign-up and no log-in)")}</li>
                <li>{tr("주민등록번호", "Resident registration numbers")}</li>
                <li>{tr("접속 주소(IP 주소) 원문", "IP addresses as they are")}</li>
                <li>{tr("정확한 위치", "Precise location")}</li>
                <li>
                    {tr(
                        "브라우저 지문(fingerprint: 기기와 브라우저의 특징을 모아 이용자를 구별하는 값)",
                        "Browser fingerprints (a value built from the features of a device and browser to tell users apart)",
                    )}
                </li>
                <li>{tr("광고 식별자", "Advertising identifiers")}</li>
            </ul>
            <p>
                {tr(
                    "외부 업체의 보안문자(캡차), 이용 통계(분석) 서비스, 광고 서비스를 쓰지 않습니다. \
                     다른 사이트가 설치하는 쿠키(제3자 쿠키)도 없습니다.",
                    "We use no outside company's CAPTCHA, usage statistics (analytics) or advertising services. \
                     There are no cookies set by other sites (third-party cookies) either.",
                )}
            </p>

            <h2 id="privacy-stored">{tr("2. 저장하는 정보와 목적", "2. Information we store, and why")}</h2>
            <p>{tr("아레나는 다음 네 가지 정보만 저장합니다.", "The Arena stores only the following four kinds of information.")}</p>
            <ol>
                <li>
                    <strong>{tr("투표 기록", "Vote records")}</strong>
                    <ul>
                        <li>
                            {tr(
                                "항목: 대결 번호, 질문, 비교한 두 모델, 선택한 결과\
                                 (A가 더 좋음, B가 더 좋음, 비슷함, 둘 다 별로 중 하나), 투표한 뒤 고른 이유(고른 경우: 정확성, \
                                 한국 맥락 이해, 자연스러운 한국어, 유용성, 안전성), 대결을 연 시각, 투표한 시각",
                                "What: the battle number, the question, the two models compared, the result chosen \
                                 (one of: A is better, B is better, about the same, both are bad), the reasons given after \
                                 the vote (if any: accuracy, understands Korean context, natural Korean, usefulness, \
                                 safety), the time the battle was opened and the time of the vote",
                            )}
                        </li>
                        <li>{tr(
                            "목적: 리더보드(모델 순위) 계산, 모델별 선택 이유 집계",
                            "Why: to compute the leaderboard (the ranking of models) and count the reasons given per model",
                        )}</li>
                        <li>
                            {tr(
                                "공개: 리더보드 계산에 반영한 투표는 누구나 순위를 다시 계산해 볼 수 있도록 공개 자료로 게시합니다. \
                                 공개 자료에는 투표자 번호와 접속 주소 요약값이 들어가지 않습니다.",
                                "Publication: the votes counted in the leaderboard are published as open data, so that \
                                 anyone can recompute the ranking. The open data contains neither voter IDs nor IP \
                                 address digests.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "직접 질문(/live): 입력한 질문은 답을 받기 위해 두 참여 모델의 운영 기관(API)에 전달됩니다. \
                                 두 모델이 모두 답하면 질문과 두 답변을 저장하고, 투표하면 그 투표와 함께 공개 자료에 포함합니다. \
                                 주민등록번호, 전화번호, 이메일 주소, 계좌·카드 번호가 들어 있는 질문은 어디에도 보내지 않고 거절하며, \
                                 답변 속의 그런 번호는 지운 뒤 저장합니다.",
                                "Your own questions (/live): a question you type is sent to the two participating models' \
                                 operators (their APIs) to be answered. Once both have answered, the question and both \
                                 answers are stored, and if you vote they are included with your vote in the open data. A question containing a resident registration, \
                                 phone, e-mail, account or card number is refused and sent nowhere; such numbers in the \
                                 answers are removed before they are stored.",
                            )}
                        </li>
                    </ul>
                </li>
                <li>
                    <strong>{tr("무작위 투표자 번호", "A random voter ID")}</strong>
                    <ul>
                        <li>
                            {tr(
                                "내용: 서버가 무작위로 만들고 위조할 수 없도록 서명한 번호입니다. \
                                 이름, 접속 주소, 기기 정보 등 이용자에 관한 어떤 정보로부터도 만들지 않습니다.",
                                "What: a number the server makes at random and signs so that it cannot be forged. \
                                 It is not made from any information about you, such as your name, IP address or device.",
                            )}
                        </li>
                        <li>
                            {tr("저장 위치: 이용자의 브라우저에 저장합니다. 쿠키 ", "Where: in your browser, as the cookie ")}
                            <code>"kai_voter"</code>
                            {tr(
                                "(웹 페이지의 스크립트가 읽을 수 없는 HttpOnly 쿠키, 유효 기간은 발급 후 운영기관이 정한 \
                                 기간으로 기본 90일)와 브라우저 로컬 저장소(local storage)의 ",
                                " (an HttpOnly cookie, which scripts on web pages cannot read, valid for a period the \
                                 operator sets after it is issued, 90 days by default) and as the ",
                            )}
                            <code>"kai-voter"</code>
                            {tr(
                                " 항목입니다. 투표할 때에는 투표 기록과 함께 서버에 저장됩니다.",
                                " entry in the browser's local storage. When you vote, it is stored on the server \
                                 together with the vote record.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "목적: 한 사람의 투표가 공정하게 반영되도록 투표 횟수를 제한하고, \
                                 한 사람이 천 번씩 투표하는 것과 같은 행위를 찾아냅니다.",
                                "Why: to limit how often one person can vote, so that each person's votes count \
                                 fairly, and to detect behaviour such as one person voting a thousand times.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "삭제: 브라우저에서 이 사이트의 쿠키와 사이트 데이터를 삭제하면 지워집니다.",
                                "Deletion: it is erased when you delete this site's cookies and site data in your browser.",
                            )}
                        </li>
                    </ul>
                </li>
                <li>
                    <strong>{tr("접속 주소(IP 주소)의 암호화된 요약값", "An encrypted digest of your IP address")}</strong>
                    <ul>
                        <li>
                            {tr(
                                "접속 주소 자체는 저장 장치나 기록(로그)에 남기지 않습니다.",
                                "The IP address itself is never written to storage or to records (logs).",
                            )}
                        </li>
                        <li>
                            {tr(
                                "대신 접속 주소에 비밀 키를 넣어 계산한, 되돌릴 수 없는 요약값(HMAC)만 저장합니다. \
                                 이 키는 협정 세계시(UTC) 기준으로 하루마다(한국 시각 매일 오전 9시) 무작위로 새로 만들고, \
                                 각 날의 키는 2일이 지나면 삭제합니다. 키가 삭제된 뒤에는 운영기관을 포함한 누구도 \
                                 저장된 요약값이 어느 접속 주소에서 나왔는지 알아낼 수 없습니다.",
                                "Instead, we store only a digest (HMAC) computed from the IP address with a secret key, \
                                 which cannot be turned back into the address. A new random key is made every day by \
                                 Coordinated Universal Time (UTC), that is at 9 a.m. Korean time, and each day's key is \
                                 deleted after 2 days. Once a key is deleted, no one, including the operator, can find \
                                 out which IP address a stored digest came from.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "목적: 한 네트워크에서 들어오는 투표 수와 새 투표자 번호 발급 수를 제한합니다. \
                                 학교나 사무실처럼 여러 사람이 하나의 접속 주소를 함께 쓰는 경우를 고려하여 한도를 정합니다.",
                                "Why: to limit the number of votes coming from one network and the number of new voter \
                                 IDs issued to it. The limits allow for places such as schools and offices, where many \
                                 people share one IP address.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "삭제: 운영기관이 정한 보관 기간(기본 30일)이 지나면 삭제합니다.",
                                "Deletion: deleted after the retention period set by the operator (30 days by default).",
                            )}
                        </li>
                    </ul>
                </li>
                <li>
                    <strong>{tr("이상 투표 표시", "Flags on unusual votes")}</strong>
                    <ul>
                        <li>
                            {tr(
                                "내용: 자동 프로그램이나 조작으로 보이는 투표에 그 이유를 표시합니다. \
                                 지나치게 빠른 투표, 지나치게 많은 투표, 점수로 예상되는 것보다 한쪽으로 크게 치우친 투표, \
                                 한 네트워크에서 새 투표자 번호가 한꺼번에 생기는 경우, 특정 모델을 밀어주는 집단 투표가 이에 해당합니다.",
                                "What: votes that look automated or manipulated are marked with the reason. This covers \
                                 votes cast too fast, too many votes, votes leaning to one side far more than the ratings \
                                 would predict, many new voter IDs appearing at once on one network, and group voting \
                                 to push a particular model.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "목적: 순위를 공정하게 유지합니다. 표시한 투표는 리더보드 계산에서 빼고, \
                                 리더보드에 뺀 투표의 수와 이유를 공개합니다.",
                                "Why: to keep the ranking fair. Flagged votes are left out of the leaderboard \
                                 calculation, and the leaderboard shows how many votes were left out and why.",
                            )}
                        </li>
                        <li>
                            {tr(
                                "삭제: 누구나 점검할 수 있도록 표시한 투표도 삭제하지 않고 보관합니다.",
                                "Deletion: flagged votes are not deleted either, but kept so that anyone can check them.",
                            )}
                        </li>
                    </ul>
                </li>
            </ol>
            <p>
                {tr(
                    "이용자의 브라우저 로컬 저장소(local storage)에는 다음 항목을 둡니다. \
                     이름이나 연락처 같은 정보는 들어가지 않습니다.",
                    "Your browser's local storage keeps the following entries. \
                     They contain nothing like a name or contact details.",
                )}
            </p>
            <ul data-testid="privacy-browser-storage">
                <li>
                    <code>"kai-voter"</code>
                    {tr(": 위의 무작위 투표자 번호(쿠키 ", ": the random voter ID described above (also kept in the cookie ")}
                    <code>"kai_voter"</code>
                    {tr("에도 저장합니다).", ").")}
                </li>
                <li>
                    <code>"kai-lang"</code>
                    {tr(
                        ": 고른 화면 언어(한국어는 ko, 영어는 en). 다음에 방문할 때에도 같은 언어로 보여 주기 위한 것이며, \
                         서버에는 저장하지 않습니다.",
                        ": the language you chose (ko for Korean, en for English), so that the site shows the same \
                         language on your next visit. It is not stored on the server.",
                    )}
                </li>
                <li>
                    <code>"kai-outbox"</code>
                    {tr(
                        ": 네트워크 문제로 아직 서버에 전달하지 못한 투표. 대결 토큰(대결을 가리키는 값)과 선택한 결과만 담기며, \
                         자동으로 다시 보냅니다. 서버가 투표를 받으면(또는 받을 수 없다고 답하면) 바로 지웁니다.",
                        ": votes not yet delivered because the network failed. Each holds only the battle token \
                         (the value that identifies the battle) and the choice. They are sent again automatically \
                         and removed as soon as the server has them (or answers that it cannot accept them).",
                    )}
                </li>
                <li>
                    <code>"kai-panelist"</code>
                    {tr(
                        ": 초대 코드로 평가단에 참여한 경우에만, 서버가 서명한 평가단 참여 정보(무작위 가명과 평가 라운드 번호).                          그 라운드의 대결과 투표에만 쓰이며, 초대 코드는 담기지 않습니다.",
                        ": only if you joined a panel with an invitation code, the panel membership the server signed                          (a random pseudonym and the round's number). It is used for that round's battles and votes                          only, and does not contain the invitation code.",
                    )}
                </li>
            </ul>

            <h3 id="privacy-panel">{tr("초대받은 시민 평가단", "The invited citizens' panel")}</h3>
            <p data-testid="privacy-panel">
                {tr(
                    "평가 라운드에 초대받아 초대 코드를 입력한 분에 대해서는 다음만 저장합니다.                      무작위로 만든 가명 하나(한 사람의 투표를 한 번만 세고 1인 투표 수를 지키기 위해),                      직접 고른 답(나이대, 성별, 시도, AI 사용 빈도 — 모두 선택이며 ‘응답하지 않음’을 고를 수 있습니다;                      평가단 결과를 인구 비율에 맞춰 보정하기 위해), 그리고 투표와 그 이유입니다.                      이름, 전화번호, 이메일, 주소는 묻지 않습니다. 초대 코드 자체는 저장하지 않고(코드를 확인하는 데 필요한 해시값만 저장),                      어떤 코드가 어떤 가명·답·투표가 되었는지 연결해 두지 않으므로, 코드를 나눠 준 기관도 누가 어떻게 투표했는지 알 수 없습니다. \
                     예외는 운영자가 ‘분실 시 복구’를 허용한 초대장(카드에 ‘분실하면 이 코드로 다시 참여’라고 적혀 있습니다)뿐입니다. \
                     이때는 참여 정보를 잃어도 같은 코드를 같은 종류의 기기(휴대전화, 태블릿, 컴퓨터)에 입력해 돌아올 수 있도록, \
                     가명을 그 코드로만 풀 수 있게 가려서 처음 쓴 기기의 종류와 함께 저장합니다. 데이터베이스만으로는 코드와 가명을 연결할 수 없지만, \
                     코드를 가진 사람(본인, 코드를 나눠 준 기관, 코드를 다시 내려받을 수 있는 아레나 운영자)은 연결할 수 있습니다. \
                     카드를 잃어버렸거나 남이 보았다면 운영자에게 알려 주세요. 그 코드를 중지하면 더는 복구에 쓸 수 없습니다.",
                    "If you were invited to an evaluation round and entered an invitation code, we store only this:                      one random pseudonym (to count each person once and keep to the round's votes per person),                      the answers you chose (age band, sex, province or city, how often you use AI — each optional,                      with ‘prefer not to say’; to weight the panel's results to the population), and your votes                      and their reasons. No name, phone number, e-mail or address is asked. The code itself is not                      stored (only a hash that checks it), and nothing records which code became which pseudonym,                      answers or votes, so even the organisation that handed out the codes cannot tell who voted how. \
                     The one exception is an invitation whose operator allowed recovery (its card says you can join \
                     again with the code after a loss): so that you can come back by typing the same code on the same \
                     kind of device (phone, tablet or computer), your pseudonym is stored masked so that only that code \
                     opens it, with the kind of device you first used. The database alone cannot link the code to the \
                     pseudonym; whoever holds the code can (you, the organisation that handed it out, and the \
                     arena's operators, who can download the codes again). If your card was lost or seen by \
                     someone else, tell the operators: once they revoke the code it brings no one back.",
                )}
            </p>

            <h2 id="privacy-proof-of-work">
                {tr("3. 작업증명(브라우저 자동 계산)", "3. Proof of work (an automatic calculation in the browser)")}
            </h2>
            <p>
                {tr(
                    "접속이 몰릴 때나 새 투표자 번호를 발급할 때에는, 대결을 불러오기 전에 브라우저가 작은 계산을 \
                     자동으로 풀 수 있습니다(작업증명). 휴대전화에서도 1초 안에 끝나며, 이 과정에서 이용자에 관한 정보는 전송되지 않습니다.",
                    "When traffic is heavy, or when a new voter ID is issued, your browser may automatically solve \
                     a small calculation before a battle loads (proof of work). It takes less than a second even on \
                     a mobile phone, and no information about you is sent in the process.",
                )}
            </p>
            <p>
                {tr(
                    "사람이 직접 글자나 그림을 맞히는 문제(보안문자)는 쓰지 않습니다. \
                     보안문자는 장애가 있는 이용자의 이용을 막을 수 있기 때문입니다(한국형 웹 콘텐츠 접근성 지침, KWCAG).",
                    "We do not use puzzles where a person has to make out letters or pictures (CAPTCHAs), \
                     because they can keep users with disabilities from using the service (Korean Web Content \
                     Accessibility Guidelines, KWCAG).",
                )}
            </p>

            <h2 id="privacy-retention">{tr("4. 보관 기간", "4. How long we keep it")}</h2>
            <p>{tr("저장하는 정보별 보관 기간은 다음과 같습니다.", "Each kind of information is kept for the following period.")}</p>
            <div class="table-scroll">
                <table class="data-table text-table" data-testid="privacy-retention-table">
                    <caption>{tr("정보별 보관 기간", "Retention period by kind of information")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("정보", "Information")}</th>
                            <th scope="col">{tr("보관 기간", "Retention period")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">{tr("투표 기록", "Vote records")}</th>
                            <td>
                                {tr(
                                    "평가를 운영하는 동안 보관하며, 리더보드 계산에 반영한 투표는 공개 자료로 게시합니다. \
                                     공개 자료에서는 투표자 번호와 접속 주소 요약값을 뺍니다.",
                                    "Kept while the evaluation runs; the votes counted in the leaderboard are published \
                                     as open data. Voter IDs and IP address digests are removed from the open data.",
                                )}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("이상 투표 표시", "Flags on unusual votes")}</th>
                            <td>
                                {tr(
                                    "삭제하지 않고 투표 기록과 함께 보관합니다.",
                                    "Not deleted; kept together with the vote records.",
                                )}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("접속 주소 요약값", "IP address digests")}</th>
                            <td>
                                {tr(
                                    "운영기관이 정한 기간(기본 30일, 설정 항목 ",
                                    "The period set by the operator (30 days by default; setting ",
                                )}
                                <code>"ARENA_ADDRESS_RETENTION_DAYS"</code>
                                {tr("). 기간이 지나면 삭제합니다.", "). Deleted once the period is over.")}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("요약값을 만드는 하루 단위 키", "Daily keys used to make the digests")}</th>
                            <td>{tr("2일. 지나면 삭제합니다.", "2 days, then deleted.")}</td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("브라우저의 투표자 번호", "Voter ID in the browser")}</th>
                            <td>
                                {tr(
                                    "발급 후 운영기관이 정한 기간(기본 90일) 또는 이용자가 직접 삭제할 때까지. 기간이 지난 번호는 \
                                     쓰이지 않고, 다음 방문 때 새 번호로 바뀝니다.",
                                    "A period the operator sets after it is issued (90 days by default), or until you \
                                     delete it yourself. After that it is no longer used and is replaced by a new one on \
                                     your next visit.",
                                )}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("평가단 참여 정보(가명과 선택한 답)", "Panel membership (pseudonym and the answers chosen)")}</th>
                            <td>
                                {tr(
                                    "평가 라운드의 결과와 함께 보관합니다(누구나 결과를 다시 계산할 수 있도록).                                      브라우저의 참여 정보는 이용자가 사이트 데이터를 삭제할 때까지 남습니다.",
                                    "Kept with the evaluation round's results (so anyone can recompute them). The membership                                      in the browser stays until you delete the site data.",
                                )}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("브라우저의 언어 선택", "Language choice in the browser")}</th>
                            <td>
                                {tr(
                                    "이용자가 사이트 데이터를 삭제할 때까지(언어를 바꾸면 새 선택으로 바뀝니다)",
                                    "Until you delete the site data (choosing another language replaces it)",
                                )}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{tr("브라우저에 남은 보내지 못한 투표", "Undelivered votes in the browser")}</th>
                            <td>
                                {tr(
                                    "서버가 받거나 받을 수 없다고 답할 때까지. 그 즉시 지웁니다.",
                                    "Until the server has them or answers that it cannot accept them; then removed at once.",
                                )}
                            </td>
                        </tr>
                    </tbody>
                </table>
            </div>

            <h2 id="privacy-rights">{tr("5. 이용자의 권리와 행사 방법", "5. Your rights and how to use them")}</h2>
            <ul>
                <li>
                    {tr(
                        "이용자는 언제든지 브라우저 설정에서 이 사이트의 쿠키(",
                        "You can delete this site's cookie (",
                    )}
                    <code>"kai_voter"</code>
                    {tr(")와 사이트 데이터(로컬 저장소의 ", ") and site data (")}
                    <code>"kai-voter"</code>
                    {tr(
                        ")를 삭제할 수 있습니다. 삭제한 뒤 다시 방문하면 새 무작위 투표자 번호가 발급됩니다. ",
                        " in local storage) in your browser settings at any time. If you visit again after \
                         deleting them, you get a new random voter ID. ",
                    )}
                    {tr(
                        "사이트 데이터를 삭제하면 고른 언어(",
                        "Deleting the site data also removes the language you chose (",
                    )}
                    <code>"kai-lang"</code>
                    {tr(")와 아직 보내지 못한 투표(", ") and any votes not yet delivered (")}
                    <code>"kai-outbox"</code>
                    {tr(")도 함께 지워집니다.", ").")}
                </li>
                <li>
                    {tr(
                        "아레나는 이용자를 알아볼 수 있는 정보를 저장하지 않으므로, \
                         운영기관도 이름이나 연락처로 ‘내 투표’를 찾을 수 없습니다.",
                        "Because the Arena stores no information that identifies you, not even the operator can \
                         find ‘your votes’ by a name or contact details.",
                    )}
                </li>
                <li>
                    {tr(
                        "개인정보 처리에 관한 문의를 받는 운영기관의 연락처는 아레나를 운영하는 기관이 별도로 공개합니다.",
                        "The organisation that runs the Arena publishes separately the contact details of the \
                         operator who answers questions about the handling of personal information.",
                    )}
                </li>
            </ul>

            <h2 id="privacy-effective-date">{tr("6. 시행일", "6. Effective date")}</h2>
            <p>
                {tr("이 개인정보 처리방침은 ", "This privacy policy takes effect on ")}
                <time datetime="2026-12-07">{tr("2026년 12월 7일", "December 7, 2026")}</time>
                {tr("부터 시행합니다.", ".")}
            </p>
        </section>
    }
}
