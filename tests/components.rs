//! Browser tests of the web app's components, run in headless Chromium by
//! `cargo test -p kai-arena --target wasm32-unknown-unknown` (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::api::ModelRef;
use kai_arena::components::answer_card::{AnswerCard, Side};
use kai_arena::components::vote_bar::VoteBar;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn find(root: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

#[wasm_bindgen_test]
async fn answer_card_renders_markdown_and_shows_raw_html_as_text() {
    let root = container();
    let markdown = "**굵게** 쓴 답\n\n| 항목 | 값 |\n|---|---|\n| 가 | 1 |\n\n<script>window.__ran = 1</script>\n\n[링크](javascript:alert(1))".to_string();
    mount_to(root.clone(), move || {
        view! { <AnswerCard side=Side::A markdown=markdown model=Signal::stored(None::<ModelRef>) chosen=Signal::stored(false)/> }
    })
    .forget();

    let body = find(&root, "[data-testid=answer-a]").unwrap();
    assert_eq!(
        body.query_selector("strong")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "굵게"
    );
    assert!(body.query_selector("table").unwrap().is_some());
    assert!(body.query_selector("script").unwrap().is_none());
    assert!(body.query_selector("a").unwrap().is_none());
    assert!(
        body.text_content()
            .unwrap()
            .contains("<script>window.__ran = 1</script>")
    );
    assert!(
        find(&root, "[data-testid=model-a]").is_none(),
        "anonymous before the vote"
    );
}

#[wasm_bindgen_test]
async fn answer_card_reveals_its_model_when_told() {
    let root = container();
    let model = RwSignal::new(None::<ModelRef>);
    mount_to(root.clone(), move || {
        view! { <AnswerCard side=Side::B markdown="답".to_string() model=model chosen=Signal::stored(true)/> }
    })
    .forget();
    assert!(find(&root, "[data-testid=model-b]").is_none());
    model.set(Some(ModelRef {
        id: "m".into(),
        name: "하늘 (샘플)".into(),
    }));
    leptos::task::tick().await;
    let name = find(&root, "[data-testid=model-b]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(name.ends_with("하늘 (샘플)"), "{name}");
    assert!(find(&root, ".answer-card.chosen").is_some());
}

#[wasm_bindgen_test]
async fn vote_bar_reports_the_pressed_choice_and_respects_disabled() {
    let root = container();
    let votes = RwSignal::new(Vec::<Choice>::new());
    let disabled = RwSignal::new(false);
    let on_vote = Callback::new(move |c: Choice| votes.update(|v| v.push(c)));
    mount_to(root.clone(), move || {
        view! { <VoteBar selected=Signal::stored(None) disabled=disabled on_vote=on_vote/> }
    })
    .forget();

    for id in ["vote-a", "vote-b", "vote-tie", "vote-both-bad"] {
        assert!(
            find(&root, &format!("[data-testid={id}]")).is_some(),
            "{id}"
        );
    }
    let button = |id: &str| -> web_sys::HtmlButtonElement {
        find(&root, &format!("[data-testid={id}]"))
            .unwrap()
            .unchecked_into()
    };
    button("vote-both-bad").click();
    button("vote-b").click();
    assert_eq!(votes.get_untracked(), vec![Choice::BothBad, Choice::B]);

    disabled.set(true);
    leptos::task::tick().await;
    assert!(button("vote-a").disabled());
    button("vote-a").click();
    assert_eq!(
        votes.get_untracked().len(),
        2,
        "a disabled button sends nothing"
    );
}

fn row(id: &str, rating: f64, low: f64, high: f64, rank: u32) -> arena_core::api::LeaderboardRow {
    arena_core::api::LeaderboardRow {
        id: id.into(),
        name: format!("{id} 모델"),
        rating,
        ci_low: low,
        ci_high: high,
        votes: 40,
        rank,
        provisional: false,
    }
}

#[wasm_bindgen_test]
async fn the_interval_chart_draws_one_bar_per_model_in_order_with_a_text_alternative() {
    use kai_arena::components::ci_chart::CiChart;
    let root = container();
    let models = vec![
        row("가", 1100.0, 1050.0, 1150.0, 1),
        row("나", 900.0, 850.0, 960.0, 2),
    ];
    mount_to(root.clone(), move || view! { <CiChart models=models/> }).forget();

    let svg = find(&root, "svg[role=img]").unwrap();
    let bars = svg.query_selector_all("line.ci-bar").unwrap();
    assert_eq!(bars.length(), 2);
    let x = |i: u32, attr: &str| -> f64 {
        let el: web_sys::Element = bars.item(i).unwrap().unchecked_into();
        el.get_attribute(attr).unwrap().parse().unwrap()
    };
    assert!(x(0, "x1") < x(0, "x2"), "a bar runs from low to high");
    assert!(
        x(1, "x2") < x(0, "x1"),
        "the lower model's bar ends left of the higher one's"
    );
    let desc = find(&root, "desc").unwrap().text_content().unwrap();
    assert!(
        desc.contains("1위 가 모델: 1100점, 95% 구간 1050~1150"),
        "{desc}"
    );
}

#[wasm_bindgen_test]
async fn the_heatmap_is_a_table_with_every_win_rate() {
    use kai_arena::components::win_rate_heatmap::WinRateHeatmap;
    let root = container();
    let names = vec!["가".to_string(), "나".to_string(), "다".to_string()];
    let win_rate = vec![
        vec![None, Some(0.75), None],
        vec![Some(0.25), None, Some(0.5)],
        vec![None, Some(0.5), None],
    ];
    let battle_count = vec![vec![0, 8, 0], vec![8, 0, 4], vec![0, 4, 0]];
    mount_to(root.clone(), move || {
        view! { <WinRateHeatmap names=names win_rate=win_rate battle_count=battle_count/> }
    })
    .forget();
    let cells: Vec<String> = {
        let list = root.query_selector_all("tbody tr:first-child td").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(cells, vec!["—", "75% (8)", "없음"]);
    assert_eq!(
        root.query_selector_all("tbody th[scope=row]")
            .unwrap()
            .length(),
        3
    );
}
