//! Random draws for the bootstrap: a multinomial resample of the count cells, from a seeded PCG.
//!
//! A round must redraw N battles over K cells (N = 10⁶, K ≈ 15,000 in the benchmark) a
//! thousand times, so the method matters. Independent Poisson draws, X_k ~ Poisson(c_k), are
//! multinomial once conditioned on their sum T; so we draw them and then make the sum exactly
//! N: if T > N, remove T − N of the drawn items uniformly at random; if T < N, add N − T items
//! drawn from the cell shares. Both keep the result exactly Multinomial(N, c/Σc). The gain is
//! that each cell's Poisson mean is the same in every round, so its sampler's constants are
//! computed once per table, not once per draw, and the correction touches only ~√N items.
//! Beyond [`EXACT_TOTAL_LIMIT`] battles (far past any real arena) that correction would cost
//! too much and is skipped: the Poisson bootstrap, indistinguishable from the multinomial one
//! at that size, and it keeps absurd input from hanging the server.
//!
//! Hand-written rather than taken from `rand_distr` because the browser's check compares bits:
//! every operation a draw depends on is spelled out here, with `libm` for the transcendental
//! ones, and nothing can change under us with a dependency update.

use rand::RngCore;
use rand_pcg::Pcg64Mcg;

use super::poisson::{LogFactorial, Poisson};

/// The bootstrap's generator: PCG's 128-bit multiplicative variant, the fastest of the family.
pub(crate) type Pcg64 = Pcg64Mcg;

/// The generator for bootstrap round `round` under `seed`. Each round has its own state,
/// derived by hashing (seed, round), so a round's draws do not depend on how rounds are split
/// between threads.
pub(crate) fn round_rng(seed: u64, round: u64) -> Pcg64 {
    let high = splitmix64(seed ^ splitmix64(round));
    let low = splitmix64(high ^ round);
    Pcg64Mcg::new((u128::from(high) << 64) | u128::from(low))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in [0, 1) with 53 random bits.
pub(crate) fn uniform(rng: &mut Pcg64) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) for n ≥ 1 (multiply-shift; bias below n / 2⁶⁴).
pub(crate) fn below(rng: &mut Pcg64, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

/// Up to this many battles, a resample has exactly the original total.
pub(crate) const EXACT_TOTAL_LIMIT: u64 = 1 << 36;

/// Multinomial resampling of fixed count cells; built once, drawn from every round.
#[derive(Clone, Debug)]
pub(crate) struct Resampler {
    cells: Vec<Poisson>,
    /// `prefix[k]` = counts of cells before k, for drawing items by cell share.
    prefix: Vec<u64>,
    total: u64,
    log_factorial: LogFactorial,
}

impl Resampler {
    /// Resamples Σcounts items from cells holding `counts`.
    pub fn new(counts: &[u64]) -> Resampler {
        let mut prefix = Vec::with_capacity(counts.len() + 1);
        let mut total = 0u64;
        for &c in counts {
            prefix.push(total);
            total = total.saturating_add(c);
        }
        prefix.push(total);
        let largest = counts.iter().copied().max().unwrap_or(0) as f64;
        // Covers the proposals PTRS tests in its slow path for all but the largest means.
        let table = (largest + 12.0 * libm::sqrt(largest) + 64.0).min(65_536.0) as usize;
        Resampler {
            cells: counts.iter().map(|&c| Poisson::new(c as f64)).collect(),
            prefix,
            total,
            log_factorial: LogFactorial::up_to(table),
        }
    }

    /// One resample into `out` (one entry per cell; sums to the original total).
    pub fn draw(&self, rng: &mut Pcg64, out: &mut [u64]) {
        let mut drawn = 0u64;
        for (cell, slot) in self.cells.iter().zip(out.iter_mut()) {
            *slot = cell.draw(rng, &self.log_factorial);
            drawn = drawn.saturating_add(*slot);
        }
        if self.total > EXACT_TOTAL_LIMIT {
            return;
        }
        if drawn > self.total {
            remove_uniformly(rng, out, drawn, drawn - self.total);
        }
        for _ in drawn..self.total {
            let u = below(rng, self.total);
            // The cell k with prefix[k] ≤ u < prefix[k + 1].
            let k = self.prefix.partition_point(|&p| p <= u) - 1;
            out[k] += 1;
        }
    }
}

/// Removes `excess` of the `drawn` items in `out`, each equally likely, via a Fenwick tree
/// over the cell counts (log K per removal).
fn remove_uniformly(rng: &mut Pcg64, out: &mut [u64], drawn: u64, excess: u64) {
    let n = out.len();
    let mut tree = vec![0u64; n + 1];
    for (i, &x) in out.iter().enumerate() {
        let j = i + 1;
        tree[j] += x;
        let parent = j + (j & j.wrapping_neg());
        if parent <= n {
            tree[parent] += tree[j];
        }
    }
    let top = if n == 0 {
        0
    } else {
        1 << (usize::BITS - 1 - n.leading_zeros())
    };
    let mut remaining = drawn;
    for _ in 0..excess {
        // Find the cell holding item number u: descend the tree.
        let mut u = below(rng, remaining);
        let (mut pos, mut step) = (0usize, top);
        while step > 0 {
            let next = pos + step;
            if next <= n && tree[next] <= u {
                u -= tree[next];
                pos = next;
            }
            step >>= 1;
        }
        out[pos] -= 1;
        let mut j = pos + 1;
        while j <= n {
            tree[j] -= 1;
            j += j & j.wrapping_neg();
        }
        remaining -= 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_resample_keeps_the_total_and_never_fills_an_empty_cell() {
        let counts = [5, 0, 100, 3, 0, 7, 40_000, 1];
        let resampler = Resampler::new(&counts);
        let mut rng = round_rng(1, 2);
        let mut out = [0; 8];
        let mut sums = [0u64; 8];
        for _ in 0..2000 {
            resampler.draw(&mut rng, &mut out);
            assert_eq!(out.iter().sum::<u64>(), counts.iter().sum::<u64>());
            assert_eq!((out[1], out[4]), (0, 0));
            sums.iter_mut().zip(out).for_each(|(s, x)| *s += x);
        }
        // Each cell keeps its share on average.
        for (s, c) in sums.iter().zip(counts) {
            let mean = *s as f64 / 2000.0;
            assert!((mean - c as f64).abs() <= 5.0 * (c as f64 / 2000.0).sqrt() + 1e-9);
        }
    }

    #[test]
    fn removal_takes_items_uniformly() {
        // From cells [1, 3], removing one of 4 items leaves [0, 3] a quarter of the time.
        let mut rng = round_rng(3, 0);
        let hits = (0..40_000)
            .filter(|_| {
                let mut out = [1, 3];
                remove_uniformly(&mut rng, &mut out, 4, 1);
                out == [0, 3]
            })
            .count();
        assert!((hits as f64 / 40_000.0 - 0.25).abs() < 0.01, "{hits}");
    }

    #[test]
    fn rounds_have_distinct_reproducible_streams() {
        assert_eq!(round_rng(9, 0).next_u64(), round_rng(9, 0).next_u64());
        assert_ne!(round_rng(9, 0).next_u64(), round_rng(9, 1).next_u64());
        assert_ne!(round_rng(9, 0).next_u64(), round_rng(10, 0).next_u64());
    }
}
