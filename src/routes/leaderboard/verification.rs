//! The table recomputed in this browser from the published counts, and compared.

use arena_core::api::{CountsResponse, LeaderboardResponse, SnapshotResponse};
use arena_core::rating::RatingTable;
use arena_core::verify::{Difference, verify};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Frozen;
use crate::api::{self, ApiError};
use crate::components::win_rate_heatmap::WinRateHeatmap;
use crate::i18n::{Lang, tr, use_lang};

#[derive(Clone, Debug)]
enum Check {
    Running,
    /// The counts belong to a newer table than the one shown.
    Stale,
    Failed(ApiError),
    Done {
        local: RatingTable,
        differences: Vec<Difference>,
    },
}

/// Recomputes the table in this browser from the published counts (a snapshot's: frozen with it)
/// and compares.
#[component]
pub(super) fn Verification(table: LeaderboardResponse, snapshot: Option<Frozen>) -> impl IntoView {
    let lang = use_lang();
    let check = RwSignal::new(Check::Running);
    let published = table.clone();
    let raw_href = match &snapshot {
        Some(s) => snapshot_href(&s.response),
        None => counts_href(&table),
    };
    let frozen_counts: Option<CountsResponse> = snapshot.map(|s| s.response.counts);
    spawn_local(async move {
        let counts = match frozen_counts {
            Some(counts) => Ok(counts),
            None => api::leaderboard_counts(published.category.as_deref()).await,
        };
        let outcome = match counts {
            Err(e) => Check::Failed(e),
            Ok(counts) if counts.computed_at_ms != published.computed_at_ms => Check::Stale,
            Ok(counts) => {
                let (local, differences) = verify(&published, &counts.counts);
                Check::Done { local, differences }
            }
        };
        // The page may be gone by now; `try_set` does nothing then.
        check.try_set(outcome);
    });
    let names: Vec<(String, String)> = table
        .models
        .iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    let name_of = move |id: &str| {
        names
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    view! {
        <section class="verify" aria-labelledby="verify-heading">
            <h2 id="verify-heading" class="section-title">{tr("직접 검증하기", "Check it yourself")}</h2>
            <p>
                {tr("이 브라우저가 공개된 투표 집계(", "This browser downloads the published vote counts (")}
                <a href=raw_href>{tr("원자료", "raw data")}</a>
                {tr(
                    ")를 내려받아 서버와 같은 코드로 순위를 다시 계산해 비교합니다.",
                    "), recomputes the ranking with the same code as the server, and compares the two.",
                )}
            </p>
            <div role="status" data-testid="verification">
                {move || match check.get() {
                    Check::Running => view! {
                        <p class="notice notice-info">
                            <span class="spinner" aria-hidden="true"></span>
                            {tr("다시 계산하는 중입니다…", "Recomputing…")}
                        </p>
                    }.into_any(),
                    Check::Stale => view! {
                        <p class="notice notice-info">
                            {tr(
                                "그사이 새 투표가 반영되었습니다. 새로고침한 뒤 다시 검증해 주세요.",
                                "New votes have been counted in the meantime. Please reload the page and check again.",
                            )}
                        </p>
                    }.into_any(),
                    Check::Failed(error) => view! {
                        <p class="notice notice-danger">{move || error.user_message(lang.get())}</p>
                    }.into_any(),
                    Check::Done { differences, .. } if differences.is_empty() => view! {
                        <p class="notice notice-success">
                            <strong>{tr("검증됨", "Verified")}</strong>
                            {tr(
                                " — 공개 집계로 다시 계산한 결과가 서버의 순위표와 정확히 일치합니다.",
                                " — the ranking recomputed from the published counts matches the server's table exactly.",
                            )}
                        </p>
                    }.into_any(),
                    Check::Done { differences, .. } => view! {
                        <div class="notice notice-danger">
                            <p>
                                <strong>{tr("불일치", "Mismatch")}</strong>
                                {tr(
                                    " — 다시 계산한 결과가 서버의 순위표와 다릅니다:",
                                    " — the recomputed ranking differs from the server's table:",
                                )}
                            </p>
                            <ul>
                                {differences.into_iter().map(|d| view! {
                                    <li>{move || describe(&d, lang.get())}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                }}
            </div>
            {move || match check.get() {
                Check::Done { local, .. } if local.models.len() > 1 => {
                    let names: Vec<String> = local.models.iter().map(|m| name_of(&m.id)).collect();
                    view! {
                        <h2 class="section-title">{tr("모델 간 승률", "Win rates between models")}</h2>
                        <WinRateHeatmap names=names win_rate=local.win_rate battle_count=local.battle_count/>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}

/// The snapshot's own address (its table and counts), for this category.
fn snapshot_href(r: &SnapshotResponse) -> String {
    let base = format!(
        "/api/v1/snapshots/{}",
        js_sys::encode_uri_component(&r.summary.id)
    );
    match &r.table.category {
        Some(c) => format!("{base}?category={}", js_sys::encode_uri_component(c)),
        None => base,
    }
}

fn counts_href(table: &LeaderboardResponse) -> String {
    match &table.category {
        Some(c) => format!(
            "/api/v1/leaderboard/counts?category={}",
            js_sys::encode_uri_component(c)
        ),
        None => "/api/v1/leaderboard/counts".into(),
    }
}

fn describe(d: &Difference, lang: Lang) -> String {
    let what = match d.field {
        "total_votes" => lang.pick("총 투표 수", "total votes"),
        "models" => lang.pick("모델 수", "number of models"),
        "order" => lang.pick("순서", "order"),
        "rating" => lang.pick("점수", "rating"),
        "ci_low" => lang.pick("신뢰구간 하한", "lower end of the interval"),
        "ci_high" => lang.pick("신뢰구간 상한", "upper end of the interval"),
        "votes" => lang.pick("투표 수", "votes"),
        "rank" => lang.pick("순위", "rank"),
        "provisional" => lang.pick("잠정 표시", "provisional mark"),
        other => other,
    };
    let (server, again) = (&d.published, &d.recomputed);
    match (&d.model, lang) {
        (Some(m), Lang::Ko) => format!("{m}의 {what}: 서버 {server} / 다시 계산 {again}"),
        (Some(m), Lang::En) => format!("{m}, {what}: server {server} / recomputed {again}"),
        (None, Lang::Ko) => format!("{what}: 서버 {server} / 다시 계산 {again}"),
        (None, Lang::En) => {
            let mut what = what.to_owned();
            if let Some(first) = what.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            format!("{what}: server {server} / recomputed {again}")
        }
    }
}
