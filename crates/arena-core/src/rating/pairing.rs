//! Which two models to show next: pairs drawn where a vote teaches the leaderboard most.
//!
//! Under uniform pairing a strong model meets a weak one as often as its neighbour, and those
//! lopsided votes say little (a 95% favourite's win is no news), while a model whose interval is
//! still wide gets no more votes than a settled one. Voting only between neighbours is no better:
//! the far ends of the table are then tied to each other through long chains, and their
//! intervals stay wide. The arena's rule weighs each unordered pair by how much one more vote on
//! it would shrink the ratings' total variance, with the information the votes so far carry:
//!
//! - a vote between `i` and `j` adds `w = p(1 − p)` of information about `θᵢ − θⱼ` (`p` the
//!   chance that `i` wins under Bradley–Terry, from the current ratings): most for close
//!   neighbours, whose intervals overlap;
//! - the votes so far give the information matrix `L = Σ nᵢⱼ wᵢⱼ (eᵢ − eⱼ)(eᵢ − eⱼ)ᵀ`, and the
//!   ratings' covariance `Σ = L⁺` (a tiny ridge keeps it defined before anything is known);
//! - one more vote on `(i, j)`, `d = eᵢ − eⱼ`, removes `w‖Σd‖² / (1 + w dᵀΣd)` from the total
//!   variance (Sherman–Morrison): the greedy A-optimal choice. Under-voted pairs, models the
//!   table is unsure of and models it does not know yet (new ones) all weigh more by this one
//!   measure.
//!
//! No pair is ever starved: a share [`FLOOR`] of the draws is uniform over all pairs, so every
//! pair keeps at least `FLOOR / pairs` of the votes. [`simulate`] measures what the rule buys:
//! the votes needed to bring the mean interval width down to a target, against uniform pairing.

use super::counts::BattleCounts;
use super::linalg::Cholesky;
use super::sample::{Pcg64, round_rng, uniform};
use super::{RatingOptions, RatingTable, compute};
use crate::Choice;

/// The share of draws that is uniform over all pairs, whatever the weights say.
pub const FLOOR: f64 = 0.25;

/// Information that stands in for no votes at all (per model), so the covariance exists.
const RIDGE: f64 = 1e-3;

/// The chance that a model rated `a` beats one rated `b` (400-point scale).
pub(crate) fn win_probability(a: f64, b: f64) -> f64 {
    1.0 / (1.0 + libm::pow(10.0, (b - a) / 400.0))
}

/// The draw probability of every unordered pair `(i, j)`, `i < j`, of `models` (ids), in the
/// order `(0,1), (0,2), …, (1,2), …`, given the current `table` (its ratings and how often each
/// pair met; models absent from it are new). Sums to 1; uniform when there is one pair.
pub fn pair_probabilities(models: &[String], table: &RatingTable) -> Vec<f64> {
    let m = models.len();
    let pairs = m * m.saturating_sub(1) / 2;
    if pairs == 0 {
        return Vec::new();
    }
    let position: Vec<Option<usize>> = models
        .iter()
        .map(|id| table.models.iter().position(|r| r.id == *id))
        .collect();
    let rating: Vec<f64> = position
        .iter()
        .map(|p| p.map_or(1000.0, |k| table.models[k].rating))
        .collect();
    let met = |i: usize, j: usize| -> f64 {
        match (position[i], position[j]) {
            (Some(a), Some(b)) => table
                .battle_count
                .get(a)
                .and_then(|row| row.get(b))
                .copied()
                .unwrap_or(0) as f64,
            _ => 0.0,
        }
    };
    let (w, sigma) = covariance(m, |i, j| win_probability(rating[i], rating[j]), met);
    optimal(m, &w, &sigma)
}

