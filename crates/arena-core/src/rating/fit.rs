//! Bradley–Terry maximum likelihood on aggregated pair counts.
//!
//! Strengths θ live on the natural-log scale: P(i beats j) = 1 / (1 + e^(θj − θi)); the public
//! arena's 400-point base-10 scale is applied only when the table is built. Computing γ = e^θ
//! once per model per iteration makes every pair's probability a single division,
//! γi / (γi + γj), so an iteration costs one `exp` per model, not one per pair or per vote.
//!
//! The maximiser is damped Newton (the Hessian is at most a few hundred models square), which
//! converges in a handful of iterations from zero. Bootstrap rounds are warm-started from the
//! full-data answer and reuse its Hessian factor ([`refit`]), since resampled counts move the
//! optimum only by sampling noise.
//!
//! The prior (where the plain answer does not exist, [`mle_exists`]; or always, for tables
//! published before that rule): every model is credited with [`PRIOR_GAMES`] virtual drawn
//! game, spread evenly over all other models (each pair gets 1/(m − 1) of a draw). It is what keeps the answer
//! finite and unique when the plain MLE has none (a model that never lost goes to +∞; groups
//! that never met float freely), it depends only on rating differences (so centring stays a
//! pure choice of origin), and among thousands of votes it is invisible. It is folded into the
//! pair data ([`Outcomes::with_prior`]), so the Design holds every pair of models.
//!
//! Ratings are only defined up to a common shift, so the Hessian is singular along (1, …, 1);
//! adding a multiple of 11ᵀ to it fixes that without changing any step's differences.

use super::linalg::Cholesky;
use super::newton::{MAX_ITERATIONS, MAX_STEP, TOLERANCE, fixed_hessian_steps, max_abs};

/// Virtual drawn games each model is credited with, spread evenly over the other models.
pub const PRIOR_GAMES: f64 = 1.0;

/// Every pair (lo < hi) of the m models, in order; fixed across bootstrap rounds.
#[derive(Clone, Debug)]
pub(crate) struct Design {
    pub n_models: usize,
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
}

impl Design {
    pub fn all_pairs(n_models: usize) -> Design {
        let (mut lo, mut hi) = (Vec::new(), Vec::new());
        for i in 0..n_models {
            for j in (i + 1)..n_models {
                lo.push(i);
                hi.push(j);
            }
        }
        Design { n_models, lo, hi }
    }

    /// Position of pair (i, j), i < j, in [`Design::all_pairs`].
    pub fn index(&self, i: usize, j: usize) -> usize {
        let m = self.n_models;
        i * m - i * (i + 1) / 2 + (j - i - 1)
    }
}

/// Per pair: the `lo` model's score (wins + half the draws) and the number of games.
#[derive(Clone, Debug)]
pub(crate) struct Outcomes {
    pub score: Vec<f64>,
    pub games: Vec<f64>,
}

impl Outcomes {
    /// No games at all, for every pair of `design`.
    pub fn none(design: &Design) -> Outcomes {
        Outcomes {
            score: vec![0.0; design.lo.len()],
            games: vec![0.0; design.lo.len()],
        }
    }

    /// These outcomes with the prior's virtual draws added.
    pub fn plus_prior(&self, design: &Design) -> Outcomes {
        let prior = Outcomes::with_prior(design);
        Outcomes {
            score: self
                .score
                .iter()
                .zip(&prior.score)
                .map(|(s, p)| p + s)
                .collect(),
            games: self
                .games
                .iter()
                .zip(&prior.games)
                .map(|(g, p)| p + g)
                .collect(),
        }
    }

    /// The prior's virtual draws alone, for every pair of `design`.
    pub fn with_prior(design: &Design) -> Outcomes {
        let per_pair = if design.n_models > 1 {
            PRIOR_GAMES / (design.n_models - 1) as f64
        } else {
            0.0
        };
        Outcomes {
            score: vec![0.5 * per_pair; design.lo.len()],
            games: vec![per_pair; design.lo.len()],
        }
    }
}

/// Whether the plain maximum-likelihood answer exists (finite, and unique up to a common
/// shift): it does exactly when every model can be linked to every other by a chain of "scored
/// against" (won or drew at least once), in both directions — the graph of such links is
/// strongly connected (Zermelo 1929; Ford 1957). A model that never lost, or groups that never
/// met, break it.
pub(crate) fn mle_exists(design: &Design, observed: &Outcomes) -> bool {
    let m = design.n_models;
    if m < 2 {
        return true;
    }
    let mut forward = vec![Vec::new(); m];
    let mut backward = vec![Vec::new(); m];
    for k in 0..design.lo.len() {
        let (i, j) = (design.lo[k], design.hi[k]);
        let (s, n) = (observed.score[k], observed.games[k]);
        if s > 0.0 {
            // i scored against j.
            forward[i].push(j);
            backward[j].push(i);
        }
        if n - s > 0.0 {
            forward[j].push(i);
            backward[i].push(j);
        }
    }
    reaches_all(&forward) && reaches_all(&backward)
}

/// Whether every node is reachable from node 0.
fn reaches_all(edges: &[Vec<usize>]) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![0];
    seen[0] = true;
    let mut count = 1;
    while let Some(i) = stack.pop() {
        for &j in &edges[i] {
            if !seen[j] {
                seen[j] = true;
                count += 1;
                stack.push(j);
            }
        }
    }
    count == edges.len()
}

/// Reusable buffers, so bootstrap rounds do not allocate.
pub(crate) struct Workspace {
    gamma: Vec<f64>,
    grad: Vec<f64>,
    hess: Vec<f64>,
}

