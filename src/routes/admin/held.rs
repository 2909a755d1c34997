//! Answers held back for naming their model: read each, allow it or hold it back again.

use leptos::prelude::*;

use super::{Saving, listing, message, use_operator};
use crate::api::{self};
use crate::i18n::{tr, use_lang};

#[component]
pub(super) fn HeldSection() -> impl IntoView {
    let list = use_operator().list(|token| async move { api::admin::held(&token).await });
    view! {
        <section id="admin-held" class="admin-section" aria-labelledby="admin-held-heading">
            <h2 id="admin-held-heading">{tr("대결에서 뺀 답변", "Answers held back")}</h2>
            <p class="muted">{tr(
                "모델 이름이나 개발사를 밝힌 답변은 익명성을 지키려고 대결에 내보내지 않습니다. 읽어 보고 괜찮으면 내보낼 수 있고, 이 결정은 감사 기록에 남습니다.",
                "Answers that name their model or maker are not drawn, to keep battles anonymous. Read one and, if it is fine, let it be drawn; the decision is logged.",
            )}</p>
            {listing(list, ("뺀 답변이 없습니다.", "No answer is held back."), |held| view! {
                <ul class="held-list" data-testid="held-answers">
                    {held.into_iter().map(|h| view! { <HeldItem held=h/> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn HeldItem(held: arena_core::admin::HeldAnswer) -> impl IntoView {
    let operator = use_operator();
    let token = operator.token;
    let lang = use_lang();
    let saving = RwSignal::new(Saving::Idle);
    let allowed = held.allowed;
    let (prompt, model) = (
        StoredValue::new(held.prompt_id.clone()),
        StoredValue::new(held.model_id.clone()),
    );
    let toggle = move |_| {
        let (token, prompt, model) = (token.get_value(), prompt.get_value(), model.get_value());
        operator.save(
            move |s| {
                saving.try_set(s);
            },
            async move { api::admin::set_held(&token, &prompt, &model, !allowed).await },
        );
    };
    let term = held.term.clone();
    view! {
        <li class="held-item" data-testid=format!("held-{}-{}", held.prompt_id, held.model_id)>
            <p class="held-head">
                <code>{held.prompt_id.clone()}</code>" · "<code>{held.model_id.clone()}</code>
                " · "
                {move || lang.get().pick(format!("찾은 이름: {term}"), format!("Name found: {term}"))}
                " · "
                <strong>{if allowed { tr("대결에 나감", "Drawn") } else { tr("대결에서 뺌", "Held back") }}</strong>
            </p>
            <pre class="held-text" tabindex="0" aria-label=tr("답변 전문", "The whole answer")>{held.text.clone()}</pre>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=toggle
                    disabled=move || saving.get() == Saving::Busy>
                    {if allowed { tr("다시 빼기", "Hold back again") } else { tr("읽어 보았고 대결에 내보내기", "Read it: let it be drawn") }}
                </button>
                <p class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </p>
            </div>
        </li>
    }
}
