//! `GET /api/v1/battle`: a random prompt with two different models, anonymous, left/right at random.

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_app().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_battle_names_no_model_anywhere() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/battle"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let headers = format!("{:?}", res.headers());
    assert!(
        headers.contains("kai_voter="),
        "a voter cookie is set: {headers}"
    );
    assert!(headers.contains("HttpOnly"), "{headers}");
    let body = res.text().await.unwrap();
    for model in ["m-good", "m-plain", "m-weak", "좋은 모델", "평범한 모델"] {
        assert!(!body.contains(model), "{model} leaks in {body}");
        assert!(!headers.contains(model), "{model} leaks in headers");
    }
    let battle: arena_core::api::BattleResponse = serde_json::from_str(&body).unwrap();
    assert_ne!(battle.answers.a, battle.answers.b);
    assert!(
        ["p-1", "p-2"].contains(&battle.prompt.id.as_str()),
        "p-3 has one answer only"
    );
}

#[tokio::test]
async fn battles_pair_different_models_in_both_orders() {
    let app = spawn_app().await;
    let texts: BTreeMap<&str, &str> = [
        ("**1446년**에 반포되었습니다.", "m-good"),
        ("1446년입니다.", "m-plain"),
        ("1500년쯤입니다.", "m-weak"),
        ("‘단단히, 확실히 하라’는 경상도 말입니다.", "m-good"),
        ("잘 하라는 뜻입니다.", "m-plain"),
        ("전라도 말로 ‘빨리 하라’입니다.", "m-weak"),
    ]
    .into_iter()
    .collect();
    let mut ordered_pairs = BTreeSet::new();
    let mut prompts = BTreeSet::new();
    for _ in 0..150 {
        let battle = app.battle().await;
        let a = texts[battle.answers.a.as_str()];
        let b = texts[battle.answers.b.as_str()];
        assert_ne!(a, b, "a battle needs two different models");
        ordered_pairs.insert((a, b));
        prompts.insert(battle.prompt.id);
    }
    assert_eq!(prompts.len(), 2, "both eligible prompts come up");
    assert_eq!(
        ordered_pairs.len(),
        6,
        "every pair in both orders: {ordered_pairs:?}"
    );
}

#[tokio::test]
async fn category_filter_and_empty_categories() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let res = app
            .client
            .get(app.url("/api/v1/battle?category=%EC%82%AC%ED%88%AC%EB%A6%AC"))
            .send()
            .await
            .unwrap();
        let battle: arena_core::api::BattleResponse = res.json().await.unwrap();
        assert_eq!(battle.prompt.category, "사투리");
    }
    let res = app
        .client
        .get(app.url("/api/v1/battle?category=없는분야"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "no_battle").await;
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
    let res = app
        .client
        .get(app.url("/api/v1/vote"))
        .send()
        .await
        .unwrap();
    assert_error(res, 405, "bad_request").await;
    // A stray `%` is taken literally (no such category); a repeated parameter is refused.
    let res = app
        .client
        .get(app.url("/api/v1/battle?category=%ZZ"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "no_battle").await;
    let twice = app.url("/api/v1/battle?category=a&category=b");
    let res = app.client.get(twice).send().await.unwrap();
    assert_error(res, 400, "bad_request").await;
}

#[tokio::test]
async fn an_answer_that_names_its_model_is_not_drawn_until_an_operator_allows_it() {
    use crate::helpers::{Options, spawn_app_with};
    let app = spawn_app_with(Options {
        battle_set: r#"{"id": "q", "category": "생활", "prompt": "누구세요?", "answers": [{"model": "m1", "text": "저는 LG AI연구원이 만든 EXAONE입니다."}, {"model": "m2", "text": "안녕하세요."}]}
"#
        .into(),
        ..Options::default()
    })
    .await;
    let res = app
        .client
        .get(app.url("/api/v1/battle"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "no_battle").await;
    assert_eq!(app.store.battle_ready_prompts().await.unwrap(), 0);
    let leaks = app.store.held_answers().await.unwrap();
    assert_eq!((leaks.len(), leaks[0].model_id.as_str()), (1, "m1"));
    assert!(app.store.allow_held_answer("q", "m1", true).await.unwrap());
    assert_eq!(app.battle().await.prompt.id, "q");
}
