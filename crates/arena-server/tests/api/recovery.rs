//! A panelist who lost their credential (a cleared browser, a new phone) comes back with the
//! same code on the same kind of device, where the operator allowed it for the code's batch:
//! the same panelist, their votes so far counted against the same cap; on another kind of
//! device, or from a batch without recovery, a clear 409 and nothing changes. A copy of the
//! database alone does not link a code to its panelist.
//!
//! Settings: reading time 0, no rate limits or proof of work (`permissive`); a round of both
//! audiences, 2 votes per person, sealed until it closes.

use arena_core::panel::{Batch, BatchCodes, JoinResponse};
use reqwest::Method;
use reqwest::header::USER_AGENT;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::panel::{open_round, vote_in};

const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const OTHER_PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const COMPUTER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

async fn batch(app: &TestApp, round: &str, recovery: bool) -> BatchCodes {
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 2, "cell": "", "recovery": recovery}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn join(app: &TestApp, code: &str, device: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/join"))
        .header(USER_AGENT, device)
        .json(&json!({"code": code, "profile": {"age": "60-69", "region": "jeju"}}))
        .send()
        .await
        .unwrap()
}

/// A battle of `round` drawn and voted with `credential` (`panel.rs`'s): the vote's status (or
/// the draw's) and body.
async fn vote(app: &TestApp, round: &str, credential: &str) -> (u16, String) {
    let res = vote_in(app, &app.client, round, Some(credential), "a").await;
    (res.status().as_u16(), res.text().await.unwrap())
}

fn pseudonym(credential: &str) -> &str {
    credential.split('.').next().unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.texts(sql).await[0].parse().unwrap()
}

#[tokio::test]
async fn a_lost_credential_comes_back_with_the_same_code_on_the_same_kind_of_device() {
    let app = spawn_app().await;
    let round = open_round(&app, "both").await;
    let allowed = batch(&app, &round, true).await;
    assert!(allowed.batch.recovery);
    let code = &allowed.codes[0];

    let res = join(&app, code, PHONE).await;
    assert_eq!(res.status(), 201);
    let first: JoinResponse = res.json().await.unwrap();
    assert!(!first.recovered);
    assert_eq!(vote(&app, &round, &first.panelist).await.0, 200);

    // The browser forgot it; the same code on another phone brings the same panelist back.
    let res = join(&app, code, OTHER_PHONE).await;
    assert_eq!(res.status(), 200);
    let back: JoinResponse = res.json().await.unwrap();
    assert!(back.recovered);
    assert_eq!(pseudonym(&back.panelist), pseudonym(&first.panelist));
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM panelists").await,
        1
    );
    // Its votes so far count: one more, then the cap.
    assert_eq!(vote(&app, &round, &back.panelist).await.0, 200);
    let (status, body) = vote(&app, &round, &back.panelist).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("round_cap"), "{body}");

    // On a computer: refused, saying on what kind of device it works; nothing changes.
    let body = assert_error(join(&app, code, COMPUTER).await, 409, "other_device").await;
    assert!(
        body.error.message.contains("a phone"),
        "{}",
        body.error.message
    );
    let batches: Vec<Batch> = app
        .admin(Method::GET, &format!("/rounds/{round}/invitations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((batches[0].redeemed, batches[0].recovered), (1, 1));

    // The database keeps the pseudonym only masked with the code's own key.
    let kept = app
        .texts("SELECT recovery FROM invitations WHERE recovery IS NOT NULL")
        .await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].ends_with(".phone"), "{}", kept[0]);
    assert!(!kept[0].contains(pseudonym(&first.panelist)), "{}", kept[0]);
    let log = app.audit().await;
    let made = log
        .iter()
        .find(|e| e.action == "panel.batch" && e.subject == allowed.batch.id)
        .unwrap();
    assert_eq!(made.detail["recovery"], true, "{made:?}");

    // Its printed cards say so (read back by a real PDF reader).
    let pdf = app
        .admin(
            Method::GET,
            &format!("/rounds/{round}/invitations/{}/cards.pdf", allowed.batch.id),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cards.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/bootstrap.sh --for-tests installs it)");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("분실하면 이 코드로 다시 참여"), "{text}");
    assert!(!text.contains("한 번만"), "{text}");

    // The card was lost: revoking its code ends its recovery (logged); the panelist stays.
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations/revoke"))
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_error(join(&app, code, PHONE).await, 409, "code_used").await;
    assert_eq!(
        vote(&app, &round, &back.panelist).await.0,
        403,
        "still the same capped panelist"
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS TEXT) FROM invitations WHERE recovery IS NOT NULL"
        )
        .await,
        0
    );
    // No code's row says when it was redeemed (the panelist's join time would name it).
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS TEXT) FROM invitations WHERE state = 'redeemed' \
             AND changed_at_ms IS NOT NULL"
        )
        .await,
        0
    );

    // A revoked panelist does not come back, and learns nothing of the device it used.
    let other = &allowed.codes[1];
    let res = join(&app, other, PHONE).await;
    assert_eq!(res.status(), 201);
    let second: JoinResponse = res.json().await.unwrap();
    let res = app
        .admin(
            Method::POST,
            &format!(
                "/rounds/{round}/panelists/{}/revoke",
                pseudonym(&second.panelist)
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(join(&app, other, PHONE).await, 410, "code_revoked").await;
    assert_error(join(&app, other, COMPUTER).await, 410, "code_revoked").await;
}

#[tokio::test]
async fn without_the_operator_s_leave_a_used_code_brings_no_one_back() {
    let app = spawn_app().await;
    let round = open_round(&app, "both").await;
    let plain = batch(&app, &round, false).await;
    assert!(!plain.batch.recovery);
    let code = &plain.codes[0];
    assert_eq!(join(&app, code, PHONE).await.status(), 201);
    assert_error(join(&app, code, PHONE).await, 409, "code_used").await;
    assert_error(join(&app, code, COMPUTER).await, 409, "code_used").await;
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS TEXT) FROM invitations WHERE recovery IS NOT NULL"
        )
        .await,
        0,
        "nothing kept that links a code to its panelist"
    );
}
