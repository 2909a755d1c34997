//! Load generator for `make bench-votes`: N clients on loopback, each looping "draw a battle,
//! vote on it" against a running arena for S seconds, as one citizen each (its own voter id).
//! Prints votes per second and the latency of both requests (p50, p99).
//!
//!   vote_load URL [CLIENTS] [SECONDS]

use std::time::{Duration, Instant};

use arena_core::api::BattleResponse;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: vote_load URL [CLIENTS] [SECONDS]")?;
    let clients: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(32);
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let url = url.clone();
        tasks.spawn(async move {
            let client = reqwest::Client::new();
            let (mut battles, mut votes, mut errors) = (Vec::new(), Vec::new(), 0u64);
            let mut voter: Option<String> = None;
            while Instant::now() < until {
                let t = Instant::now();
                let mut req = client.get(format!("{url}/api/v1/battle"));
                if let Some(v) = &voter {
                    req = req.header("x-arena-voter", v);
                }
                let Ok(res) = req.send().await else {
                    errors += 1;
                    continue;
                };
                let Ok(battle) = res.json::<BattleResponse>().await else {
                    errors += 1;
                    continue;
                };
                battles.push(t.elapsed());
                voter = Some(battle.voter.clone());
                let t = Instant::now();
                let res = client
                    .post(format!("{url}/api/v1/vote"))
                    .header("x-arena-voter", &battle.voter)
                    .json(&serde_json::json!({"token": battle.token, "choice": "a"}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() => votes.push(t.elapsed()),
                    _ => errors += 1,
                }
            }
            (battles, votes, errors)
        });
    }
    let (mut battles, mut votes, mut errors) = (Vec::new(), Vec::new(), 0);
    for (b, v, e) in tasks.join_all().await {
        battles.extend(b);
        votes.extend(v);
        errors += e;
    }
    let pct = |xs: &mut Vec<Duration>, p: f64| -> f64 {
        xs.sort();
        xs.get(((xs.len() as f64 - 1.0) * p).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{clients} clients, {seconds} s: {:.0} votes/s ({} votes, {errors} errors); vote p50 {:.1} ms p99 {:.1} ms; battle p50 {:.1} ms p99 {:.1} ms",
        votes.len() as f64 / seconds as f64,
        votes.len(),
        pct(&mut votes, 0.5),
        pct(&mut votes, 0.99),
        pct(&mut battles, 0.5),
        pct(&mut battles, 0.99),
    );
    Ok(())
}
