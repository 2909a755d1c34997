//! The leaderboard page: the server's table (rank, model, rating, 95% interval, votes), per
//! category; then the browser recomputes it from the published counts with the same arena-core
//! code and says whether it matches ("검증됨"), draws the intervals, and shows the win rates.
//! `?snapshot=ID` shows a published snapshot instead of the live table, verified the same way
//! from the counts frozen with it, with its battles to download.

use arena_core::api::{CountsResponse, LeaderboardResponse, SnapshotResponse, SnapshotSummary};
use arena_core::rating::RatingTable;
use arena_core::verify::{Difference, verify};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError};
use crate::components::ci_chart::CiChart;
use crate::components::excluded_votes::ExcludedVotes;
use crate::components::reason_table::ReasonTable;
use crate::components::win_rate_heatmap::WinRateHeatmap;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

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

/// The live table and every published snapshot, as links; nothing when none is published.
#[component]
fn SnapshotNav(current: Option<String>) -> impl IntoView {
    let list = LocalResource::new(api::snapshots);
    let lang = use_lang();
    move || {
        let Some(Ok(list)) = list.get() else {
            return ().into_any();
        };
        if list.is_empty() {
            return ().into_any();
        }
        let live = chip(
            tr("실시간", "Live"),
            "/leaderboard".into(),
            current.is_none(),
        );
        let each = list
            .into_iter()
            .map(|s: SnapshotSummary| {
                let href = format!(
                    "/leaderboard?snapshot={}",
                    js_sys::encode_uri_component(&s.id)
                );
                let active = current.as_deref() == Some(s.id.as_str());
                let label = format!(
                    "{} ({})",
                    s.title,
                    format::date(s.published_at_ms, lang.get())
                );
                chip(label, href, active)
            })
            .collect_view();
        view! {
            <nav aria-label=tr("실시간 순위와 발행된 스냅샷", "Live ranking and published snapshots")
                class="category-nav" data-testid="snapshot-nav">
                <ul class="chip-list">{live}{each}</ul>
            </nav>
        }
        .into_any()
    }
}

/// Says the table is a published snapshot that will not change, and offers its battles.
#[component]
fn SnapshotNotice(snapshot: Frozen) -> impl IntoView {
    let lang = use_lang();
    let r = snapshot.response;
    let published = r.summary.published_at_ms;
    let title = r.summary.title.clone();
    view! {
        <div class="notice notice-info snapshot-notice" data-testid="snapshot-notice">
            <p>
                <strong>{tr("발행된 스냅샷: ", "Published snapshot: ")}{title}</strong>
                {move || lang.get().pick(
                    format!(" — {} 발행. 발행한 뒤로 바뀌지 않는 고정된 결과입니다.", format::date_time(published, Lang::Ko)),
                    format!(" — published {}. A frozen result: it never changes.", format::date_time(published, Lang::En)),
                )}
            </p>
            <p class="snapshot-downloads">
                {tr("투표 원자료 내려받기: ", "Download the battles: ")}
                <a href=r.battles_jsonl.clone() download="" data-testid="download-jsonl">"JSON Lines"</a>
                " · "
                <a href=r.battles_csv.clone() download="" data-testid="download-csv">"CSV"</a>
                {tr(" — 이용 조건: ", " — licence: ")}
                <a href=r.licence.url.clone() target="_blank" rel="noopener noreferrer">
                    {move || lang.get().pick(r.licence.name_ko.clone(), r.licence.name_en.clone())}
                </a>
            </p>
            <p class="snapshot-hash">
                {tr("JSON Lines 파일의 SHA-256: ", "SHA-256 of the JSON Lines file: ")}
                <code>{r.summary.battles_sha256.clone()}</code>
            </p>
        </div>
    }
}

