//! Style control: ratings with the effect of how answers look (length, headers, list items,
//! bold) taken out, as the public arena does.
//!
//! For each battle and feature, the difference (a − b)/(a + b + 1) between the two answers,
//! scaled by its root mean square over all battles; then Bradley–Terry with those four extra
//! coefficients and the public arena's L2 penalty 0.5 (see `style_fit`). The ratings are what
//! a model would score if its answers looked like its opponents'.
//!
//! One deliberate difference: the public arena also subtracts each feature's mean before
//! scaling; we do not. A feature difference changes sign when the two sides are swapped, so
//! its mean only says on which side the longer answers happened to be shown; leaving it out
//! keeps the result independent of sides, as [`super::compute`]'s is. With sides assigned at
//! random the mean is ~0 and the two choices agree.
//!
//! Intervals come from resampling battles (not pair counts), with the same seeded streams,
//! quantiles and scale as [`super::compute`].

use serde::{Deserialize, Serialize};

use super::RatingOptions;
use super::bootstrap::percentile_intervals;
use super::counts::{BattleCounts, PairTable};
use super::records::BattleRecord;
use super::sample::{Resampler, round_rng};
use super::style_fit::{self, FEATURES, Problem, Workspace};
use super::table::{self, Fitted, POINTS_PER_NATURAL_UNIT, RatingTable, Scale};
use crate::Choice;
use crate::markdown::StyleFeatures;

/// One battle with the style of both answers.
#[derive(Clone, Debug, PartialEq)]
pub struct StyledBattle {
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub style_a: StyleFeatures,
    pub style_b: StyleFeatures,
}

impl StyledBattle {
    /// The battle of a record that carries style counts.
    pub fn from_record(record: &BattleRecord) -> Option<StyledBattle> {
        let (style_a, style_b) = record.style?;
        Some(StyledBattle {
            model_a: record.model_a.clone(),
            model_b: record.model_b.clone(),
            choice: record.choice,
            style_a,
            style_b,
        })
    }
}

/// How much each style feature is worth: rating points for one root-mean-square step in the
/// feature's difference. Positive means voters favour more of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StyleCoefficients {
    pub length: f64,
    pub headers: f64,
    pub list_items: f64,
    pub bold: f64,
}

/// A style-controlled leaderboard and the style effects that were taken out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StyleControlledTable {
    pub table: RatingTable,
    pub coefficients: StyleCoefficients,
}

fn raw(style: &StyleFeatures) -> [u32; FEATURES] {
    [
        style.length,
        style.header_count(),
        style.list_items,
        style.bold,
    ]
}

