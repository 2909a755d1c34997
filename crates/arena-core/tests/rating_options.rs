//! The rating options beside the bootstrap: sandwich intervals, pair reweighting, and the prior
//! acting only where the plain maximum-likelihood answer does not exist.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::rating::{
    BattleCounts, IntervalMethod, POINTS_PER_NATURAL_UNIT, PriorRule, RatingOptions, compute,
    simulate,
};

fn options(intervals: IntervalMethod, reweight: bool) -> RatingOptions {
    RatingOptions {
        intervals,
        reweight,
        bootstrap_rounds: 400,
        ..RatingOptions::default()
    }
}

fn rating(table: &arena_core::rating::RatingTable, id: &str) -> (f64, f64, f64) {
    let m = table.models.iter().find(|m| m.id == id).unwrap();
    (m.rating, m.ci_low, m.ci_high)
}

/// Two models, 70 wins in 100: the sandwich interval is the textbook one. At the maximum
/// p̂ = 0.7, the meat equals the bread (n·p̂(1 − p̂)), so Var(θa − θb) = 1 / (n p̂ (1 − p̂)), and
/// a centred rating carries a quarter of it.
#[test]
fn the_sandwich_of_two_models_is_the_textbook_interval() {
    let mut counts = BattleCounts::default();
    counts.add("a", "b", Choice::A, 70);
    counts.add("a", "b", Choice::B, 30);
    let table = compute(&counts, &options(IntervalMethod::Sandwich, false));
    assert!(!table.prior_used, "both scored: the plain answer exists");
    assert_eq!(table.intervals, IntervalMethod::Sandwich);
    let (r, low, high) = rating(&table, "a");
    // The plain maximum: a is logit(0.7)/2 above the centre.
    let expected = 1000.0 + POINTS_PER_NATURAL_UNIT * (0.7f64 / 0.3).ln() / 2.0;
    assert!((r - expected).abs() < 1e-9, "{r} vs {expected}");
    let se = (1.0f64 / (100.0 * 0.7 * 0.3) / 4.0).sqrt() * POINTS_PER_NATURAL_UNIT;
    assert!((high - r - 1.959_963_984_540_054 * se).abs() < 1e-6);
    assert!((r - low - (high - r)).abs() < 1e-9, "symmetric");
}

/// On battles drawn from the model itself the sandwich and the bootstrap agree (both are
/// consistent estimates of the same spread): widths within 15% for every model.
#[test]
fn sandwich_and_bootstrap_agree_when_the_model_holds() {
    let truth: Vec<f64> = (0..8).map(|i| 900.0 + 30.0 * f64::from(i)).collect();
    let names: Vec<String> = (0..8).map(|i| format!("m{i}")).collect();
    let counts = simulate::counts(&simulate::battles(&truth, 20_000, 0.1, 11), &names);
    let boot = compute(&counts, &options(IntervalMethod::Bootstrap, false));
    let sand = compute(&counts, &options(IntervalMethod::Sandwich, false));
    for name in &names {
        let (rb, lb, hb) = rating(&boot, name);
        let (rs, ls, hs) = rating(&sand, name);
        assert_eq!(rb, rs, "the same fit");
        let ratio = (hs - ls) / (hb - lb);
        assert!((0.85..1.15).contains(&ratio), "{name}: {ratio}");
    }
}

/// Reweighting changes nothing when every pair was drawn alike, and when the pairing drew one
/// pair far more often it stops that pair from dominating: here the favoured pair's battles
/// say "a is far above b" while the other pairs' say they are equal.
#[test]
fn reweighting_makes_every_pair_count_alike() {
    let mut even = BattleCounts::default();
    for (x, y) in [("a", "b"), ("a", "c"), ("b", "c")] {
        even.add(x, y, Choice::A, 60);
        even.add(x, y, Choice::B, 40);
    }
    let plain = compute(&even, &options(IntervalMethod::Sandwich, false));
    let weighed = compute(&even, &options(IntervalMethod::Sandwich, true));
    for m in ["a", "b", "c"] {
        assert!((rating(&plain, m).0 - rating(&weighed, m).0).abs() < 1e-6);
    }
    assert!(weighed.reweighted && !plain.reweighted);

    let mut uneven = BattleCounts::default();
    uneven.add("a", "b", Choice::A, 900);
    uneven.add("a", "b", Choice::B, 100);
    for (x, y) in [("a", "c"), ("b", "c"), ("a", "d"), ("b", "d"), ("c", "d")] {
        uneven.add(x, y, Choice::A, 25);
        uneven.add(x, y, Choice::B, 25);
    }
    let gap = |t: &arena_core::rating::RatingTable| rating(t, "a").0 - rating(t, "b").0;
    let plain = compute(&uneven, &options(IntervalMethod::Sandwich, false));
    let weighed = compute(&uneven, &options(IntervalMethod::Sandwich, true));
    assert!(
        gap(&weighed) < 0.8 * gap(&plain),
        "{} vs {}",
        gap(&weighed),
        gap(&plain)
    );
    // Both interval methods take the weights.
    let boot = compute(&uneven, &options(IntervalMethod::Bootstrap, true));
    assert!((gap(&boot) - gap(&weighed)).abs() < 1e-9);
}

/// Where the plain answer exists the table is the plain fit (no prior); where it does not, the
/// prior keeps it finite; and `Always` reproduces the tables published before the rule.
#[test]
fn the_prior_acts_only_where_the_plain_answer_does_not_exist() {
    let mut counts = BattleCounts::default();
    counts.add("strong", "weak", Choice::A, 960);
    counts.add("strong", "weak", Choice::B, 40);
    let needed = RatingOptions {
        bootstrap_rounds: 0,
        ..RatingOptions::default()
    };
    let table = compute(&counts, &needed);
    assert!(!table.prior_used);
    let plain = 1000.0 + POINTS_PER_NATURAL_UNIT * (0.96f64 / 0.04).ln() / 2.0;
    assert!((rating(&table, "strong").0 - plain).abs() < 1e-9);
    let always = compute(
        &counts,
        &RatingOptions {
            prior: PriorRule::Always,
            ..needed.clone()
        },
    );
    assert!(always.prior_used);
    // The prior's pull is what a published comparison would flag: a couple of points here.
    let pull = plain - rating(&always, "strong").0;
    assert!(pull > 0.5, "{pull}");

    // A model that never lost: no plain answer, so the prior acts and the rating is finite.
    counts.add("unbeaten", "weak", Choice::A, 5);
    let table = compute(&counts, &needed);
    assert!(table.prior_used);
    assert!(table.models.iter().all(|m| m.rating.is_finite()));
    // Groups that never met: likewise.
    let mut apart = BattleCounts::default();
    apart.add("a", "b", Choice::A, 3);
    apart.add("a", "b", Choice::B, 2);
    apart.add("c", "d", Choice::A, 3);
    apart.add("c", "d", Choice::B, 2);
    assert!(compute(&apart, &needed).prior_used);
}
