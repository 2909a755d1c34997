//! The exact bits of a few tables, pinned.
//!
//! The browser shows "검증됨" only when its wasm32 recomputation matches the server's table,
//! so the numbers must not drift between targets or silently between versions (a `libm`
//! update, a reordered sum). These digests were produced by this code on x86_64 *and* by the
//! same code built for wasm32-unknown-unknown and run in Node (`make bench`; the cases live in
//! `arena_core::rating::golden`). If a change alters them on purpose, re-run that check and update them.
#![allow(clippy::unwrap_used)]

use arena_core::rating::golden::{self, START, digest};
use arena_core::rating::records::{aggregate, parse_battle_records};
use arena_core::rating::{RatingOptions, compute};

#[test]
fn simulated_counts() {
    assert_eq!(
        format!("{:016x}", golden::simulated_counts()),
        "5d7032b02d40a9a0"
    );
}

#[test]
fn sandwich_reweighted() {
    assert_eq!(
        format!("{:016x}", golden::sandwich_reweighted()),
        "6c0c0ae2ddc75da5"
    );
}

#[test]
fn style_controlled() {
    assert_eq!(
        format!("{:016x}", golden::style_controlled()),
        "bd8ae6319ae10a1d"
    );
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
    assert_eq!(format!("{h:016x}"), "7c2368bc7f120ea9");
}