impl Workspace {
    pub fn new(n: usize) -> Workspace {
        Workspace {
            gamma: vec![0.0; n],
            grad: vec![0.0; n],
            hess: vec![0.0; n * n],
        }
    }
}

fn exp_all(theta: &[f64], gamma: &mut [f64]) {
    for (g, &t) in gamma.iter_mut().zip(theta) {
        *g = libm::exp(t);
    }
}

/// Penalised log-likelihood (the objective being maximised).
pub(crate) fn log_likelihood(design: &Design, data: &Outcomes, theta: &[f64]) -> f64 {
    let mut sum = 0.0;
    for k in 0..design.lo.len() {
        let (i, j) = (design.lo[k], design.hi[k]);
        let (s, n) = (data.score[k], data.games[k]);
        // log P(i beats j) = θi − log(e^θi + e^θj), written around the larger θ for accuracy.
        let m = if theta[i] > theta[j] {
            theta[i]
        } else {
            theta[j]
        };
        let log_sum = m + libm::log(libm::exp(theta[i] - m) + libm::exp(theta[j] - m));
        sum += s * theta[i] + (n - s) * theta[j] - n * log_sum;
    }
    sum
}

/// Gradient of [`log_likelihood`] into `grad`; needs `gamma` = e^θ.
pub(crate) fn gradient(design: &Design, data: &Outcomes, gamma: &[f64], grad: &mut [f64]) {
    grad.fill(0.0);
    let pairs = design.lo.iter().zip(&design.hi);
    for ((&i, &j), (&s, &n)) in pairs.zip(data.score.iter().zip(&data.games)) {
        let r = s - n * gamma[i] / (gamma[i] + gamma[j]);
        grad[i] += r;
        grad[j] -= r;
    }
}

/// Negative Hessian of [`log_likelihood`] plus c·11ᵀ (so positive definite) into `hess`,
/// row-major. c makes the added eigenvalue along (1, …, 1) the mean diagonal entry.
fn neg_hessian(design: &Design, data: &Outcomes, gamma: &[f64], hess: &mut [f64]) {
    let n = design.n_models;
    hess.fill(0.0);
    for k in 0..design.lo.len() {
        let (i, j) = (design.lo[k], design.hi[k]);
        let sum = gamma[i] + gamma[j];
        let w = data.games[k] * (gamma[i] / sum) * (gamma[j] / sum);
        hess[i * n + i] += w;
        hess[j * n + j] += w;
        hess[i * n + j] -= w;
        hess[j * n + i] -= w;
    }
    let trace: f64 = (0..n).map(|i| hess[i * n + i]).sum();
    let c = trace / (n * n) as f64;
    hess.iter_mut().for_each(|h| *h += c);
}

/// Damped Newton from `theta` (updated in place) to the maximiser. Returns the iterations used.
pub(crate) fn fit(design: &Design, data: &Outcomes, theta: &mut [f64], ws: &mut Workspace) -> u32 {
    let n = design.n_models;
    if n < 2 {
        return 0;
    }
    let mut current = log_likelihood(design, data, theta);
    let mut trial = vec![0.0; n];
    for iteration in 1..=MAX_ITERATIONS {
        exp_all(theta, &mut ws.gamma);
        gradient(design, data, &ws.gamma, &mut ws.grad);
        neg_hessian(design, data, &ws.gamma, &mut ws.hess);
        Cholesky::factor(&ws.hess, n).solve(&mut ws.grad);
        let step = &mut ws.grad;
        let size = max_abs(step);
        if size > MAX_STEP {
            let shrink = MAX_STEP / size;
            step.iter_mut().for_each(|d| *d *= shrink);
        }
        // Halve the step until the objective does not fall (beyond rounding).
        let mut t = 1.0;
        loop {
            for ((x, &th), &d) in trial.iter_mut().zip(theta.iter()).zip(step.iter()) {
                *x = th + t * d;
            }
            let value = log_likelihood(design, data, &trial);
            if value >= current - 1e-12 * (1.0 + current.abs()) || t < 1e-6 {
                current = value;
                break;
            }
            t *= 0.5;
        }
        theta.copy_from_slice(&trial);
        if t * max_abs(step) <= TOLERANCE {
            return iteration;
        }
    }
    MAX_ITERATIONS
}

/// The negative Hessian at `theta`, factored: the fixed matrix for [`refit`].
pub(crate) fn factor_at(
    design: &Design,
    data: &Outcomes,
    theta: &[f64],
    ws: &mut Workspace,
) -> Cholesky {
    exp_all(theta, &mut ws.gamma);
    neg_hessian(design, data, &ws.gamma, &mut ws.hess);
    Cholesky::factor(&ws.hess, design.n_models)
}

/// Re-maximises for resampled outcomes, starting from `theta` (the full-data answer, whose
/// Hessian factor is `fixed`). Steps with the fixed Hessian cost one gradient each and
/// contract fast when the resample is close to the data; if they stop contracting (sparse
/// pairs whose resampled counts differ a lot) it falls back to full damped Newton.
pub(crate) fn refit(
    design: &Design,
    data: &Outcomes,
    fixed: &Cholesky,
    theta: &mut [f64],
    ws: &mut Workspace,
) {
    let start = theta.to_vec();
    let gamma = &mut ws.gamma;
    let converged = fixed_hessian_steps(fixed, theta, &mut ws.grad, |theta, grad| {
        exp_all(theta, gamma);
        gradient(design, data, gamma, grad);
    });
    if converged {
        return;
    }
    theta.copy_from_slice(&start);
    fit(design, data, theta, ws);
}
