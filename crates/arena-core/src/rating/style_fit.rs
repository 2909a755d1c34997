//! The style-controlled fit: Bradley–Terry plus a linear term in the answers' style differences
//! (the public arena's "contextual" model), maximised per battle rather than per pair.
//!
//! Style features differ from battle to battle, so battles cannot be folded into pair counts
//! the way [`super::fit`] does; the objective is a weighted sum over battles (identical battles
//! merged into one weight). Parameters are the m strengths θ followed by the style
//! coefficients β, and P(A wins) = σ(θ_A − θ_B + x·β).
//!
//! The L2 penalty is the public arena's `reg = 0.5`: ¼·(Σ(θ/ln 10)² + Σβ²), i.e. on
//! strengths in its units of 400 rating points. It also keeps every answer finite, so no
//! phantom prior is needed here.

use std::f64::consts::LN_10;

use super::linalg::Cholesky;
use super::newton::{MAX_ITERATIONS, MAX_STEP, TOLERANCE, fixed_hessian_steps, max_abs};

/// Style features per battle (length, headers, list items, bold).
pub(crate) const FEATURES: usize = 4;
const PENALTY_THETA: f64 = 0.5 / (LN_10 * LN_10);
const PENALTY_BETA: f64 = 0.5;

/// Battles in canonical orientation (`lo` sorts first); `score` is lo's score.
pub(crate) struct Problem {
    pub n_models: usize,
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
    pub score: Vec<f64>,
    pub x: Vec<[f64; FEATURES]>,
}

impl Problem {
    pub fn dim(&self) -> usize {
        self.n_models + FEATURES
    }

    fn logit(&self, k: usize, params: &[f64]) -> f64 {
        let beta = &params[self.n_models..];
        let mut eta = params[self.lo[k]] - params[self.hi[k]];
        for (f, b) in beta.iter().enumerate() {
            eta += self.x[k][f] * b;
        }
        eta
    }
}

fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + libm::exp(-eta))
    } else {
        let e = libm::exp(eta);
        e / (1.0 + e)
    }
}

/// log(1 + e^η) without overflow.
fn softplus(eta: f64) -> f64 {
    if eta > 0.0 {
        eta + libm::log1p(libm::exp(-eta))
    } else {
        libm::log1p(libm::exp(eta))
    }
}

fn penalty(m: usize, i: usize) -> f64 {
    if i < m { PENALTY_THETA } else { PENALTY_BETA }
}

fn objective(problem: &Problem, weights: &[f64], params: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (k, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            let eta = problem.logit(k, params);
            sum += w * (problem.score[k] * eta - softplus(eta));
        }
    }
    for (i, p) in params.iter().enumerate() {
        sum -= 0.5 * penalty(problem.n_models, i) * p * p;
    }
    sum
}

/// Gradient into `grad`; negative Hessian into `hess` when given.
fn derivatives(
    problem: &Problem,
    weights: &[f64],
    params: &[f64],
    grad: &mut [f64],
    mut hess: Option<&mut [f64]>,
) {
    let (m, d) = (problem.n_models, problem.dim());
    for (i, g) in grad.iter_mut().enumerate() {
        *g = -penalty(m, i) * params[i];
    }
    if let Some(h) = hess.as_deref_mut() {
        h.fill(0.0);
        for i in 0..d {
            h[i * d + i] = penalty(m, i);
        }
    }
    for (k, &w) in weights.iter().enumerate() {
        if w <= 0.0 {
            continue;
        }
        let (i, j, x) = (problem.lo[k], problem.hi[k], &problem.x[k]);
        let p = sigmoid(problem.logit(k, params));
        let r = w * (problem.score[k] - p);
        grad[i] += r;
        grad[j] -= r;
        for f in 0..FEATURES {
            grad[m + f] += r * x[f];
        }
        if let Some(h) = hess.as_deref_mut() {
            let c = w * p * (1.0 - p);
            h[i * d + i] += c;
            h[j * d + j] += c;
            h[i * d + j] -= c;
            h[j * d + i] -= c;
            for f in 0..FEATURES {
                let (cf, bf) = (c * x[f], m + f);
                h[i * d + bf] += cf;
                h[bf * d + i] += cf;
                h[j * d + bf] -= cf;
                h[bf * d + j] -= cf;
                for g in 0..FEATURES {
                    h[bf * d + m + g] += cf * x[g];
                }
            }
        }
    }
}

/// Reusable buffers.
pub(crate) struct Workspace {
    grad: Vec<f64>,
    hess: Vec<f64>,
    trial: Vec<f64>,
}

impl Workspace {
    pub fn new(dim: usize) -> Workspace {
        Workspace {
            grad: vec![0.0; dim],
            hess: vec![0.0; dim * dim],
            trial: vec![0.0; dim],
        }
    }
}

/// Damped Newton from `params` to the maximiser.
pub(crate) fn fit(problem: &Problem, weights: &[f64], params: &mut [f64], ws: &mut Workspace) {
    let d = problem.dim();
    let mut current = objective(problem, weights, params);
    for _ in 0..MAX_ITERATIONS {
        derivatives(problem, weights, params, &mut ws.grad, Some(&mut ws.hess));
        Cholesky::factor(&ws.hess, d).solve(&mut ws.grad);
        let size = max_abs(&ws.grad);
        if size > MAX_STEP {
            let shrink = MAX_STEP / size;
            ws.grad.iter_mut().for_each(|s| *s *= shrink);
        }
        let mut t = 1.0;
        loop {
            for ((x, &p), &s) in ws.trial.iter_mut().zip(params.iter()).zip(&ws.grad) {
                *x = p + t * s;
            }
            let value = objective(problem, weights, &ws.trial);
            if value >= current - 1e-12 * (1.0 + current.abs()) || t < 1e-6 {
                current = value;
                break;
            }
            t *= 0.5;
        }
        params.copy_from_slice(&ws.trial);
        if t * max_abs(&ws.grad) <= TOLERANCE {
            return;
        }
    }
}

/// The negative Hessian at `params`, factored, for [`refit`].
pub(crate) fn factor_at(
    problem: &Problem,
    weights: &[f64],
    params: &[f64],
    ws: &mut Workspace,
) -> Cholesky {
    derivatives(problem, weights, params, &mut ws.grad, Some(&mut ws.hess));
    Cholesky::factor(&ws.hess, problem.dim())
}

/// Re-maximises for resampled weights from the full-data answer with its fixed Hessian;
/// falls back to [`fit`] if those steps stop contracting (see `fit::refit`).
pub(crate) fn refit(
    problem: &Problem,
    weights: &[f64],
    fixed: &Cholesky,
    params: &mut [f64],
    ws: &mut Workspace,
) {
    let start = params.to_vec();
    let converged = fixed_hessian_steps(fixed, params, &mut ws.grad, |params, grad| {
        derivatives(problem, weights, params, grad, None);
    });
    if converged {
        return;
    }
    params.copy_from_slice(&start);
    fit(problem, weights, params, ws);
}
