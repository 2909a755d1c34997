//! 95% intervals from the sandwich (robust, Huber–White) covariance: the default of the public
//! arena's current rating library (`lmarena/arena-rank`), and a second opinion beside the
//! bootstrap that costs one matrix product instead of a thousand refits.
//!
//! With θ̂ the fitted strengths, the *bread* H is the negative Hessian of the maximised objective
//! (the prior's virtual draws included when they were used: they are a penalty, not data), and the
//! *meat* B is the sum over every battle of its score's outer product: a battle of pair (i, j)
//! with outcome y for i (1, 0, or ½ for a draw) and weight w adds w²(y − p)² at (i, i) and (j, j)
//! and its negative at (i, j) and (j, i), where p = P(i beats j) at θ̂. Then Cov(θ̂) = H⁻¹BH⁻¹.
//! When the model is right, B ≈ H and this is the usual H⁻¹; when battles are not independent
//! draws from it (uneven pairing, reweighting, voters who disagree about what "better" means) the
//! sandwich stays honest.
//!
//! Strengths are defined up to a common shift, so H is singular along (1, …, 1). The factored
//! matrix is H + c·11ᵀ (see `fit::neg_hessian`); since B·1 = 0, the added direction drops out
//! and the result is the covariance of the centred strengths exactly (H⁺BH⁺). A centred rating's
//! variance is then its diagonal entry; with an anchor, it is the variance of the difference
//! from the anchored model.

use super::counts::PairTable;
use super::fit::{self, Design, Outcomes, Workspace};
use super::table::{POINTS_PER_NATURAL_UNIT, Scale};

/// Φ⁻¹(0.975): a two-sided 95% normal interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Per model, (rating − z·se, rating + z·se) on the rating scale.
pub(crate) fn intervals(
    pairs: &PairTable,
    design: &Design,
    fitted: &Outcomes,
    theta: &[f64],
    scale: &Scale,
    weights: &[f64],
) -> Vec<(f64, f64)> {
    let m = design.n_models;
    let ratings = scale.ratings(theta);
    if m < 2 {
        return ratings.into_iter().map(|r| (r, r)).collect();
    }
    let covariance = covariance(pairs, design, fitted, theta, weights);
    (0..m)
        .map(|i| {
            let variance = match scale.anchor {
                Some((a, _)) => {
                    covariance[i * m + i] + covariance[a * m + a] - 2.0 * covariance[i * m + a]
                }
                None => covariance[i * m + i],
            };
            let half = Z_95 * POINTS_PER_NATURAL_UNIT * libm::sqrt(variance.max(0.0));
            (ratings[i] - half, ratings[i] + half)
        })
        .collect()
}

/// H⁻¹BH⁻¹ on the natural-log scale, row-major m × m.
pub(crate) fn covariance(
    pairs: &PairTable,
    design: &Design,
    fitted: &Outcomes,
    theta: &[f64],
    weights: &[f64],
) -> Vec<f64> {
    let m = design.n_models;
    let mut ws = Workspace::new(m);
    let bread = fit::factor_at(design, fitted, theta, &mut ws);
    let mut meat = vec![0.0; m * m];
    for (pair, &w) in pairs.pairs.iter().zip(weights) {
        let (i, j) = (pair.lo, pair.hi);
        let p = 1.0 / (1.0 + libm::exp(theta[j] - theta[i]));
        let (win, loss, draw) = (1.0 - p, -p, 0.5 - p);
        let sum = pair.lo_wins as f64 * win * win
            + pair.hi_wins as f64 * loss * loss
            + pair.draws as f64 * draw * draw;
        let v = w * w * sum;
        meat[i * m + i] += v;
        meat[j * m + j] += v;
        meat[i * m + j] -= v;
        meat[j * m + i] -= v;
    }
    // X = H⁻¹B, column by column (B is symmetric, so its rows are its columns)...
    let mut x = vec![0.0; m * m];
    let mut column = vec![0.0; m];
    for c in 0..m {
        column.copy_from_slice(&meat[c * m..(c + 1) * m]);
        bread.solve(&mut column);
        for r in 0..m {
            x[r * m + c] = column[r];
        }
    }
    // ...then V = H⁻¹Xᵀ (= H⁻¹BH⁻¹, symmetric), again a column at a time.
    let mut v = vec![0.0; m * m];
    for c in 0..m {
        column.copy_from_slice(&x[c * m..(c + 1) * m]);
        bread.solve(&mut column);
        for r in 0..m {
            v[r * m + c] = column[r];
        }
    }
    // Symmetric up to rounding; make it exactly so (the same bits whichever side is read).
    for r in 0..m {
        for c in (r + 1)..m {
            let mean = 0.5 * (v[r * m + c] + v[c * m + r]);
            v[r * m + c] = mean;
            v[c * m + r] = mean;
        }
    }
    v
}