fn chip(label: impl IntoView + 'static, href: String, active: bool) -> impl IntoView {
    view! {
        <li>
            <a href=href class="chip" aria-current=active.then_some("page")>{label}</a>
        </li>
    }
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

/// Choose how the intervals are computed; every choice is verified in this browser like the rest.
#[component]
fn MethodNav(
    category: Option<String>,
    current: Method,
    table: LeaderboardResponse,
) -> impl IntoView {
    let cat = category.as_deref();
    let with = |m: Method| m.href(cat);
    let method_chips = [
        (
            tr("부트스트랩", "Bootstrap"),
            Method {
                sandwich: false,
                ..current
            },
        ),
        (
            tr("샌드위치", "Sandwich"),
            Method {
                sandwich: true,
                ..current
            },
        ),
    ]
    .into_iter()
    .map(|(label, m)| chip(label, with(m), m == current))
    .collect_view();
    let weight_chips = [
        (
            tr("모든 투표 같게", "Every vote alike"),
            Method {
                reweight: false,
                ..current
            },
        ),
        (
            tr("쌍마다 같게", "Every pair alike"),
            Method {
                reweight: true,
                ..current
            },
        ),
    ]
    .into_iter()
    .map(|(label, m)| chip(label, with(m), m == current))
    .collect_view();
    let prior = table.prior_used;
    view! {
        <div class="method-nav" data-testid="method-nav">
            <nav aria-label=tr("신뢰구간 계산 방식", "How the intervals are computed") class="category-nav">
                <span class="method-label" aria-hidden="true">{tr("신뢰구간", "Intervals")}</span>
                <ul class="chip-list">{method_chips}</ul>
            </nav>
            <nav aria-label=tr("쌍 재가중", "Pair reweighting") class="category-nav">
                <span class="method-label" aria-hidden="true">{tr("가중치", "Weights")}</span>
                <ul class="chip-list">{weight_chips}</ul>
            </nav>
            <p class="method-note">
                {if current.sandwich {
                    tr(
                        "샌드위치: 한 번의 적합에서 구한 강건(샌드위치) 표준오차의 ±1.96배입니다. 공개 아레나 평가 라이브러리의 기본값입니다.",
                        "Sandwich: ±1.96 robust (sandwich) standard errors from one fit, the default of the public arena's rating library.",
                    )
                } else {
                    tr(
                        "부트스트랩: 투표를 다시 뽑아 1,000번 다시 계산한 값의 2.5–97.5% 구간입니다.",
                        "Bootstrap: the 2.5–97.5% range of 1,000 refits to resampled votes.",
                    )
                }}
                " "
                {current.reweight.then(|| tr(
                    "쌍마다 같게: 자주 뽑힌 모델 쌍의 투표가 순위를 좌우하지 않도록 쌍마다 무게를 맞춥니다.",
                    "Every pair alike: votes are weighed so that often-drawn pairs of models do not dominate.",
                ))}
                " "
                {prior.then(|| tr(
                    "한 번도 지지 않았거나 한 번도 이기지 않은 모델, 또는 서로 만난 적 없는 모델 묶음이 있어 모든 모델에 가상의 무승부 1회를 더해 계산했습니다.",
                    "A model has never lost (or never won), or some groups of models never met, so every model was credited with one virtual draw.",
                ))}
            </p>
        </div>
    }
}

#[component]
fn CategoryNav(
    categories: Vec<String>,
    current: Option<String>,
    snapshot: Option<String>,
    method: Method,
) -> impl IntoView {
    if categories.is_empty() {
        return ().into_any();
    }
    let base = match &snapshot {
        Some(id) => format!("/leaderboard?snapshot={}", js_sys::encode_uri_component(id)),
        None => "/leaderboard".to_owned(),
    };
    let join = if snapshot.is_some() { '&' } else { '?' };
    let all = match &snapshot {
        Some(_) => chip(tr("전체", "All"), base.clone(), current.is_none()).into_any(),
        None => chip(tr("전체", "All"), method.href(None), current.is_none()).into_any(),
    };
    let each = categories
        .into_iter()
        .map(|c| {
            let href = match &snapshot {
                Some(_) => format!("{base}{join}category={}", js_sys::encode_uri_component(&c)),
                None => method.href(Some(&c)),
            };
            let active = current.as_deref() == Some(c.as_str());
            chip(c, href, active)
        })
        .collect_view();
    view! {
        <nav aria-label=tr("분야별 순위", "Rankings by category") class="category-nav">
            <ul class="chip-list">{all}{each}</ul>
        </nav>
    }
    .into_any()
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
fn Verification(table: LeaderboardResponse, snapshot: Option<Frozen>) -> impl IntoView {
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
