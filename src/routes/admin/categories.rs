//! Categories and how often each is drawn.

use leptos::prelude::*;

use super::{Saving, listing, message, use_operator};
use crate::api::{self, ApiError};
use crate::i18n::{tr, use_lang};

#[component]
pub(super) fn CategoriesSection() -> impl IntoView {
    // The last save and how it went, kept here: a save reloads the list (and its items).
    let status: RwSignal<Option<(String, Saving)>> = RwSignal::new(None);
    let list = use_operator().list(|token| async move { api::admin::categories(&token).await });
    view! {
        <section id="admin-categories" class="admin-section" aria-labelledby="admin-categories-heading">
            <h2 id="admin-categories-heading">{tr("분야와 비중", "Categories and weights")}</h2>
            <p class="muted">{tr(
                "분야를 고르지 않은 대결에서 각 분야의 질문이 뽑히는 비중입니다. 1이 기본이고, 2면 그 분야의 질문이 두 배 자주, 0이면 그 분야를 골라 대결할 때만 나옵니다. 바꾼 내용은 감사 기록에 남습니다.",
                "How often each category's prompts are drawn in battles that ask for no category. 1 is the default; 2 draws that category's prompts twice as often; 0 only when a battle of that category is asked for. Changes are logged.",
            )}</p>
            {listing(list, ("아직 분야가 없습니다.", "No categories yet."), move |categories| view! {
                <ul class="category-weights" data-testid="category-weights">
                    {categories.into_iter().map(|c| view! { <CategoryItem category=c status=status/> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn CategoryItem(
    category: arena_core::admin::CategoryWeight,
    status: RwSignal<Option<(String, Saving)>>,
) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let weight = RwSignal::new(category.weight.to_string());
    let name = StoredValue::new(category.category.clone());
    let mine = category.category.clone();
    let saving = Signal::derive(move || {
        status.with(|s| match s {
            Some((c, saving)) if *c == mine => saving.clone(),
            _ => Saving::Idle,
        })
    });
    let set = move |saving: Saving| {
        status.try_set(Some((name.get_value(), saving)));
    };
    let field_id = format!("category-weight-{}", category.category);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(value) = weight.get_untracked().trim().parse::<f64>() else {
            set(Saving::Failed(ApiError::Server {
                status: 400,
                code: "bad_request".into(),
                message: "weight must be a number from 0 to 100".into(),
                retry_after: None,
                problems: Vec::new(),
            }));
            return;
        };
        let (token, name) = (operator.token.get_value(), name.get_value());
        operator.save(set, async move {
            api::admin::set_category_weight(&token, &name, value).await
        });
    };
    let prompts = category.prompts;
    view! {
        <li>
            <form class="category-weight" novalidate on:submit=submit data-testid=format!("category-{}", category.category)>
                <label for=field_id.clone()>
                    <strong>{category.category.clone()}</strong>
                    <span class="muted">{move || lang.get().pick(format!(" · 질문 {prompts}개"), format!(" · {prompts} prompts"))}</span>
                </label>
                <input id=field_id type="number" min="0" max="100" step="any" inputmode="decimal"
                    prop:value=move || weight.get()
                    on:input=move |ev| weight.set(event_target_value(&ev))/>
                <button type="submit" class="btn btn-secondary" disabled=move || saving.get() == Saving::Busy>
                    {tr("저장", "Save")}
                </button>
                <span class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Saved => lang.get().pick("저장했습니다.", "Saved.").to_owned(),
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </span>
            </form>
        </li>
    }
}
