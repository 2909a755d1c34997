//! Can a contender buy the ranking? The attackers that matter for the programme this arena
//! serves, through the real HTTP API on the arena's own clock (`simulation.rs` has the naive
//! ones).
//!
//! 150 honest citizens (each on their own address, behind a trusted proxy) cast 1,500 votes by a
//! hidden ground truth over three hours. Then, each on its own copy of that database:
//! - **more citizens**: 150 more honest citizens, 1,500 votes: the test of false alarms;
//! - **a team** that knows its own model's answers (it wrote them): 150 addresses, one voter id
//!   each, 10 votes per id, all at once, reading time waited out, proof of work solved when
//!   asked; it votes for its model whenever it appears and like an honest citizen otherwise;
//! - **a botnet** without inside knowledge: the same, learning which model wrote each answer
//!   from the reveals it is given, and voting for its target whenever it recognises it.
//!
//! Goals (issue "Hard to buy, even for a team"): the team's model moves at most 1 place of 12,
//! the botnet's target at most 2 places of 65; no honest vote is refused and at most 1% are
//! held; the honest continuation holds nothing. Asserted: all of them but the botnet's places,
//! which are printed (the botnet is not yet held every run: README, "Measured").
//!
//! Settings: the defaults of `TrustSettings` (README), the loopback proxy trusted; the
//! background worker is off and the worker's pass (audit, recomputation) runs every 100 votes,
//! as the worker would every few seconds.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use arena_core::Choice;
use arena_core::api::{BattleResponse, LeaderboardResponse};
use arena_core::rating::fit_strengths;
use arena_server::clock::{Clock, ManualClock};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::contest::{Drawn, Http, Scenario};
use crate::helpers::{Options, TestApp, spawn_app_with};
use crate::simulation::{place, trust};

const PEOPLE: usize = 150;
const VOTES_EACH: usize = 10;
const T0: i64 = 1_800_000_000_000;

async fn spawn(
    scenario: &Scenario,
    clock: &Arc<ManualClock>,
    database: Option<std::path::PathBuf>,
) -> (TestApp, Http) {
    let app = spawn_app_with(Options {
        trust: trust(),
        clock: Some(clock.clone()),
        worker: false,
        battle_set: scenario.battle_set(),
        bootstrap_rounds: 100,
        database,
        ..Options::default()
    })
    .await;
    let http = Http::new(&app.address);
    (app, http)
}

/// How a crowd votes.
enum Script {
    Honest,
    /// Knows these answer texts are its model's.
    Team(HashSet<String>),
    /// Learns answers' models from the reveals; lifts this model.
    Botnet(String),
}

#[derive(Debug, Default)]
struct Tally {
    attempted: usize,
    refused: usize,
    /// Held by the audit (kept, not counted, for review).
    held: usize,
    /// Kept, not counted, for the sender's conduct (too fast, caps).
    kept: usize,
    counted: usize,
}

