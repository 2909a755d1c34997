//! A round's quotas: the operator uploads the population margins (CSV `dimension,level,share`,
//! e.g. from 주민등록 인구통계) and the panel's target size; the page then shows, live (every ten
//! seconds), each level's panelists and their counted votes against its target.

use leptos::prelude::*;

use super::{Saving, use_operator};
use crate::api::{self, ApiError};
use crate::i18n::{Lang, tr, use_lang};
use arena_core::panel::{AgeBand, AiUse, QuotaDimension, QuotaRequest, Quotas, REGIONS, Sex};

/// How often the counts are read again.
const REFRESH_MS: u32 = 10_000;

/// A dimension's name: (Korean, English).
fn dimension_words(dimension: &str) -> (&'static str, &'static str) {
    match dimension {
        "age" => ("나이", "Age"),
        "sex" => ("성별", "Sex"),
        "region" => ("시도", "Province or city"),
        _ => ("AI 사용 빈도", "AI use"),
    }
}

/// A level as people read it.
fn level_words(dimension: &str, level: &str, lang: Lang) -> String {
    let pick = |(ko, en): (&'static str, &'static str)| lang.pick(ko, en).to_owned();
    match dimension {
        "age" => AgeBand::ALL
            .iter()
            .find(|a| a.code() == level)
            .map(|a| pick(a.label())),
        "sex" => Sex::ALL
            .iter()
            .find(|s| s.code() == level)
            .map(|s| pick(s.label())),
        "region" => REGIONS
            .iter()
            .find(|(code, _, _)| *code == level)
            .map(|(_, ko, en)| pick((ko, en))),
        _ => AiUse::ALL
            .iter()
            .find(|a| a.code() == level)
            .map(|a| pick(a.label())),
    }
    .unwrap_or_else(|| level.to_owned())
}

