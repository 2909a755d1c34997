//! One citizen, one fair voice: each rule of `arena_server::trust` through the real HTTP API.
//! Every test states the settings it relies on.

use std::sync::Arc;

use arena_core::api::{BattleResponse, ErrorBody, VoteResponse};
use arena_core::pow;
use arena_server::clock::ManualClock;
use arena_server::trust::pow::PowMode;
use arena_server::trust::{MinRead, TrustSettings};
use serde_json::json;

use crate::helpers::{Options, TestApp, assert_error, permissive, spawn_app_with};

const T0: i64 = 1_800_000_000_000;

async fn app_with(trust: TrustSettings) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let app = spawn_app_with(Options {
        trust,
        clock: Some(clock.clone()),
        worker: false,
        ..Options::default()
    })
    .await;
    (app, clock)
}

fn cookieless() -> reqwest::Client {
    reqwest::Client::new()
}

async fn battle_as(
    app: &TestApp,
    client: &reqwest::Client,
    voter: Option<&str>,
) -> reqwest::Response {
    let mut req = client.get(app.url("/api/v1/battle"));
    if let Some(v) = voter {
        req = req.header("x-arena-voter", v);
    }
    req.send().await.unwrap()
}

async fn vote_as(
    app: &TestApp,
    client: &reqwest::Client,
    voter: Option<&str>,
    token: &str,
    choice: &str,
) -> reqwest::Response {
    let mut req = client
        .post(app.url("/api/v1/vote"))
        .json(&json!({"token": token, "choice": choice}));
    if let Some(v) = voter {
        req = req.header("x-arena-voter", v);
    }
    req.send().await.unwrap()
}

async fn flags(app: &TestApp) -> Vec<String> {
    app.flag_codes(&format!(
        "SELECT CAST(flags AS TEXT) FROM votes ORDER BY {}",
        app.insertion_order()
    ))
    .await
}

#[tokio::test]
async fn a_battle_is_bound_to_its_voter_and_a_cookieless_browser_votes_by_header() {
    let (app, _) = app_with(permissive()).await;
    // A browser without cookies keeps the voter id the battle came with and sends it back.
    let first: BattleResponse = battle_as(&app, &cookieless(), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first.voter.len(), 76, "signed id: {}", first.voter);
    let res = vote_as(&app, &cookieless(), Some(&first.voter), &first.token, "a").await;
    assert_eq!(res.status(), 200);
    // The same voter draws its next battle by header, and no new id is minted.
    let second: BattleResponse = battle_as(&app, &cookieless(), Some(&first.voter))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second.voter, first.voter);
    // Someone else votes through that voter's battle (a stockpiled token): stored, not counted.
    let other: BattleResponse = battle_as(&app, &cookieless(), None)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(other.voter, first.voter);
    let res = vote_as(&app, &cookieless(), Some(&other.voter), &second.token, "b").await;
    assert_eq!(res.status(), 200, "kept, not counted, and names no model");
    let body: VoteResponse = res.json().await.unwrap();
    assert_eq!(
        (body.models, body.not_counted),
        (None, vec!["voter_mismatch".to_owned()])
    );
    // A made-up voter id counts as none.
    let made_up = format!("{}.{}", "0".repeat(32), "0".repeat(32));
    let third: BattleResponse = battle_as(&app, &cookieless(), Some(&made_up))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(third.voter, made_up);
    let res = vote_as(&app, &cookieless(), Some(&made_up), &third.token, "a").await;
    assert_eq!(res.status(), 200);
    assert_eq!(flags(&app).await, ["", "voter_mismatch", "voter_mismatch"]);
    let table = app.refreshed_leaderboard().await;
    assert_eq!(table.total_votes, 1);
    assert_eq!(table.excluded.total, 2);
    assert_eq!(table.excluded.reasons["voter_mismatch"], 2);
}

