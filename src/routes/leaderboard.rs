//! The leaderboard page: the server's table (rank, model, rating, 95% interval, votes), per
//! category; then the browser recomputes it from the published counts with the same arena-core
//! code and says whether it matches ("검증됨"), draws the intervals, and shows the win rates.

use arena_core::api::LeaderboardResponse;
use arena_core::rating::RatingTable;
use arena_core::verify::{Difference, verify};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::ci_chart::CiChart;
use crate::components::excluded_votes::ExcludedVotes;
use crate::components::win_rate_heatmap::WinRateHeatmap;
use crate::format;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let query = use_query_map();
    let category = Memo::new(move |_| {
        query
            .read()
            .get("category")
            .filter(|c| !c.trim().is_empty())
    });
    let data = LocalResource::new(move || {
        let category = category.get();
        async move { api::leaderboard(category.as_deref()).await }
    });
    view! {
        <section class="leaderboard-page" aria-labelledby="leaderboard-heading">
            <h1 id="leaderboard-heading" class="page-title">"리더보드"</h1>
            <p class="lead">
                "시민 투표를 브래들리–테리(Bradley–Terry) 모형으로 계산한 점수입니다. "
                "95% 신뢰구간이 겹치는 모델은 순위가 같을 수 있습니다."
            </p>
            {move || match data.get() {
                None => view! {
                    <div class="notice notice-info"><span class="spinner" aria-hidden="true"></span>"순위를 불러오는 중입니다…"</div>
                }.into_any(),
                Some(Err(e)) => view! {
                    <div class="notice notice-danger">
                        <p>{e.user_message()}</p>
                        <button type="button" class="btn btn-secondary" on:click=move |_| data.refetch()>"다시 시도"</button>
                    </div>
                }.into_any(),
                Some(Ok(table)) => view! {
                    <CategoryNav categories=table.categories.clone() current=category.get_untracked()/>
                    <RatingTableView table=table.clone()/>
                    <Verification table=table/>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CategoryNav(categories: Vec<String>, current: Option<String>) -> impl IntoView {
    if categories.is_empty() {
        return ().into_any();
    }
    let link = |label: String, href: String, active: bool| {
        view! {
            <li>
                <a href=href class="chip" aria-current=active.then_some("page")>{label}</a>
            </li>
        }
    };
    let all = link("전체".into(), "/leaderboard".into(), current.is_none());
    let each = categories
        .into_iter()
        .map(|c| {
            let href = format!("/leaderboard?category={}", js_sys::encode_uri_component(&c));
            let active = current.as_deref() == Some(c.as_str());
            link(c, href, active)
        })
        .collect_view();
    view! {
        <nav aria-label="분야별 순위" class="category-nav">
            <ul class="chip-list">{all}{each}</ul>
        </nav>
    }
    .into_any()
}

#[component]
fn RatingTableView(table: LeaderboardResponse) -> impl IntoView {
    let computed = (table.computed_at_ms > 0).then(|| format::date_time(table.computed_at_ms));
    let scope = table.category.clone().unwrap_or_else(|| "전체".into());
    let summary = format!(
        "{scope} · 총 {}표 · 모델 {}개{}",
        format::count(table.total_votes),
        table.models.len(),
        computed.map(|c| format!(" · {c} 기준")).unwrap_or_default()
    );
    let excluded = table.excluded.clone();
    if table.models.is_empty() {
        return view! {
            <p class="summary" data-testid="leaderboard-summary">{summary}</p>
            <ExcludedVotes excluded=excluded/>
            <div class="notice notice-info">
                <p>"아직 투표가 없습니다. 첫 투표를 해 주세요!"</p>
                <a class="btn btn-primary" href="/">"대결하러 가기"</a>
            </div>
        }
        .into_any();
    }
    let rows = table
        .models
        .iter()
        .cloned()
        .map(|m| {
            view! {
                <tr>
                    <td class="num">{m.rank}</td>
                    <th scope="row" class="model-cell">
                        {m.name}
                        {m.provisional.then(|| view! { <span class="badge badge-provisional" title="투표 수가 적어 점수가 크게 바뀔 수 있습니다">"잠정"</span> })}
                    </th>
                    <td class="num">{format::rating(m.rating)}</td>
                    <td class="num ci">
                        {format!("{} ~ {}", format::rating(m.ci_low), format::rating(m.ci_high))}
                        <span class="ci-delta" aria-hidden="true">
                            {format!(" (+{:.0}/−{:.0})", (m.ci_high - m.rating).max(0.0), (m.rating - m.ci_low).max(0.0))}
                        </span>
                    </td>
                    <td class="num">{format::count(m.votes)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="summary" data-testid="leaderboard-summary">{summary}</p>
        <ExcludedVotes excluded=excluded/>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="leaderboard-caption">
            <table class="data-table" data-testid="leaderboard-table">
                <caption id="leaderboard-caption">"모델별 순위와 점수(95% 신뢰구간)"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">"순위"</th>
                        <th scope="col">"모델"</th>
                        <th scope="col" class="num">"점수"</th>
                        <th scope="col" class="num">"95% 신뢰구간"</th>
                        <th scope="col" class="num">"투표 수"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2 class="section-title">"신뢰구간 그래프"</h2>
        <CiChart models=table.models/>
    }
    .into_any()
}

#[derive(Clone, Debug)]
enum Check {
    Running,
    /// The counts belong to a newer table than the one shown.
    Stale,
    Failed(String),
    Done {
        local: RatingTable,
        differences: Vec<Difference>,
    },
}

/// Recomputes the table in this browser from the published counts and compares.
#[component]
fn Verification(table: LeaderboardResponse) -> impl IntoView {
    let check = RwSignal::new(Check::Running);
    let published = table.clone();
    spawn_local(async move {
        let outcome = match api::leaderboard_counts(published.category.as_deref()).await {
            Err(e) => Check::Failed(e.user_message()),
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
            <h2 id="verify-heading" class="section-title">"직접 검증하기"</h2>
            <p>
                "이 브라우저가 공개된 투표 집계("<a href=counts_href(&table)>"원자료"</a>")를 내려받아 "
                "서버와 같은 코드로 순위를 다시 계산해 비교합니다."
            </p>
            <div role="status" data-testid="verification">
                {move || match check.get() {
                    Check::Running => view! {
                        <p class="notice notice-info"><span class="spinner" aria-hidden="true"></span>"다시 계산하는 중입니다…"</p>
                    }.into_any(),
                    Check::Stale => view! {
                        <p class="notice notice-info">"그사이 새 투표가 반영되었습니다. 새로고침한 뒤 다시 검증해 주세요."</p>
                    }.into_any(),
                    Check::Failed(message) => view! { <p class="notice notice-danger">{message}</p> }.into_any(),
                    Check::Done { differences, .. } if differences.is_empty() => view! {
                        <p class="notice notice-success"><strong>"검증됨"</strong>" — 공개 집계로 다시 계산한 결과가 서버의 순위표와 정확히 일치합니다."</p>
                    }.into_any(),
                    Check::Done { differences, .. } => view! {
                        <div class="notice notice-danger">
                            <p><strong>"불일치"</strong>" — 다시 계산한 결과가 서버의 순위표와 다릅니다:"</p>
                            <ul>{differences.into_iter().map(|d| view! { <li>{describe(&d)}</li> }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                }}
            </div>
            {move || match check.get() {
                Check::Done { local, .. } if local.models.len() > 1 => {
                    let names: Vec<String> = local.models.iter().map(|m| name_of(&m.id)).collect();
                    view! {
                        <h2 class="section-title">"모델 간 승률"</h2>
                        <WinRateHeatmap names=names win_rate=local.win_rate battle_count=local.battle_count/>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
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

fn describe(d: &Difference) -> String {
    let what = match d.field {
        "total_votes" => "총 투표 수",
        "models" => "모델 수",
        "order" => "순서",
        "rating" => "점수",
        "ci_low" => "신뢰구간 하한",
        "ci_high" => "신뢰구간 상한",
        "votes" => "투표 수",
        "rank" => "순위",
        "provisional" => "잠정 표시",
        other => other,
    };
    match &d.model {
        Some(m) => format!(
            "{m}의 {what}: 서버 {} / 다시 계산 {}",
            d.published, d.recomputed
        ),
        None => format!("{what}: 서버 {} / 다시 계산 {}", d.published, d.recomputed),
    }
}
