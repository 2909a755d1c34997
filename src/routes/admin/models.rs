//! Models: what citizens see after their vote (name, maker, licence, size, link) and whether
//! a model is drawn (active, paused, retired).

use leptos::prelude::*;

use super::{Operator, Saving, listing, non_empty, use_operator};
use crate::api::{self};
use crate::format;
use crate::i18n::{tr, use_lang};
use arena_core::admin::{Licence, ModelStatus, ModelUpdate, RegistryModel};

#[component]
pub(super) fn ModelsSection() -> impl IntoView {
    let Operator { token, .. } = use_operator();
    // Not reloaded after a change: each form keeps what its operator typed and its status.
    let models = LocalResource::new(move || {
        let token = token.get_value();
        async move { api::admin::models(&token).await }
    });
    view! {
        <section id="admin-models" class="admin-section" aria-labelledby="admin-models-heading">
            <h2 id="admin-models-heading">{tr("모델", "Models")}</h2>
            <p class="muted">{tr(
                "대결 뒤 시민에게 보이는 정보입니다. 일시 중지하거나 은퇴한 모델은 대결에 나오지 않지만, 지금까지의 투표는 리더보드에 남습니다.",
                "What citizens see after their vote. Paused and retired models are not drawn; their votes stay on the leaderboard.",
            )}</p>
            {listing(models, ("아직 모델이 없습니다. 질문 세트를 불러오면 생깁니다.", "No models yet: importing a battle set adds them."), |list| view! {
                <div class="model-forms">
                    {list.into_iter().map(|m| view! { <ModelForm model=m/> }).collect_view()}
                </div>
            })}
        </section>
    }
}

#[component]
fn ModelForm(model: RegistryModel) -> impl IntoView {
    let operator = use_operator();
    let token = operator.token;
    let lang = use_lang();
    let id = model.id.clone();
    let field = move |name: &str| format!("model-{}-{name}", id);
    let name = RwSignal::new(model.name.clone());
    let organisation = RwSignal::new(model.card.organisation.clone().unwrap_or_default());
    let licence = RwSignal::new(
        model
            .card
            .licence
            .map(Licence::as_str)
            .unwrap_or("")
            .to_owned(),
    );
    let size = RwSignal::new(model.card.size.clone().unwrap_or_default());
    let url = RwSignal::new(model.card.url.clone().unwrap_or_default());
    let status = RwSignal::new(model.status.as_str().to_owned());
    let saving = RwSignal::new(Saving::Idle);
    let model_id = StoredValue::new(model.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = ModelUpdate {
            name: name.get_untracked(),
            organisation: non_empty(organisation.get_untracked()),
            licence: Licence::parse(&licence.get_untracked()),
            size: non_empty(size.get_untracked()),
            url: non_empty(url.get_untracked()),
            status: ModelStatus::parse(&status.get_untracked()).unwrap_or_default(),
        };
        let (token, id) = (token.get_value(), model_id.get_value());
        operator.save(
            move |s| {
                saving.try_set(s);
            },
            async move { api::admin::update_model(&token, &id, &update).await },
        );
    };
    let legend_id = field("legend");
    let status_id = field("status-message");
    let described_by = status_id.clone();
    let answers = model.answers;
    view! {
        <form class="model-form" on:submit=submit data-testid=format!("model-form-{}", model.id)>
            <fieldset aria-describedby=described_by>
                <legend id=legend_id>
                    <span class="model-form-name">{move || name.get()}</span>
                    " "<code>{model.id.clone()}</code>
                </legend>
                <p class="muted model-form-answers">
                    {move || lang.get().pick(
                        format!("답변 {}개", format::count(answers)),
                        format!("{} answers", format::count(answers)),
                    )}
                </p>
                <div class="form-grid">
                    <TextField id=field("name") label=tr("표시 이름", "Display name") value=name required=true/>
                    <TextField id=field("organisation") label=tr("개발 기관", "Made by") value=organisation required=false/>
                    <div class="form-field">
                        <label for=field("licence")>{tr("라이선스", "Licence")}</label>
                        <select id=field("licence") prop:value=move || licence.get()
                            on:change=move |ev| licence.set(event_target_value(&ev))>
                            <option value="">{tr("모름", "Unknown")}</option>
                            <option value="open">{tr("공개 (가중치 공개)", "Open weights")}</option>
                            <option value="closed">{tr("비공개", "Closed")}</option>
                        </select>
                    </div>
                    <TextField id=field("size") label=tr("크기 (예: 32B)", "Size (e.g. 32B)") value=size required=false/>
                    <TextField id=field("url") label=tr("소개 링크 (https://…)", "Link (https://…)") value=url required=false/>
                    <div class="form-field">
                        <label for=field("status")>{tr("상태", "Status")}</label>
                        <select id=field("status") prop:value=move || status.get()
                            on:change=move |ev| status.set(event_target_value(&ev))
                            data-testid=format!("model-status-{}", model.id)>
                            <option value="active">{tr("대결 중", "Active")}</option>
                            <option value="paused">{tr("일시 중지", "Paused")}</option>
                            <option value="retired">{tr("은퇴", "Retired")}</option>
                        </select>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || saving.get() == Saving::Busy>
                        {tr("저장", "Save")}
                    </button>
                    <p id=status_id class="form-status" role="status">
                        {move || saving.with(|s| s.said(lang.get()))}
                    </p>
                </div>
            </fieldset>
        </form>
    }
}

#[component]
fn TextField(
    id: String,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    value: RwSignal<String>,
    required: bool,
) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" required=required prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}
