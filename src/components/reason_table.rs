//! On the leaderboard: per model, how often citizens gave each reason for it (when they chose
//! it, or both in a tie), from counted votes only.

use std::collections::BTreeMap;

use arena_core::api::LeaderboardRow;
use arena_core::reason::Reason;
use leptos::prelude::*;

use crate::components::reason_picker::reason_label;
use crate::format;
use crate::i18n::{tr, use_lang};

/// Nothing when no reason was given yet.
#[component]
pub fn ReasonTable(
    models: Vec<LeaderboardRow>,
    reasons: BTreeMap<String, BTreeMap<String, u64>>,
) -> impl IntoView {
    if reasons.is_empty() {
        return ().into_any();
    }
    let lang = use_lang();
    let rows = models
        .into_iter()
        .map(|m| {
            let given = reasons.get(&m.id).cloned().unwrap_or_default();
            view! {
                <tr>
                    <th scope="row" class="model-cell">{m.name}</th>
                    {Reason::ALL.into_iter().map(|r| {
                        let n = given.get(r.code()).copied().unwrap_or(0);
                        view! { <td class="num" data-reason=r.code()>{format::count(n)}</td> }
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="section-title" id="reasons-heading">{tr("선택 이유", "Why citizens chose each model")}</h2>
        <p class="summary">{tr(
            "투표한 뒤 시민이 고른 이유(선택 사항)를, 그 답변을 고른 투표(비김은 양쪽)에서 모델별로 센 것입니다.",
            "The optional reasons citizens gave after voting, counted per model for the votes that chose it (both, in a tie).",
        )}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="reasons-caption">
            <table class="data-table" data-testid="reasons-table">
                <caption id="reasons-caption">{tr("모델별 선택 이유(횟수)", "Reasons per model (times given)")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("모델", "Model")}</th>
                        {Reason::ALL.into_iter().map(|r| view! {
                            <th scope="col" class="num">{move || reason_label(r, lang.get())}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
