//! Snapshots: publish the leaderboard as it stands, frozen, at a stable address.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Operator, Saving, message, use_operator};
use crate::api::{self};
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

#[component]
pub(super) fn SnapshotSection() -> impl IntoView {
    let Operator { token, changed } = use_operator();
    let lang = use_lang();
    let title = RwSignal::new(String::new());
    let saving = RwSignal::new(Saving::Idle);
    let published = RwSignal::new(None::<arena_core::api::SnapshotSummary>);
    let list = LocalResource::new(move || {
        changed.track();
        api::snapshots()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = title.get_untracked();
        saving.set(Saving::Busy);
        spawn_local(async move {
            match api::admin::publish_snapshot(&token.get_value(), &wanted).await {
                Ok(summary) => {
                    published.try_set(Some(summary));
                    saving.try_set(Saving::Saved);
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    saving.try_set(Saving::Failed(e));
                }
            }
        });
    };
    view! {
        <section id="admin-snapshots" class="admin-section" aria-labelledby="admin-snapshots-heading">
            <h2 id="admin-snapshots-heading">{tr("스냅샷 발행", "Publish a snapshot")}</h2>
            <p class="muted">{tr(
                "지금의 리더보드를 고정된 결과로 발행합니다. 모든 표와 그 바탕인 집계, 투표 원자료(공공누리 제1유형)가 고정된 주소에 남고, 발행한 뒤에는 아무도 바꿀 수 없습니다.",
                "Publishes the leaderboard as it stands, frozen: every table, the counts behind it and the battles (KOGL Type 1) stay at a stable address, and no one can change them afterwards.",
            )}</p>
            <form class="snapshot-form" on:submit=submit>
                <div class="form-field">
                    <label for="snapshot-title">{tr("제목 (예: 2026년 12월 1차 평가)", "Title (e.g. December 2026, round 1)")}</label>
                    <input id="snapshot-title" type="text" required maxlength="120"
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))
                        data-testid="snapshot-title"/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="snapshot-publish"
                        disabled=move || saving.get() == Saving::Busy>
                        {tr("발행하기", "Publish")}
                    </button>
                    <p class="form-status" role="status" data-testid="snapshot-status">
                        {move || match saving.get() {
                            Saving::Idle => ().into_any(),
                            Saving::Busy => lang.get().pick("발행하는 중…", "Publishing…").into_any(),
                            Saving::Saved => published.get().map(|s| {
                                let href = format!("/leaderboard?snapshot={}", s.id);
                                view! {
                                    {lang.get().pick("발행했습니다: ", "Published: ")}
                                    <a href=href>{s.title}</a>
                                }
                            }).into_any(),
                            Saving::Failed(e) => message(&e, lang.get()).into_any(),
                        }}
                    </p>
                </div>
            </form>
            {move || list.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| view! {
                <h3 class="admin-subheading">{tr("발행된 스냅샷", "Published snapshots")}</h3>
                <ul class="snapshot-list" data-testid="snapshot-list">
                    {l.into_iter().map(|s| {
                        let href = format!("/leaderboard?snapshot={}", s.id);
                        let line = lang.get().pick(
                            format!(" — {} · {}표 · 모델 {}개", format::date_time(s.published_at_ms, Lang::Ko), format::count(s.total_votes), s.models),
                            format!(" — {} · {} votes · {} models", format::date_time(s.published_at_ms, Lang::En), format::count(s.total_votes), s.models),
                        );
                        view! { <li><a href=href>{s.title}</a>{line}</li> }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
