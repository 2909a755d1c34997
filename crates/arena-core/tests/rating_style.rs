//! Style control takes out what voters reward in how answers look: a model that wins by
//! writing longer answers drops back to where its substance puts it.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::markdown::StyleFeatures;
use arena_core::rating::style::{StyledBattle, compute_style_controlled};
use arena_core::rating::{RatingOptions, compute};

/// A small deterministic generator, so the test needs nothing but the crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Models 0..4 with true strengths `truth`; model 3 ("verbose") writes answers three times as
/// long, and voters add `bias` logits for the relatively longer answer.
fn battles(n: usize, bias: f64) -> Vec<StyledBattle> {
    let truth = [0.6, 0.3, 0.0, -0.2, -0.7];
    let typical = [400.0, 400.0, 400.0, 1200.0, 400.0];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|_| {
            let a = (rng.next() * 5.0) as usize;
            let b = (a + 1 + (rng.next() * 4.0) as usize) % 5;
            let len = |m: usize, u: f64| (typical[m] * (0.5 + u)) as u32;
            let (la, lb) = (len(a, rng.next()), len(b, rng.next()));
            let x = (f64::from(la) - f64::from(lb)) / (f64::from(la) + f64::from(lb) + 1.0);
            let p = 1.0 / (1.0 + (-(truth[a] - truth[b] + bias * x)).exp());
            let choice = if rng.next() < p { Choice::A } else { Choice::B };
            let style = |length| StyleFeatures {
                length,
                ..StyleFeatures::default()
            };
            StyledBattle {
                model_a: format!("m{a}"),
                model_b: format!("m{b}"),
                choice,
                style_a: style(la),
                style_b: style(lb),
            }
        })
        .collect()
}

fn position(ids: &[String], id: &str) -> usize {
    ids.iter().position(|m| m == id).unwrap()
}

#[test]
fn a_length_bias_lifts_a_verbose_model_until_style_is_controlled() {
    let battles = battles(30_000, 2.0);
    let opts = RatingOptions {
        bootstrap_rounds: 50,
        ..RatingOptions::default()
    };

    let mut plain = arena_core::rating::BattleCounts::default();
    for b in &battles {
        plain.add(&b.model_a, &b.model_b, b.choice, 1);
    }
    let naive: Vec<String> = compute(&plain, &opts)
        .models
        .into_iter()
        .map(|m| m.id)
        .collect();
    // Rewarded for length, the verbose m3 (truly fourth) climbs above m2 and m1.
    assert!(position(&naive, "m3") < position(&naive, "m1"), "{naive:?}");

    let controlled = compute_style_controlled(&battles, &opts);
    let order: Vec<&str> = controlled
        .table
        .models
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(order, ["m0", "m1", "m2", "m3", "m4"]);
    assert!(
        controlled.coefficients.length > 50.0,
        "{:?}",
        controlled.coefficients
    );
    // Features that never vary carry no weight.
    assert_eq!(controlled.coefficients.bold, 0.0);
    for m in &controlled.table.models {
        assert!(m.ci_low < m.ci_high && m.rating.is_finite(), "{m:?}");
    }
}

#[test]
fn without_a_bias_the_length_coefficient_is_near_zero() {
    let controlled = compute_style_controlled(
        &battles(30_000, 0.0),
        &RatingOptions {
            bootstrap_rounds: 0,
            ..RatingOptions::default()
        },
    );
    assert!(
        controlled.coefficients.length.abs() < 15.0,
        "{:?}",
        controlled.coefficients
    );
}

#[test]
fn sides_and_order_do_not_matter() {
    let battles = battles(3_000, 1.0);
    let mut mirrored: Vec<StyledBattle> = battles
        .iter()
        .map(|b| StyledBattle {
            model_a: b.model_b.clone(),
            model_b: b.model_a.clone(),
            choice: b.choice.swapped(),
            style_a: b.style_b,
            style_b: b.style_a,
        })
        .collect();
    mirrored.reverse();
    let opts = RatingOptions {
        bootstrap_rounds: 30,
        ..RatingOptions::default()
    };
    assert_eq!(
        compute_style_controlled(&battles, &opts),
        compute_style_controlled(&mirrored, &opts)
    );
}

#[test]
fn no_battles_give_an_empty_table() {
    let controlled = compute_style_controlled(&[], &RatingOptions::default());
    assert!(controlled.table.models.is_empty());
}
