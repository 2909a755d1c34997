//! The one piece of linear algebra the fit needs: solving H·x = g for the symmetric
//! positive-definite Hessian of the Bradley–Terry likelihood.
//!
//! A hand-written Cholesky factorisation rather than a linear-algebra crate: the arena has at
//! most a few hundred models, the loop order is fixed (so the bits are the same on every
//! target), and `libm::sqrt` is the only non-arithmetic call.

/// Lower-triangular factor L of a dense symmetric matrix A = L·Lᵀ.
#[derive(Clone, Debug)]
pub(crate) struct Cholesky {
    n: usize,
    /// L row-major: row i is L[i][0..=i] at `i * n`.
    l: Vec<f64>,
    /// Lᵀ row-major, so the backward solve also reads memory in order.
    lt: Vec<f64>,
}

impl Cholesky {
    /// Factors the n×n row-major matrix `a` (only its lower triangle is read).
    ///
    /// The prior makes the Hessian positive definite in exact arithmetic, but with billions of
    /// battles the prior's share can drop below rounding. A pivot that rounds to (or below)
    /// zero is therefore floored at 1e-12 of its diagonal entry instead of failing: the
    /// direction it stands for is one the data cannot pin down, so a tiny step there is right.
    pub fn factor(a: &[f64], n: usize) -> Cholesky {
        let mut l = vec![0.0; n * n];
        for j in 0..n {
            let row_j = j * n..j * n + j;
            let d = a[j * n + j] - dot(&l[row_j.clone()], &l[row_j.clone()]);
            let floor = 1e-12 * a[j * n + j].abs() + f64::MIN_POSITIVE;
            let pivot = libm::sqrt(if d > floor { d } else { floor });
            l[j * n + j] = pivot;
            for i in (j + 1)..n {
                let s = dot(&l[i * n..i * n + j], &l[row_j.clone()]);
                l[i * n + j] = (a[i * n + j] - s) / pivot;
            }
        }
        let mut lt = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                lt[j * n + i] = l[i * n + j];
            }
        }
        Cholesky { n, l, lt }
    }

    /// Overwrites `b` with A⁻¹·b.
    pub fn solve(&self, b: &mut [f64]) {
        let n = self.n;
        for i in 0..n {
            let row = &self.l[i * n..i * n + i + 1];
            b[i] = (b[i] - dot(&row[..i], &b[..i])) / row[i];
        }
        for i in (0..n).rev() {
            let row = &self.lt[i * n..(i + 1) * n];
            b[i] = (b[i] - dot(&row[i + 1..], &b[i + 1..])) / row[i];
        }
    }
}

/// Σ x·y with four running sums: the order is fixed (so the bits are too) but not serial,
/// which lets the processor overlap the additions.
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut sums = [0.0; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .fold(0.0, |s, (a, b)| s + a * b);
    for (a, b) in xc.zip(yc) {
        for k in 0..4 {
            sums[k] += a[k] * b[k];
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_spd_system() {
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let x = [1.0, -2.0, 0.5];
        let mut b: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| a[i * 3 + j] * x[j]).sum())
            .collect();
        Cholesky::factor(&a, 3).solve(&mut b);
        for (got, want) in b.iter().zip(x) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }
}
