//! Poisson draws for the bootstrap's resampler (see `sample`): one sampler per count cell,
//! its constants worked out once and reused by every round.
//!
//! Inversion for means below 10, Hörmann's PTRS (transformed rejection with squeeze, 1993)
//! above: its fast path costs two uniforms and a division, and only about one proposal in
//! three needs the logarithm of the slow path.

use rand::RngCore;

use super::sample::{Pcg64, uniform};

/// Two uniforms in [0, 1) with 32 random bits each, from one draw: plenty for the rejection
/// sampler's proposal and test, at half the cost.
fn two_uniforms(rng: &mut Pcg64) -> (f64, f64) {
    let bits = rng.next_u64();
    let scale = 1.0 / (1u64 << 32) as f64;
    (
        (bits >> 32) as f64 * scale,
        (bits & 0xFFFF_FFFF) as f64 * scale,
    )
}

/// A Poisson sampler with its mean's constants worked out once.
#[derive(Clone, Debug)]
pub(crate) enum Poisson {
    Zero,
    /// Inversion (sequential search of the CDF) for means below 10: about mean + 1 steps.
    Small {
        lambda: f64,
        exp_neg: f64,
    },
    /// Hörmann's PTRS (transformed rejection with squeeze, 1993) for means of 10 and up.
    Large {
        lambda: f64,
        log_lambda: f64,
        a: f64,
        b: f64,
        inv_alpha: f64,
        v_r: f64,
    },
}

impl Poisson {
    pub fn new(lambda: f64) -> Poisson {
        if lambda <= 0.0 {
            Poisson::Zero
        } else if lambda < 10.0 {
            Poisson::Small {
                lambda,
                exp_neg: libm::exp(-lambda),
            }
        } else {
            let b = 0.931 + 2.53 * libm::sqrt(lambda);
            Poisson::Large {
                lambda,
                log_lambda: libm::log(lambda),
                a: -0.059 + 0.02483 * b,
                b,
                inv_alpha: 1.1239 + 1.1328 / (b - 3.4),
                v_r: 0.9277 - 3.6224 / (b - 2.0),
            }
        }
    }

    pub fn draw(&self, rng: &mut Pcg64, log_factorial: &LogFactorial) -> u64 {
        match *self {
            Poisson::Zero => 0,
            Poisson::Small { lambda, exp_neg } => loop {
                let mut u = uniform(rng);
                let (mut k, mut p) = (0u64, exp_neg);
                // Rounding can leave the summed probabilities a hair under 1; then draw again.
                while u > p && k < 1000 {
                    u -= p;
                    k += 1;
                    p *= lambda / k as f64;
                }
                if u <= p {
                    return k;
                }
            },
            Poisson::Large {
                lambda,
                log_lambda,
                a,
                b,
                inv_alpha,
                v_r,
            } => loop {
                let (u, v) = two_uniforms(rng);
                let u = u - 0.5;
                let us = 0.5 - u.abs();
                let x = (2.0 * a / us + b) * u + lambda + 0.43;
                // Negative proposals are rejected, so truncation is the floor here.
                if x.is_nan() || x < 0.0 {
                    continue;
                }
                let k = x as u64;
                if us >= 0.07 && v <= v_r {
                    return k;
                }
                if us < 0.013 && v > us {
                    continue;
                }
                let lhs = libm::log(v * inv_alpha / (a / (us * us) + b));
                if lhs <= -lambda + k as f64 * log_lambda - log_factorial.of(k) {
                    return k;
                }
            },
        }
    }
}

/// ln(k!) from a table for the k the samplers usually meet, `libm::lgamma` beyond it.
#[derive(Clone, Debug)]
pub(crate) struct LogFactorial(Vec<f64>);

impl LogFactorial {
    pub fn up_to(n: usize) -> LogFactorial {
        let mut table = Vec::with_capacity(n + 1);
        let mut sum = 0.0;
        table.push(0.0);
        for k in 1..=n {
            sum += libm::log(k as f64);
            table.push(sum);
        }
        LogFactorial(table)
    }

    fn of(&self, k: u64) -> f64 {
        match usize::try_from(k).ok().and_then(|i| self.0.get(i)) {
            Some(&v) => v,
            None => libm::lgamma(k as f64 + 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::sample::round_rng;

    #[test]
    fn poisson_draws_have_the_right_mean_and_variance_in_both_regimes() {
        let log_factorial = LogFactorial::up_to(2000);
        for &lambda in &[0.5, 3.0, 9.9, 10.0, 67.0, 1500.0, 250_000.0] {
            let poisson = Poisson::new(lambda);
            let mut rng = round_rng(7, lambda as u64);
            let draws = 200_000;
            let xs: Vec<f64> = (0..draws)
                .map(|_| poisson.draw(&mut rng, &log_factorial) as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / draws as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / draws as f64;
            let se = (lambda / draws as f64).sqrt();
            assert!((mean - lambda).abs() < 5.0 * se, "λ {lambda}: mean {mean}");
            assert!(
                (var / lambda - 1.0).abs() < 0.03,
                "λ {lambda}: variance {var}"
            );
        }
    }
}