/// 150 people on 150 addresses (`net`), 10 votes each, arriving over `arrive_ms`. Returns
/// what it did.
#[allow(clippy::too_many_arguments)]
async fn crowd(
    scenario: &Scenario,
    app: &TestApp,
    http: &Http,
    clock: &ManualClock,
    rng: &mut StdRng,
    net: u8,
    arrive_ms: i64,
    script: &Script,
) -> Crowd {
    let target = match script {
        Script::Botnet(t) => Some(t.clone()),
        _ => None,
    };
    let address = |c: usize| format!("{net}.51.{}.{}", c / 200, c % 200 + 1);
    let start = clock.now_ms();
    let mut events: BinaryHeap<Reverse<(i64, usize)>> = (0..PEOPLE)
        .map(|c| Reverse((start + rng.random_range(0..arrive_ms), c)))
        .collect();
    let mut voter: Vec<Option<String>> = vec![None; PEOPLE];
    let mut reading: Vec<Option<BattleResponse>> = vec![None; PEOPLE];
    let mut left = vec![VOTES_EACH; PEOPLE];
    let mut learned: HashMap<String, String> = HashMap::new();
    let mut ids = HashSet::new();
    let (mut attempted, mut refused) = (0, 0);
    let mut forced: Vec<Forced> = Vec::new();
    while let Some(Reverse((t, c))) = events.pop() {
        clock.set(t.max(clock.now_ms()));
        let Some(battle) = reading[c].take() else {
            match http.battle(&address(c), voter[c].as_deref()).await {
                Drawn::Battle(b) => {
                    voter[c] = Some(b.voter.clone());
                    let read = b.min_read_ms as i64 + rng.random_range(500..20_000);
                    reading[c] = Some(*b);
                    events.push(Reverse((t + read, c)));
                }
                Drawn::Refused(_, retry) => {
                    attempted += 1;
                    refused += 1;
                    left[c] -= 1;
                    if left[c] > 0 {
                        let wait = retry.unwrap_or(1) as i64 * 1000;
                        events.push(Reverse((t + wait, c)));
                    }
                }
            }
            continue;
        };
        attempted += 1;
        if attempted % 100 == 0 {
            app.state.leaderboards.refresh().await.unwrap();
        }
        // The hidden truth needs the models, which the server keeps sealed; the simulation
        // peeks into its own token with the test's copy of the keys.
        let claims = app.state.keys.open(&battle.token).unwrap();
        // What `examples/contest.rs` reads from the answers instead, without the keys.
        assert_eq!(
            scenario.author(&battle.answers.a),
            Some(claims.model_a.clone())
        );
        assert_eq!(
            scenario.author(&battle.answers.b),
            Some(claims.model_b.clone())
        );
        ids.insert(hex::encode(claims.voter));
        let honest = scenario.honest_choice(rng, &claims.model_a, &claims.model_b);
        let (a, b) = (&battle.answers.a, &battle.answers.b);
        let choice = match script {
            Script::Honest => honest,
            Script::Team(own) if own.contains(a.trim()) => "a",
            Script::Team(own) if own.contains(b.trim()) => "b",
            Script::Botnet(target) if learned.get(a) == Some(target) => "a",
            Script::Botnet(target) if learned.get(b) == Some(target) => "b",
            _ => honest,
        };
        if choice != honest {
            forced.push(Forced {
                battle_id: claims.battle_id_hex(),
                model_a: claims.model_a.clone(),
                model_b: claims.model_b.clone(),
                forced: choice.parse().unwrap(),
                honest: honest.parse().unwrap(),
            });
        }
        match http
            .vote(&address(c), voter[c].as_deref(), &battle.token, choice)
            .await
        {
            Ok(reveal) => {
                if let (Some(models), Some(_)) = (reveal.models, &target) {
                    learned.insert(a.clone(), models.a.id);
                    learned.insert(b.clone(), models.b.id);
                }
            }
            Err(_) => refused += 1,
        }
        left[c] -= 1;
        if left[c] > 0 {
            events.push(Reverse((t + rng.random_range(2_000..30_000), c)));
        }
    }
    if let Script::Botnet(target) = script {
        let known = learned.values().filter(|m| *m == target).count();
        eprintln!(
            "the botnet learned {} answers, {known} of them its target's",
            learned.len()
        );
    }
    Crowd {
        ids,
        attempted,
        refused,
        forced,
    }
}

/// What a crowd did.
struct Crowd {
    ids: HashSet<String>,
    attempted: usize,
    refused: usize,
    /// The votes where the script chose otherwise than an honest citizen would have.
    forced: Vec<Forced>,
}

struct Forced {
    battle_id: String,
    model_a: String,
    model_b: String,
    forced: Choice,
    honest: Choice,
}

/// The places the attack bought its target: its place in the table of the counted votes
/// against its place had the attacker's counted votes been honest ones (same battles, same
/// everything else). Free of the noise of the attack's honest-looking votes, which a
/// before-and-after comparison of the table carries (1,500 honest votes alone move a model of
/// 65 by several places).
async fn places_bought(app: &TestApp, target: &str, forced: &[Forced]) -> i64 {
    let counts: arena_core::api::CountsResponse = app.get_json("/api/v1/leaderboard/counts").await;
    let counted: HashSet<String> = app
        .texts("SELECT battle_id FROM votes WHERE flags = 0")
        .await
        .into_iter()
        .collect();
    let mut honest = counts.counts.clone();
    for f in forced.iter().filter(|f| counted.contains(&f.battle_id)) {
        let cell = honest
            .rows
            .iter_mut()
            .find(|r| r.model_a == f.model_a && r.model_b == f.model_b && r.choice == f.forced)
            .unwrap();
        cell.count -= 1;
        honest.add(&f.model_a, &f.model_b, f.honest, 1);
    }
    let place = |counts: &arena_core::rating::BattleCounts| {
        let fitted = fit_strengths(counts);
        let mine = fitted.theta[fitted.models.iter().position(|m| m == target).unwrap()];
        1 + fitted.theta.iter().filter(|t| **t > mine).count() as i64
    };
    place(&honest) - place(&counts.counts)
}

/// What became of the votes of these voters.
async fn tally(app: &TestApp, voters: &HashSet<String>) -> Tally {
    let mut out = Tally::default();
    for row in app
        .rows("SELECT voter_id, CAST(flags AS TEXT) FROM votes")
        .await
    {
        let (Some(voter), Some(flags)) = (&row[0], &row[1]) else {
            continue;
        };
        if !voters.contains(voter) {
            continue;
        }
        let flags = arena_core::Flags::from_bits(flags.parse().unwrap());
        if flags.is_empty() {
            out.counted += 1;
        } else if flags.iter().any(arena_core::Flag::reviewable) {
            out.held += 1;
        } else {
            out.kept += 1;
        }
    }
    out
}

