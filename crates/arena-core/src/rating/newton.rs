//! What both maximisers share (the plain Bradley–Terry fit in `fit.rs` and the style-controlled
//! fit in `style_fit.rs`): the stopping rules, and the bootstrap's cheap refit that takes Newton
//! steps with the full-data Hessian factor kept fixed.

use super::linalg::Cholesky;

/// Newton stops when no parameter moves by more than this (≈ 2·10⁻⁸ rating points).
pub(crate) const TOLERANCE: f64 = 1e-10;
/// No Newton step moves a parameter by more than this (≈ 870 rating points), so `exp` never
/// overflows on the way from a poor start.
pub(crate) const MAX_STEP: f64 = 5.0;
/// Steps this small that no longer shrink are rounding noise (≈ 2·10⁻⁶ rating points).
const ROUNDING: f64 = 1e-8;
pub(crate) const MAX_ITERATIONS: u32 = 200;

pub(crate) fn max_abs(v: &[f64]) -> f64 {
    v.iter()
        .fold(0.0, |m, x| if x.abs() > m { x.abs() } else { m })
}

/// Steps from `params` (updated in place) with the fixed Hessian factor `fixed`; `gradient`
/// writes the objective's gradient at the given parameters into its second argument, and
/// `step` is scratch space of the same length. Each step costs one gradient and they contract
/// fast when the resample is close to the data. Returns `false` when they stop contracting
/// (sparse pairs whose resampled counts differ a lot): the caller then restores its start and
/// runs full damped Newton.
pub(crate) fn fixed_hessian_steps(
    fixed: &Cholesky,
    params: &mut [f64],
    step: &mut [f64],
    mut gradient: impl FnMut(&[f64], &mut [f64]),
) -> bool {
    let mut previous = f64::INFINITY;
    for _ in 0..30 {
        gradient(params, step);
        fixed.solve(step);
        let size = max_abs(step);
        if size <= TOLERANCE {
            return true;
        }
        // A step no smaller than half the last one means these steps have stopped working:
        // either rounding noise (then we are there) or a resample far from the data (then
        // full Newton). NaN fails the comparison too.
        let contracting = size < 0.5 * previous;
        if !contracting || size > MAX_STEP {
            return size <= ROUNDING;
        }
        params
            .iter_mut()
            .zip(step.iter())
            .for_each(|(p, s)| *p += s);
        // Steps shrink geometrically, by about size / previous each time, so what is left
        // after this one is about size² / previous.
        if size * (size / previous) <= TOLERANCE {
            return true;
        }
        previous = size;
    }
    false
}
