//! Data the plain maximum-likelihood answer cannot handle still gets a defined, finite table
//! (the cases listed in the `rating` module's documentation), and quickly.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::rating::{BattleCounts, RatedModel, RatingOptions, RatingTable, compute};

fn table_of(rows: &[(&str, &str, Choice, u64)]) -> RatingTable {
    let mut counts = BattleCounts::default();
    for &(a, b, choice, n) in rows {
        counts.add(a, b, choice, n);
    }
    let table = compute(&counts, &RatingOptions::default());
    for m in &table.models {
        assert!(
            m.rating.is_finite() && m.ci_low.is_finite() && m.ci_high.is_finite(),
            "{m:?}"
        );
        assert!(m.ci_low <= m.ci_high, "{m:?}");
    }
    table
}

fn model<'t>(table: &'t RatingTable, id: &str) -> &'t RatedModel {
    table.models.iter().find(|m| m.id == id).unwrap()
}

#[test]
fn no_counts_give_an_empty_table() {
    let table = compute(&BattleCounts::default(), &RatingOptions::default());
    assert!(table.models.is_empty() && table.win_rate.is_empty());
    assert_eq!((table.total_battles, table.components), (0, 0));
}

#[test]
fn a_model_only_battling_itself_sits_alone_at_the_centre() {
    let table = table_of(&[("solo", "solo", Choice::A, 5)]);
    let solo = model(&table, "solo");
    assert_eq!(
        (solo.rating, solo.ci_low, solo.ci_high),
        (1000.0, 1000.0, 1000.0)
    );
    assert_eq!((solo.votes, solo.rank, solo.provisional), (0, 1, true));
    assert_eq!(table.total_battles, 0);
}

#[test]
fn a_model_that_never_lost_gets_a_finite_rating_that_grows_with_its_wins() {
    let few = table_of(&[
        ("champ", "other", Choice::A, 10),
        ("other", "third", Choice::Tie, 10),
    ]);
    let many = table_of(&[
        ("champ", "other", Choice::A, 1000),
        ("other", "third", Choice::Tie, 10),
    ]);
    let gap = |t: &RatingTable| model(t, "champ").rating - model(t, "other").rating;
    assert!(gap(&few) > 300.0 && gap(&few) < 700.0, "{}", gap(&few));
    assert!(
        gap(&many) > gap(&few) + 300.0 && gap(&many) < 2000.0,
        "{}",
        gap(&many)
    );
    assert_eq!(many.models[0].id, "champ");
}

#[test]
fn a_model_that_never_won_sits_below_everyone() {
    let table = table_of(&[
        ("a", "b", Choice::A, 30),
        ("b", "a", Choice::A, 25),
        ("loser", "a", Choice::B, 40),
        ("b", "loser", Choice::A, 40),
    ]);
    assert_eq!(table.models.last().unwrap().id, "loser");
}

#[test]
fn a_model_with_one_vote_moves_a_little_and_is_provisional() {
    let mut rows = vec![("a", "b", Choice::A, 500), ("b", "a", Choice::A, 500)];
    rows.push(("newcomer", "a", Choice::A, 1));
    let table = table_of(&rows);
    let newcomer = model(&table, "newcomer");
    let shift = newcomer.rating - model(&table, "a").rating;
    assert!(shift > 30.0 && shift < 200.0, "one win moved it {shift}");
    assert!(newcomer.provisional && !model(&table, "a").provisional);
    assert_eq!(newcomer.votes, 1);
    assert!(newcomer.ci_high - newcomer.ci_low > 50.0);
}

#[test]
fn groups_that_never_met_are_reported_and_each_centred() {
    let table = table_of(&[
        ("a1", "a2", Choice::A, 60),
        ("a2", "a1", Choice::B, 60),
        ("b1", "b2", Choice::A, 60),
        ("b2", "b1", Choice::B, 60),
    ]);
    assert_eq!(table.components, 2);
    // Mirror-image groups sit symmetrically (up to rounding): a1 level with b1, a2 with b2,
    // and each group's average on the centre.
    let close = |x: &str, y: &str| (model(&table, x).rating - model(&table, y).rating).abs() < 1e-9;
    assert!(close("a1", "b1") && close("a2", "b2"), "{:?}", table.models);
    let a_mean = (model(&table, "a1").rating + model(&table, "a2").rating) / 2.0;
    assert!((a_mean - 1000.0).abs() < 1e-9);
    // No battles between the groups, so no win rate either.
    let (a1, b1) = (
        table.models.iter().position(|m| m.id == "a1").unwrap(),
        table.models.iter().position(|m| m.id == "b1").unwrap(),
    );
    assert_eq!(
        (table.win_rate[a1][b1], table.battle_count[a1][b1]),
        (None, 0)
    );
}

#[test]
fn ties_and_both_bad_count_as_half_a_win_each_way() {
    let tie = table_of(&[("x", "y", Choice::Tie, 100)]);
    let bad = table_of(&[("x", "y", Choice::BothBad, 100)]);
    let split = table_of(&[("x", "y", Choice::A, 50), ("x", "y", Choice::B, 50)]);
    for t in [&tie, &bad, &split] {
        assert_eq!(model(t, "x").rating, 1000.0);
        assert_eq!(model(t, "y").rating, 1000.0);
    }
    // Ties are left out of the win-rate matrix.
    assert_eq!(tie.win_rate[0][1], None);
    assert_eq!(split.win_rate[0][1], Some(0.5));
}

#[test]
fn an_anchor_pins_its_model_and_a_missing_one_falls_back_to_centring() {
    let mut counts = BattleCounts::default();
    counts.add("a", "b", Choice::A, 70);
    counts.add("b", "a", Choice::A, 30);
    let anchored = compute(
        &counts,
        &RatingOptions {
            anchor: Some(("b".into(), 1114.0)),
            ..RatingOptions::default()
        },
    );
    let b = model(&anchored, "b");
    assert_eq!((b.rating, b.ci_low, b.ci_high), (1114.0, 1114.0, 1114.0));
    assert_eq!(anchored.anchor, Some(("b".into(), 1114.0)));

    let missing = compute(
        &counts,
        &RatingOptions {
            anchor: Some(("nobody".into(), 1114.0)),
            ..RatingOptions::default()
        },
    );
    assert_eq!(missing.anchor, None);
    let mean = missing.models.iter().map(|m| m.rating).sum::<f64>() / 2.0;
    assert!((mean - 1000.0).abs() < 1e-9);
}

#[test]
fn enormous_counts_stay_finite_and_fast() {
    let started = std::time::Instant::now();
    let table = table_of(&[
        ("a", "b", Choice::A, u64::MAX / 4),
        ("b", "a", Choice::A, u64::MAX / 8),
        ("b", "c", Choice::Tie, 1),
        ("c", "d", Choice::A, 3),
    ]);
    assert_eq!(table.models.len(), 4);
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn zero_rounds_give_zero_width_intervals() {
    let mut counts = BattleCounts::default();
    counts.add("a", "b", Choice::A, 7);
    counts.add("a", "b", Choice::B, 3);
    let table = compute(
        &counts,
        &RatingOptions {
            bootstrap_rounds: 0,
            ..RatingOptions::default()
        },
    );
    for m in &table.models {
        assert_eq!((m.ci_low, m.ci_high), (m.rating, m.rating));
    }
}
