//! The leaderboard page: rank, model, rating, 95% interval and votes, as the server computed it.

use arena_core::api::LeaderboardResponse;
use leptos::prelude::*;

use crate::api;
use crate::format;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let data = LocalResource::new(|| api::leaderboard(None));
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
                Some(Ok(table)) => view! { <RatingTableView table=table/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RatingTableView(table: LeaderboardResponse) -> impl IntoView {
    let computed = (table.computed_at_ms > 0).then(|| format::date_time(table.computed_at_ms));
    let summary = format!(
        "총 {}표 · 모델 {}개{}",
        format::count(table.total_votes),
        table.models.len(),
        computed.map(|c| format!(" · {c} 기준")).unwrap_or_default()
    );
    if table.models.is_empty() {
        return view! {
            <p class="summary" data-testid="leaderboard-summary">{summary}</p>
            <div class="notice notice-info">
                <p>"아직 투표가 없습니다. 첫 투표를 해 주세요!"</p>
                <a class="btn btn-primary" href="/">"대결하러 가기"</a>
            </div>
        }
        .into_any();
    }
    let rows = table
        .models
        .into_iter()
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
    }
    .into_any()
}
