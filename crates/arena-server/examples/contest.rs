//! Can a contender buy the ranking of a running arena? `make contest` (scripts/contest.sh) runs
//! this against real servers, started as `make run` starts one (default settings, a SQLite file)
//! with the loopback proxy trusted, in real time: the crowds of `tests/api/contenders.rs`, on the
//! wall clock instead of the arena's own.
//!
//!   contest battle-set MODELS FILE
//!       writes the contenders' battle set (MODELS close models, 42 Korean prompts) to import
//!   contest run URL DATABASE METRICS_URL MODELS CROWD TARGET_PLACE HONEST_MINUTES SEED
//!       150 honest citizens, 10 votes each, arriving over HONEST_MINUTES; then, once the
//!       server's audit has looked twice, CROWD (`team`, `botnet` or `citizens`): 150 more
//!       people on 150 other addresses, 10 votes each, arriving within 30 seconds. The team
//!       knows its own model's answers; the botnet learns answers' models from the reveals it
//!       is given; citizens vote honestly (the test of false alarms). Three audit passes later
//!       it prints one row: attempted, refused, held, kept (not counted), counted, the target's
//!       place before and after, and the places the attack bought (its place in the counted
//!       table against its place had its counted forced votes been honest).
//!
//! Every person reads for the battle's reading time plus 0.5–20 s and waits 2–30 s between
//! battles, solves proof of work when asked, and keeps its voter id. The outcome per vote is
//! read from the server's database (read-only, as its operator could), so holds made by later
//! audit passes are seen.
#![allow(clippy::unwrap_used)]

#[path = "../tests/support/contest.rs"]
mod contest;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arena_core::api::LeaderboardResponse;
use arena_core::rating::{BattleCounts, fit_strengths};
use arena_core::{Choice, Flag, Flags};
use contest::{Drawn, Http, Scenario};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

const PEOPLE: usize = 150;
const VOTES_EACH: usize = 10;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
enum Script {
    Honest,
    Team(Arc<HashSet<String>>),
    Botnet(String),
}

/// A vote the script cast otherwise than an honest citizen would have.
struct Forced {
    voter: String,
    prompt: String,
    model_a: String,
    model_b: String,
    forced: Choice,
    honest: Choice,
}

#[derive(Default)]
struct Crowd {
    voters: HashSet<String>,
    attempted: usize,
    refused: usize,
    /// Refusals by status (0: no answer).
    refused_by: std::collections::BTreeMap<u16, usize>,
    forced: Vec<Forced>,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("battle-set") if args.len() == 3 => {
            let scenario = scenario(args[1].parse()?, 0);
            std::fs::write(&args[2], scenario.battle_set())?;
            Ok(())
        }
        Some("run") if args.len() == 9 => run(&args[1..]).await,
        _ => Err(
            "usage: contest battle-set MODELS FILE | contest run URL DATABASE METRICS_URL \
                  MODELS team|botnet|citizens TARGET_PLACE HONEST_MINUTES SEED"
                .into(),
        ),
    }
}

fn scenario(models: usize, seed: u64) -> Scenario {
    Scenario {
        models,
        spacing: if models <= 12 { 15.0 } else { 10.0 },
        seed,
    }
}

