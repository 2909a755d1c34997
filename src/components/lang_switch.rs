//! The switch to the other language, named in that language ("English" / "한국어") and marked
//! with its `lang` so a screen reader pronounces it right. A `?lang=` in the address follows the
//! switch, so a shared or reloaded address shows what the person chose.

use leptos::prelude::*;

use crate::i18n::use_lang;

#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let switch = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        follow_in_address(next.code());
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            data-testid="lang-switch"
            lang=move || lang.get().other().code()
            on:click=switch
        >
            {move || lang.get().other().own_name()}
        </button>
    }
}

/// Rewrites `lang=` in the address, if it has one, without a new history entry.
fn follow_in_address(code: &str) {
    let window = window();
    let location = window.location();
    let (Ok(search), Ok(path), Ok(hash)) =
        (location.search(), location.pathname(), location.hash())
    else {
        return;
    };
    if !search.contains("lang=") {
        return;
    }
    let query: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .map(|pair| match pair.strip_prefix("lang=") {
            Some(_) => format!("lang={code}"),
            None => pair.to_owned(),
        })
        .collect();
    let url = format!("{path}?{}{hash}", query.join("&"));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
