//! The leaderboard engine: Bradley–Terry ratings with bootstrap or sandwich intervals (and
//! optional pair reweighting, see [`RatingOptions`]), computed from
//! aggregated battle counts, identically on the server and in the browser (DESIGN §4).
//!
//! Read in this order: [`counts`](BattleCounts) (the published input), `fit` (maximum
//! likelihood, with `linalg`), `bootstrap` (intervals) with `sample` and `poisson` (its random
//! draws), `sandwich` (the other intervals), `table` (the output), then [`compare`] (the browser's check), [`records`]
//! (Chatbot-Arena battle files), [`style`] with `style_fit` (style control) and [`simulate`]
//! (battles of known strength for tests and the benchmark).
//!
//! # The model
//! P(A beats B) = 1 / (1 + 10^((R_B − R_A)/400)); a tie or both-bad is half a win each way.
//! Ratings have mean 1000, or the anchor model sits exactly at its given rating.
//!
//! # Data the plain maximum-likelihood answer cannot handle
//! The table is the plain maximum-likelihood fit whenever that exists: when every model is linked
//! to every other by a chain of "won or drew against", both ways (the graph is strongly
//! connected). Where it does not exist, every model is credited with one virtual drawn game,
//! spread evenly over all the other models ([`PRIOR_GAMES`]); [`RatingTable::prior_used`] says
//! so. That keeps every number finite and the answer unique, depends only on rating
//! differences, and weighs like one vote among each model's votes. Applied always (as before
//! 2026-12-03, [`PriorRule::Always`], kept so older snapshots still verify) it moved the model
//! of ko-arena-hard that wins 4% of its 1,000 battles 3.9 points from the plain fit; now that
//! table is the plain fit. What it means in each hard case:
//! - **No counts**: an empty table.
//! - **One model**: it sits at 1000 (or its anchor), interval of zero width.
//! - **A model that never lost** (or never won): a finite rating that grows with its number
//!   of wins — with *n* straight wins against equals, about 400·log10(2n + 1) points above them.
//! - **A model with one vote**: one win against an established model puts it about 190
//!   points (400·log10 3) above that model; its interval is wide and it is `provisional`.
//! - **Groups that never met**: they are linked only by the prior's virtual draws, which
//!   pull the groups' averages together; [`RatingTable::components`] says how many there are.
//! - **A model "battling itself"**: the row carries no information and is ignored.
//!
//! # Reproducibility
//! [`compute`] depends only on the multiset of (model pair, outcome) counts: not on row order,
//! not on which side a model sat. It uses only `+ − × ÷` and `libm` for everything else
//! (`exp`, `log`, `sqrt`, …), sorts with total orders, and gives bootstrap round *r* its own random stream; so
//! the same counts and options give the same bits on x86_64 and wasm32, with any number of
//! threads.

mod bootstrap;
mod compare;
mod counts;
mod fit;
#[doc(hidden)]
pub mod golden;
mod linalg;
mod newton;
pub mod pairing;
mod poisson;
pub mod records;
pub mod round_plan;
mod sample;
mod sandwich;
pub mod simulate;
pub mod style;
mod style_fit;
mod table;

use serde::{Deserialize, Serialize};

pub use compare::compare;
pub use counts::{BattleCounts, CountRow};
pub use fit::PRIOR_GAMES;
pub use table::{CENTRE, POINTS_PER_NATURAL_UNIT, RatedModel, RatingTable};

use counts::PairTable;
use fit::{Design, Outcomes, Workspace};
use table::{Fitted, Scale};

/// Bootstrap rounds when none are asked for: the public arena's number.
pub const DEFAULT_BOOTSTRAP_ROUNDS: usize = 1000;
/// The published tables' seed, so a reader can reproduce their intervals.
pub const DEFAULT_SEED: u64 = 42;
/// Below this many votes a model is `provisional`: with 30 votes against equals one standard
/// error is already about 60 rating points, and the bootstrap interval of a model with a
/// handful of votes can be misleadingly narrow (five straight wins resample to five wins).
pub const DEFAULT_MIN_VOTES: u64 = 30;