#[component]
pub(super) fn QuotaPanel(round: String) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let tick = RwSignal::new(0u32);
    let handle = set_interval_with_handle(
        move || {
            tick.try_update(|n| *n += 1);
        },
        std::time::Duration::from_millis(u64::from(REFRESH_MS)),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let for_read = round.clone();
    let quotas = LocalResource::new(move || {
        tick.track();
        operator.changed.track();
        let (token, round) = (operator.token.get_value(), for_read.clone());
        async move { api::admin::quotas(&token, &round).await }
    });
    let target = RwSignal::new(String::new());
    let margins = RwSignal::new(String::new());
    let saving = RwSignal::new(Saving::Idle);
    // The form shows what was saved, until the operator types over it.
    Effect::new(move || {
        if let Some(Ok(q)) = quotas.get() {
            if target.get_untracked().is_empty() && q.target > 0 {
                target.set(q.target.to_string());
            }
            if margins.get_untracked().is_empty() && !q.margins.is_empty() {
                let mut csv = String::from("dimension,level,share\n");
                for m in &q.margins {
                    csv.push_str(&format!("{},{},{}\n", m.dimension, m.level, m.share));
                }
                margins.set(csv);
            }
        }
    });
    let for_save = round.clone();
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = QuotaRequest {
            target: target.get_untracked().trim().parse().unwrap_or(0),
            margins: margins.get_untracked(),
        };
        let (token, round) = (operator.token.get_value(), for_save.clone());
        operator.save(move |s| saving.set(s), async move {
            api::admin::set_quotas(&token, &round, &request).await
        });
    };
    let (target_id, margins_id) = (
        format!("quota-target-{round}"),
        format!("quota-margins-{round}"),
    );
    view! {
        <div class="quotas" data-testid=format!("quotas-{round}")>
            <h5>{tr("할당(모집단 비율과 목표 인원)", "Quotas (population margins and target size)")}</h5>
            <form class="quota-form" on:submit=upload>
                <div class="invite-field">
                    <label for=target_id.clone()>{tr("평가단 목표 인원", "Panel target size")}</label>
                    <input id=target_id type="number" min="0" inputmode="numeric" data-testid="quota-target"
                        prop:value=move || target.get()
                        on:input=move |ev| target.set(event_target_value(&ev))/>
                </div>
                <div class="invite-field quota-margins">
                    <label for=margins_id.clone()>{tr(
                        "모집단 비율 CSV(dimension,level,share — 예: 주민등록 인구통계)",
                        "Population margins CSV (dimension,level,share — e.g. from resident registration statistics)",
                    )}</label>
                    <textarea id=margins_id rows="5" data-testid="quota-margins" spellcheck="false"
                        prop:value=move || margins.get()
                        on:input=move |ev| margins.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="btn btn-secondary" data-testid="quota-save"
                    disabled=move || saving.get() == Saving::Busy>
                    {tr("할당 저장", "Save quotas")}
                </button>
                <div class="form-status" role="status">
                    {move || saving.get().said(lang.get())}
                    {move || match saving.get() {
                        Saving::Failed(ApiError::Server { problems, .. }) if !problems.is_empty() => view! {
                            <ul class="form-problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || quotas.get().map(|result| match result {
                    Ok(q) => view! { <QuotaTables quotas=q/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn QuotaTables(quotas: Quotas) -> impl IntoView {
    let lang = use_lang();
    let (target, panelists, votes) = (quotas.target, quotas.panelists, quotas.votes);
    view! {
        <p data-testid="quota-summary">
            {move || lang.get().pick(
                format!("목표 {target}명 · 참여 {panelists}명 · 집계된 투표 {votes}표"),
                format!("Target {target} · {panelists} joined · {votes} counted votes"),
            )}
        </p>
        {quotas.dimensions.into_iter().map(|d| view! { <QuotaTable dimension=d/> }).collect_view()}
    }
}

#[component]
fn QuotaTable(dimension: QuotaDimension) -> impl IntoView {
    let lang = use_lang();
    let name = dimension.dimension.clone();
    let words = dimension_words(&name);
    let (unstated_p, unstated_v) = (dimension.unstated_panelists, dimension.unstated_votes);
    let without = dimension.without_margins;
    view! {
        <div class="table-scroll">
            <table class="data-table quota-table" data-testid=format!("quota-{name}")>
                <caption>
                    {move || lang.get().pick(words.0, words.1)}
                    {without.then(|| view! {
                        <span class="caption-note">{tr(" — 모집단 비율을 넣지 않음", " — no population margins given")}</span>
                    })}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("수준", "Level")}</th>
                        <th scope="col">{tr("인구 비율", "Share")}</th>
                        <th scope="col">{tr("목표", "Target")}</th>
                        <th scope="col">{tr("참여", "Joined")}</th>
                        <th scope="col">{tr("투표", "Votes")}</th>
                        <th scope="col">{tr("달성", "Filled")}</th>
                    </tr>
                </thead>
                <tbody>
                    {dimension.cells.into_iter().map(|c| {
                        let (dim, level) = (name.clone(), c.level.clone());
                        let filled = if c.target > 0.0 { (c.panelists as f64 / c.target * 100.0).round() } else { 0.0 };
                        view! {
                            <tr data-level=c.level.clone()>
                                <th scope="row">{move || level_words(&dim, &level, lang.get())}</th>
                                <td>{if without { "—".to_owned() } else { format!("{:.1}%", c.share * 100.0) }}</td>
                                <td>{if without { "—".to_owned() } else { format!("{:.1}", c.target) }}</td>
                                <td>{c.panelists}</td>
                                <td>{c.votes}</td>
                                <td>{if c.target > 0.0 { format!("{filled}%") } else { "—".to_owned() }}</td>
                            </tr>
                        }
                    }).collect_view()}
                    <tr>
                        <th scope="row">{tr("응답하지 않음", "Prefer not to say")}</th>
                        <td>"—"</td>
                        <td>"—"</td>
                        <td>{unstated_p}</td>
                        <td>{unstated_v}</td>
                        <td>"—"</td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}
