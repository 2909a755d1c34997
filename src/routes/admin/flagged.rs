//! Votes the abuse audit left out: review a voter's flagged votes and count them after all.

use leptos::prelude::*;

use super::{Saving, listing, message, use_operator};
use crate::api::{self};
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

/// An audit flag's label and what it means ([`arena_core::Flag`]), for the operator deciding
/// on it; an unknown code as it is.
fn flag_reason(reason: &str, lang: Lang) -> (String, String) {
    match reason.parse::<arena_core::Flag>() {
        Ok(flag) => {
            let ((ko, en), (meaning_ko, meaning_en)) = (flag.label(), flag.meaning());
            (
                lang.pick(ko, en).to_owned(),
                lang.pick(meaning_ko, meaning_en).to_owned(),
            )
        }
        Err(_) => (reason.to_owned(), String::new()),
    }
}

#[component]
pub(super) fn FlaggedSection() -> impl IntoView {
    let lang = use_lang();
    let list = use_operator().list(|token| async move { api::admin::flagged(&token).await });
    view! {
        <section id="admin-flagged" class="admin-section" aria-labelledby="admin-flagged-heading">
            <h2 id="admin-flagged-heading">{tr("집계에서 뺀 투표", "Votes left out")}</h2>
            <p class="muted">{tr(
                "부정 투표 점검이 순위 계산에서 뺀 투표자입니다(투표는 지우지 않고 보관). 살펴보고 정상이라면 집계에 넣을 수 있고, 그러면 점검이 같은 이유로 다시 빼지 않습니다. 결정은 감사 기록에 남습니다.",
                "Voters the abuse audit left out of the ratings (their votes are kept, not deleted). If a review finds them genuine, count them; the audit will not leave them out again for that reason. Each decision is logged.",
            )}</p>
            {listing(list, ("검토할 투표자가 없습니다.", "No voter to review."), move |flagged| view! {
                        <dl class="flag-legend">
                            {arena_core::Flag::REVIEWABLE.iter().map(|f| {
                                let r = f.code();
                                view! {
                                    <div>
                                        <dt>{move || flag_reason(r, lang.get()).0}</dt>
                                        <dd>{move || flag_reason(r, lang.get()).1}</dd>
                                    </div>
                                }
                            }).collect_view()}
                        </dl>
                        <div class="table-scroll">
                            <table class="data-table flagged-table" data-testid="flagged-voters">
                                <caption class="visually-hidden">{tr("집계에서 뺀 투표자", "Voters left out")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("투표자", "Voter")}</th>
                                        <th scope="col">{tr("이유", "Reason")}</th>
                                        <th scope="col">{tr("투표", "Votes")}</th>
                                        <th scope="col">{tr("기간", "When")}</th>
                                        <th scope="col">{tr("고른 모델", "Models chosen")}</th>
                                        <th scope="col">{tr("결정", "Decision")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {flagged.into_iter().map(|f| view! { <FlaggedRow flagged=f/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })}
        </section>
    }
}

#[component]
fn FlaggedRow(flagged: arena_core::admin::FlaggedVoter) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let saving = RwSignal::new(Saving::Idle);
    let counted = flagged.counted;
    let (voter, reason) = (
        StoredValue::new(flagged.voter.clone()),
        StoredValue::new(flagged.reason.clone()),
    );
    let toggle = move |_| {
        let (token, voter, reason) = (
            operator.token.get_value(),
            voter.get_value(),
            reason.get_value(),
        );
        operator.save(
            move |s| {
                saving.try_set(s);
            },
            async move { api::admin::review_flag(&token, &voter, &reason, !counted).await },
        );
    };
    let short: String = flagged.voter.chars().take(10).collect();
    let reason_code = flagged.reason.clone();
    let (first, last) = (flagged.first_ms, flagged.last_ms);
    let chosen = flagged
        .chosen
        .iter()
        .take(3)
        .map(|t| format!("{} ×{}", t.model, t.count))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-testid=format!("flagged-{}-{}", flagged.voter, flagged.reason)>
            <td><code title=flagged.voter.clone()>{short}"…"</code></td>
            <td>{move || flag_reason(&reason_code, lang.get()).0}</td>
            <td class="num">{flagged.votes}</td>
            <td>{move || match (first, last) {
                (0, _) => String::new(),
                (f, l) if l - f < 60_000 => format::date_time(f, lang.get()),
                (f, l) => format!("{} – {}", format::date_time(f, lang.get()), format::date_time(l, lang.get())),
            }}</td>
            <td>{chosen}</td>
            <td>
                <strong>{if counted { tr("집계에 넣음", "Counted") } else { tr("집계에서 뺌", "Left out") }}</strong>
                " "
                <button type="button" class="btn btn-secondary" on:click=toggle
                    disabled=move || saving.get() == Saving::Busy>
                    {if counted { tr("다시 빼기", "Leave out again") } else { tr("살펴보았고 집계에 넣기", "Reviewed: count them") }}
                </button>
                <span class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </span>
            </td>
        </tr>
    }
}
