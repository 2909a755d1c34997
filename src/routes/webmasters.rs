//! For webmasters of government sites: the one snippet that embeds the arena, its options, who
//! may embed it, a live preview (made by the same `embed.js` a portal loads), and exactly what
//! the frame keeps in a citizen's browser.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{tr, use_lang};

fn snippet(origin: &str, lang: &str) -> String {
    format!(
        "<div data-kai-arena data-category=\"법률·행정\" data-lang=\"{lang}\"></div>\n\
         <script src=\"{origin}/embed.js\" async></script>"
    )
}

#[component]
pub fn WebmastersPage() -> impl IntoView {
    let lang = use_lang();
    let origin = window().location().origin().unwrap_or_default();
    let code = {
        let origin = origin.clone();
        move || snippet(&origin, lang.get().code())
    };
    let preview = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(host) = preview.get() {
            show_preview(&host, code);
        }
    });
    view! {
        <article class="prose" aria-labelledby="webmasters-heading" data-testid="webmasters-page">
            <h1 id="webmasters-heading" class="page-title">
                {tr("내 사이트에 K-AI 아레나 넣기", "Embed K-AI Arena on your site")}
            </h1>
            <p class="lead">
                {tr(
                    "기관 누리집에 아래 두 줄을 붙여 넣으면 시민이 그 자리에서 두 AI 답변을 비교하고 투표할 수 있습니다.",
                    "Paste the two lines below into your site and citizens can compare two AI answers and vote right there.",
                )}
            </p>
            <h2>{tr("붙여 넣을 코드", "The snippet")}</h2>
            <pre class="code" data-testid="embed-snippet"><code>{code}</code></pre>
            <h2>{tr("설정", "Options")}</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="embed-options-caption">
                <table class="data-table">
                    <caption id="embed-options-caption">{tr("data- 속성(모두 선택)", "data- attributes (all optional)")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("속성", "Attribute")}</th>
                            <th scope="col">{tr("뜻", "Meaning")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row"><code>"data-category"</code></th>
                            <td>{tr(
                                "이 분야의 질문만 보여 줍니다(예: 법률·행정). 리더보드의 분야 이름과 같습니다. 없으면 모든 분야.",
                                "Shows only prompts of this field (e.g. 법률·행정), named as on the leaderboard. Without it, every field.",
                            )}</td>
                        </tr>
                        <tr>
                            <th scope="row"><code>"data-lang"</code></th>
                            <td>{tr(
                                "ko 또는 en. 없으면 페이지의 <html lang>을 따르고, 그것도 없으면 한국어입니다. 시민은 틀 안에서 언어를 바꿀 수 있습니다.",
                                "ko or en. Without it, the page's <html lang>, else Korean. Citizens can switch inside the frame.",
                            )}</td>
                        </tr>
                        <tr>
                            <th scope="row"><code>"data-round"</code></th>
                            <td>{tr(
                                "평가 라운드 번호. 열린 아레나 대신 그 라운드의 대결을 보여 줍니다.",
                                "An evaluation round's number: shows that round's battles instead of the open arena's.",
                            )}</td>
                        </tr>
                        <tr>
                            <th scope="row"><code>"data-join"</code></th>
                            <td>{tr(
                                "값 없이 씁니다. 초대받은 시민이 카드의 코드를 입력해 평가 라운드의 시민 평가단에 참여하는 화면을 보여 주고, 참여하면 그 틀 안에서 라운드의 대결이 이어집니다.",
                                "Written without a value: shows the page where an invited citizen enters the code on their card and joins an evaluation round's panel; the round's battles then follow in the frame.",
                            )}</td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <h2>{tr("넣을 수 있는 사이트", "Which sites can embed it")}</h2>
            <p>{tr(
                "아레나는 운영자가 허용한 사이트에서만 틀 안에 열립니다(서버 설정 ARENA_EMBED_ORIGINS, 보안 정책 frame-ancestors). \
                 다른 사이트에서는 빈 틀만 보입니다. 기관의 누리집 주소(https://… 형식의 출처)를 운영자에게 알려 주세요.",
                "The arena opens in a frame only on sites its operators allowed (the server's ARENA_EMBED_ORIGINS, the \
                 frame-ancestors security policy); anywhere else the frame stays empty. Send your site's origin (https://…) to the operators.",
            )}</p>
            <p>{tr(
                "틀의 높이는 내용에 맞춰 자동으로 늘고 줄어듭니다. 틀 제목은 페이지 언어로 붙어 화면 낭독기가 읽습니다. \
                 페이지를 나중에 다시 그리는 사이트는 새 자리를 만든 뒤 KaiArena.scan()을 부르면 됩니다.",
                "The frame grows and shrinks with its content. It gets a title in the page's language for screen readers. \
                 Sites that draw new placeholders later call KaiArena.scan().",
            )}</p>
            <h2>{tr("틀이 브라우저에 저장하는 것", "What the frame keeps in the browser")}</h2>
            <p>{tr(
                "제3자 쿠키가 필요하지 않습니다. 틀은 아레나 자신의 저장소(localStorage)에 다음만 둡니다. 이름이나 연락처는 없습니다.",
                "No third-party cookie is needed. The frame keeps only these in the arena's own storage (localStorage); no names, no contact details.",
            )}</p>
            <ul>
                <li><code>"kai-voter"</code>{tr(
                    ": 서버가 발급한 무작위 투표자 번호(서명됨). 같은 사람이 한 대결에 두 번 세어지지 않게 합니다.",
                    ": the random voter id the server issued (signed), so one person is not counted twice.",
                )}</li>
                <li><code>"kai-lang"</code>{tr(": 고른 언어(ko 또는 en).", ": the chosen language (ko or en).")}</li>
                <li><code>"kai-outbox"</code>{tr(
                    ": 연결이 끊겨 아직 보내지 못한 투표(대결 번호와 선택). 보내지면 지웁니다.",
                    ": votes not yet sent because the connection failed (battle token and choice); removed once sent.",
                )}</li>
            </ul>
            <p>
                {tr("자세한 내용은 ", "See the ")}
                <a href="/privacy">{tr("개인정보 처리방침", "privacy policy")}</a>
                {tr("을 보세요.", " for details.")}
            </p>
            <h2>{tr("미리 보기", "Live preview")}</h2>
            <div class="embed-preview" node_ref=preview data-testid="embed-preview"></div>
        </article>
    }
}

/// Puts a placeholder in `host` and lets this arena's own `/embed.js` fill it, as on a portal.
fn show_preview(host: &web_sys::HtmlDivElement, lang: &str) {
    let document = document();
    host.set_inner_html("");
    let Ok(placeholder) = document.create_element("div") else {
        return;
    };
    let _ = placeholder.set_attribute("data-kai-arena", "");
    let _ = placeholder.set_attribute("data-lang", lang);
    let _ = host.append_child(&placeholder);
    let scan = js_sys::Reflect::get(&window(), &"KaiArena".into())
        .ok()
        .filter(|k| k.is_object())
        .and_then(|k| js_sys::Reflect::get(&k, &"scan".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match scan {
        Some(scan) => {
            let _ = scan.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
        None => {
            if let Ok(script) = document.create_element("script") {
                let _ = script.set_attribute("src", "/embed.js");
                let _ = script.set_attribute("async", "");
                if let Some(head) = document.head() {
                    let _ = head.append_child(&script);
                }
            }
        }
    }
}
