//! The arena inside a government portal's frame (`/embed`, framed by `public/embed.js`): the
//! battle, the vote, the reveal and "다음 대결", without the site's header and footer; links to
//! the rest of the arena open in a new tab. `/embed/join` (the full app: the light battle app does
//! not carry the join page) frames an evaluation round's panel join page the same way, whose
//! round then goes on in the battle frame.
//!
//! The frame tells its host page how tall its content is, so the host sizes the frame to it: a
//! `ResizeObserver` on the content (not on the frame's viewport, which the host sets: measuring
//! that would feed the host's own change back, the classic resize loop), posted only to the
//! origin the host declared in `?parent=` (the browser delivers it to no other) and only when the
//! height changed. Which hosts may frame the arena at all is the server's `frame-ancestors`
//! (`ARENA_EMBED_ORIGINS`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::components::lang_switch::LangSwitch;
use crate::i18n::tr;
use crate::routes::battle::BattlePage;

/// The message type `public/embed.js` listens for.
const HEIGHT_MESSAGE: &str = "kai-arena:height";

/// The battle in the frame.
#[component]
pub fn EmbedPage() -> impl IntoView {
    view! {
        <EmbedFrame>
            <BattlePage embedded=true/>
        </EmbedFrame>
    }
}

/// What every embedded page has around it: the arena's name and the language switch above, the
/// links to how it works and its privacy policy below (new tabs), and the height reported to the
/// host page.
#[component]
pub fn EmbedFrame(children: Children) -> impl IntoView {
    let content = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(element) = content.get() {
            report_height(element.into());
        }
    });
    view! {
        <div class="embed-content" node_ref=content>
            <div class="embed-bar">
                <a class="brand brand-small" href="/" target="_blank" rel="noopener">
                    <span class="brand-mark" aria-hidden="true">"K"</span>
                    <span>{tr("K-AI 아레나", "K-AI Arena")}</span>
                    <span class="visually-hidden">{tr(" (새 창)", " (opens in a new tab)")}</span>
                </a>
                <LangSwitch/>
            </div>
            {children()}
            <p class="embed-foot">
                <a href="/about" target="_blank" rel="noopener">
                    {tr("K-AI 아레나 소개", "About K-AI Arena")}
                    <span class="visually-hidden">{tr(" (새 창)", " (opens in a new tab)")}</span>
                </a>
                " · "
                <a href="/privacy" target="_blank" rel="noopener">
                    <strong>{tr("개인정보 처리방침", "Privacy policy")}</strong>
                    <span class="visually-hidden">{tr(" (새 창)", " (opens in a new tab)")}</span>
                </a>
            </p>
        </div>
    }
}

/// The host's origin from `?parent=`, if it is one (`https://host[:port]`, nothing after).
pub fn parent_origin() -> Option<String> {
    let origin = crate::address::query_param("parent")?;
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    let valid = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    valid.then_some(origin)
}

/// Posts the content's height to the host page whenever it changes.
fn report_height(element: web_sys::HtmlElement) {
    let window = window();
    let Some(origin) = parent_origin() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let mut last = 0.0;
    let measured = element.clone();
    let post = move || {
        let height = f64::from(measured.offset_height());
        if height == last {
            return;
        }
        last = height;
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &HEIGHT_MESSAGE.into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        let _ = parent.post_message(&message, &origin);
    };
    let observer_callback = Closure::<dyn FnMut()>::new(post);
    // The frame lives as long as the page: so do the observer and its callback.
    if let Ok(observer) = web_sys::ResizeObserver::new(observer_callback.as_ref().unchecked_ref()) {
        observer.observe(&element);
    }
    observer_callback.forget();
}
