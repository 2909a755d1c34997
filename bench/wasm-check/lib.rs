//! Digests of rating tables computed inside WebAssembly, for `run.mjs` to compare with the
//! digests pinned in `crates/arena-core/tests/rating_golden.rs` (computed natively). The cases
//! and the digest are copied from that test; keep them in step.

use arena_core::Choice;
use arena_core::markdown::StyleFeatures;
use arena_core::rating::style::{StyledBattle, compute_style_controlled};
use arena_core::rating::{RatingOptions, RatingTable, compute, simulate};

fn fnv(h: &mut u64, x: u64) {
    for b in x.to_le_bytes() {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

fn digest(t: &RatingTable, h: &mut u64) {
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

const START: u64 = 0xcbf2_9ce4_8422_2325;

/// `rating_golden::simulated_counts`.
#[unsafe(no_mangle)]
pub extern "C" fn simulated_counts() -> u64 {
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

/// `rating_golden::style_controlled`.
#[unsafe(no_mangle)]
pub extern "C" fn style_controlled() -> u64 {
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

/// The benchmark's size, as the browser would run it: 1,000,000 battles among 100 models
/// (simulated here, so not timed by the caller separately), 1000 bootstrap rounds.
#[unsafe(no_mangle)]
pub extern "C" fn benchmark_table() -> u64 {
    let truth: Vec<f64> = (0..100).map(|i| 700.0 + 6.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..100).map(|i| format!("model-{i:03}")).collect();
    let counts = simulate::counts(&simulate::battles(&truth, 1_000_000, 0.08, 42), &names);
    let mut h = START;
    digest(&compute(&counts, &RatingOptions::default()), &mut h);
    h
}
