//! On real data: the ko-arena-hard battles (judge verdicts against one baseline model) give
//! the same order as the published leaderboard.
//!
//! The data lives outside the repository, in `../shared/data/ko-arena-hard/` next to the repo
//! root; without it the test says so and passes.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use arena_core::rating::records::{aggregate, parse_battle_records};
use arena_core::rating::{RatingOptions, compute};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ko-arena-hard")
}

/// Average ranks (ties share the mean of their positions), 1-based.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx) * (a - mx)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my) * (b - my)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn spearman_helper_sees_order() {
    assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
}

#[test]
fn order_matches_the_published_ko_arena_hard_leaderboard() {
    let dir = data_dir();
    let (battles, published) = (
        dir.join("battles_vs_baseline_derived.jsonl"),
        dir.join("leaderboard_20250423_no_control.csv"),
    );
    let (Ok(battles), Ok(published)) = (
        std::fs::read_to_string(&battles),
        std::fs::read_to_string(&published),
    ) else {
        println!("skipped: ko-arena-hard data not found in {}", dir.display());
        return;
    };

    let records = parse_battle_records(&battles).unwrap();
    let table = compute(
        &aggregate(&records, None),
        &RatingOptions {
            bootstrap_rounds: 100,
            anchor: Some(("claude-3.7-sonnet".into(), 1000.0)),
            ..RatingOptions::default()
        },
    );

    // model,score,...: the published order is by `score`.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for line in published.lines().skip(1) {
        let mut fields = line.split(',');
        let (model, score) = (fields.next().unwrap(), fields.next().unwrap());
        let Some(row) = table.models.iter().find(|m| m.id == model) else {
            panic!("{model} is on the published leaderboard but not in our table");
        };
        ours.push(row.rating);
        theirs.push(score.parse::<f64>().unwrap());
    }
    assert_eq!(
        ours.len(),
        table.models.len(),
        "models missing from the published table"
    );
    let rho = spearman(&ours, &theirs);
    println!(
        "Spearman vs published order: {rho:.4} over {} models",
        ours.len()
    );
    assert!(rho >= 0.99, "Spearman {rho:.4}");
    assert_eq!(
        table
            .models
            .iter()
            .find(|m| m.id == "claude-3.7-sonnet")
            .unwrap()
            .rating,
        1000.0
    );
}
