//! The operator API: who gets in (no token, a wrong one, the right one), the model registry and
//! what it changes for citizens (paused models are not drawn; model cards at the reveal), imports
//! with a dry run, bad lines and progress, and the audit log of every change.

use std::time::Duration;

use arena_core::admin::{AuditEntry, ImportJob, JobState, Licence, ModelStatus, RegistryModel};
use arena_core::api::VoteResponse;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    OPERATOR_LABEL, Options, assert_error, operator_entry, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn the_operator_api_opens_only_to_a_configured_token() {
    let app = spawn_app_with(Options {
        operators: format!(
            "{},ops:{}",
            operator_entry(OPERATOR_LABEL, crate::helpers::OPERATOR_TOKEN),
            &operator_entry("x", "another-token")[2..]
        )
        .parse()
        .unwrap(),
        ..Options::default()
    })
    .await;
    let url = app.url("/api/v1/admin/models");

    // No token.
    let res = app.client.get(&url).send().await.unwrap();
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_error(res, 401, "unauthorized").await;
    // A wrong token, another scheme, an empty bearer.
    for header in [
        "Bearer kaiop_wrong",
        "Basic a2FpOmFyZW5h",
        "Bearer ",
        "kaiop_test-token-for-the-api-suite",
    ] {
        let res = app
            .client
            .get(&url)
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "unauthorized").await;
    }
    // The right tokens, whatever the scheme's case.
    let res = app.admin(Method::GET, "/models").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let models: Vec<RegistryModel> = res.json().await.unwrap();
    assert_eq!(
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["m-good", "m-plain", "m-weak"]
    );
    assert_eq!(models[0].answers, 3);
    assert_eq!(models[0].status, ModelStatus::Active);
    let res = app
        .client
        .get(&url)
        .header("authorization", "bearer another-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Every route is closed without a token, the changes too.
    for (method, path) in [
        (Method::GET, "/api/v1/admin/audit"),
        (Method::PUT, "/api/v1/admin/models/m-good"),
        (Method::POST, "/api/v1/admin/imports"),
        (Method::GET, "/api/v1/admin/imports/abc"),
    ] {
        let res = app
            .client
            .request(method, app.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "unauthorized").await;
    }
}

#[tokio::test]
async fn with_no_token_configured_the_operator_api_is_off() {
    let app = spawn_app_with(Options {
        operators: "".parse().unwrap(),
        ..Options::default()
    })
    .await;
    let res = app.admin(Method::GET, "/models").send().await.unwrap();
    let body = assert_error(res, 401, "unauthorized").await;
    assert!(body.error.message.contains("ARENA_OPERATOR_TOKEN_SHA256"));
}

