//! Browser tests of the web app's components, run in headless Chromium by
//! `cargo test -p kai-arena --target wasm32-unknown-unknown` (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::api::ModelRef;
use arena_core::markdown::render_html;
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
        view! { <AnswerCard side=Side::A html=render_html(&markdown) model=Signal::stored(None::<ModelRef>) chosen=Signal::stored(false)/> }
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
        view! { <AnswerCard side=Side::B html=render_html("답") model=model chosen=Signal::stored(true)/> }
    })
    .forget();
    assert!(find(&root, "[data-testid=model-b]").is_none());
    model.set(Some(ModelRef::named("m".into(), "하늘 (샘플)".into())));
    leptos::task::tick().await;
    let name = find(&root, "[data-testid=model-b]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(name.ends_with("하늘 (샘플)"), "{name}");
    assert!(find(&root, ".answer-card.chosen").is_some());
    // Nothing known of the model: no card at all.
    assert!(find(&root, "[data-testid=card-b]").is_none());
}

#[wasm_bindgen_test]
async fn answer_card_shows_what_the_registry_knows_of_its_model() {
    use arena_core::admin::{Licence, ModelCard};
    let root = container();
    let card = ModelCard {
        organisation: Some("가상 연구소".into()),
        licence: Some(Licence::Closed),
        size: None,
        url: Some("https://example.org/m".into()),
    };
    let model = ModelRef {
        card: Some(card),
        ..ModelRef::named("m".into(), "하늘 (샘플)".into())
    };
    mount_to(root.clone(), move || {
        view! { <AnswerCard side=Side::A html=render_html("답") model=Signal::stored(Some(model.clone())) chosen=Signal::stored(false)/> }
    })
    .forget();
    leptos::task::tick().await;
    let card = find(&root, "[data-testid=card-a]").unwrap();
    let text = card.text_content().unwrap();
    assert!(text.contains("개발가상 연구소"), "{text}");
    assert!(text.contains("라이선스비공개"), "{text}");
    assert!(
        !text.contains("크기"),
        "an unknown size is not shown: {text}"
    );
    let link = find(&root, "[data-testid=card-a] a").unwrap();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.org/m")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
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

#[wasm_bindgen_test]
async fn asleep_vote_buttons_can_be_reached_and_read_but_send_nothing_until_they_wake() {
    let root = container();
    let votes = RwSignal::new(Vec::<Choice>::new());
    let reading = RwSignal::new(Some(1_500_u64));
    let on_vote = Callback::new(move |c: Choice| votes.update(|v| v.push(c)));
    mount_to(root.clone(), move || {
        view! { <VoteBar selected=Signal::stored(None) disabled=Signal::stored(false) reading_ms=reading on_vote=on_vote/> }
    })
    .forget();
    let button = |id: &str| -> web_sys::HtmlButtonElement {
        find(&root, &format!("[data-testid={id}]"))
            .unwrap()
            .unchecked_into()
    };

    let a = button("vote-a");
    assert_eq!(a.get_attribute("aria-disabled").as_deref(), Some("true"));
    assert!(
        !a.disabled(),
        "asleep is not disabled: Tab still reaches it"
    );
    assert_eq!(
        a.get_attribute("aria-describedby").as_deref(),
        Some("vote-wait")
    );
    let hint = find(&root, "#vote-wait").unwrap().text_content().unwrap();
    assert_eq!(hint, "두 답변을 읽어 주세요. 잠시 후 투표할 수 있습니다.");
    a.focus().unwrap();
    a.click();
    assert!(
        votes.get_untracked().is_empty(),
        "a press while asleep sends nothing"
    );

    reading.set(None);
    leptos::task::tick().await;
    assert_eq!(a.get_attribute("aria-disabled").as_deref(), Some("false"));
    assert!(a.get_attribute("aria-describedby").is_none());
    let hint = find(&root, "[data-testid=reading-time]").unwrap();
    assert!(
        hint.get_attribute("style")
            .unwrap_or_default()
            .contains("visibility: hidden"),
        "the hint is hidden but keeps its place, so nothing below the buttons jumps"
    );
    a.click();
    assert_eq!(votes.get_untracked(), vec![Choice::A]);
}

#[wasm_bindgen_test]
fn a_rate_limit_says_how_long_to_wait_in_korean() {
    use kai_arena::api::ApiError;
    let limited = |retry_after| ApiError::Server {
        status: 429,
        code: arena_core::api::codes::RATE_LIMITED.into(),
        message: "rate limited".into(),
        retry_after,
        problems: Vec::new(),
    };
    assert_eq!(
        limited(Some(30)).user_message(kai_arena::i18n::Lang::Ko),
        "요청이 너무 많습니다. 30초 뒤에 다시 시도해 주세요."
    );
    assert_eq!(
        limited(Some(61)).user_message(kai_arena::i18n::Lang::Ko),
        "요청이 너무 많습니다. 2분 뒤에 다시 시도해 주세요."
    );
    assert_eq!(
        limited(None).user_message(kai_arena::i18n::Lang::Ko),
        "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."
    );
    let from_a_proxy = ApiError::Server {
        status: 429,
        code: String::new(),
        message: "Too Many Requests".into(),
        retry_after: Some(3600),
        problems: Vec::new(),
    };
    assert_eq!(
        from_a_proxy.user_message(kai_arena::i18n::Lang::Ko),
        "요청이 너무 많습니다. 1시간 뒤에 다시 시도해 주세요."
    );
}

#[wasm_bindgen_test]
async fn proof_of_work_is_solved_in_slices_that_give_the_page_turns() {
    use arena_core::pow::{Challenge, meets, solve_from};
    use std::cell::Cell;
    use std::rc::Rc;
    // Its smallest solution is 208,710 (checked with Python's hashlib): tens of milliseconds of
    // hashing even on a fast machine, so the solver must give the page turns on the way.
    let challenge = Challenge {
        challenge: "wasm-test-challenge-10".into(),
        bits: 16,
    };
    let expected = solve_from(&challenge, 0, 1 << 24).unwrap();
    assert_eq!(expected, 208_710, "the same rule as an independent SHA-256");

    // A timer set before solving fires during it only if the solver gives the page a turn.
    let fired = Rc::new(Cell::new(false));
    let flag = fired.clone();
    let timer = wasm_bindgen::closure::Closure::once_into_js(move || flag.set(true));
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(timer.unchecked_ref(), 0)
        .unwrap();

    let nonce = kai_arena::api::solve(&challenge).await.unwrap();
    assert_eq!(
        nonce, expected,
        "the smallest solution, as the server's rule finds it"
    );
    assert!(meets(&challenge.challenge, nonce, challenge.bits));
    assert!(fired.get(), "the page had a turn while the solver worked");
}

#[wasm_bindgen_test]
async fn excluded_votes_are_counted_by_reason_in_korean_and_hidden_when_none() {
    use arena_core::api::Excluded;
    use kai_arena::components::excluded_votes::ExcludedVotes;
    let root = container();
    let excluded = Excluded {
        total: 1_234,
        reasons: [
            ("too_fast".to_string(), 1_200),
            ("campaign".to_string(), 34),
        ]
        .into_iter()
        .collect(),
    };
    mount_to(
        root.clone(),
        move || view! { <ExcludedVotes excluded=excluded/> },
    )
    .forget();
    let text = find(&root, "[data-testid=excluded-votes]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains("집계에서 제외된 투표 1,234건"), "{text}");
    assert!(
        text.contains("너무 빨리 투표됨(읽는 시간 미달): 1,200건"),
        "{text}"
    );
    assert!(
        text.contains("같은 주소 투표자들의 집단 몰아주기: 34건"),
        "{text}"
    );
    assert!(text.contains("삭제하지 않고"), "{text}");

    let empty = container();
    mount_to(
        empty.clone(),
        || view! { <ExcludedVotes excluded=Excluded::default()/> },
    )
    .forget();
    assert!(find(&empty, "[data-testid=excluded-votes]").is_none());
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
