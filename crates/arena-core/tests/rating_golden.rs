//! The exact bits of a few tables, pinned.
//!
//! The browser shows "검증됨" only when its wasm32 recomputation matches the server's table,
//! so the numbers must not drift between targets or silently between versions (a `libm`
//! update, a reordered sum). These digests were produced by this code on x86_64 *and* by the
//! same code built for wasm32-unknown-unknown and run in Node (see BENCHMARKS.md, "Same bits
//! in the browser"). If a change alters them on purpose, re-run that check and update them.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::markdown::StyleFeatures;
use arena_core::rating::records::{aggregate, parse_battle_records};
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

#[test]
fn simulated_counts() {
    let truth: Vec<f64> = (0..30).map(|i| 800.0 + 13.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    let battles = simulate::battles(&truth, 100_000, 0.1, 3);
    let opts = RatingOptions {
        bootstrap_rounds: 300,
        ..RatingOptions::default()
    };
    let mut h = START;
    digest(&compute(&simulate::counts(&battles, &names), &opts), &mut h);
    assert_eq!(format!("{h:016x}"), "d6f30b67d5d233af");
}

#[test]
fn ko_arena_hard_anchored() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ko-arena-hard/battles_vs_baseline_derived.jsonl"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {path} not found");
        return;
    };
    let records = parse_battle_records(&text).unwrap();
    let opts = RatingOptions {
        bootstrap_rounds: 300,
        anchor: Some(("claude-3.7-sonnet".into(), 1000.0)),
        ..RatingOptions::default()
    };
    let mut h = START;
    digest(&compute(&aggregate(&records, None), &opts), &mut h);
    assert_eq!(format!("{h:016x}"), "c62ae16eee1cd1d7");
}

#[test]
fn style_controlled() {
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
    assert_eq!(format!("{h:016x}"), "bd8ae6319ae10a1d");
}