/// How a table's 95% intervals are computed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Percentiles of refits to resampled battles (Chatbot Arena's published method).
    #[default]
    Bootstrap,
    /// ±1.96 standard errors from the sandwich covariance H⁻¹BH⁻¹ (the default of the public
    /// arena's current rating library); see `sandwich.rs`.
    Sandwich,
}

impl IntervalMethod {
    pub fn code(self) -> &'static str {
        match self {
            IntervalMethod::Bootstrap => "bootstrap",
            IntervalMethod::Sandwich => "sandwich",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [IntervalMethod::Bootstrap, IntervalMethod::Sandwich]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

/// When the one-virtual-draw prior ([`PRIOR_GAMES`]) is added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorRule {
    /// Always: how tables were computed before 2026-12-03 (the default when a published
    /// table does not say, so older snapshots still verify).
    #[default]
    Always,
    /// Only when the plain maximum-likelihood answer does not exist (a model that never lost
    /// or never won, groups that never met); otherwise the table is the plain fit. For a
    /// bootstrap, each round decides for its own resample.
    WhereNeeded,
}

/// The floor of pair reweighting: a pair's battles weigh 1 / max(its battles, this), as in the
/// public arena's rating library, so a pair seen a few times does not weigh like hundreds.
pub const REWEIGHT_FLOOR: u64 = 50;

/// Knobs of [`compute`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingOptions {
    /// Bootstrap resamples behind the intervals; 0 gives zero-width intervals.
    pub bootstrap_rounds: usize,
    /// Seed of the bootstrap's random streams.
    pub seed: u64,
    /// Pin this model at this rating instead of centring the mean on 1000. Ignored (and the
    /// table says so in [`RatingTable::anchor`]) when the model has no battles or the rating is
    /// not finite.
    pub anchor: Option<(String, f64)>,
    /// Models with fewer votes are marked `provisional`.
    pub min_votes: u64,
    /// How the intervals are computed.
    #[serde(default)]
    pub intervals: IntervalMethod,
    /// Pair reweighting for uneven sampling: each pair's battles weigh 1 / max(battles of the
    /// pair, [`REWEIGHT_FLOOR`]), scaled so the weights of all battles average 1. Every pair
    /// then counts about alike, however often the pairing drew it.
    #[serde(default)]
    pub reweight: bool,
    /// When the prior's virtual draws are added.
    #[serde(default)]
    pub prior: PriorRule,
}

impl Default for RatingOptions {
    fn default() -> Self {
        RatingOptions {
            bootstrap_rounds: DEFAULT_BOOTSTRAP_ROUNDS,
            seed: DEFAULT_SEED,
            anchor: None,
            min_votes: DEFAULT_MIN_VOTES,
            intervals: IntervalMethod::Bootstrap,
            reweight: false,
            prior: PriorRule::WhereNeeded,
        }
    }
}

/// The leaderboard for `counts`: ratings, intervals, ranks and matrices.
pub fn compute(counts: &BattleCounts, opts: &RatingOptions) -> RatingTable {
    let pairs = PairTable::from_counts(counts);
    let weights = pair_weights(&pairs, opts.reweight);
    let design = Design::all_pairs(pairs.models.len());
    let observed = observed_outcomes(&design, &pairs, &weights);
    let prior_used = match opts.prior {
        PriorRule::Always => true,
        PriorRule::WhereNeeded => !fit::mle_exists(&design, &observed),
    };
    let data = if prior_used {
        observed.plus_prior(&design)
    } else {
        observed
    };
    let theta = maximise(&design, &data);

    let anchor = opts
        .anchor
        .as_ref()
        .filter(|(_, rating)| rating.is_finite())
        .and_then(|(id, rating)| {
            let i = pairs.models.binary_search(id).ok()?;
            Some((i, *rating))
        });
    let scale = Scale { anchor };
    let ratings = scale.ratings(&theta);
    let intervals = match opts.intervals {
        IntervalMethod::Bootstrap => bootstrap::intervals(
            &pairs,
            &design,
            &data,
            &theta,
            &scale,
            bootstrap::Rounds {
                count: opts.bootstrap_rounds,
                seed: opts.seed,
                weights: &weights,
                prior: opts.prior,
            },
        ),
        IntervalMethod::Sandwich => {
            sandwich::intervals(&pairs, &design, &data, &theta, &scale, &weights)
        }
    };
    table::build(
        &pairs,
        Fitted {
            ratings: &ratings,
            intervals: &intervals,
            anchor: anchor.map(|(i, rating)| (pairs.models[i].clone(), rating)),
            bootstrap_rounds: opts.bootstrap_rounds,
            seed: opts.seed,
            min_votes: opts.min_votes,
            method: opts.intervals,
            reweighted: opts.reweight,
            prior_used,
        },
    )
}

