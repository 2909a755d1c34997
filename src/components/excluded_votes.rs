//! Under the leaderboard's summary: how many stored votes the table leaves out, and why.
//!
//! The arena deletes no vote. A vote cast too fast, over a cap or as part of a campaign is kept
//! with its reason and only left out of the count; saying so in public, with the numbers, is what
//! lets anyone check that the table holds exactly the counted votes.

use arena_core::api::Excluded;
use leptos::prelude::*;

use crate::format;
use crate::i18n::{Lang, tr, use_lang};

/// The label of a reason code ([`arena_core::Flag`]) in `lang`; an unknown code as it is.
pub fn reason_label(code: &str, lang: Lang) -> &str {
    match code.parse::<arena_core::Flag>() {
        Ok(flag) => {
            let (ko, en) = flag.label();
            lang.pick(ko, en)
        }
        Err(_) => code,
    }
}

fn total_line(total: u64, lang: Lang) -> String {
    let total = format::count(total);
    lang.pick(
        format!("집계에서 제외된 투표 {total}건"),
        format!("Votes left out of the count: {total}"),
    )
}

fn reason_line(code: &str, n: u64, lang: Lang) -> String {
    let label = reason_label(code, lang);
    let n = format::count(n);
    lang.pick(format!("{label}: {n}건"), format!("{label}: {n}"))
}

/// Nothing when no vote was left out.
#[component]
pub fn ExcludedVotes(excluded: Excluded) -> impl IntoView {
    if excluded.total == 0 {
        return ().into_any();
    }
    let lang = use_lang();
    let total = excluded.total;
    let mut reasons: Vec<(String, u64)> = excluded
        .reasons
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    view! {
        <div class="excluded" data-testid="excluded-votes">
            <p class="excluded-total">{move || total_line(total, lang.get())}</p>
            <ul class="excluded-reasons">
                {reasons.into_iter().map(|(code, n)| {
                    let reason = code.clone();
                    view! { <li data-reason=code>{move || reason_line(&reason, n, lang.get())}</li> }
                }).collect_view()}
            </ul>
            <p class="excluded-note">
                {tr(
                    "제외된 투표도 삭제하지 않고 사유와 함께 보관합니다. \
                     공개된 순위와 집계에는 반영된 투표만 정확히 들어 있습니다.",
                    "Votes left out are not deleted: they are kept with their reason. \
                     The published ranking and counts hold exactly the counted votes.",
                )}
            </p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_named_in_both_languages() {
        assert_eq!(
            reason_label("too_fast", Lang::Ko),
            "너무 빨리 투표됨(읽는 시간 미달)"
        );
        assert_eq!(
            reason_label("too_fast", Lang::En),
            "Voted too fast (before the reading time)"
        );
        assert_eq!(reason_label("something_new", Lang::En), "something_new");
    }
}
