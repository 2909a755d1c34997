//! The pairing benchmark (`make bench-pairing`): votes needed until the leaderboard's mean 95%
//! interval width reaches a target, drawing pairs uniformly or by the arena's informative rule
//! (`arena_core::rating::pairing`), the table recomputed by the real engine every batch.
//!
//! `cargo run --release -p arena-core --example pairing -- [MODELS] [SPREAD] [TARGET] [SEEDS] [NEW] [EARLIER]`:
//! MODELS models with true ratings evenly spread over SPREAD points; every NEW-th model joins
//! now (0: all start together) while the others already have EARLIER votes among themselves;
//! intervals from 200 bootstrap rounds, 15% ties, batches of 200 votes; one line per seed and
//! the median ratio.

use arena_core::rating::pairing::{Policy, Simulation, simulate};

fn arg(n: usize, default: f64) -> f64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let models = arg(1, 20.0) as usize;
    let spread = arg(2, 600.0);
    let target = arg(3, 60.0);
    let seeds = arg(4, 5.0) as u64;
    let every = arg(5, 4.0) as usize;
    let earlier_votes = arg(6, 20_000.0) as usize;
    let new_models: Vec<usize> = if every == 0 {
        Vec::new()
    } else {
        (0..models).filter(|i| i % every == every / 2).collect()
    };
    let ratings: Vec<f64> = (0..models)
        .map(|i| 1000.0 + spread * (i as f64 / (models.max(2) - 1) as f64 - 0.5))
        .collect();
    let sim = Simulation {
        ratings,
        new_models: new_models.clone(),
        earlier_votes: if new_models.is_empty() {
            0
        } else {
            earlier_votes
        },
        tie_rate: 0.15,
        batch: 200,
        bootstrap_rounds: 200,
        max_votes: 2_000_000,
    };
    println!(
        "{models} models over {spread} points, {} of them new (the others with {} earlier votes), target mean 95% interval width {target} points",
        sim.new_models.len(),
        sim.earlier_votes
    );
    println!("seed  uniform  informative  ratio  least pair share (informative, uniform = 1)");
    let mut ratios = Vec::new();
    for seed in 1..=seeds {
        let started = std::time::Instant::now();
        let u = simulate(&sim, Policy::Uniform, target, seed);
        let s = simulate(&sim, Policy::Informative, target, seed);
        let (Some(uv), Some(sv)) = (u.votes, s.votes) else {
            println!(
                "{seed}: did not reach the target within {} votes",
                sim.max_votes
            );
            continue;
        };
        let ratio = sv as f64 / uv as f64;
        ratios.push(ratio);
        println!(
            "{seed:>4}  {uv:>7}  {sv:>11}  {ratio:.3}  {:.2}  ({:.1} s)",
            s.least_pair_share,
            started.elapsed().as_secs_f64()
        );
    }
    ratios.sort_by(f64::total_cmp);
    if let Some(median) = ratios.get(ratios.len() / 2) {
        println!(
            "median ratio {median:.3}: {:.0}% fewer votes than uniform pairing",
            (1.0 - median) * 100.0
        );
    }
}
