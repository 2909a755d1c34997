//! A large arena for benchmarks: a generated catalogue and millions of votes, stored through
//! the real schema (its triggers keep the leaderboard's cells as a server's votes would), then
//! the time one leaderboard refresh takes on it.
//!
//!   seed_votes DATABASE_URL [--votes N] [--models M] [--categories C] [--prompts P]
//!              [--answers-per-prompt K] [--refresh-only]
//!
//! Seeded: the same arguments make the same arena. Votes follow a Bradley–Terry model with
//! strengths spread over 600 points and 8% ties, cast over the last 30 days by 100,000 voters.

use std::sync::Arc;
use std::time::Instant;

use arena_core::battle_set::{AnswerRecord, BattleSet, ModelDecl, PromptRecord};
use arena_core::rating::RatingOptions;
use arena_server::leaderboard::{Leaderboards, RefreshSettings};
use arena_server::store::DynStore;
use arena_server::store::postgres::PgStore;
use arena_server::store::sqlite::SqliteStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Args {
    url: String,
    votes: usize,
    models: usize,
    categories: usize,
    prompts: usize,
    answers: usize,
    refresh_only: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        url: it.next().ok_or_else(|| {
            anyhow::anyhow!("usage: seed_votes DATABASE_URL [--votes N] [--models M] ...")
        })?,
        votes: 1_000_000,
        models: 100,
        categories: 8,
        prompts: 10_000,
        answers: 8,
        refresh_only: false,
    };
    while let Some(flag) = it.next() {
        if flag == "--refresh-only" {
            a.refresh_only = true;
            continue;
        }
        let value: usize = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a number"))?
            .replace('_', "")
            .parse()?;
        match flag.as_str() {
            "--votes" => a.votes = value,
            "--models" => a.models = value,
            "--categories" => a.categories = value,
            "--prompts" => a.prompts = value,
            "--answers-per-prompt" => a.answers = value,
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    anyhow::ensure!(
        a.answers >= 2 && a.answers <= a.models,
        "answers per prompt: 2..=models"
    );
    Ok(a)
}

struct Vote {
    battle_id: String,
    prompt: usize,
    a: usize,
    b: usize,
    choice: &'static str,
    voter: u32,
    at: i64,
}

/// Rows of `INSERT INTO votes` for one batch, in either dialect.
macro_rules! insert_votes {
    ($db:ty, $pool:expr, $votes:expr, $prompt_models:expr, $categories:expr) => {{
        let mut tx = $pool.begin().await?;
        for chunk in $votes.chunks(1000) {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, \
                 voter_id, issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, min_read_ms) ",
            );
            q.push_values(chunk, |mut row, v: &Vote| {
                row.push_bind(v.battle_id.clone())
                    .push_bind(format!("p{:06}", v.prompt))
                    .push_bind($categories[v.prompt % $categories.len()].clone())
                    .push_bind(format!("m{:03}", $prompt_models[v.prompt][v.a]))
                    .push_bind(format!("m{:03}", $prompt_models[v.prompt][v.b]))
                    .push_bind(v.choice)
                    .push_bind(format!("{:032x}", v.voter))
                    .push_bind(v.at - 20_000)
                    .push_bind(v.at)
                    .push_bind(20_000i64)
                    .push_bind(None::<String>)
                    .push_bind(0i64)
                    .push_bind(3_000i64);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }};
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args()?;
    let mut rng = StdRng::seed_from_u64(20261202);
    let categories: Vec<String> = (0..a.categories).map(|c| format!("분야 {c:02}")).collect();
    // Each prompt answered by `answers` different models.
    let prompt_models: Vec<Vec<usize>> = (0..a.prompts)
        .map(|_| rand::seq::index::sample(&mut rng, a.models, a.answers).into_vec())
        .collect();
    let strength: Vec<f64> = (0..a.models)
        .map(|m| 600.0 * m as f64 / a.models as f64)
        .collect();

    let (store, sqlite, pg): (DynStore, Option<SqliteStore>, Option<PgStore>) =
        if a.url.starts_with("postgres://") || a.url.starts_with("postgresql://") {
            let s = PgStore::connect(&a.url).await?;
            (Arc::new(s.clone()), None, Some(s))
        } else {
            let s = SqliteStore::connect(&a.url).await?;
            (Arc::new(s.clone()), Some(s), None)
        };

    if !a.refresh_only {
        let t = Instant::now();
        let set = BattleSet {
            models: (0..a.models)
                .map(|m| ModelDecl {
                    id: format!("m{m:03}"),
                    name: format!("모델 {m:03}"),
                })
                .collect(),
            prompts: prompt_models
                .iter()
                .enumerate()
                .map(|(p, models)| PromptRecord {
                    id: format!("p{p:06}"),
                    category: categories[p % categories.len()].clone(),
                    prompt: format!("{p}번 질문: 한국의 행정 절차에 대해 설명해 주세요."),
                    answers: models
                        .iter()
                        .map(|m| AnswerRecord {
                            model: format!("m{m:03}"),
                            text: format!(
                                "모델 {m}의 {p}번 답: 주민센터나 정부24에서 신청할 수 있습니다."
                            ),
                        })
                        .collect(),
                })
                .collect(),
        };
        let report = store.import(&set).await?;
        eprintln!(
            "catalogue: {} models, {} prompts, {} answers in {:.1} s",
            report.models_added,
            report.prompts_added,
            report.answers_added,
            t.elapsed().as_secs_f64()
        );

        let t = Instant::now();
        let now = arena_server::clock::now_ms();
        let batch = 100_000;
        let mut done = 0;
        while done < a.votes {
            let n = batch.min(a.votes - done);
            let votes: Vec<Vote> = (0..n)
                .map(|i| {
                    let prompt = rng.random_range(0..a.prompts);
                    let k = prompt_models[prompt].len();
                    let x = rng.random_range(0..k);
                    let mut y = rng.random_range(0..k - 1);
                    if y >= x {
                        y += 1;
                    }
                    let d = strength[prompt_models[prompt][x]] - strength[prompt_models[prompt][y]];
                    let p = 1.0 / (1.0 + 10f64.powf(-d / 400.0));
                    let u: f64 = rng.random();
                    let choice = if u < 0.08 {
                        "tie"
                    } else if rng.random::<f64>() < p {
                        "a"
                    } else {
                        "b"
                    };
                    Vote {
                        battle_id: format!(
                            "{:032x}",
                            ((done + i) as u128) << 64 | rng.random::<u64>() as u128
                        ),
                        prompt,
                        a: x,
                        b: y,
                        choice,
                        voter: rng.random_range(0..100_000),
                        at: now - rng.random_range(0..30 * 24 * 3_600_000i64),
                    }
                })
                .collect();
            if let Some(s) = &sqlite {
                insert_votes!(sqlx::Sqlite, s.pool(), votes, prompt_models, categories);
            } else if let Some(s) = &pg {
                insert_votes!(sqlx::Postgres, s.pool(), votes, prompt_models, categories);
            }
            done += n;
            eprint!("\r{done} votes, {:.0} s", t.elapsed().as_secs_f64());
        }
        eprintln!();
    }

    // One refresh as the server does it: read the cells, fit every table, 1000 bootstrap rounds.
    let t = Instant::now();
    let cells = store.vote_counts().await?;
    let read = t.elapsed().as_secs_f64();
    let boards = Leaderboards::new(
        Arc::clone(&store),
        RatingOptions::default(),
        RefreshSettings {
            audit: None,
            ..RefreshSettings::default()
        },
    );
    let t = Instant::now();
    boards.recompute().await?;
    let whole = t.elapsed().as_secs_f64();
    let table = boards.table(None);
    // What a recomputing server publishes for the others on a shared database (PostgreSQL).
    let mut published = serde_json::to_vec(&*table)?.len();
    for category in &table.response.categories {
        published += serde_json::to_vec(&*boards.table(Some(category)))?.len();
    }
    println!(
        "refresh: {} counted votes in {} cells, {} models, {} categories; reading the cells {read:.2} s, \
         whole refresh (read + fit + 1000 bootstrap rounds for {} tables) {whole:.2} s; \
         the tables as published for other servers: {:.1} MB of JSON",
        table.response.total_votes,
        cells.len(),
        table.response.models.len(),
        table.response.categories.len(),
        table.response.categories.len() + 1,
        published as f64 / 1e6,
    );
    store.close().await?;
    Ok(())
}