#[tokio::test]
async fn votes_sooner_than_the_reading_time_are_kept_but_not_counted() {
    let (app, clock) = app_with(TrustSettings {
        min_read: MinRead::Fixed(5_000),
        ..permissive()
    })
    .await;
    let fast = app.battle().await;
    assert_eq!(fast.min_read_ms, 5_000);
    clock.advance(4_999);
    assert_eq!(
        app.post_vote(json!({"token": fast.token, "choice": "a"}))
            .await
            .status(),
        200
    );
    let slow = app.battle().await;
    clock.advance(5_000);
    assert_eq!(
        app.post_vote(json!({"token": slow.token, "choice": "a"}))
            .await
            .status(),
        200
    );
    assert_eq!(flags(&app).await, ["too_fast", ""]);
    let table = app.refreshed_leaderboard().await;
    assert_eq!(
        (table.total_votes, table.excluded.reasons["too_fast"]),
        (1, 1)
    );
    // The published counts hold exactly the counted votes, and say what was left out.
    let counts: serde_json::Value = app.get_json("/api/v1/leaderboard/counts").await;
    assert_eq!(counts["excluded"]["total"], 1);
    assert_eq!(counts["excluded"]["reasons"]["too_fast"], 1);
}

#[tokio::test]
async fn automatic_reading_time_follows_the_answers_length() {
    let (app, _) = app_with(TrustSettings {
        min_read: MinRead::Auto,
        ..permissive()
    })
    .await;
    let b = app.battle().await;
    let chars = b.answers.a.chars().count() + b.answers.b.chars().count();
    assert_eq!(b.min_read_ms, ((chars * 4) as u64).clamp(3_000, 10_000));
}