/// The style-controlled table for `battles`. Order of battles and sides do not matter.
pub fn compute_style_controlled(
    battles: &[StyledBattle],
    opts: &RatingOptions,
) -> StyleControlledTable {
    let mut counts = BattleCounts::default();
    for b in battles {
        counts.add(&b.model_a, &b.model_b, b.choice, 1);
    }
    let pairs = PairTable::from_counts(&counts);
    let (problem, weights) = problem_of(&pairs, battles);
    let m = pairs.models.len();

    let mut params = vec![0.0; problem.dim()];
    let mut ws = Workspace::new(problem.dim());
    style_fit::fit(&problem, &weights, &mut params, &mut ws);

    let anchor = opts
        .anchor
        .as_ref()
        .filter(|(_, rating)| rating.is_finite())
        .and_then(|(id, rating)| Some((pairs.models.binary_search(id).ok()?, *rating)));
    let scale = Scale { anchor };
    let ratings = scale.ratings(&params[..m]);

    let intervals = if opts.bootstrap_rounds == 0 || weights.is_empty() {
        ratings.iter().map(|&r| (r, r)).collect()
    } else {
        let cells: Vec<u64> = weights.iter().map(|&w| w as u64).collect();
        let resampler = Resampler::new(&cells);
        let fixed = style_fit::factor_at(&problem, &weights, &params, &mut ws);
        percentile_intervals(opts.bootstrap_rounds, m, |first, out| {
            let mut ws = Workspace::new(problem.dim());
            let mut drawn = vec![0u64; cells.len()];
            let mut resampled = vec![0.0; cells.len()];
            let mut theta = params.clone();
            for (offset, row) in out.chunks_mut(m).enumerate() {
                let mut rng = round_rng(opts.seed, (first + offset) as u64);
                resampler.draw(&mut rng, &mut drawn);
                resampled
                    .iter_mut()
                    .zip(&drawn)
                    .for_each(|(w, &d)| *w = d as f64);
                theta.copy_from_slice(&params);
                style_fit::refit(&problem, &resampled, &fixed, &mut theta, &mut ws);
                row.copy_from_slice(&scale.ratings(&theta[..m]));
            }
        })
    };

    let beta = &params[m..];
    let points = |f: usize| POINTS_PER_NATURAL_UNIT * beta[f];
    StyleControlledTable {
        table: table::build(
            &pairs,
            Fitted {
                ratings: &ratings,
                intervals: &intervals,
                anchor: anchor.map(|(i, rating)| (pairs.models[i].clone(), rating)),
                bootstrap_rounds: opts.bootstrap_rounds,
                seed: opts.seed,
                min_votes: opts.min_votes,
                method: super::IntervalMethod::Bootstrap,
                reweighted: false,
                prior_used: false,
            },
        ),
        coefficients: StyleCoefficients {
            length: points(0),
            headers: points(1),
            list_items: points(2),
            bold: points(3),
        },
    }
}

/// Battles oriented so `lo` sorts first, identical ones merged (weights), in a fixed order.
fn problem_of(pairs: &PairTable, battles: &[StyledBattle]) -> (Problem, Vec<f64>) {
    type Key = (usize, usize, u8, [u32; FEATURES], [u32; FEATURES]);
    let index = |name: &str| pairs.models.binary_search_by(|m| m.as_str().cmp(name)).ok();
    let mut keys: Vec<Key> = battles
        .iter()
        .filter_map(|b| {
            let (a, bi) = (index(&b.model_a)?, index(&b.model_b)?);
            let (lo, hi, choice, lo_style, hi_style) = match a.cmp(&bi) {
                std::cmp::Ordering::Less => (a, bi, b.choice, &b.style_a, &b.style_b),
                std::cmp::Ordering::Greater => (bi, a, b.choice.swapped(), &b.style_b, &b.style_a),
                std::cmp::Ordering::Equal => return None,
            };
            // 2 × lo's score: 2 win, 1 draw, 0 loss.
            let score2 = (2.0 * choice.score_a()) as u8;
            Some((lo, hi, score2, raw(lo_style), raw(hi_style)))
        })
        .collect();
    keys.sort_unstable();

    let mut problem = Problem {
        n_models: pairs.models.len(),
        lo: Vec::new(),
        hi: Vec::new(),
        score: Vec::new(),
        x: Vec::new(),
    };
    let mut weights: Vec<f64> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if i > 0 && keys[i - 1] == *key {
            if let Some(w) = weights.last_mut() {
                *w += 1.0;
            }
            continue;
        }
        let (lo, hi, score2, a, b) = *key;
        problem.lo.push(lo);
        problem.hi.push(hi);
        problem.score.push(f64::from(score2) / 2.0);
        problem.x.push(std::array::from_fn(|f| {
            let (a, b) = (f64::from(a[f]), f64::from(b[f]));
            (a - b) / (a + b + 1.0)
        }));
        weights.push(1.0);
    }

    // Scale each feature to unit root mean square over all battles (a constant-zero feature
    // stays zero rather than dividing by zero).
    for f in 0..FEATURES {
        let total: f64 = weights.iter().sum();
        let square: f64 = problem
            .x
            .iter()
            .zip(&weights)
            .map(|(x, w)| w * x[f] * x[f])
            .sum();
        let rms = libm::sqrt(square / total);
        if rms > 0.0 {
            problem.x.iter_mut().for_each(|x| x[f] /= rms);
        }
    }
    (problem, weights)
}
