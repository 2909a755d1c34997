//! Synthetic battles among models of known strength.
//!
//! The rating engine's tests (does the fit recover the truth? do the intervals cover it?) and
//! its benchmark need battles whose true ratings are known; this is the one generator they
//! share, seeded so every run sees the same battles.

use super::sample::Pcg64;

use super::counts::BattleCounts;
use super::sample::{round_rng, uniform};
use crate::Choice;

/// One simulated vote, sides as shown to the voter.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedBattle {
    pub model_a: usize,
    pub model_b: usize,
    pub choice: Choice,
}

/// `battles` votes between uniformly chosen pairs of distinct models with true `ratings` (on
/// the 400-point scale); each is a tie with probability `tie_rate`, else decided by
/// Bradley–Terry. Needs at least two models.
pub fn battles(ratings: &[f64], battles: usize, tie_rate: f64, seed: u64) -> Vec<SimulatedBattle> {
    let m = ratings.len() as u64;
    if m < 2 {
        return Vec::new();
    }
    let mut rng: Pcg64 = round_rng(seed, u64::MAX);
    (0..battles)
        .map(|_| {
            let a = super::sample::below(&mut rng, m) as usize;
            let b = (a + 1 + super::sample::below(&mut rng, m - 1) as usize) % m as usize;
            let p_a = 1.0 / (1.0 + libm::pow(10.0, (ratings[b] - ratings[a]) / 400.0));
            let choice = if uniform(&mut rng) < tie_rate {
                Choice::Tie
            } else if uniform(&mut rng) < p_a {
                Choice::A
            } else {
                Choice::B
            };
            SimulatedBattle {
                model_a: a,
                model_b: b,
                choice,
            }
        })
        .collect()
}

/// The same battles aggregated, with models named `names[i]`.
pub fn counts(battles: &[SimulatedBattle], names: &[String]) -> BattleCounts {
    let m = names.len();
    let mut cells = vec![0u64; m * m * 4];
    for battle in battles {
        let outcome = match battle.choice {
            Choice::A => 0,
            Choice::B => 1,
            Choice::Tie => 2,
            Choice::BothBad => 3,
        };
        cells[(battle.model_a * m + battle.model_b) * 4 + outcome] += 1;
    }
    let mut counts = BattleCounts::default();
    for (cell, &count) in cells.iter().enumerate() {
        if count > 0 {
            let (pair, choice) = (cell / 4, Choice::ALL[cell % 4]);
            counts.add(&names[pair / m], &names[pair % m], choice, count);
        }
    }
    counts.canonical()
}