#[tokio::test]
async fn over_a_rate_limit_is_429_with_retry_after_and_a_json_error() {
    let (app, clock) = app_with(TrustSettings {
        limits_enabled: true,
        address_new_voters: "3/hour".parse().unwrap(),
        voter_votes: "2/min".parse().unwrap(),
        ..permissive()
    })
    .await;
    // The citizen with a cookie got its voter id first.
    let _ = app.battle().await;
    // A cookie-less loop from the same address: two more new voters, then refused.
    for _ in 0..2 {
        assert_eq!(battle_as(&app, &cookieless(), None).await.status(), 200);
    }
    let res = battle_as(&app, &cookieless(), None).await;
    assert_eq!(res.headers()["retry-after"], "1200");
    assert_error(res, 429, "rate_limited").await;
    // A voter with an id goes on; its votes are held to its rate.
    let mut voted = 0;
    let mut refused = 0;
    for _ in 0..4 {
        let b = app.battle().await;
        let res = app
            .post_vote(json!({"token": b.token, "choice": "tie"}))
            .await;
        match res.status().as_u16() {
            200 => voted += 1,
            429 => {
                assert_eq!(res.headers()["retry-after"], "30");
                refused += 1;
            }
            other => panic!("status {other}"),
        }
    }
    assert_eq!((voted, refused), (2, 2));
    clock.advance(30_000);
    let b = app.battle().await;
    assert_eq!(
        app.post_vote(json!({"token": b.token, "choice": "tie"}))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn daily_caps_decide_what_counts() {
    let (app, clock) = app_with(TrustSettings {
        limits_enabled: true,
        voter_daily_cap: 2,
        ..permissive()
    })
    .await;
    for _ in 0..3 {
        let b = app.battle().await;
        clock.advance(10_000);
        assert_eq!(
            app.post_vote(json!({"token": b.token, "choice": "a"}))
                .await
                .status(),
            200
        );
    }
    assert_eq!(flags(&app).await, ["", "", "voter_daily_cap"]);
    // A day later the voter counts again.
    clock.advance(24 * 3600 * 1000);
    let b = app.battle().await;
    assert_eq!(
        app.post_vote(json!({"token": b.token, "choice": "a"}))
            .await
            .status(),
        200
    );
    assert_eq!(flags(&app).await.last().unwrap(), "");
}

#[tokio::test]
async fn proof_of_work_is_asked_solved_and_used_once() {
    let (app, _) = app_with(TrustSettings {
        pow: PowMode::On,
        pow_bits: 10,
        ..permissive()
    })
    .await;
    let res = battle_as(&app, &cookieless(), None).await;
    assert_eq!(res.status(), 428);
    let body: ErrorBody = res.json().await.unwrap();
    assert_eq!(body.error.code, "pow_required");
    let challenge = body.pow.unwrap();
    assert_eq!(challenge.bits, 10);
    let nonce = pow::solve_from(&challenge, 0, 1 << 24).unwrap();
    let header = pow::header_value(&challenge, nonce);
    let solved = cookieless()
        .get(app.url("/api/v1/battle"))
        .header(pow::HEADER, &header)
        .send()
        .await
        .unwrap();
    assert_eq!(solved.status(), 200);
    let battle: BattleResponse = solved.json().await.unwrap();
    // The same solution again is refused; a voter with an id needs none (no flood).
    let again = cookieless()
        .get(app.url("/api/v1/battle"))
        .header(pow::HEADER, &header)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 428);
    assert_eq!(
        battle_as(&app, &cookieless(), Some(&battle.voter))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn in_auto_mode_proof_of_work_starts_when_an_address_floods() {
    let (app, _) = app_with(TrustSettings {
        limits_enabled: true,
        pow: PowMode::Auto,
        pow_bits: 8,
        address_new_voters: "10/hour".parse().unwrap(),
        ..permissive()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(battle_as(&app, &cookieless(), None).await.status().as_u16());
    }
    // Once more than half the address's new-voter bucket is used, a new voter id costs work.
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 428, 428]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_limits() {
    let trust = |proxies: &str| TrustSettings {
        limits_enabled: true,
        trusted_proxies: proxies.parse().unwrap(),
        address_new_voters: "1/hour".parse().unwrap(),
        ..permissive()
    };
    let as_from = |app: &TestApp, xff: &str| {
        cookieless()
            .get(app.url("/api/v1/battle"))
            .header("x-forwarded-for", xff)
            .send()
    };
    let (app, _) = app_with(trust("127.0.0.1/32")).await;
    assert_eq!(as_from(&app, "203.0.113.1").await.unwrap().status(), 200);
    assert_eq!(as_from(&app, "203.0.113.2").await.unwrap().status(), 200);
    assert_eq!(as_from(&app, "203.0.113.1").await.unwrap().status(), 429);
    // A client cannot pick its address by writing the header itself when the peer is not a
    // trusted proxy: every request is the peer's.
    let (app, _) = app_with(trust("10.0.0.0/8")).await;
    assert_eq!(as_from(&app, "203.0.113.1").await.unwrap().status(), 200);
    assert_eq!(as_from(&app, "203.0.113.2").await.unwrap().status(), 429);
}

#[tokio::test]
async fn only_a_keyed_hash_of_the_address_is_stored() {
    let (app, _) = app_with(permissive()).await;
    let b = app.battle().await;
    app.post_vote(json!({"token": b.token, "choice": "a"}))
        .await;
    let hash = app.texts("SELECT address_hash FROM votes").await.remove(0);
    assert_eq!(hash.len(), 32);
    assert!(hash.bytes().all(|c| c.is_ascii_hexdigit()));
    // Nothing in the database spells the address.
    if app.is_sqlite() {
        let db = std::fs::read(app._dir.path().join("arena.db")).unwrap();
        let wal = std::fs::read(app._dir.path().join("arena.db-wal")).unwrap_or_default();
        for bytes in [db, wal] {
            assert!(!bytes.windows(9).any(|w| w == b"127.0.0.1"));
        }
    } else {
        let everything = app
            .texts("SELECT CAST(v.* AS TEXT) FROM votes v UNION ALL SELECT CAST(t.* AS TEXT) FROM vote_tallies t")
            .await;
        assert!(everything.iter().all(|row| !row.contains("127.0.0.1")));
    }
}

#[tokio::test]
async fn address_hashes_are_erased_after_the_retention_and_day_keys_after_two_days() {
    let (app, clock) = app_with(TrustSettings {
        address_retention_days: 30,
        ..permissive()
    })
    .await;
    let b = app.battle().await;
    app.post_vote(json!({"token": b.token, "choice": "a"}))
        .await;
    let day = |t: i64| t.div_euclid(24 * 3600 * 1000);
    let keys = || async {
        app.texts("SELECT CAST(day AS TEXT) FROM address_keys ORDER BY day")
            .await
            .iter()
            .map(|d| d.parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    // Today's key and yesterday's (a 24-hour count needs both).
    assert_eq!(keys().await, [day(T0) - 1, day(T0)]);
    // Three days on, a new key is made and the old one is gone: no stored hash can be linked
    // to an address any more.
    clock.advance(3 * 24 * 3600 * 1000);
    let b = app.battle().await;
    app.post_vote(json!({"token": b.token, "choice": "a"}))
        .await;
    assert_eq!(keys().await, [day(T0) + 2, day(T0) + 3]);
    let hashes = || async {
        app.column(&format!(
            "SELECT address_hash FROM votes ORDER BY {}",
            app.insertion_order()
        ))
        .await
    };
    let both = hashes().await;
    assert!(both.iter().all(Option::is_some));
    assert_ne!(
        both[0], both[1],
        "the same address hashes differently on another day"
    );
    // After the retention, the hash of the old vote is erased; the vote stays.
    clock.advance(28 * 24 * 3600 * 1000);
    app.state.leaderboards.refresh().await.unwrap();
    let after = hashes().await;
    assert_eq!(after[0], None);
    assert!(after[1].is_some());
    assert_eq!(app.vote_count().await, 2);
}

#[tokio::test]
async fn another_site_cannot_spend_its_visitors_limits() {
    let (app, _) = app_with(permissive()).await;
    for site in ["cross-site", "same-site"] {
        let res = cookieless()
            .get(app.url("/api/v1/battle"))
            .header("sec-fetch-site", site)
            .send()
            .await
            .unwrap();
        assert_error(res, 403, "cross_site").await;
    }
    for site in ["same-origin", "none"] {
        let res = cookieless()
            .get(app.url("/api/v1/battle"))
            .header("sec-fetch-site", site)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{site}");
    }
}

#[tokio::test]
async fn junk_votes_cost_their_address_not_the_voters_behind_it() {
    let (app, _) = app_with(TrustSettings {
        limits_enabled: true,
        address_requests: "3/min".parse().unwrap(),
        ..permissive()
    })
    .await;
    // A citizen with a voter id, on the same address as a script sending junk.
    let honest = app.battle().await;
    for _ in 0..5 {
        let junk = cookieless()
            .post(app.url("/api/v1/vote"))
            .json(&json!({"token": "junk", "choice": "a"}))
            .send()
            .await
            .unwrap();
        assert!([400, 429].contains(&junk.status().as_u16()));
    }
    let res = app
        .post_vote(json!({"token": honest.token, "choice": "a"}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.battle().await.voter, honest.voter);
}

/// A battle and its vote from `from` (through the trusted proxy), by a new voter each time.
async fn battle_and_vote_from(app: &TestApp, from: &str) -> (u16, u16) {
    let res = cookieless()
        .get(app.url("/api/v1/battle"))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    if status != 200 {
        return (status, 0);
    }
    let battle: BattleResponse = res.json().await.unwrap();
    let res = cookieless()
        .post(app.url("/api/v1/vote"))
        .header("x-forwarded-for", from)
        .header("x-arena-voter", &battle.voter)
        .json(&json!({"token": battle.token, "choice": "a"}))
        .send()
        .await
        .unwrap();
    (status, res.status().as_u16())
}

/// The /56s of one IPv6 /48: what a free tunnel hands anyone.
fn slash_56s_of_one_48() -> impl Iterator<Item = String> {
    (0..256).map(|n| format!("2001:db8:77:{n:02x}00::1"))
}

#[tokio::test]
async fn the_256_slash_56s_of_one_slash_48_share_one_address_daily_cap() {
    let (app, _) = app_with(TrustSettings {
        limits_enabled: true,
        trusted_proxies: "127.0.0.1/32".parse().unwrap(),
        address_daily_cap: 10,
        address_new_voters: "1000/hour".parse().unwrap(),
        ..permissive()
    })
    .await;
    for from in slash_56s_of_one_48() {
        assert_eq!(battle_and_vote_from(&app, &from).await, (200, 200));
    }
    let stored = flags(&app).await;
    assert_eq!(stored.len(), 256);
    assert_eq!(stored.iter().filter(|f| f.is_empty()).count(), 10);
    assert!(stored[10..].iter().all(|f| f == "address_daily_cap"));
    // Each vote keeps the hash of its own /56 (the audit links households, not providers).
    let hashes = app.texts("SELECT DISTINCT address_hash FROM votes").await;
    assert_eq!(hashes.len(), 256);
    // The next /48 is another address; so is every IPv4 address.
    for from in ["2001:db8:78::1", "203.0.113.7"] {
        battle_and_vote_from(&app, from).await;
        assert_eq!(flags(&app).await.last().unwrap(), "", "{from}");
    }
}

#[tokio::test]
async fn one_slash_48_gets_the_new_voter_ids_of_one_address() {
    let (app, _) = app_with(TrustSettings {
        limits_enabled: true,
        trusted_proxies: "127.0.0.1/32".parse().unwrap(),
        address_new_voters: "3/hour".parse().unwrap(),
        ..permissive()
    })
    .await;
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for from in slash_56s_of_one_48().take(5) {
            out.push(battle_and_vote_from(&app, &from).await.0);
        }
        out
    };
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert_eq!(battle_and_vote_from(&app, "2001:db8:78::1").await.0, 200);
}

const DAY_MS: i64 = 24 * 3600 * 1000;

fn cookie_max_age(res: &reqwest::Response) -> Option<String> {
    let cookie = res.headers().get("set-cookie")?.to_str().unwrap();
    let age = cookie
        .split("; ")
        .find_map(|p| p.strip_prefix("Max-Age="))?;
    Some(age.to_owned())
}

#[tokio::test]
async fn a_voter_id_past_its_days_is_replaced_and_its_issue_time_cannot_be_moved() {
    // ARENA_VOTER_ID_DAYS as by default: 90.
    let (app, clock) = app_with(permissive()).await;
    let res = battle_as(&app, &cookieless(), None).await;
    // The cookie lasts as long as the id.
    assert_eq!(cookie_max_age(&res).as_deref(), Some("7776000"));
    let first: BattleResponse = res.json().await.unwrap();
    let (id, issued, _) = {
        let parts: Vec<&str> = first.voter.split('.').collect();
        (
            parts[0].to_owned(),
            parts[1].to_owned(),
            parts[2].to_owned(),
        )
    };
    assert_eq!(issued, (T0 / 1000).to_string());

    // On its 90th day it still draws battles, as itself; using it does not renew it.
    clock.advance(90 * DAY_MS - 60_000);
    let res = battle_as(&app, &cookieless(), Some(&first.voter)).await;
    assert_eq!(cookie_max_age(&res), None, "no new id");
    let last: BattleResponse = res.json().await.unwrap();
    assert_eq!(last.voter, first.voter);
    // Past its days it draws nothing: the browser is new and gets a new id...
    clock.advance(120_000);
    let res = battle_as(&app, &cookieless(), Some(&first.voter)).await;
    assert_eq!(cookie_max_age(&res).as_deref(), Some("7776000"));
    let renewed: BattleResponse = res.json().await.unwrap();
    assert!(!renewed.voter.starts_with(&id), "{}", renewed.voter);
    // ...while the battle it drew on its last day is still its own to vote.
    let res = vote_as(&app, &cookieless(), Some(&first.voter), &last.token, "a").await;
    assert_eq!(res.status(), 200);
    assert_eq!(flags(&app).await, [""]);

    // Made younger by hand, the old id fails its signature: counted as none, a new id again.
    let now_secs = (T0 + 90 * DAY_MS + 60_000) / 1000;
    let younger = first
        .voter
        .replace(&format!(".{issued}."), &format!(".{now_secs}."));
    assert_ne!(younger, first.voter);
    let res = battle_as(&app, &cookieless(), Some(&younger)).await;
    assert!(cookie_max_age(&res).is_some(), "a new id");
    let again: BattleResponse = res.json().await.unwrap();
    assert!(!again.voter.starts_with(&id));
    assert_ne!(again.voter, renewed.voter);
}