/// The information one vote between `i` and `j` carries (`w = p(1 − p)`, natural units) and the
/// ratings' covariance `Σ`, both `m × m` row-major, from each pair's win probability `win(i, j)`
/// and how often it met, `met(i, j)`.
pub(crate) fn covariance(
    m: usize,
    win: impl Fn(usize, usize) -> f64,
    met: impl Fn(usize, usize) -> f64,
) -> (Vec<f64>, Vec<f64>) {
    // A = L + J/m + ridge·I: L on the differences, the all-ones direction (the rating scale's
    // free centre) pinned, positive definite.
    let mut a = vec![1.0 / m as f64; m * m];
    let mut w = vec![0.0; m * m];
    for i in 0..m {
        a[i * m + i] += RIDGE;
        for j in 0..m {
            if i == j {
                continue;
            }
            let p = win(i, j);
            w[i * m + j] = p * (1.0 - p);
            let info = met(i, j) * w[i * m + j];
            a[i * m + i] += info;
            a[i * m + j] -= info;
        }
    }
    let factor = Cholesky::factor(&a, m);
    let mut sigma = vec![0.0; m * m];
    for i in 0..m {
        let mut column = vec![0.0; m];
        column[i] = 1.0;
        factor.solve(&mut column);
        for (k, v) in column.into_iter().enumerate() {
            sigma[k * m + i] = v;
        }
    }
    (w, sigma)
}

/// The variance of `θᵢ − θⱼ` under `sigma` (`m × m`).
pub(crate) fn spread(sigma: &[f64], m: usize, i: usize, j: usize) -> f64 {
    sigma[i * m + i] + sigma[j * m + j] - 2.0 * sigma[i * m + j]
}

/// The greedy A-optimal probabilities (see the module) with the uniform [`FLOOR`].
pub(crate) fn optimal(m: usize, w: &[f64], sigma: &[f64]) -> Vec<f64> {
    let pairs = m * m.saturating_sub(1) / 2;
    let mut gains = Vec::with_capacity(pairs);
    for i in 0..m {
        for j in i + 1..m {
            let wij = w[i * m + j];
            let mut norm = 0.0;
            for k in 0..m {
                let d = sigma[k * m + i] - sigma[k * m + j];
                norm += d * d;
            }
            gains.push(wij * norm / (1.0 + wij * spread(sigma, m, i, j)));
        }
    }
    let total: f64 = gains.iter().sum();
    let uniform_share = 1.0 / pairs as f64;
    if !(total.is_finite() && total > 0.0) {
        return vec![uniform_share; pairs];
    }
    gains
        .into_iter()
        .map(|g| (1.0 - FLOOR) * g / total + FLOOR * uniform_share)
        .collect()
}

/// The pair `(i, j)`, `i < j`, at position `k` of [`pair_probabilities`]' order.
pub fn pair_at(models: usize, mut k: usize) -> (usize, usize) {
    for i in 0..models {
        let row = models - i - 1;
        if k < row {
            return (i, i + 1 + k);
        }
        k -= row;
    }
    (0, 1)
}

/// Picks a position by its probability, with `u` uniform in [0, 1).
pub fn choose(probabilities: &[f64], u: f64) -> usize {
    let mut left = u;
    for (k, p) in probabilities.iter().enumerate() {
        if left < *p {
            return k;
        }
        left -= p;
    }
    probabilities.len().saturating_sub(1)
}

/// How pairs are drawn in a [`simulate`]d arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Uniform,
    /// [`pair_probabilities`], recomputed from the table every batch.
    Informative,
}

/// A simulated arena: true ratings, how often voters call a tie, the votes between two
/// recomputations of the table, the bootstrap rounds of its intervals, and when to give up.
/// A round of a national evaluation adds new models to a board that already has votes:
/// `new_models` lists the models that join now; the others start with `earlier_votes` votes
/// among themselves (uniformly paired), not counted in the result.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub ratings: Vec<f64>,
    pub new_models: Vec<usize>,
    pub earlier_votes: usize,
    pub tie_rate: f64,
    pub batch: usize,
    pub bootstrap_rounds: usize,
    pub max_votes: usize,
}

