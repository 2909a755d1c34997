//! The published leaderboard: ratings on the public arena's scale, intervals, ranks, and the
//! win-rate and battle-count matrices the page draws.

use serde::{Deserialize, Serialize};

use super::counts::PairTable;

/// Rating points per unit of natural-log strength: 400 points is a factor 10 in odds.
pub const POINTS_PER_NATURAL_UNIT: f64 = 400.0 / std::f64::consts::LN_10;
/// The mean rating when no anchor is set.
pub const CENTRE: f64 = 1000.0;

/// One model's line on the leaderboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatedModel {
    pub id: String,
    pub rating: f64,
    /// The 95% interval: 2.5% and 97.5% bootstrap percentiles, or ±1.96 sandwich standard
    /// errors (see [`RatingTable::intervals`]).
    pub ci_low: f64,
    pub ci_high: f64,
    /// Battles this model took part in (against another model).
    pub votes: u64,
    /// 1 + the number of models whose `ci_low` is above this model's `ci_high`.
    pub rank: u32,
    /// Fewer than `min_votes` votes: shown, but flagged as not yet meaningful.
    pub provisional: bool,
}

/// A whole leaderboard, as computed by [`super::compute`] from published counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingTable {
    /// Highest rating first; equal ratings by id.
    pub models: Vec<RatedModel>,
    /// Battles between two different models that entered the fit.
    pub total_battles: u64,
    /// `win_rate[i][j]`: share of decisive battles between `models[i]` and `models[j]` that
    /// `models[i]` won (ties and both-bad left out); `None` when they never had one.
    pub win_rate: Vec<Vec<Option<f64>>>,
    /// `battle_count[i][j]`: battles between `models[i]` and `models[j]`, any outcome.
    pub battle_count: Vec<Vec<u64>>,
    /// Groups of models linked by battles. Above 1, ratings of different groups are placed
    /// relative to each other by the prior alone and should not be compared.
    pub components: u32,
    /// The anchor actually applied; `None` means centred on 1000 (also when the requested
    /// anchor model has no battles).
    pub anchor: Option<(String, f64)>,
    /// Bootstrap rounds and seed behind the intervals, so anyone can recompute them.
    pub bootstrap_rounds: usize,
    pub seed: u64,
    pub min_votes: u64,
    /// How the intervals were computed.
    #[serde(default)]
    pub intervals: super::IntervalMethod,
    /// Whether pair reweighting was applied.
    #[serde(default)]
    pub reweighted: bool,
    /// Whether the prior's virtual draws were added to the fit (the plain maximum-likelihood
    /// answer did not exist, or the options said always).
    #[serde(default)]
    pub prior_used: bool,
}

/// How strengths become ratings: centred on [`CENTRE`], or with one model pinned.
#[derive(Clone, Debug)]
pub(crate) struct Scale {
    pub anchor: Option<(usize, f64)>,
}

impl Scale {
    pub fn ratings(&self, theta: &[f64]) -> Vec<f64> {
        let offset = match self.anchor {
            Some((i, rating)) => rating - POINTS_PER_NATURAL_UNIT * theta[i],
            None if theta.is_empty() => CENTRE,
            None => {
                CENTRE - POINTS_PER_NATURAL_UNIT * (theta.iter().sum::<f64>() / theta.len() as f64)
            }
        };
        theta
            .iter()
            .map(|t| POINTS_PER_NATURAL_UNIT * t + offset)
            .collect()
    }
}

/// Everything [`build`] needs besides the counts.
pub(crate) struct Fitted<'a> {
    pub ratings: &'a [f64],
    pub intervals: &'a [(f64, f64)],
    pub anchor: Option<(String, f64)>,
    pub bootstrap_rounds: usize,
    pub seed: u64,
    pub min_votes: u64,
    pub method: super::IntervalMethod,
    pub reweighted: bool,
    pub prior_used: bool,
}

/// Sorts, ranks and adds the matrices. Model indices follow `pairs.models`.
pub(crate) fn build(pairs: &PairTable, fitted: Fitted<'_>) -> RatingTable {
    let m = pairs.models.len();
    let mut order: Vec<usize> = (0..m).collect();
    // Ids are unique, so this order is total and the same everywhere.
    order.sort_by(|&a, &b| {
        fitted.ratings[b]
            .total_cmp(&fitted.ratings[a])
            .then_with(|| pairs.models[a].cmp(&pairs.models[b]))
    });

    let models: Vec<RatedModel> = order
        .iter()
        .map(|&i| {
            let (ci_low, ci_high) = fitted.intervals[i];
            let above = fitted
                .intervals
                .iter()
                .filter(|(low, _)| *low > ci_high)
                .count();
            RatedModel {
                id: pairs.models[i].clone(),
                rating: fitted.ratings[i],
                ci_low,
                ci_high,
                votes: pairs.votes[i],
                rank: u32::try_from(above + 1).unwrap_or(u32::MAX),
                provisional: pairs.votes[i] < fitted.min_votes,
            }
        })
        .collect();

    let mut position = vec![0; m];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let mut win_rate = vec![vec![None; m]; m];
    let mut battle_count = vec![vec![0u64; m]; m];
    for pair in &pairs.pairs {
        let (a, b) = (position[pair.lo], position[pair.hi]);
        battle_count[a][b] = pair.battles();
        battle_count[b][a] = pair.battles();
        let decisive = pair.lo_wins.saturating_add(pair.hi_wins);
        if decisive > 0 {
            let share = pair.lo_wins as f64 / decisive as f64;
            win_rate[a][b] = Some(share);
            win_rate[b][a] = Some(pair.hi_wins as f64 / decisive as f64);
        }
    }

    RatingTable {
        models,
        total_battles: pairs.total_battles(),
        win_rate,
        battle_count,
        components: u32::try_from(pairs.components()).unwrap_or(u32::MAX),
        anchor: fitted.anchor,
        bootstrap_rounds: fitted.bootstrap_rounds,
        seed: fitted.seed,
        min_votes: fitted.min_votes,
        intervals: fitted.method,
        reweighted: fitted.reweighted,
        prior_used: fitted.prior_used,
    }
}
