//! Can the ranking be bought? A simulation through the real HTTP API, on the arena's own clock.
//!
//! 150 honest citizens (each on their own address, reached through a trusted proxy's
//! `X-Forwarded-For`) read for 15–90 seconds and vote by a hidden ground truth. Then, each on its
//! own copy of that database, four attackers try to lift one model with 1,500 votes:
//! (a) a cookie-less flood from one address; (b) a script that learns each answer's model from
//! the reveals and votes for the target and against the models above it, reading time and rate
//! limits respected; (c) the same script with a fresh voter id every five votes; (d) votes sent
//! faster than anyone reads; (e) 60 ids made and left to sleep for a day, then voting at most
//! 11 times a day each. Attackers solve proof of work whenever it is asked.
//!
//! Settings: the defaults of `TrustSettings` (documented in `trust/mod.rs` and README), with the
//! loopback proxy trusted; the background worker is off and the audit runs every 100 attempts,
//! as the worker would every few seconds.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::Arc;

use arena_core::api::LeaderboardResponse;
use arena_server::clock::{Clock, ManualClock};
use arena_server::trust::TrustSettings;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::contest::{Drawn, Http};
use crate::helpers::{Options, TestApp, spawn_app_with};

const MODELS: usize = 16;
const PROMPTS: usize = 40;
const CITIZENS: usize = 150;
const ATTACK_VOTES: usize = 1_500;
const T0: i64 = 1_800_000_000_000;

fn strength(model: usize) -> f64 {
    model as f64 * 40.0
}

fn model_id(model: usize) -> String {
    format!("sim-{model:02}")
}