/// What a run reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Reached {
    /// Votes cast when the mean interval width first fell to the target (`None`: never, within
    /// `max_votes`).
    pub votes: Option<usize>,
    /// The smallest chance any pair had in any draw, as a share of uniform pairing's chance
    /// (1: uniform; never below [`FLOOR`]).
    pub least_pair_share: f64,
}

/// A simulated voter's choice between `a` (shown left) and `b`.
fn vote(rng: &mut Pcg64, sim: &Simulation, a: usize, b: usize) -> Choice {
    if uniform(rng) < sim.tie_rate {
        Choice::Tie
    } else if uniform(rng) < win_probability(sim.ratings[a], sim.ratings[b]) {
        Choice::A
    } else {
        Choice::B
    }
}

/// Votes until the mean width of the 95% intervals is at most `target_width` rating points,
/// drawing pairs by `policy`, the table recomputed (with the real engine) every batch.
pub fn simulate(sim: &Simulation, policy: Policy, target_width: f64, seed: u64) -> Reached {
    let m = sim.ratings.len();
    let names: Vec<String> = (0..m).map(|i| format!("m{i:03}")).collect();
    let pairs = m * m.saturating_sub(1) / 2;
    let mut counts = BattleCounts::default();
    let mut least_pair_share = 1.0f64;
    let mut rng: Pcg64 = round_rng(seed, u64::MAX - 1);
    let options = RatingOptions {
        bootstrap_rounds: sim.bootstrap_rounds,
        seed,
        ..RatingOptions::default()
    };
    // The board before this round: votes among the models already there.
    let earlier: Vec<usize> = (0..m).filter(|i| !sim.new_models.contains(i)).collect();
    if earlier.len() >= 2 {
        let n = earlier.len() as u64;
        for _ in 0..sim.earlier_votes {
            let x = super::sample::below(&mut rng, n) as usize;
            let y = (x + 1 + super::sample::below(&mut rng, n - 1) as usize) % n as usize;
            let (a, b) = (earlier[x], earlier[y]);
            let choice = vote(&mut rng, sim, a, b);
            counts.add(&names[a], &names[b], choice, 1);
        }
    }
    let mut votes = 0;
    let mut table = compute(&counts, &options);
    let reached = loop {
        if table.models.len() == m {
            let mean = table
                .models
                .iter()
                .map(|r| r.ci_high - r.ci_low)
                .sum::<f64>()
                / m as f64;
            if mean <= target_width {
                break Some(votes);
            }
        }
        if votes >= sim.max_votes || pairs == 0 {
            break None;
        }
        let probabilities = match policy {
            Policy::Uniform => vec![1.0 / pairs as f64; pairs],
            Policy::Informative => pair_probabilities(&names, &table),
        };
        let least = probabilities.iter().copied().fold(f64::INFINITY, f64::min);
        least_pair_share = least_pair_share.min(least * pairs as f64);
        for _ in 0..sim.batch {
            let k = choose(&probabilities, uniform(&mut rng));
            let (i, j) = pair_at(m, k);
            // Sides at random, as the arena shows them.
            let (a, b) = if uniform(&mut rng) < 0.5 {
                (i, j)
            } else {
                (j, i)
            };
            let choice = vote(&mut rng, sim, a, b);
            counts.add(&names[a], &names[b], choice, 1);
        }
        votes += sim.batch;
        table = compute(&counts, &options);
    };
    Reached {
        votes: reached,
        least_pair_share,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_numbered_in_order() {
        let m = 5;
        let mut seen = Vec::new();
        for k in 0..m * (m - 1) / 2 {
            seen.push(pair_at(m, k));
        }
        assert_eq!(seen[0], (0, 1));
        assert_eq!(seen[3], (0, 4));
        assert_eq!(seen[4], (1, 2));
        assert_eq!(*seen.last().unwrap(), (3, 4));
        assert_eq!(choose(&[0.2, 0.3, 0.5], 0.0), 0);
        assert_eq!(choose(&[0.2, 0.3, 0.5], 0.25), 1);
        assert_eq!(choose(&[0.2, 0.3, 0.5], 0.99), 2);
    }

    #[test]
    fn under_voted_and_new_pairs_weigh_more_and_none_starves() {
        // Three equal models: a–b met 3,000 times, a–c and b–c 30 times each; d is new.
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let mut counts = BattleCounts::default();
        for (x, y, n) in [("a", "b", 1500), ("a", "c", 15), ("b", "c", 15)] {
            counts.add(x, y, Choice::A, n);
            counts.add(x, y, Choice::B, n);
        }
        let table = compute(
            &counts,
            &RatingOptions {
                bootstrap_rounds: 100,
                ..RatingOptions::default()
            },
        );
        let known = pair_probabilities(&names[..3], &table);
        assert!((known.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // (a,b) is settled; (a,c) and (b,c) teach more.
        assert!(
            known[1] > 3.0 * known[0] && known[2] > 3.0 * known[0],
            "{known:?}"
        );
        let p = pair_probabilities(&names, &table);
        assert_eq!(p.len(), 6);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // The new model's pairs come first of all.
        for (k, pk) in p.iter().enumerate() {
            let (_, j) = pair_at(4, k);
            if j != 3 {
                assert!(p[2] > *pk, "{p:?}");
            }
        }
        // Every pair keeps its floor.
        assert!(p.iter().all(|x| *x >= FLOOR / 6.0 - 1e-12), "{p:?}");
        // Nothing known: every pair alike.
        let empty = compute(&BattleCounts::default(), &RatingOptions::default());
        let none = pair_probabilities(&names, &empty);
        assert!(
            none.iter().all(|x| (x - 1.0 / 6.0).abs() < 1e-9),
            "{none:?}"
        );
    }

    #[test]
    fn a_close_pair_teaches_more_than_a_lopsided_one() {
        // The same number of votes on each pair; c is far below a and b.
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut counts = BattleCounts::default();
        counts.add("a", "b", Choice::A, 100);
        counts.add("a", "b", Choice::B, 100);
        for x in ["a", "b"] {
            counts.add(x, "c", Choice::A, 198);
            counts.add(x, "c", Choice::B, 2);
        }
        let table = compute(&counts, &RatingOptions::default());
        let p = pair_probabilities(&names, &table);
        // c's rating rests on few decisive votes, so its pairs still weigh most...
        assert!(p[1] > p[0] && p[2] > p[0], "{p:?}");
        // ...but per unit of c's uncertainty a lopsided vote teaches little: with c's pairs at
        // 200 votes each, the close pair (a,b) still gets more than the uniform floor.
        assert!(p[0] > FLOOR / 3.0 + 0.01, "{p:?}");
    }

    /// The simulation the benchmark runs (`make bench-pairing`), small: three new models join
    /// five with votes; the informative rule needs markedly fewer votes than uniform pairing for
    /// the same mean interval width, on every seed, and every pair keeps its floor.
    #[test]
    fn informative_pairing_needs_fewer_votes_than_uniform() {
        let ratings: Vec<f64> = (0..8).map(|i| 1000.0 + 90.0 * (i as f64 - 3.5)).collect();
        let sim = Simulation {
            ratings,
            new_models: vec![1, 4, 6],
            earlier_votes: 4_000,
            tie_rate: 0.15,
            batch: 25,
            bootstrap_rounds: 100,
            max_votes: 40_000,
        };
        for seed in [1, 2] {
            let uniform = simulate(&sim, Policy::Uniform, 100.0, seed);
            let smart = simulate(&sim, Policy::Informative, 100.0, seed);
            let (u, s) = (uniform.votes.unwrap(), smart.votes.unwrap());
            assert!((s as f64) < 0.85 * u as f64, "seed {seed}: {s} vs {u}");
            assert!(smart.least_pair_share >= FLOOR - 1e-9);
            assert_eq!(uniform.least_pair_share, 1.0);
        }
    }
}