async fn run(args: &[String]) -> Result<(), Error> {
    let (url, database, metrics) = (&args[0], &args[1], &args[2]);
    let scenario = scenario(args[3].parse()?, args[7].parse()?);
    let crowd_name = args[4].as_str();
    let target_place: usize = args[5].parse()?;
    let honest_minutes: f64 = args[6].parse()?;
    let http = Http::new(url);
    let started = Instant::now();

    let honest = crowd(
        &scenario,
        &http,
        198,
        Duration::from_secs_f64(honest_minutes * 60.0),
        Script::Honest,
        scenario.seed,
    )
    .await;
    eprintln!(
        "[{:>5.0} s] honest phase: {} votes, {} refused {:?}",
        started.elapsed().as_secs_f64(),
        honest.attempted,
        honest.refused,
        honest.refused_by
    );
    audit_passes(&http, metrics, 2).await?;
    let before: LeaderboardResponse = http.get("/api/v1/leaderboard").await?;
    let target = before
        .models
        .get(target_place - 1)
        .ok_or("the table has fewer models than the target's place")?
        .id
        .clone();
    let script = match crowd_name {
        "team" => Script::Team(Arc::new(scenario.answers_of(&target))),
        "botnet" => Script::Botnet(target.clone()),
        "citizens" => Script::Honest,
        other => return Err(format!("unknown crowd {other}").into()),
    };
    let second = crowd(
        &scenario,
        &http,
        203,
        Duration::from_secs(30),
        script,
        scenario.seed + 1,
    )
    .await;
    eprintln!(
        "[{:>5.0} s] {crowd_name}: {} votes, {} refused {:?}",
        started.elapsed().as_secs_f64(),
        second.attempted,
        second.refused,
        second.refused_by
    );
    audit_passes(&http, metrics, 3).await?;
    let after: LeaderboardResponse = http.get("/api/v1/leaderboard").await?;
    let text = http.client.get(metrics).send().await?.text().await?;
    let metric = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    eprintln!(
        "model-campaign test: {:.0} passes, {:.3} s a pass on average",
        metric("arena_model_campaign_seconds_count"),
        metric("arena_model_campaign_seconds_sum")
            / metric("arena_model_campaign_seconds_count").max(1.0)
    );

    let votes = read_votes(database).await?;
    let attack = tally(&votes, &second.voters);
    let citizens = tally(&votes, &honest.voters);
    let bought = places_bought(&votes, &target, &second.forced);
    let place = |t: &LeaderboardResponse| 1 + t.models.iter().position(|m| m.id == target).unwrap();
    println!(
        "{crowd_name} ({} models) | {} | {} | {} | {} | {} | {} → {} | {bought} | honest phase: {} votes, {} refused, {} held",
        scenario.models,
        second.attempted,
        second.refused,
        attack.held,
        attack.kept,
        attack.counted,
        place(&before),
        place(&after),
        honest.attempted,
        honest.refused,
        citizens.held,
    );
    Ok(())
}

/// 150 people on 150 addresses of the network `net`, arriving over `arrive`, 10 votes each.
async fn crowd(
    scenario: &Scenario,
    http: &Http,
    net: u8,
    arrive: Duration,
    script: Script,
    seed: u64,
) -> Crowd {
    let learned: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let out: Arc<Mutex<Crowd>> = Arc::default();
    let mut people = tokio::task::JoinSet::new();
    for person in 0..PEOPLE {
        let (scenario, http, script) = (*scenario, http.clone(), script.clone());
        let (learned, out) = (learned.clone(), out.clone());
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003) + person as u64);
        let arrival = arrive.mul_f64(rng.random::<f64>());
        people.spawn(async move {
            tokio::time::sleep(arrival).await;
            let address = format!("{net}.51.{}.{}", person / 200, person % 200 + 1);
            let mut voter: Option<String> = None;
            for _ in 0..VOTES_EACH {
                let battle = match http.battle(&address, voter.as_deref()).await {
                    Drawn::Battle(b) => b,
                    Drawn::Refused(status, retry) => {
                        {
                            let mut out = out.lock().unwrap();
                            out.attempted += 1;
                            out.refused += 1;
                            *out.refused_by.entry(status).or_default() += 1;
                        }
                        sleep_secs(retry.unwrap_or(1) as f64).await;
                        continue;
                    }
                };
                voter = Some(battle.voter.clone());
                let hex = battle
                    .voter
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let read = battle.min_read_ms as f64 / 1000.0 + rng.random_range(0.5..20.0);
                sleep_secs(read).await;
                let (a, b) = (battle.answers.a.trim(), battle.answers.b.trim());
                let (model_a, model_b) = (
                    scenario.author(a).unwrap_or_default(),
                    scenario.author(b).unwrap_or_default(),
                );
                let honest = scenario.honest_choice(&mut rng, &model_a, &model_b);
                let knows = |answer: &str| learned.lock().unwrap().get(answer).cloned();
                let choice = match &script {
                    Script::Honest => honest,
                    Script::Team(own) if own.contains(a) => "a",
                    Script::Team(own) if own.contains(b) => "b",
                    Script::Botnet(t) if knows(a).as_ref() == Some(t) => "a",
                    Script::Botnet(t) if knows(b).as_ref() == Some(t) => "b",
                    _ => honest,
                };
                let result = http
                    .vote(&address, voter.as_deref(), &battle.token, choice)
                    .await;
                {
                    let mut out = out.lock().unwrap();
                    out.attempted += 1;
                    out.voters.insert(hex.clone());
                    match result {
                        Ok(reveal) => {
                            if let (Some(models), Script::Botnet(_)) = (reveal.models, &script) {
                                let mut learned = learned.lock().unwrap();
                                learned.insert(a.to_owned(), models.a.id);
                                learned.insert(b.to_owned(), models.b.id);
                            }
                        }
                        Err((status, _)) => {
                            out.refused += 1;
                            *out.refused_by.entry(status).or_default() += 1;
                        }
                    }
                    if choice != honest {
                        out.forced.push(Forced {
                            voter: hex,
                            prompt: battle.prompt.id.clone(),
                            model_a,
                            model_b,
                            forced: choice.parse().unwrap(),
                            honest: honest.parse().unwrap(),
                        });
                    }
                }
                sleep_secs(rng.random_range(2.0..30.0)).await;
            }
        });
    }
    people.join_all().await;
    let learned = learned.lock().unwrap().len();
    if learned > 0 {
        eprintln!("the botnet learned the models of {learned} answers");
    }
    std::mem::take(&mut *out.lock().unwrap())
}

