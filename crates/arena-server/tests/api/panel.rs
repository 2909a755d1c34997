//! The invited panel of a round through the API: an operator makes a batch of codes (downloaded
//! again as JSON and CSV), a code works once (a second redemption, a revoked code, a made-up or
//! mistyped one: a clear 4xx and nothing stored), a panelist votes with their credential up to
//! the round's cap, and the panel's and the public's votes are tabulated apart.
//!
//! Settings: reading time 0, no rate limits or proof of work (`permissive`); a round of both
//! audiences, 2 votes per person, sealed until it closes.

use arena_core::api::{BattleResponse, VoteResponse};
use arena_core::panel::{Batch, BatchCodes, JoinResponse, PANELIST_HEADER, format_code};
use arena_core::round::{Round, RoundResults};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, spawn_app};

/// An open round of three models, 2 votes each, sealed until it closes; its id.
pub(crate) async fn open_round(app: &TestApp, audience: &str) -> String {
    let now = arena_server::clock::now_ms();
    let res = app
        .admin(Method::POST, "/rounds")
        .json(&json!({
            "name": "패널 라운드",
            "models": ["m-good", "m-plain", "m-weak"],
            "categories": [],
            "opens_at_ms": now - 60_000,
            "closes_at_ms": now + 3_600_000,
            "audience": audience,
            "votes_per_person": 2,
            "reveal": "after_close",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let round: Round = res.json().await.unwrap();
    let res = app
        .admin(Method::PUT, &format!("/rounds/{}/state", round.id))
        .json(&json!({"state": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    round.id
}

async fn join(app: &TestApp, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/join"))
        .json(&json!({"code": code, "profile": {"age": "30-39", "sex": "female", "region": "seoul", "ai_use": "sometimes"}}))
        .send()
        .await
        .unwrap()
}

async fn panelists(app: &TestApp) -> i64 {
    app.texts("SELECT CAST(COUNT(*) AS TEXT) FROM panelists")
        .await[0]
        .parse()
        .unwrap()
}

/// A battle of `round` drawn with `panelist`'s credential (or as the public), voted `choice`.
pub(crate) async fn vote_in(
    app: &TestApp,
    client: &reqwest::Client,
    round: &str,
    panelist: Option<&str>,
    choice: &str,
) -> reqwest::Response {
    let mut req = client.get(app.url(&format!("/api/v1/battle?round={round}")));
    if let Some(p) = panelist {
        req = req.header(PANELIST_HEADER, p);
    }
    let res = req.send().await.unwrap();
    if res.status() != 200 {
        return res;
    }
    let battle: BattleResponse = res.json().await.unwrap();
    let mut req = client
        .post(app.url("/api/v1/vote"))
        .json(&json!({"token": battle.token, "choice": choice}));
    if let Some(p) = panelist {
        req = req.header(PANELIST_HEADER, p);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_code_works_once_and_its_panelist_votes_apart_from_the_public() {
    let app = spawn_app().await;
    let round = open_round(&app, "both").await;

    // A batch of three codes for one quota cell, downloaded again as JSON and CSV.
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 3, "cell": "서울 30대"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let made: BatchCodes = res.json().await.unwrap();
    assert_eq!((made.batch.size, made.batch.redeemed), (3, 0));
    assert_eq!(made.batch.cell, "서울 30대");
    assert_eq!(made.codes.len(), 3);
    assert!(
        made.codes
            .iter()
            .all(|c| c.len() == 34 && c.matches('-').count() == 6)
    );
    let again: BatchCodes = app
        .admin(
            Method::GET,
            &format!("/rounds/{round}/invitations/{}", made.batch.id),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.codes, made.codes);
    let csv = app
        .admin(
            Method::GET,
            &format!("/rounds/{round}/invitations/{}/codes.csv", made.batch.id),
        )
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "code,join_url");
    assert_eq!(lines.len(), 4);
    for (line, code) in lines[1..].iter().zip(&made.codes) {
        assert!(line.starts_with(&format!("{code},http://")), "{line}");
        assert!(line.ends_with(&format!("/join?code={code}")), "{line}");
    }
    // Only the codes' hashes are stored.
    let stored = app.texts("SELECT code_sha256 FROM invitations").await;
    assert_eq!(stored.len(), 3);
    for code in &made.codes {
        let plain = code.replace('-', "");
        assert!(stored.iter().all(|s| !s.contains(&plain) && s.len() == 64));
    }

    // Made-up, mistyped and malformed codes: clear 4xx, nothing stored.
    let unknown = format_code(&[7; 16]);
    assert_error(join(&app, &unknown).await, 404, "unknown_code").await;
    let mut typo: Vec<char> = made.codes[0].chars().collect();
    typo[5] = if typo[5] == 'Z' { 'Y' } else { 'Z' };
    let typo: String = typo.into_iter().collect();
    let body = assert_error(join(&app, &typo).await, 400, "bad_code").await;
    assert!(
        body.error.message.contains("wrong"),
        "{}",
        body.error.message
    );
    assert_error(join(&app, "7KQ2").await, 400, "bad_code").await;
    let res = app
        .client
        .post(app.url("/api/v1/join"))
        .json(&json!({"code": made.codes[2], "profile": {"region": "mars"}}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "bad_request").await;
    let res = app
        .client
        .post(app.url("/api/v1/join"))
        .json(&json!({"code": made.codes[2], "profile": {"name": "홍길동"}}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "bad_request").await;
    assert_eq!(panelists(&app).await, 0);

    // The first code, typed in lower case with spaces: a panelist; never again.
    let typed = made.codes[0].to_lowercase().replace('-', " ");
    let res = join(&app, &typed).await;
    assert_eq!(res.status(), 201);
    let joined: JoinResponse = res.json().await.unwrap();
    assert_eq!(joined.round.id, round);
    assert_error(join(&app, &made.codes[0]).await, 409, "code_used").await;
    assert_eq!(panelists(&app).await, 1);
    let profile = app
        .rows("SELECT age_band, sex, region, ai_use FROM panelists")
        .await;
    assert_eq!(
        profile[0],
        ["30-39", "female", "seoul", "sometimes"].map(|s| Some(s.to_owned()))
    );

    // A revoked code; a redeemed code cannot be revoked (its panelist can, by pseudonym).
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations/revoke"))
        .json(&json!({"code": made.codes[1]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let batch: Batch = res.json().await.unwrap();
    assert_eq!((batch.redeemed, batch.revoked), (1, 1));
    assert_error(join(&app, &made.codes[1]).await, 410, "code_revoked").await;
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations/revoke"))
        .json(&json!({"code": made.codes[0]}))
        .send()
        .await
        .unwrap();
    assert_error(res, 409, "code_used").await;
    assert_eq!(panelists(&app).await, 1);

    // The panelist votes twice (the cap), sealed; a third battle is refused.
    let credential = joined.panelist.as_str();
    for choice in ["a", "b"] {
        let res = vote_in(&app, &app.client, &round, Some(credential), choice).await;
        assert_eq!(res.status(), 200);
        let answer: VoteResponse = res.json().await.unwrap();
        assert!(
            answer.models.is_none() && answer.sealed_until_ms.is_some(),
            "{answer:?}"
        );
        assert!(answer.not_counted.is_empty(), "{answer:?}");
    }
    let res = vote_in(&app, &app.client, &round, Some(credential), "a").await;
    assert_error(res, 403, "round_cap").await;
    // The same browser without the credential is a public voter with its own cap.
    let res = vote_in(&app, &app.client, &round, None, "tie").await;
    assert_eq!(res.status(), 200);
    // A panel battle voted without the credential does not count (and names no model).
    let battle: BattleResponse = {
        let other = reqwest::Client::new();
        let joined_again = join(&app, &made.codes[2]).await;
        let second: JoinResponse = joined_again.json().await.unwrap();
        let res = other
            .get(app.url(&format!("/api/v1/battle?round={round}")))
            .header(PANELIST_HEADER, &second.panelist)
            .send()
            .await
            .unwrap();
        res.json().await.unwrap()
    };
    let answer: VoteResponse = app
        .post_vote(json!({"token": battle.token, "choice": "a"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer.not_counted, ["voter_mismatch"]);
    assert!(answer.models.is_none());

    // Tabulated apart: the panel's two votes, the public's one, nothing in the open arena.
    let stored = app
        .rows(&format!(
            "SELECT CAST(panel AS TEXT), voter_id FROM votes WHERE flags = 0 ORDER BY {}",
            app.insertion_order()
        ))
        .await;
    let panel_voters: Vec<&str> = stored
        .iter()
        .filter(|r| r[0].as_deref() == Some("1"))
        .map(|r| r[1].as_deref().unwrap())
        .collect();
    assert_eq!(panel_voters.len(), 2);
    assert!(
        credential.starts_with(panel_voters[0]),
        "the panelist's pseudonym is the voter"
    );
    let results: RoundResults = app
        .admin(Method::GET, &format!("/rounds/{round}/results"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results.panel.as_ref().unwrap().table.total_votes, 2);
    assert_eq!(results.public.table.total_votes, 1);
    assert_eq!(app.refreshed_leaderboard().await.total_votes, 0);

    // The round's export: the panel's votes with the pseudonym and profile, never a code; the
    // public's with nothing of the voter. Public only once published.
    let file = app
        .admin(Method::GET, &format!("/rounds/{round}/votes.jsonl"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let votes: Vec<arena_core::round::RoundVote> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(votes.len(), 3);
    let panel: Vec<_> = votes.iter().filter(|v| v.audience == "panel").collect();
    assert_eq!(panel.len(), 2);
    assert!(
        panel
            .iter()
            .all(|v| v.panelist.as_deref() == Some(panel_voters[0]))
    );
    let profile = panel[0].profile.clone().unwrap();
    assert_eq!(profile.region.as_deref(), Some("seoul"));
    assert_eq!(profile.age, Some(arena_core::panel::AgeBand::From30To39));
    let public = votes.iter().find(|v| v.audience == "public").unwrap();
    assert!(public.panelist.is_none() && public.profile.is_none());
    for code in &made.codes {
        assert!(!file.contains(&code.replace('-', "")) && !file.contains(code.as_str()));
    }
    let res = app
        .client
        .get(app.url(&format!("/api/v1/rounds/{round}/votes.jsonl")))
        .send()
        .await
        .unwrap();
    assert_error(res, 409, "round_state").await;

    // Revoked, the panelist draws as the public only.
    let pseudonym = credential.split('.').next().unwrap();
    let res = app
        .admin(
            Method::POST,
            &format!("/rounds/{round}/panelists/{pseudonym}/revoke"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app
        .admin(
            Method::POST,
            &format!("/rounds/{round}/panelists/{}/revoke", "0".repeat(32)),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "not_found").await;
    let batches: Vec<Batch> = app
        .admin(Method::GET, &format!("/rounds/{round}/invitations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((batches[0].redeemed, batches[0].revoked), (2, 1));
    let actions: Vec<String> = app.audit().await.into_iter().map(|e| e.action).collect();
    for action in ["panel.batch", "panel.revoke_code", "panel.revoke_panelist"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn a_panel_round_takes_its_panelists_only_and_no_join_once_closed() {
    let app = spawn_app().await;
    let round = open_round(&app, "panel").await;
    let other_round = open_round(&app, "panel").await;
    let made: BatchCodes = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 0}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "bad_request").await;
    let joined: JoinResponse = join(&app, &made.codes[0]).await.json().await.unwrap();
    // The public, and a panelist of another round, draw nothing here.
    let res = vote_in(&app, &app.client, &round, None, "a").await;
    assert_error(res, 403, "panel_only").await;
    let res = vote_in(&app, &app.client, &other_round, Some(&joined.panelist), "a").await;
    assert_error(res, 403, "panel_only").await;
    let last = if joined.panelist.ends_with('0') {
        "1"
    } else {
        "0"
    };
    let forged = format!("{}{last}", &joined.panelist[..joined.panelist.len() - 1]);
    let res = vote_in(&app, &app.client, &round, Some(&forged), "a").await;
    assert_error(res, 403, "panel_only").await;
    let res = vote_in(&app, &app.client, &round, Some(&joined.panelist), "a").await;
    assert_eq!(res.status(), 200);

    // Closed: no one joins, and no code is made for it.
    let res = app
        .admin(Method::PUT, &format!("/rounds/{round}/state"))
        .json(&json!({"state": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_error(join(&app, &made.codes[1]).await, 409, "round_not_open").await;
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 2}))
        .send()
        .await
        .unwrap();
    assert_error(res, 409, "round_state").await;
    assert_eq!(panelists(&app).await, 1);
    let results: RoundResults = app
        .get_json(&format!("/api/v1/rounds/{round}/results"))
        .await;
    assert_eq!(results.panel.unwrap().table.total_votes, 1);
    assert_eq!(results.public.table.total_votes, 0);
}

/// The printable cards, read back by a real PDF reader (poppler's `pdftotext`), rendered
/// (`pdftoppm`) and their QR codes decoded (`zbarimg`): every code is on a card, every QR code is
/// its card's join link, and a decoded link joins. `make test` installs both tools
/// (`scripts/bootstrap.sh --for-tests`).
#[tokio::test]
async fn the_printed_cards_read_back_and_their_qr_codes_join() {
    use std::process::Command;
    let app = spawn_app().await;
    let round = open_round(&app, "panel").await;
    let made: BatchCodes = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 10}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .admin(
            Method::GET,
            &format!("/rounds/{round}/invitations/{}/cards.pdf", made.batch.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cards.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let run = |program: &str, args: &[&std::ffi::OsStr]| -> String {
        let out = Command::new(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("{program} (scripts/bootstrap.sh --for-tests installs it): {e}")
            });
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("pdftotext", &[file.as_os_str(), "-".as_ref()]);
    assert!(text.contains("시민 평가단 초대장"), "{text}");
    assert!(text.contains("패널 라운드"), "{text}");
    for code in &made.codes {
        assert!(text.contains(code.as_str()), "{code} not in:\n{text}");
    }
    let pages = run("pdfinfo", &[file.as_os_str()]);
    assert!(
        pages
            .lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
        "{pages}"
    );
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "150".as_ref(),
            "-png".as_ref(),
            file.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let mut images: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    images.sort();
    assert_eq!(images.len(), 2);
    let mut args: Vec<&std::ffi::OsStr> = vec!["--raw".as_ref(), "-q".as_ref()];
    args.extend(images.iter().map(|p| p.as_os_str()));
    let decoded = run("zbarimg", &args);
    let mut links: Vec<&str> = decoded.lines().filter(|l| !l.is_empty()).collect();
    links.sort_unstable();
    let mut expected: Vec<String> = made
        .codes
        .iter()
        .map(|c| format!("{}/join?code={c}", app.address))
        .collect();
    expected.sort();
    assert_eq!(links, expected);
    // A decoded link's code joins (the page at `/join` is the web app's: `tests/e2e/join.spec.mjs`
    // opens it from such a link).
    let code = links[0].split("code=").nth(1).unwrap();
    assert_eq!(join(&app, code).await.status(), 201);
}

/// Quotas: the sample margins uploaded with a target, a bad file refused line by line (nothing
/// changed), the live counts of panelists and their votes per level, and a full cell closed.
#[tokio::test]
async fn quotas_count_each_cell_against_its_target_and_a_full_cell_closes() {
    use arena_core::panel::Quotas;
    let app = spawn_app().await;
    let round = open_round(&app, "panel").await;
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample/panel-margins.csv");
    let margins = std::fs::read_to_string(&path).unwrap();
    let res = app
        .admin(Method::PUT, &format!("/rounds/{round}/quotas"))
        .json(&json!({"target": 400, "margins": "dimension,level,share\nsex,female,0.5\nsex,alien,0.5\n"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, 422, "bad_import").await;
    assert!(
        body.problems.iter().any(|p| p.starts_with("line 3:")),
        "{:?}",
        body.problems
    );
    let res = app
        .admin(Method::PUT, &format!("/rounds/{round}/quotas"))
        .json(&json!({"target": 400, "margins": margins}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let made: BatchCodes = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 4, "cell": "서울 여성"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Two women of Seoul in their 30s, one who says nothing; one votes twice.
    let mut credentials = Vec::new();
    for (code, profile) in made.codes[..3].iter().zip([
        json!({"age": "30-39", "sex": "female", "region": "seoul"}),
        json!({"age": "30-39", "sex": "female", "region": "seoul"}),
        json!({}),
    ]) {
        let res = app
            .client
            .post(app.url("/api/v1/join"))
            .json(&json!({"code": code, "profile": profile}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        credentials.push(res.json::<JoinResponse>().await.unwrap().panelist);
    }
    for choice in ["a", "b"] {
        let res = vote_in(
            &app,
            &reqwest::Client::new(),
            &round,
            Some(&credentials[0]),
            choice,
        )
        .await;
        assert_eq!(res.status(), 200);
    }
    let quotas: Quotas = app
        .admin(Method::GET, &format!("/rounds/{round}/quotas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((quotas.target, quotas.panelists, quotas.votes), (400, 3, 2));
    let cell = |dimension: &str, level: &str| {
        let d = quotas
            .dimensions
            .iter()
            .find(|d| d.dimension == dimension)
            .unwrap();
        d.cells.iter().find(|c| c.level == level).unwrap().clone()
    };
    let seoul = cell("region", "seoul");
    assert!((seoul.share - 0.182).abs() < 1e-9 && (seoul.target - 72.8).abs() < 1e-6);
    assert_eq!((seoul.panelists, seoul.votes), (2, 2));
    assert_eq!(
        (cell("age", "30-39").panelists, cell("age", "70+").panelists),
        (2, 0)
    );
    let ai = quotas
        .dimensions
        .iter()
        .find(|d| d.dimension == "ai_use")
        .unwrap();
    assert!(
        ai.without_margins && ai.cells.iter().all(|c| c.share == 0.0),
        "no margin for AI use in the sample"
    );
    // The margins as uploaded, for the form to show again, in the page's order.
    let rows = margins
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty() && !l.starts_with("dimension"))
        .count();
    assert_eq!(quotas.margins.len(), rows);
    assert_eq!(
        (
            quotas.margins[0].dimension.as_str(),
            quotas.margins[0].level.as_str()
        ),
        ("age", "18-29")
    );
    assert_eq!(ai.unstated_panelists, 3);
    let sex = quotas
        .dimensions
        .iter()
        .find(|d| d.dimension == "sex")
        .unwrap();
    assert_eq!(sex.unstated_panelists, 1);
    assert!(!sex.without_margins && !quotas.dimensions[0].without_margins);

    // The cell is full: its unused code is revoked and can no longer join.
    let res = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations/close"))
        .json(&json!({"cell": "서울 여성"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let closed: serde_json::Value = res.json().await.unwrap();
    assert_eq!(closed["revoked"], 1);
    assert_error(join(&app, &made.codes[3]).await, 410, "code_revoked").await;
}

/// The round of the issue, start to finish through the HTTP API: an operator makes a round sealed
/// until it closes and a batch of 40 codes, opens it; 40 panelists join with profiles across
/// cells and vote; a public voter votes in the same window; the quota page counts right; the
/// round closes; the panel's and the public's tables are apart and sum to what was voted; and no
/// response before the close (battle, vote, reasons, errors, headers) named a model.
#[tokio::test]
async fn a_whole_round_with_forty_panelists_and_the_public() {
    use arena_core::panel::Quotas;
    let app = spawn_app().await;
    let round = open_round(&app, "both").await;
    let made: BatchCodes = app
        .admin(Method::POST, &format!("/rounds/{round}/invitations"))
        .json(&json!({"count": 40}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names = ["m-good", "m-plain", "m-weak", "좋은 모델", "평범한 모델"];
    let mut seen = String::new();
    const CHOICES: [&str; 3] = ["a", "b", "tie"];
    let ages = ["18-29", "30-39", "40-49", "50-59", "60-69", "70+"];
    let regions = ["seoul", "busan", "gyeonggi", "jeju"];
    let (mut panel_votes, mut public_votes) = (0u64, 0u64);
    for (i, code) in made.codes.iter().enumerate() {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let profile = json!({
            "age": ages[i % ages.len()],
            "sex": if i % 2 == 0 { "female" } else { "male" },
            "region": regions[i % regions.len()],
        });
        let res = client
            .post(app.url("/api/v1/join"))
            .json(&json!({"code": code, "profile": profile}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let joined: JoinResponse = res.json().await.unwrap();
        // Each votes once or twice (the cap is 2), with a reason on the first.
        for n in 0..(1 + i % 2) {
            let res = client
                .get(app.url(&format!("/api/v1/battle?round={round}")))
                .header(PANELIST_HEADER, &joined.panelist)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, 200, "{text}");
            seen += &text;
            let battle: BattleResponse = serde_json::from_str(&text).unwrap();
            let res = client
                .post(app.url("/api/v1/vote"))
                .header(PANELIST_HEADER, &joined.panelist)
                .json(&json!({"token": battle.token, "choice": CHOICES[(i + n) % 3]}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let (headers, body) = (res.headers().clone(), res.text().await.unwrap());
            for (name, value) in &headers {
                seen += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
            }
            seen += &body;
            panel_votes += 1;
            if n == 0 {
                let res = client
                    .post(app.url("/api/v1/vote/reasons"))
                    .json(&json!({"token": battle.token, "reasons": ["korean_context"]}))
                    .send()
                    .await
                    .unwrap();
                let body = res.text().await.unwrap();
                seen += &body;
            }
        }
        // A third battle is over the cap: the refusal names nothing either.
        if i % 2 == 1 {
            let res = client
                .get(app.url(&format!("/api/v1/battle?round={round}")))
                .header(PANELIST_HEADER, &joined.panelist)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403);
            let body = res.text().await.unwrap();
            seen += &body;
        }
    }
    // A public voter in the same window.
    for choice in ["a", "b"] {
        let res = vote_in(&app, &app.client, &round, None, choice).await;
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        seen += &body;
        public_votes += 1;
    }
    for name in names {
        assert!(
            !seen.contains(name),
            "a response before the close named {name}"
        );
    }

    let quotas: Quotas = app
        .admin(Method::GET, &format!("/rounds/{round}/quotas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((quotas.panelists, quotas.votes), (40, panel_votes));
    let age = quotas
        .dimensions
        .iter()
        .find(|d| d.dimension == "age")
        .unwrap();
    let per_age: Vec<u64> = age.cells.iter().map(|c| c.panelists).collect();
    assert_eq!(per_age, [7, 7, 7, 7, 6, 6]);
    let seoul = &quotas
        .dimensions
        .iter()
        .find(|d| d.dimension == "region")
        .unwrap()
        .cells[0];
    assert_eq!(seoul.panelists, 10);

    let res = app
        .admin(Method::PUT, &format!("/rounds/{round}/state"))
        .json(&json!({"state": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let results: RoundResults = app
        .get_json(&format!("/api/v1/rounds/{round}/results"))
        .await;
    let panel = results.panel.unwrap();
    assert_eq!(panel.table.total_votes, panel_votes);
    assert_eq!(results.public.table.total_votes, public_votes);
    assert_eq!(
        panel.counts.counts.total() + results.public.counts.counts.total(),
        60 + 2
    );
    assert_eq!(app.vote_count().await, (panel_votes + public_votes) as i64);
}
