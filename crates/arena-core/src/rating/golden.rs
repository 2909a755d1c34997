//! Fixed cases whose exact bits are pinned, so the numbers cannot drift between targets or
//! silently between versions (a `libm` update, a reordered sum): the browser shows "검증됨" only
//! when its wasm32 recomputation equals the server's table bit for bit.
//!
//! One copy of each case serves both checks: `tests/rating_golden.rs` (native) and
//! `bench/wasm-check` (the same code built for wasm32 and run in Node by `make bench`).

use super::style::{StyledBattle, compute_style_controlled};
use super::{RatingOptions, RatingTable, compute, simulate};
use crate::Choice;
use crate::markdown::StyleFeatures;

/// FNV-1a offset basis: the digest of nothing.
pub const START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(h: &mut u64, x: u64) {
    for b in x.to_le_bytes() {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

/// Folds every number a reader sees (ratings, intervals, votes, ranks, win rates) into `h`.
pub fn digest(t: &RatingTable, h: &mut u64) {
    for m in &t.models {
        for x in [m.rating, m.ci_low, m.ci_high] {
            fnv(h, x.to_bits());
        }
        fnv(h, m.votes);
        fnv(h, u64::from(m.rank));
    }
    for row in &t.win_rate {
        for x in row {
            fnv(h, x.map_or(7, f64::to_bits));
        }
    }
}

/// 100,000 simulated battles among 30 models, 300 bootstrap rounds.
pub fn simulated_counts() -> u64 {
    let truth: Vec<f64> = (0..30).map(|i| 800.0 + 13.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    let battles = simulate::battles(&truth, 100_000, 0.1, 3);
    let opts = RatingOptions {
        bootstrap_rounds: 300,
        ..RatingOptions::default()
    };
    let mut h = START;
    digest(&compute(&simulate::counts(&battles, &names), &opts), &mut h);
    h
}

/// The simulated battles of [`simulated_counts`] drawn unevenly (the first five models in most
/// battles, as a pairing that favours them would), rated with pair reweighting and sandwich
/// intervals; and a table whose plain answer does not exist (a model that never lost), where the
/// prior acts.
pub fn sandwich_reweighted() -> u64 {
    let truth: Vec<f64> = (0..30).map(|i| 800.0 + 13.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    let battles: Vec<_> = simulate::battles(&truth, 100_000, 0.1, 5)
        .into_iter()
        .enumerate()
        .filter(|(k, b)| (b.model_a < 5 && b.model_b < 5) || k % 4 == 0)
        .map(|(_, b)| b)
        .collect();
    let opts = RatingOptions {
        intervals: super::IntervalMethod::Sandwich,
        reweight: true,
        ..RatingOptions::default()
    };
    let mut h = START;
    digest(&compute(&simulate::counts(&battles, &names), &opts), &mut h);
    let mut unbeaten = simulate::counts(&battles[..2_000], &names);
    unbeaten.add("m-new", "m3", crate::Choice::A, 4);
    let table = compute(&unbeaten, &opts);
    fnv(&mut h, u64::from(table.prior_used));
    digest(&table, &mut h);
    h
}

/// 5,000 battles with pseudo-random style features, style control, 40 bootstrap rounds.
pub fn style_controlled() -> u64 {
    let mut s = 1u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let style = |n: u64| StyleFeatures {
        length: (n % 2000) as u32,
        headers: [(n % 3) as u32, 0, 1, 0, 0, 0],
        list_items: (n % 7) as u32,
        bold: (n % 4) as u32,
    };
    let battles: Vec<StyledBattle> = (0..5000)
        .map(|_| {
            let a = next() % 6;
            let b = (a + 1 + next() % 5) % 6;
            let choice =
                [Choice::A, Choice::B, Choice::Tie, Choice::BothBad][(next() % 4) as usize];
            StyledBattle {
                model_a: format!("s{a}"),
                model_b: format!("s{b}"),
                choice,
                style_a: style(next()),
                style_b: style(next()),
            }
        })
        .collect();
    let controlled = compute_style_controlled(
        &battles,
        &RatingOptions {
            bootstrap_rounds: 40,
            ..RatingOptions::default()
        },
    );
    let mut h = START;
    digest(&controlled.table, &mut h);
    fnv(&mut h, controlled.coefficients.length.to_bits());
    h
}

/// The benchmark's size: 1,000,000 simulated battles among 100 models, 1000 bootstrap rounds.
pub fn benchmark_table() -> u64 {
    let truth: Vec<f64> = (0..100).map(|i| 700.0 + 6.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..100).map(|i| format!("model-{i:03}")).collect();
    let counts = simulate::counts(&simulate::battles(&truth, 1_000_000, 0.08, 42), &names);
    let mut h = START;
    digest(&compute(&counts, &RatingOptions::default()), &mut h);
    h
}