fn row<'a>(table: &'a LeaderboardResponse, model: &str) -> &'a arena_core::api::LeaderboardRow {
    table.models.iter().find(|m| m.id == model).unwrap()
}

/// The honest phase, then the honest continuation and the attack, each on a copy; returns the
/// target's places (before, after the attack).
async fn run(scenario: Scenario, target_place: usize, attack_of: impl Fn(&str) -> Script) {
    let mut rng = StdRng::seed_from_u64(scenario.seed);
    let clock = Arc::new(ManualClock::new(T0));
    let (app, http) = spawn(&scenario, &clock, None).await;
    let Crowd {
        ids: honest,
        refused,
        ..
    } = crowd(
        &scenario,
        &app,
        &http,
        &clock,
        &mut rng,
        198,
        3 * 3_600_000,
        &Script::Honest,
    )
    .await;
    assert_eq!(refused, 0, "an honest citizen was refused");
    let before = app.refreshed_leaderboard().await;
    let target = before.models[target_place - 1].id.clone();
    let honest_tally = tally(&app, &honest).await;
    eprintln!(
        "{} models: honest phase {honest_tally:?}; target {target} in place {target_place}, {:.0} ± {:.0}",
        scenario.models,
        row(&before, &target).rating,
        (row(&before, &target).ci_high - row(&before, &target).ci_low) / 2.0
    );
    assert_eq!(honest_tally.held, 0, "the honest phase holds nothing");
    let snapshot = app._dir.path().join("honest.db");
    app.execute(&format!("VACUUM INTO '{}'", snapshot.display()))
        .await;
    let end = clock.now_ms();

    eprintln!(
        "crowd | attempted | refused | held | kept, not counted | counted | target place before → after | rating change | places bought"
    );
    for (label, script) in [
        ("more citizens", Script::Honest),
        ("attack", attack_of(&target)),
    ] {
        clock.set(end + 60_000);
        let (app, http) = spawn(&scenario, &clock, Some(snapshot.clone())).await;
        let start = app.refreshed_leaderboard().await;
        let Crowd {
            ids,
            attempted,
            refused,
            forced,
        } = crowd(
            &scenario, &app, &http, &clock, &mut rng, 203, 30_000, &script,
        )
        .await;
        // A few more passes, as the worker would make in the next minutes.
        for _ in 0..3 {
            clock.advance(31_000);
            app.state.leaderboards.refresh().await.unwrap();
        }
        let after = app.refreshed_leaderboard().await;
        let mut t = tally(&app, &ids).await;
        (t.attempted, t.refused) = (attempted, refused);
        let (from, to) = (place(&start, &target), place(&after, &target));
        let change = row(&after, &target).rating - row(&start, &target).rating;
        let bought = places_bought(&app, &target, &forced).await;
        eprintln!(
            "{label} | {} | {} | {} | {} | {} | {from} → {to} | {change:+.1} | {bought}",
            t.attempted, t.refused, t.held, t.kept, t.counted
        );
        let honest_after = tally(&app, &honest).await;
        match script {
            Script::Honest => {
                assert_eq!(t.refused, 0, "an honest citizen was refused");
                assert_eq!(t.held + t.kept, 0, "honest votes held: {t:?}");
                assert_eq!(honest_after.held, 0);
            }
            _ => {
                assert_eq!(t.attempted, PEOPLE * VOTES_EACH);
                assert!(
                    honest_after.held * 100 <= honest_tally.counted,
                    "at most 1% of honest votes held: {honest_after:?}"
                );
                // The team is held whenever it runs (measured: every run). A botnet that learns
                // its target's answers from reveals is found only when it learned enough of
                // them (about two runs in three, measured on this scenario) and then keeps the
                // wins within chance of its group; the places it buys are reported, the goal
                // of at most 2 is not yet met every run (see README, "Measured").
                if scenario.models <= 12 {
                    assert!(
                        bought <= 1,
                        "the attack bought its target {bought} places, at most 1 allowed"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_that_knows_its_own_answers_cannot_buy_a_place() {
    if crate::helpers::on_postgres() {
        eprintln!("skipped on PostgreSQL: the attacks test the trust rules, not the store");
        return;
    }
    let scenario = Scenario {
        models: 12,
        spacing: 15.0,
        seed: 20261207,
    };
    // The team wrote these: every answer of its model.
    run(scenario, 8, |target| {
        Script::Team(scenario.answers_of(target))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careful_botnet_over_many_addresses_holds_no_honest_vote() {
    if crate::helpers::on_postgres() {
        eprintln!("skipped on PostgreSQL: the attacks test the trust rules, not the store");
        return;
    }
    let scenario = Scenario {
        models: 65,
        spacing: 10.0,
        seed: 20261208,
    };
    run(scenario, 40, |target| Script::Botnet(target.to_owned())).await;
}
