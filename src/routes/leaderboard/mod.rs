//! The leaderboard page: the server's table (rank, model, rating, 95% interval, votes), per
//! category; then the browser recomputes it from the published counts with the same arena-core
//! code and says whether it matches ("검증됨"), draws the intervals, and shows the win rates.
//! `?snapshot=ID` shows a published snapshot instead of the live table, verified the same way
//! from the counts frozen with it, with its battles to download.

use arena_core::api::{LeaderboardResponse, SnapshotResponse};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::ci_chart::CiChart;
use crate::components::excluded_votes::ExcludedVotes;
use crate::components::reason_table::ReasonTable;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

mod nav;
mod verification;

use nav::{CategoryNav, MethodNav, SnapshotNav, SnapshotNotice};
use verification::Verification;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let category = Memo::new(move |_| {
        query
            .read()
            .get("category")
            .filter(|c| !c.trim().is_empty())
    });
    let snapshot = Memo::new(move |_| {
        query
            .read()
            .get("snapshot")
            .filter(|s| !s.trim().is_empty())
    });
    // How the live table's intervals are computed, when the reader asked for another way.
    let method = Memo::new(move |_| Method::from_query(&query.read()));
    let data = LocalResource::new(move || {
        let category = category.get();
        let snapshot = snapshot.get();
        let method = method.get().query();
        async move {
            match snapshot {
                Some(id) => api::snapshot(&id, category.as_deref())
                    .await
                    .map(Shown::from),
                None => api::leaderboard(category.as_deref(), method.as_deref())
                    .await
                    .map(|table| Shown {
                        table,
                        snapshot: None,
                    }),
            }
        }
    });
    view! {
        <section class="leaderboard-page" aria-labelledby="leaderboard-heading">
            <h1 id="leaderboard-heading" class="page-title">{tr("리더보드", "Leaderboard")}</h1>
            <p class="lead">
                {tr(
                    "시민 투표를 브래들리–테리(Bradley–Terry) 모형으로 계산한 점수입니다. \
                     95% 신뢰구간이 겹치는 모델은 순위가 같을 수 있습니다.",
                    "Ratings computed from citizens' votes with the Bradley–Terry model. \
                     Models whose 95% intervals overlap may share a rank.",
                )}
            </p>
            {move || match data.get() {
                None => view! {
                    <div class="notice notice-info">
                        <span class="spinner" aria-hidden="true"></span>
                        {tr("순위를 불러오는 중입니다…", "Loading the rankings…")}
                    </div>
                }.into_any(),
                Some(Err(e)) => view! {
                    <div class="notice notice-danger">
                        <p>{move || e.user_message(lang.get())}</p>
                        <button type="button" class="btn btn-secondary" on:click=move |_| data.refetch()>
                            {tr("다시 시도", "Try again")}
                        </button>
                    </div>
                }.into_any(),
                Some(Ok(Shown { table, snapshot: frozen })) => view! {
                    <SnapshotNav current=snapshot.get_untracked()/>
                    {frozen.clone().map(|s| view! { <SnapshotNotice snapshot=s/> })}
                    <CategoryNav categories=table.categories.clone() current=category.get_untracked()
                        snapshot=snapshot.get_untracked() method=method.get_untracked()/>
                    {frozen.is_none().then(|| view! {
                        <MethodNav category=category.get_untracked() current=method.get_untracked() table=table.clone()/>
                    })}
                    <RatingTableView table=table.clone()/>
                    <Verification table=table snapshot=frozen/>
                }.into_any(),
            }}
        </section>
    }
}

/// What the page shows: the live table, or a snapshot's.
#[derive(Clone)]
struct Shown {
    table: LeaderboardResponse,
    snapshot: Option<Frozen>,
}

/// A snapshot shown: what it is, the counts frozen with its table, its downloads.
#[derive(Clone)]
struct Frozen {
    response: SnapshotResponse,
}

impl From<SnapshotResponse> for Shown {
    fn from(response: SnapshotResponse) -> Self {
        Shown {
            table: response.table.clone(),
            snapshot: Some(Frozen { response }),
        }
    }
}

/// What the line above the table says: scope, votes, models and when the table was computed.
#[derive(Clone)]
struct Summary {
    category: Option<String>,
    total_votes: u64,
    models: usize,
    computed_at_ms: i64,
}