/// 16 models' answers to 40 Korean prompts, each answer distinct and a few hundred characters.
fn battle_set() -> String {
    let mut out = String::from("{\"models\": [");
    out += &(0..MODELS)
        .map(|m| {
            format!(
                "{{\"id\": \"{}\", \"name\": \"모의 모델 {m}\"}}",
                model_id(m)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    out += "]}\n";
    let categories = ["법률·행정", "역사", "문화", "생활"];
    for p in 0..PROMPTS {
        let answers: Vec<String> = (0..MODELS)
            .map(|m| {
                let text = format!(
                    "질문 {p}에 대한 {m}번째 관점의 답변입니다. 주민센터에서 신청할 수 있으며 필요한 서류는 신분증과 신청서입니다. "
                )
                .repeat(4);
                format!("{{\"model\": \"{}\", \"text\": \"{text}\"}}", model_id(m))
            })
            .collect();
        out += &format!(
            "{{\"id\": \"sim-p{p}\", \"category\": \"{}\", \"prompt\": \"모의 질문 {p}: 전입신고는 어떻게 하나요?\", \"answers\": [{}]}}\n",
            categories[p % categories.len()],
            answers.join(", ")
        );
    }
    out
}

fn honest_choice(rng: &mut StdRng, a: &str, b: &str) -> &'static str {
    let idx = |m: &str| m.trim_start_matches("sim-").parse::<usize>().unwrap();
    let p = 1.0 / (1.0 + 10f64.powf((strength(idx(b)) - strength(idx(a))) / 400.0));
    let x: f64 = rng.random();
    if x < 0.1 {
        "tie"
    } else if rng.random::<f64>() < p {
        "a"
    } else {
        "b"
    }
}

pub fn trust() -> TrustSettings {
    TrustSettings {
        trusted_proxies: "127.0.0.1/32".parse().unwrap(),
        ..TrustSettings::default()
    }
}

async fn spawn(clock: &Arc<ManualClock>, database: Option<std::path::PathBuf>) -> (TestApp, Http) {
    let app = spawn_app_with(Options {
        trust: trust(),
        clock: Some(clock.clone()),
        worker: false,
        battle_set: battle_set(),
        bootstrap_rounds: 200,
        database,
        ..Options::default()
    })
    .await;
    let http = Http::new(&app.address);
    (app, http)
}

pub fn place(table: &LeaderboardResponse, model: &str) -> usize {
    1 + table.models.iter().position(|m| m.id == model).unwrap()
}

/// The honest phase: returns how many votes were cast. Any refusal fails the test.
async fn honest_phase(app: &TestApp, http: &Http, clock: &ManualClock, rng: &mut StdRng) -> usize {
    // (time, citizen, token of the battle being read or "" to draw one)
    let mut events: BinaryHeap<Reverse<(i64, usize, String)>> = BinaryHeap::new();
    let mut left: Vec<usize> = (0..CITIZENS).map(|_| rng.random_range(10..=20)).collect();
    let mut voters: Vec<Option<String>> = vec![None; CITIZENS];
    for c in 0..CITIZENS {
        events.push(Reverse((
            T0 + rng.random_range(0..3 * 3_600_000),
            c,
            String::new(),
        )));
    }
    let mut cast = 0;
    let address = |c: usize| format!("198.51.{}.{}", c / 200, c % 200 + 1);
    while let Some(Reverse((t, c, token))) = events.pop() {
        clock.set(t);
        if token.is_empty() {
            match http.battle(&address(c), voters[c].as_deref()).await {
                Drawn::Battle(b) => {
                    voters[c] = Some(b.voter.clone());
                    let read = rng.random_range(15_000..90_000);
                    events.push(Reverse((t + read, c, b.token)));
                }
                Drawn::Refused(status, _) => {
                    panic!("an honest citizen was refused a battle: {status}")
                }
            }
        } else {
            // The citizen's preference needs the models, which the server keeps sealed; the
            // simulation peeks into its own token with the test's copy of the keys.
            let claims = app.state.keys.open(&token).unwrap();
            let choice = honest_choice(rng, &claims.model_a, &claims.model_b);
            match http
                .vote(&address(c), voters[c].as_deref(), &token, choice)
                .await
            {
                Ok(_) => cast += 1,
                Err((status, _)) => panic!("an honest citizen's vote was refused: {status}"),
            }
            left[c] -= 1;
            if left[c] > 0 {
                events.push(Reverse((
                    t + rng.random_range(2_000..20_000),
                    c,
                    String::new(),
                )));
            }
        }
    }
    cast
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attack {
    Flood,
    Learner,
    FreshIds,
    TooFast,
    /// 60 ids made and left to sleep for a day, then each voting at most 11 times a day.
    Sleepers,
}

#[derive(Debug, Default)]
struct Outcome {
    attempted: usize,
    refused: usize,
    flagged: usize,
    counted: usize,
    reasons: BTreeMap<String, usize>,
    /// Votes of the honest phase flagged after the attack, by first reason.
    honest_flagged: BTreeMap<String, usize>,
}

async fn attack(
    kind: Attack,
    app: &TestApp,
    http: &Http,
    clock: &ManualClock,
    target: &str,
    above: &[String],
) -> Outcome {
    let from = "203.0.113.66";
    let mut learned: HashMap<String, String> = HashMap::new();
    let mut voter: Option<String> = None;
    let mut sleepers: Vec<String> = Vec::new();
    let mut out = Outcome::default();
    let first_rowid: i64 = app
        .texts("SELECT CAST(COALESCE(MAX(rowid), 0) AS TEXT) FROM votes")
        .await[0]
        .parse()
        .unwrap();
    for i in 0..ATTACK_VOTES {
        out.attempted += 1;
        if i % 100 == 99 {
            app.state.leaderboards.refresh().await.unwrap();
        }
        let keep_voter = match kind {
            Attack::Flood => false,
            Attack::FreshIds => i % 5 != 0,
            Attack::Learner | Attack::TooFast => true,
            Attack::Sleepers => false,
        };
        if !keep_voter {
            voter = None;
        }
        if kind == Attack::Sleepers && sleepers.len() == 60 {
            let round = (i - 60) / 60;
            if (i - 60) % 60 == 0 && round % 11 == 0 {
                // A day passes before the sleepers wake (and between each 11 rounds).
                clock.advance(25 * 3_600_000);
            }
            voter = Some(sleepers[(i - 60) % 60].clone());
        }
        let battle = match http.battle(from, voter.as_deref()).await {
            Drawn::Battle(b) => b,
            Drawn::Refused(_, retry) => {
                out.refused += 1;
                // A patient script waits as told; a flood just goes on.
                let wait = match kind {
                    Attack::Learner | Attack::FreshIds | Attack::Sleepers => {
                        retry.unwrap_or(1) * 1000
                    }
                    Attack::Flood | Attack::TooFast => 50,
                };
                clock.advance(wait as i64);
                continue;
            }
        };
        if kind != Attack::Flood {
            voter = Some(battle.voter.clone());
        }
        let priming = kind == Attack::Sleepers && sleepers.len() < 60;
        if priming {
            sleepers.push(battle.voter.clone());
        }
        let side_model = |text: &str| learned.get(text).cloned();
        let (ma, mb) = (side_model(&battle.answers.a), side_model(&battle.answers.b));
        let is_above = |m: &Option<String>| m.as_ref().is_some_and(|m| above.contains(m));
        // For the target whenever it is there; else against a model above it.
        let lift_a = ma.as_deref() == Some(target) || (is_above(&mb) && !is_above(&ma));
        let lift_b = mb.as_deref() == Some(target) || (is_above(&ma) && !is_above(&mb));
        let choice = match (lift_a, lift_b) {
            // A sleeper's first vote looks like nothing at all.
            _ if priming => "tie",
            (true, _) => "a",
            (false, true) => "b",
            _ if is_above(&ma) && is_above(&mb) => "both_bad",
            _ => "tie",
        };
        let (read, pace) = match kind {
            Attack::Flood | Attack::TooFast => (200, 0),
            // Wait out the reading time, and stay under 12 votes a minute.
            Attack::Learner | Attack::FreshIds | Attack::Sleepers => {
                (battle.min_read_ms as i64 + 500, 5_100)
            }
        };
        clock.advance(read);
        let voter_header = if kind == Attack::Flood {
            None
        } else {
            voter.as_deref()
        };
        match http.vote(from, voter_header, &battle.token, choice).await {
            Ok(reveal) => {
                if let Some(models) = reveal.models {
                    learned.insert(battle.answers.a.clone(), models.a.id.clone());
                    learned.insert(battle.answers.b.clone(), models.b.id.clone());
                }
            }
            Err((_, retry)) => {
                out.refused += 1;
                if let Some(secs) = retry
                    && matches!(kind, Attack::Learner | Attack::FreshIds | Attack::Sleepers)
                {
                    clock.advance(secs as i64 * 1000);
                }
            }
        }
        clock.advance((pace - read).max(50));
    }
    app.state.leaderboards.refresh().await.unwrap();
    let rows = app
        .flag_codes(&format!(
            "SELECT CAST(flags AS TEXT) FROM votes WHERE rowid > {first_rowid}"
        ))
        .await;
    for flags in app
        .flag_codes(&format!(
            "SELECT CAST(flags AS TEXT) FROM votes WHERE rowid <= {first_rowid} AND flags <> 0"
        ))
        .await
    {
        let first = flags.split(',').next().unwrap_or_default().to_owned();
        *out.honest_flagged.entry(first).or_default() += 1;
    }
    for flags in rows {
        if flags.is_empty() {
            out.counted += 1;
        } else {
            out.flagged += 1;
            let first = flags.split(',').next().unwrap_or_default().to_owned();
            *out.reasons.entry(first).or_default() += 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifteen_hundred_attack_votes_cannot_buy_a_place() {
    if crate::helpers::on_postgres() {
        eprintln!(
            "skipped on PostgreSQL: the attacks test the trust rules, not the store (every attack \
             starts from a copy of the honest phase's SQLite file); they run in the SQLite pass"
        );
        return;
    }
    let mut rng = StdRng::seed_from_u64(20261202);
    let clock = Arc::new(ManualClock::new(T0));
    let (honest_app, honest_http) = spawn(&clock, None).await;
    let cast = honest_phase(&honest_app, &honest_http, &clock, &mut rng).await;
    let before = honest_app.refreshed_leaderboard().await;
    let honest_flagged = before.excluded.total;
    eprintln!(
        "honest phase: {CITIZENS} citizens cast {cast} votes, none refused, {honest_flagged} flagged ({:?})",
        before.excluded.reasons
    );
    assert!(
        honest_flagged * 100 <= cast as u64,
        "at most 1% of honest votes flagged: {:?}",
        before.excluded
    );
    // The target: the model in 11th place of 16, with ten models above it to overtake.
    let target = before.models[10].id.clone();
    let above: Vec<String> = before.models[..10].iter().map(|m| m.id.clone()).collect();
    let target_row = &before.models[10];
    let half_width = (target_row.ci_high - target_row.ci_low) / 2.0;

    let snapshot = honest_app._dir.path().join("honest.db");
    honest_app
        .execute(&format!("VACUUM INTO '{}'", snapshot.display()))
        .await;
    let end_of_honest = clock.now_ms();

    eprintln!(
        "target {target}: place {} of {MODELS}, rating {:.1} ± {half_width:.1}",
        place(&before, &target),
        target_row.rating
    );
    eprintln!(
        "attack | attempted | refused | flagged | counted | place before → after | rating change | flag reasons"
    );
    for kind in [
        Attack::Flood,
        Attack::Learner,
        Attack::FreshIds,
        Attack::TooFast,
        Attack::Sleepers,
    ] {
        clock.set(end_of_honest + 60_000);
        let (app, http) = spawn(&clock, Some(snapshot.clone())).await;
        let start = app.refreshed_leaderboard().await;
        assert_eq!(place(&start, &target), place(&before, &target));
        let outcome = attack(kind, &app, &http, &clock, &target, &above).await;
        let after = app.refreshed_leaderboard().await;
        let start_row = start.models.iter().find(|m| m.id == target).unwrap();
        let after_row = after.models.iter().find(|m| m.id == target).unwrap();
        let moved = place(&start, &target) as i64 - place(&after, &target) as i64;
        let change = after_row.rating - start_row.rating;
        eprintln!(
            "{kind:?} | {} | {} | {} | {} | {} → {} | {change:+.1} | {:?} | honest votes flagged: {:?}",
            outcome.attempted,
            outcome.refused,
            outcome.flagged,
            outcome.counted,
            place(&start, &target),
            place(&after, &target),
            outcome.reasons,
            outcome.honest_flagged
        );
        assert_eq!(outcome.attempted, ATTACK_VOTES);
        // What stays counted is mostly the scripts' cover (ties between models they do not
        // care about) and, since the audit holds a campaign's core rather than its whole group,
        // the wins within chance of their group: at most two voters' daily caps (measured: up
        // to 210 for fresh ids). What those votes can do is asserted next.
        assert!(
            outcome.counted as u64 <= 2 * TrustSettings::default().voter_daily_cap,
            "{kind:?}: counted votes stay within two voters' daily caps: {outcome:?}"
        );
        let honest_held: usize = outcome.honest_flagged.values().sum();
        assert!(
            honest_held * 100 <= cast,
            "{kind:?}: at most 1% of the {cast} honest votes held, {honest_held} were: {:?}",
            outcome.honest_flagged
        );
        assert!(moved.abs() <= 2, "{kind:?} moved the target {moved} places");
        assert!(
            change.abs() < half_width,
            "{kind:?} moved the target by {change:.1} points, half-width {half_width:.1}"
        );
    }
}
