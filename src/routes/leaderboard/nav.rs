//! The leaderboard's navigation: published snapshots, interval methods, categories.

use arena_core::api::{LeaderboardResponse, SnapshotSummary};
use leptos::prelude::*;

use super::{Frozen, Method};
use crate::api;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

/// The live table and every published snapshot, as links; nothing when none is published.
#[component]
pub(super) fn SnapshotNav(current: Option<String>) -> impl IntoView {
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
pub(super) fn SnapshotNotice(snapshot: Frozen) -> impl IntoView {
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

/// Choose how the intervals are computed; every choice is verified in this browser like the rest.
#[component]
pub(super) fn MethodNav(
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
pub(super) fn CategoryNav(
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