impl Summary {
    fn of(table: &LeaderboardResponse) -> Self {
        Summary {
            category: table.category.clone(),
            total_votes: table.total_votes,
            models: table.models.len(),
            computed_at_ms: table.computed_at_ms,
        }
    }

    fn line(&self, lang: Lang) -> String {
        let scope = match &self.category {
            Some(c) => c.as_str(),
            None => lang.pick("전체", "All"),
        };
        let votes = format::count(self.total_votes);
        let models = self.models;
        let computed =
            (self.computed_at_ms > 0).then(|| format::date_time(self.computed_at_ms, lang));
        match lang {
            Lang::Ko => format!(
                "{scope} · 총 {votes}표 · 모델 {models}개{}",
                computed.map(|c| format!(" · {c} 기준")).unwrap_or_default()
            ),
            Lang::En => format!(
                "{scope} · {votes} {} · {models} {}{}",
                if self.total_votes == 1 {
                    "vote"
                } else {
                    "votes"
                },
                if models == 1 { "model" } else { "models" },
                computed
                    .map(|c| format!(" · as of {c}"))
                    .unwrap_or_default()
            ),
        }
    }
}

#[component]
fn RatingTableView(table: LeaderboardResponse) -> impl IntoView {
    let lang = use_lang();
    let summary = {
        let summary = Summary::of(&table);
        move || summary.line(lang.get())
    };
    let excluded = table.excluded.clone();
    if table.models.is_empty() {
        return view! {
            <p class="summary" data-testid="leaderboard-summary">{summary}</p>
            <ExcludedVotes excluded=excluded/>
            <div class="notice notice-info">
                <p>{tr("아직 투표가 없습니다. 첫 투표를 해 주세요!", "No votes yet. Be the first to vote!")}</p>
                <a class="btn btn-primary" href="/">{tr("대결하러 가기", "Go to the battle")}</a>
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
                        {m.provisional.then(|| view! {
                            <span
                                class="badge badge-provisional"
                                title=tr(
                                    "투표 수가 적어 점수가 크게 바뀔 수 있습니다",
                                    "Few votes so far: the rating may still change a lot",
                                )
                            >
                                {tr("잠정", "Provisional")}
                            </span>
                        })}
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
                <caption id="leaderboard-caption">
                    {tr("모델별 순위와 점수(95% 신뢰구간)", "Rank and rating of each model (95% interval)")}
                </caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">{tr("순위", "Rank")}</th>
                        <th scope="col">{tr("모델", "Model")}</th>
                        <th scope="col" class="num">{tr("점수", "Rating")}</th>
                        <th scope="col" class="num">{tr("95% 신뢰구간", "95% interval")}</th>
                        <th scope="col" class="num">{tr("투표 수", "Votes")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2 class="section-title">{tr("신뢰구간 그래프", "95% interval chart")}</h2>
        <CiChart models=table.models.clone()/>
        <ReasonTable models=table.models reasons=table.reasons/>
    }
    .into_any()
}

/// How a live table's intervals are computed: the server's way (bootstrap percentiles, all
/// battles alike) unless the reader asks for sandwich intervals or pair reweighting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Method {
    sandwich: bool,
    reweight: bool,
}

impl Method {
    fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        Method {
            sandwich: query.get("intervals").as_deref() == Some("sandwich"),
            reweight: query.get("reweight").as_deref() == Some("true"),
        }
    }

    /// The query parameters asking for this method (none for the default).
    fn query(self) -> Option<String> {
        let mut parts = Vec::new();
        if self.sandwich {
            parts.push("intervals=sandwich");
        }
        if self.reweight {
            parts.push("reweight=true");
        }
        (!parts.is_empty()).then(|| parts.join("&"))
    }

    /// The live leaderboard's address for `category` with this method.
    fn href(self, category: Option<&str>) -> String {
        let mut parts = Vec::new();
        if let Some(c) = category {
            parts.push(format!("category={}", js_sys::encode_uri_component(c)));
        }
        parts.extend(self.query());
        match parts.is_empty() {
            true => "/leaderboard".to_owned(),
            false => format!("/leaderboard?{}", parts.join("&")),
        }
    }
}
