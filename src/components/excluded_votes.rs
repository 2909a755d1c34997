//! Under the leaderboard's summary: how many stored votes the table leaves out, and why.
//!
//! The arena deletes no vote. A vote cast too fast, over a cap or as part of a campaign is kept
//! with its reason and only left out of the count; saying so in public, with the numbers, is what
//! lets anyone check that the table holds exactly the counted votes.

use arena_core::api::Excluded;
use leptos::prelude::*;

use crate::format;

/// The Korean label of a reason code (the server's `trust::flag`); an unknown code as it is.
pub fn reason_label(code: &str) -> &str {
    match code {
        "too_fast" => "너무 빨리 투표됨(읽는 시간 미달)",
        "voter_mismatch" => "다른 투표자에게 배정된 대결",
        "voter_daily_cap" => "투표자 하루 한도 초과",
        "address_daily_cap" => "같은 네트워크의 하루 한도 초과",
        "one_sided" => "한 모델에 치우친 투표",
        "campaign" => "새 투표자들의 집단 몰아주기",
        "new_voter_burst" => "한 네트워크에서 새 투표자 급증",
        other => other,
    }
}

fn total_line(total: u64) -> String {
    format!("집계에서 제외된 투표 {}건", format::count(total))
}

fn reason_line(code: &str, n: u64) -> String {
    format!("{}: {}건", reason_label(code), format::count(n))
}

const KEPT_NOT_DELETED: &str = "제외된 투표도 삭제하지 않고 사유와 함께 보관합니다. \
     공개된 순위와 집계에는 반영된 투표만 정확히 들어 있습니다.";

/// Nothing when no vote was left out.
#[component]
pub fn ExcludedVotes(excluded: Excluded) -> impl IntoView {
    if excluded.total == 0 {
        return ().into_any();
    }
    let mut reasons: Vec<(String, u64)> = excluded
        .reasons
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    view! {
        <div class="excluded" data-testid="excluded-votes">
            <p class="excluded-total">{total_line(excluded.total)}</p>
            <ul class="excluded-reasons">
                {reasons.into_iter().map(|(code, n)| view! {
                    <li data-reason=code.clone()>{reason_line(&code, n)}</li>
                }).collect_view()}
            </ul>
            <p class="excluded-note">{KEPT_NOT_DELETED}</p>
        </div>
    }
    .into_any()
}