#[tokio::test]
async fn registry_changes_are_logged_and_paused_models_are_not_drawn() {
    let app = spawn_app().await;
    let update = json!({
        "name": "좋은 모델 2",
        "organisation": " 한국 연구소 ",
        "licence": "open",
        "size": "32B",
        "url": "https://example.org/good",
        "status": "paused",
    });
    let res = app
        .admin(Method::PUT, "/models/m-good")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let model: RegistryModel = res.json().await.unwrap();
    assert_eq!(model.name, "좋은 모델 2");
    assert_eq!(model.card.organisation.as_deref(), Some("한국 연구소"));
    assert_eq!(model.status, ModelStatus::Paused);

    // Logged once, with the token's label, before and after.
    let log = app.audit().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].operator, OPERATOR_LABEL);
    assert_eq!(log[0].action, "model.update");
    assert_eq!(log[0].subject, "m-good");
    assert_eq!(log[0].detail["before"]["status"], "active");
    assert_eq!(log[0].detail["before"]["name"], "좋은 모델");
    assert_eq!(log[0].detail["after"]["status"], "paused");
    assert_eq!(log[0].detail["after"]["licence"], "open");

    // A paused model is never drawn.
    for _ in 0..40 {
        let battle = app.battle().await;
        let res = app
            .post_vote(json!({"token": battle.token, "choice": "tie"}))
            .await;
        let vote: VoteResponse = res.json().await.unwrap();
        assert!(
            vote.models.as_ref().unwrap().a.id != "m-good"
                && vote.models.as_ref().unwrap().b.id != "m-good"
        );
    }

    // Bad updates change nothing and log nothing.
    for (body, status) in [
        (
            json!({"name": "x", "status": "active", "url": "javascript:alert(1)"}),
            400,
        ),
        (json!({"name": " ", "status": "active"}), 400),
        (json!({"name": "x", "status": "gone"}), 400),
        (json!({"name": "x"}), 400),
    ] {
        let res = app
            .admin(Method::PUT, "/models/m-good")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_error(res, status, "bad_request").await;
    }
    // A control character in the id is refused as such (PostgreSQL keeps no NUL).
    let res = app
        .admin(Method::PUT, "/models/m%00good")
        .json(&json!({"name": "x", "status": "active"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "bad_request").await;
    let res = app
        .admin(Method::PUT, "/models/no-such-model")
        .json(&json!({"name": "x", "status": "active"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
    assert_eq!(app.audit().await.len(), 1);

    // Active again: drawn again, and its card comes with the reveal.
    let res = app
        .admin(Method::PUT, "/models/m-good")
        .json(
            &json!({"name": "좋은 모델", "organisation": "한국 연구소", "licence": "closed",
                      "size": "7.8B", "status": "active"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut seen = false;
    for _ in 0..60 {
        let battle = app.battle().await;
        let res = app
            .post_vote(json!({"token": battle.token, "choice": "a"}))
            .await;
        let vote: VoteResponse = res.json().await.unwrap();
        for m in [
            &vote.models.as_ref().unwrap().a,
            &vote.models.as_ref().unwrap().b,
        ] {
            if m.id == "m-good" {
                let card = m.card.as_ref().unwrap();
                assert_eq!(card.organisation.as_deref(), Some("한국 연구소"));
                assert_eq!(card.licence, Some(Licence::Closed));
                assert_eq!(card.size.as_deref(), Some("7.8B"));
                assert_eq!(card.url, None);
                seen = true;
            } else {
                // Nothing is known of the others: no card at all.
                assert_eq!(m.card, None);
            }
        }
        // A retry of the same vote reveals the same, card included.
        let again: VoteResponse = app
            .post_vote(json!({"token": battle.token, "choice": "a"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again, vote);
    }
    assert!(seen, "m-good was never drawn once active again");
    let log = app.audit().await;
    assert_eq!(log.len(), 2);
    assert!(log[0].id > log[1].id, "newest first");
    // Pages of the log.
    let older: Vec<AuditEntry> = app
        .admin(Method::GET, &format!("/audit?before={}&limit=5", log[0].id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(older, log[1..]);
}

async fn wait_for_job(app: &crate::helpers::TestApp, job: &ImportJob) -> ImportJob {
    for _ in 0..200 {
        let res = app
            .admin(Method::GET, &format!("/imports/{}", job.id))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let now: ImportJob = res.json().await.unwrap();
        if now.state != JobState::Running {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import never finished");
}

const NEW_PROMPT: &str = r#"{"id": "p-new", "category": "법률", "prompt": "전세 계약 전에 무엇을 확인하나요?", "answers": [{"model": "m-good", "text": "등기부등본을 확인합니다."}, {"model": "m-plain", "text": "집주인을 만납니다."}]}"#;

#[tokio::test]
async fn an_upload_is_checked_whole_dry_run_first_then_stored_and_logged() {
    let app = spawn_app().await;
    let prompts = || async { app.texts("SELECT id FROM prompts ORDER BY id").await };
    let before = prompts().await;

    // A bad line: 422 with file:line, nothing stored, nothing logged.
    let bad = format!("{NEW_PROMPT}\n{{\"id\": \"p-bad\", \"prompt\": \"\"}}\n");
    let res = app
        .admin(Method::POST, "/imports")
        .json(&json!({"files": [{"name": "round-2.jsonl", "text": bad}]}))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, 422, "bad_import").await;
    assert!(
        body.problems
            .iter()
            .any(|p| p.starts_with("round-2.jsonl:2:")),
        "{:?}",
        body.problems
    );
    assert_eq!(prompts().await, before);

    // A dry run counts what would change and stores nothing, logs nothing.
    let upload = json!({"files": [{"name": "round-2.jsonl", "text": NEW_PROMPT}], "dry_run": true});
    let res = app
        .admin(Method::POST, "/imports")
        .json(&upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job = wait_for_job(&app, &res.json().await.unwrap()).await;
    assert_eq!(job.state, JobState::Done, "{job:?}");
    assert!(job.dry_run);
    let report = job.report.unwrap();
    assert_eq!((report.prompts_added, report.answers_added), (1, 2));
    assert_eq!((job.done, job.total), (3, 3));
    assert_eq!(prompts().await, before);
    assert!(app.audit().await.is_empty());

    // For real: stored, drawn from, logged with its report.
    let mut upload = upload;
    upload["dry_run"] = json!(false);
    let res = app
        .admin(Method::POST, "/imports")
        .json(&upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job = wait_for_job(&app, &res.json().await.unwrap()).await;
    assert_eq!(job.state, JobState::Done, "{job:?}");
    assert!(!job.dry_run);
    assert!(prompts().await.contains(&"p-new".to_owned()));
    let log = app.audit().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "import");
    assert_eq!(log[0].operator, OPERATOR_LABEL);
    assert_eq!(log[0].subject, "round-2.jsonl");
    assert_eq!(log[0].detail["report"]["prompts_added"], 1);

    // A FastChat set: question.jsonl and the answer files.
    let question = r#"{"question_id": "q-1", "category": "arena-hard", "turns": [{"content": "김치찌개 끓이는 법"}]}"#;
    let answer = |model: &str| {
        format!(
            r#"{{"question_id": "q-1", "model_id": "{model}", "choices": [{{"turns": [{{"content": "{model}의 답"}}]}}]}}"#
        )
    };
    let res = app
        .admin(Method::POST, "/imports")
        .json(&json!({"files": [
            {"name": "question.jsonl", "text": question},
            {"name": "model_answer/fc-a.jsonl", "text": answer("fc-a")},
            {"name": "model_answer/fc-b.jsonl", "text": answer("fc-b")},
        ], "category": "요리"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job = wait_for_job(&app, &res.json().await.unwrap()).await;
    assert_eq!(job.state, JobState::Done, "{job:?}");
    assert_eq!(job.report.unwrap().models_added, 2);
    assert_eq!(
        app.texts("SELECT category FROM prompts WHERE id = 'q-1'")
            .await,
        ["요리"]
    );

    // Wrong shapes are clear 4xx errors.
    for (body, status) in [
        (json!({"files": []}), 400),
        (
            json!({"files": [{"name": "a.jsonl", "text": ""}, {"name": "b.jsonl", "text": ""}]}),
            400,
        ),
        (json!({"file": "x"}), 400),
        (
            json!({"files": [{"name": "a\u{0}.jsonl", "text": NEW_PROMPT}]}),
            400,
        ),
    ] {
        let res = app
            .admin(Method::POST, "/imports")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_error(res, status, "bad_request").await;
    }
    let res = app
        .admin(Method::GET, "/imports/no-such-job")
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_clearly() {
    let app = spawn_app_with(Options {
        max_upload_bytes: 64 * 1024,
        ..Options::default()
    })
    .await;
    let text = NEW_PROMPT.repeat(1000);
    let res = app
        .admin(Method::POST, "/imports")
        .json(&json!({"files": [{"name": "big.jsonl", "text": text}]}))
        .send()
        .await
        .unwrap();
    assert_error(res, 413, "bad_request").await;
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let app = spawn_app().await;
    let res = app
        .admin(Method::PUT, "/models/m-weak")
        .json(&json!({"name": "약한 모델", "status": "retired"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        app.try_execute("UPDATE operator_audit SET operator = 'someone else'")
            .await
            .is_err()
    );
    assert!(app.try_execute("DELETE FROM operator_audit").await.is_err());
    assert_eq!(app.audit().await[0].operator, OPERATOR_LABEL);
}

#[tokio::test]
async fn operators_read_an_answer_held_back_and_allow_it_logged() {
    let app = spawn_app_with(Options {
        battle_set: r#"{"id": "q", "category": "생활", "prompt": "누구세요?", "answers": [{"model": "m1", "text": "저는 LG AI연구원이 만든 EXAONE입니다."}, {"model": "m2", "text": "안녕하세요."}]}
"#
        .into(),
        ..Options::default()
    })
    .await;
    let res = app
        .client
        .get(app.url("/api/v1/admin/held"))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "unauthorized").await;
    let held: Vec<arena_core::admin::HeldAnswer> = app
        .admin(Method::GET, "/held")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].prompt_id.as_str(), held[0].model_id.as_str()),
        ("q", "m1")
    );
    assert!(!held[0].allowed);
    assert!(held[0].text.contains("EXAONE"));
    let res = app
        .client
        .get(app.url("/api/v1/battle"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "no_battle").await;

    // Bad requests change nothing.
    for (path, body, status, code) in [
        ("/held/q/m2", json!({"allowed": true}), 404, "not_found"),
        ("/held/q/m1", json!({"allowed": "yes"}), 400, "bad_request"),
        (
            "/held/q/m%001",
            json!({"allowed": true}),
            400,
            "bad_request",
        ),
    ] {
        let res = app
            .admin(Method::PUT, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_error(res, status, code).await;
    }
    assert!(app.audit().await.is_empty());

    // Allowed: logged with the term, and drawn.
    let res = app
        .admin(Method::PUT, "/held/q/m1")
        .json(&json!({"allowed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let now: arena_core::admin::HeldAnswer = res.json().await.unwrap();
    assert!(now.allowed);
    let log = app.audit().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "answer.allow");
    assert_eq!(log[0].subject, "q / m1");
    assert_eq!(log[0].operator, OPERATOR_LABEL);
    assert_eq!(log[0].detail["before"]["allowed"], false);
    assert!(!log[0].detail["term"].as_str().unwrap().is_empty());
    assert_eq!(app.battle().await.prompt.id, "q");

    // Held back again: logged, no longer drawn.
    let res = app
        .admin(Method::PUT, "/held/q/m1")
        .json(&json!({"allowed": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.audit().await[0].action, "answer.hold");
    let res = app
        .client
        .get(app.url("/api/v1/battle"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "no_battle").await;
}

/// Votes the audit flagged are reviewed by voter and reason: counted after all (logged with the
/// votes; the audit does not flag them again), or left out again, exactly those votes.
#[tokio::test]
async fn operators_review_flagged_voters_and_their_decision_is_logged_and_kept() {
    let app = spawn_app_with(Options::default()).await;
    for _ in 0..5 {
        let battle = app.battle().await;
        let res = app
            .post_vote(json!({"token": battle.token, "choice": "a"}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let voter = app.texts("SELECT DISTINCT voter_id FROM votes").await;
    assert_eq!(voter.len(), 1, "one voter (the client keeps its cookie)");
    let voter = voter[0].clone();
    let battles = app
        .texts("SELECT battle_id FROM votes ORDER BY battle_id")
        .await;
    // What the audit does when it finds a one-sided voter.
    let flagged = app
        .state
        .store
        .flag_votes(&battles[..4], arena_core::Flag::OneSided)
        .await
        .unwrap();
    assert_eq!(flagged, 4);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 1);

    let list: Vec<arena_core::admin::FlaggedVoter> = app
        .admin(Method::GET, "/flagged")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].voter.as_str(),
            list[0].reason.as_str(),
            list[0].votes
        ),
        (voter.as_str(), "one_sided", 4)
    );
    assert!(!list[0].counted);
    assert_eq!(list[0].chosen.iter().map(|t| t.count).sum::<u64>(), 4);

    // Counted after review.
    let path = format!("/flagged/{voter}/one_sided");
    let res = app
        .admin(Method::PUT, &path)
        .json(&json!({"counted": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reviewed: arena_core::admin::FlaggedVoter = res.json().await.unwrap();
    assert!(reviewed.counted);
    assert_eq!(reviewed.votes, 4);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 5);
    let log = app.audit().await;
    assert_eq!(log[0].action, "votes.count");
    assert_eq!(log[0].subject, format!("{voter} / one_sided"));
    assert_eq!(log[0].detail["votes"], 4);
    assert_eq!(log[0].detail["battles"].as_array().unwrap().len(), 4);
    // The audit running again does not flag the reviewed votes anew; a vote it did not review
    // is still judged (a cleared voter is not cleared for good).
    let again = app
        .state
        .store
        .flag_votes(&battles[..4], arena_core::Flag::OneSided)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 5);
    let newer = app
        .state
        .store
        .flag_votes(&battles[4..], arena_core::Flag::OneSided)
        .await
        .unwrap();
    assert_eq!(newer, 1);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 4);

    // Left out again: exactly those four votes.
    let res = app
        .admin(Method::PUT, &path)
        .json(&json!({"counted": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 0);
    let log = app.audit().await;
    assert_eq!(log[0].action, "votes.exclude");
    assert_eq!(log[0].detail["votes"], 4, "exactly the four reviewed");
    assert_eq!(
        app.flag_codes("SELECT CAST(flags AS TEXT) FROM votes ORDER BY battle_id")
            .await,
        ["one_sided"; 5]
    );

    // Only the audit's judgements, only with a token, only what exists.
    let res = app
        .admin(Method::PUT, &format!("/flagged/{voter}/too_fast"))
        .json(&json!({"counted": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = app
        .admin(Method::PUT, "/flagged/nobody/campaign")
        .json(&json!({"counted": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .put(app.url(&format!("/api/v1/admin{path}")))
        .json(&json!({"counted": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.audit().await.len(),
        2,
        "refusals change and log nothing"
    );
}

/// Operators weigh categories: a weight shares the battles out (0: that category is drawn only
/// when asked for), is logged, and bad weights or unknown categories change nothing.
#[tokio::test]
async fn category_weights_share_the_battles_and_are_logged() {
    let app = spawn_app_with(Options::default()).await;
    let list: Vec<arena_core::admin::CategoryWeight> = app
        .admin(Method::GET, "/categories")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.category.as_str()).collect();
    assert!(names.len() >= 2, "{names:?}");
    assert!(list.iter().all(|c| c.weight == 1.0 && c.prompts > 0));
    let (off, on) = (list[0].category.clone(), list[1].category.clone());

    let encode = |c: &str| -> String { c.bytes().map(|b| format!("%{b:02X}")).collect() };
    let path = |c: &str| format!("/categories/{}", encode(c));
    let res = app
        .admin(Method::PUT, &path(&off))
        .json(&json!({"weight": 0.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let changed: arena_core::admin::CategoryWeight = res.json().await.unwrap();
    assert_eq!(changed.weight, 0.0);
    let log = app.audit().await;
    assert_eq!(log[0].action, "category.weight");
    assert_eq!(log[0].subject, off);
    assert_eq!(log[0].detail["before"]["weight"], 1.0);
    assert_eq!(log[0].detail["after"]["weight"], 0.0);
    // Drawn within a second on every server: never the category weighed 0...
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..40 {
        assert_ne!(app.battle().await.prompt.category, off);
    }
    // ...unless a battle of it is asked for.
    let asked: arena_core::api::BattleResponse = app
        .get_json(&format!("/api/v1/battle?category={}", encode(&off)))
        .await;
    assert_eq!(asked.prompt.category, off);

    for bad in [
        json!({"weight": -1.0}),
        json!({"weight": 101.0}),
        json!({"weight": "x"}),
    ] {
        let res = app
            .admin(Method::PUT, &path(&on))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{bad}");
    }
    let res = app
        .admin(Method::PUT, &path("없는 분야"))
        .json(&json!({"weight": 2.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.audit().await.len(),
        1,
        "refusals change and log nothing"
    );
}
