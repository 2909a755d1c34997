//! Korean and English. Korean is the default; `?lang=en` (or `ko`) in the address chooses, as does
//! the switch in the header, and the choice is kept in this browser (`localStorage`).
//!
//! Texts stay next to the markup that shows them, each as a Korean–English pair
//! (`tr("대결하기", "Battle")`): a reader sees both at once, and the pair costs the wasm only its
//! bytes. A catalogue crate (leptos_i18n) would add its runtime and a build step for the same
//! two languages. `<html lang>` and the document title follow the choice.

use leptos::prelude::*;

const STORAGE_KEY: &str = "kai-lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    /// `ko` / `en` (also accepts `ko-KR`, `en-GB` and the like).
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The locale for numbers and dates.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Ko => "ko-KR",
            Lang::En => "en-US",
        }
    }

    pub fn pick<T>(self, ko: T, en: T) -> T {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// The other language, as the switch names it (in its own language).
    pub fn other(self) -> Lang {
        self.pick(Lang::En, Lang::Ko)
    }

    pub fn own_name(self) -> &'static str {
        self.pick("한국어", "English")
    }

    pub fn title(self) -> &'static str {
        self.pick(
            "K-AI 아레나 — 한국어 AI 답변 블라인드 비교",
            "K-AI Arena — blind comparison of AI answers in Korean context",
        )
    }
}

/// The language shown, shared by every component through the context.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

fn query_lang() -> Option<Lang> {
    crate::address::query_param("lang").and_then(|l| Lang::parse(&l))
}

/// The address's `?lang=` first, then the kept choice, then Korean.
pub fn initial() -> Lang {
    query_lang()
        .or_else(|| {
            crate::address::local_storage()?
                .get_item(STORAGE_KEY)
                .ok()
                .flatten()
                .and_then(|c| Lang::parse(&c))
        })
        .unwrap_or_default()
}

/// Puts the language in the context and keeps `<html lang>`, the title and the kept choice in
/// step with it. Called once by each root component.
pub fn provide() -> I18n {
    let lang = RwSignal::new(initial());
    let i18n = I18n(lang);
    provide_context(i18n);
    Effect::new(move |_| {
        let lang = lang.get();
        let document = document();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
        document.set_title(lang.title());
        if let Some(storage) = crate::address::local_storage() {
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
    });
    i18n
}

/// The language shown now (Korean outside an app, e.g. in a component test).
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<I18n>()
        .map(|I18n(lang)| lang)
        .unwrap_or_else(|| RwSignal::new(Lang::Ko))
}

/// A text in both languages, as a reactive view or attribute value.
pub fn tr(ko: &'static str, en: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let lang = use_lang();
    move || lang.get().pick(ko, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_language_codes_and_tags() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::parse("ko_KR"), Some(Lang::Ko));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn korean_is_the_default() {
        assert_eq!(Lang::default(), Lang::Ko);
        assert_eq!(Lang::Ko.other(), Lang::En);
        assert_eq!(Lang::En.pick("가", "a"), "a");
    }
}