async fn sleep_secs(s: f64) {
    tokio::time::sleep(Duration::from_secs_f64(s)).await;
}

impl Http {
    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        Ok(self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }
}

/// Waits until the server's worker has audited the votes `n` more times (its metric
/// `arena_model_campaign_seconds_count`), so every hold it would make is made.
async fn audit_passes(http: &Http, metrics: &str, n: u64) -> Result<(), Error> {
    let passes = || async {
        let text = http.client.get(metrics).send().await?.text().await?;
        let count = text
            .lines()
            .find_map(|l| l.strip_prefix("arena_model_campaign_seconds_count "))
            .map_or(Ok(0.0), str::parse::<f64>)?;
        Ok::<u64, Error>(count as u64)
    };
    let from = passes().await?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while passes().await? < from + n {
        if Instant::now() > deadline {
            return Err("the server's audit made no pass in 10 minutes".into());
        }
        sleep_secs(1.0).await;
    }
    Ok(())
}

struct StoredVote {
    voter: String,
    prompt: String,
    model_a: String,
    model_b: String,
    choice: Choice,
    flags: Flags,
}

async fn read_votes(database: &str) -> Result<Vec<StoredVote>, Error> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await?;
    let rows =
        sqlx::query("SELECT voter_id, prompt_id, model_a, model_b, choice, flags FROM votes")
            .fetch_all(&pool)
            .await?;
    let votes = rows
        .iter()
        .map(|r| {
            Ok(StoredVote {
                voter: r.try_get(0)?,
                prompt: r.try_get(1)?,
                model_a: r.try_get(2)?,
                model_b: r.try_get(3)?,
                choice: r.try_get::<String, _>(4)?.parse()?,
                flags: Flags::from_bits(r.try_get(5)?),
            })
        })
        .collect::<Result<_, Error>>();
    pool.close().await;
    votes
}

#[derive(Default)]
struct Tally {
    held: usize,
    kept: usize,
    counted: usize,
}

fn tally(votes: &[StoredVote], voters: &HashSet<String>) -> Tally {
    let mut out = Tally::default();
    for v in votes.iter().filter(|v| voters.contains(&v.voter)) {
        if v.flags.is_empty() {
            out.counted += 1;
        } else if v.flags.iter().any(Flag::reviewable) {
            // Held by the audit for review; every other flag is the sender's own conduct.
            out.held += 1;
        } else {
            out.kept += 1;
        }
    }
    out
}

/// The target's place in the table of counted votes, against its place had the attack's
/// counted forced votes been the honest choice (as `tests/api/contenders.rs` measures it).
fn places_bought(votes: &[StoredVote], target: &str, forced: &[Forced]) -> i64 {
    let mut counted = BattleCounts::default();
    let mut honest = BattleCounts::default();
    let mut forced_left: HashMap<(&str, &str, &str, &str, Choice), Vec<Choice>> = HashMap::new();
    for f in forced {
        forced_left
            .entry((&f.voter, &f.prompt, &f.model_a, &f.model_b, f.forced))
            .or_default()
            .push(f.honest);
    }
    for v in votes.iter().filter(|v| v.flags.is_empty()) {
        counted.add(&v.model_a, &v.model_b, v.choice, 1);
        let key = (
            v.voter.as_str(),
            v.prompt.as_str(),
            v.model_a.as_str(),
            v.model_b.as_str(),
            v.choice,
        );
        let choice = forced_left
            .get_mut(&key)
            .and_then(Vec::pop)
            .unwrap_or(v.choice);
        honest.add(&v.model_a, &v.model_b, choice, 1);
    }
    let place = |counts: &BattleCounts| {
        let fitted = fit_strengths(&counts.canonical());
        let Some(i) = fitted.models.iter().position(|m| m == target) else {
            return 0;
        };
        1 + fitted
            .theta
            .iter()
            .filter(|t| **t > fitted.theta[i])
            .count() as i64
    };
    place(&honest) - place(&counted)
}
