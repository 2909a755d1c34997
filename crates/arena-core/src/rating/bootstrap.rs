//! 95% intervals by bootstrap: multinomial resampling of the aggregated counts.
//!
//! Each pair's three outcomes (lower-sorted model wins, the other wins, draw) are cells of one
//! multinomial over all battles; a round redraws all battles from it, refits from the
//! full-data answer, and puts the round on the rating scale (centred or anchored) before the
//! percentiles are taken, as the public arena does. Resampling cells instead of battles gives
//! the same distribution, since battles in one cell are interchangeable for the fit.
//!
//! With pair reweighting, a resample keeps the full data's weights (a round's cell counts are
//! multiplied by them). Under [`super::PriorRule::WhereNeeded`] each round adds the prior only
//! when its own resample has no plain maximum-likelihood answer.
//!
//! Round `r` draws from its own random stream (see [`super::sample::round_rng`]), so native
//! builds can split rounds over threads and still match a single-threaded browser bit for bit.

use super::counts::PairTable;
use super::fit::{self, Design, Outcomes, Workspace};
use super::linalg::Cholesky;
use super::sample::{self, Resampler};
use super::table::Scale;

/// What every round shares.
struct Context<'a> {
    design: &'a Design,
    resampler: Resampler,
    n_cells: usize,
    /// Position in the design of each observed pair (the cells come three per pair).
    slots: Vec<usize>,
    /// The prior's virtual draws, added to a round's resample by `rule`.
    prior: Outcomes,
    /// Each observed pair's weight (the full data's; a resample keeps them).
    weights: &'a [f64],
    rule: super::PriorRule,
    theta_hat: &'a [f64],
    fixed: Cholesky,
    scale: &'a Scale,
    seed: u64,
}

/// The rounds to run: how many, their seed, each pair's weight, when to add the prior.
pub(crate) struct Rounds<'a> {
    pub count: usize,
    pub seed: u64,
    pub weights: &'a [f64],
    pub prior: super::PriorRule,
}

/// Per model, the (2.5%, 97.5%) percentiles of its rating over `rounds` resamples.
pub(crate) fn intervals(
    pairs: &PairTable,
    design: &Design,
    full: &Outcomes,
    theta_hat: &[f64],
    scale: &Scale,
    rounds: Rounds<'_>,
) -> Vec<(f64, f64)> {
    let Rounds {
        count: rounds,
        seed,
        weights,
        prior: rule,
    } = rounds;
    let m = design.n_models;
    if rounds == 0 || m == 0 {
        let ratings = scale.ratings(theta_hat);
        return ratings.into_iter().map(|r| (r, r)).collect();
    }
    let cells: Vec<u64> = pairs
        .pairs
        .iter()
        .flat_map(|p| [p.lo_wins, p.hi_wins, p.draws])
        .collect();
    let mut ws = Workspace::new(m);
    let context = Context {
        design,
        resampler: Resampler::new(&cells),
        n_cells: cells.len(),
        slots: pairs
            .pairs
            .iter()
            .map(|p| design.index(p.lo, p.hi))
            .collect(),
        prior: Outcomes::with_prior(design),
        weights,
        rule,
        theta_hat,
        fixed: fit::factor_at(design, full, theta_hat, &mut ws),
        scale,
        seed,
    };

    percentile_intervals(rounds, m, |first, out| run_rounds(&context, first, out))
}

/// Runs `rounds` bootstrap rounds of an `m`-model table and takes each model's 2.5% and
/// 97.5% percentiles. `run(first, out)` must fill `out` with one row of m ratings per round,
/// for rounds `first..`, and depend on nothing but the round numbers.
pub(crate) fn percentile_intervals<F>(rounds: usize, m: usize, run: F) -> Vec<(f64, f64)>
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    let mut samples = vec![0.0; rounds * m];
    run_all(m, &mut samples, &run);
    let mut column = vec![0.0; rounds];
    (0..m)
        .map(|i| {
            for (r, slot) in column.iter_mut().enumerate() {
                *slot = samples[r * m + i];
            }
            column.sort_unstable_by(f64::total_cmp);
            (quantile(&column, 0.025), quantile(&column, 0.975))
        })
        .collect()
}

/// Splits rounds over the available cores; the browser (wasm32) has one thread.
#[cfg(not(target_arch = "wasm32"))]
fn run_all<F>(m: usize, samples: &mut [f64], run: &F)
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    let rounds = samples.len() / m.max(1);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(rounds.div_ceil(16))
        .max(1);
    if threads == 1 || m == 0 {
        return run(0, samples);
    }
    let per_thread = rounds.div_ceil(threads);
    std::thread::scope(|scope| {
        for (t, chunk) in samples.chunks_mut(per_thread * m).enumerate() {
            scope.spawn(move || run(t * per_thread, chunk));
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn run_all<F>(_m: usize, samples: &mut [f64], run: &F)
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    run(0, samples);
}

/// Runs rounds `first..` into `out` (one row of ratings per round).
fn run_rounds(context: &Context, first: usize, out: &mut [f64]) {
    let design = context.design;
    let m = design.n_models;
    let mut ws = Workspace::new(m);
    let mut drawn = vec![0u64; context.n_cells];
    let mut data = context.prior.clone();
    let mut observed = Outcomes::none(design);
    let mut theta = vec![0.0; m];
    for (offset, row) in out.chunks_mut(m).enumerate() {
        let mut rng = sample::round_rng(context.seed, (first + offset) as u64);
        context.resampler.draw(&mut rng, &mut drawn);
        for (cell, (&k, &w)) in drawn
            .chunks_exact(3)
            .zip(context.slots.iter().zip(context.weights))
        {
            let (lo_wins, hi_wins, draws) = (cell[0] as f64, cell[1] as f64, cell[2] as f64);
            observed.score[k] = (lo_wins + 0.5 * draws) * w;
            observed.games[k] = (lo_wins + hi_wins + draws) * w;
        }
        let with_prior = match context.rule {
            super::PriorRule::Always => true,
            super::PriorRule::WhereNeeded => !fit::mle_exists(design, &observed),
        };
        if with_prior {
            // x + 0 = x: pairs that never met keep exactly the prior's draws.
            for k in 0..data.score.len() {
                data.score[k] = context.prior.score[k] + observed.score[k];
                data.games[k] = context.prior.games[k] + observed.games[k];
            }
        } else {
            data.score.copy_from_slice(&observed.score);
            data.games.copy_from_slice(&observed.games);
        }
        theta.copy_from_slice(context.theta_hat);
        fit::refit(design, &data, &context.fixed, &mut theta, &mut ws);
        row.copy_from_slice(&context.scale.ratings(&theta));
    }
}

/// The q-quantile of sorted values with linear interpolation between order statistics
/// (numpy's and pandas' default), so figures can be checked against the public arena's.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let h = (sorted.len() - 1) as f64 * q;
    let below = libm::floor(h);
    let i = below as usize;
    if i + 1 >= sorted.len() {
        return last;
    }
    sorted[i] + (h - below) * (sorted[i + 1] - sorted[i])
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantile_interpolates_like_numpy() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&xs, 0.0), 1.0);
        assert_eq!(quantile(&xs, 1.0), 5.0);
        assert_eq!(quantile(&xs, 0.5), 3.0);
        assert!((quantile(&xs, 0.025) - 1.1).abs() < 1e-12);
        assert!((quantile(&xs, 0.975) - 4.9).abs() < 1e-12);
    }
}