/// Each pair's weight (in `pairs.pairs` order): all 1, or with `reweight` 1 / max(n, floor)
/// for a pair of n battles, scaled so the battles' weights average 1.
fn pair_weights(pairs: &PairTable, reweight: bool) -> Vec<f64> {
    if !reweight {
        return vec![1.0; pairs.pairs.len()];
    }
    let raw: Vec<f64> = pairs
        .pairs
        .iter()
        .map(|p| 1.0 / p.battles().max(REWEIGHT_FLOOR) as f64)
        .collect();
    let battles: f64 = pairs.pairs.iter().map(|p| p.battles() as f64).sum();
    let weighted: f64 = pairs
        .pairs
        .iter()
        .zip(&raw)
        .map(|(p, w)| p.battles() as f64 * w)
        .sum();
    if weighted <= 0.0 {
        return vec![1.0; pairs.pairs.len()];
    }
    raw.iter().map(|w| w * (battles / weighted)).collect()
}

/// The observed battles of every pair, weighted, without the prior.
fn observed_outcomes(design: &Design, pairs: &PairTable, weights: &[f64]) -> Outcomes {
    let mut data = Outcomes::none(design);
    for (p, &w) in pairs.pairs.iter().zip(weights) {
        let k = design.index(p.lo, p.hi);
        data.score[k] = (p.lo_wins as f64 + 0.5 * p.draws as f64) * w;
        data.games[k] = p.battles() as f64 * w;
    }
    data
}

/// Maximum-likelihood strengths on the natural-log scale, before centring or anchoring:
/// exposed so tests and curious readers can check the optimum (see [`gradient`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Strengths {
    /// Sorted by id.
    pub models: Vec<String>,
    pub theta: Vec<f64>,
}

/// Fits `counts` without bootstrap (the prior always added, as [`gradient`] assumes).
pub fn fit_strengths(counts: &BattleCounts) -> Strengths {
    let pairs = PairTable::from_counts(counts);
    let (design, data) = design_of(&pairs);
    let theta = maximise(&design, &data);
    Strengths {
        models: pairs.models,
        theta,
    }
}

/// Gradient of the maximised objective (log-likelihood plus prior) at `strengths`, per
/// model in `strengths.models` order; ~0 at the answer of [`fit_strengths`].
pub fn gradient(counts: &BattleCounts, strengths: &Strengths) -> Vec<f64> {
    let pairs = PairTable::from_counts(counts);
    let (design, data) = design_of(&pairs);
    let gamma: Vec<f64> = strengths.theta.iter().map(|&t| libm::exp(t)).collect();
    let mut grad = vec![0.0; design.n_models];
    if gamma.len() == design.n_models {
        fit::gradient(&design, &data, &gamma, &mut grad);
    }
    grad
}

/// Every pair of models with the prior's virtual draws, plus the observed battles.
fn design_of(pairs: &PairTable) -> (Design, Outcomes) {
    let design = Design::all_pairs(pairs.models.len());
    let mut data = Outcomes::with_prior(&design);
    for p in &pairs.pairs {
        let k = design.index(p.lo, p.hi);
        data.score[k] += p.lo_wins as f64 + 0.5 * p.draws as f64;
        data.games[k] += p.battles() as f64;
    }
    (design, data)
}

fn maximise(design: &Design, data: &Outcomes) -> Vec<f64> {
    let mut theta = vec![0.0; design.n_models];
    let mut ws = Workspace::new(design.n_models);
    fit::fit(design, data, &mut theta, &mut ws);
    theta
}
