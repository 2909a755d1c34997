//! The fit is right: it recovers known ratings, its intervals cover the truth about as often
//! as they claim, the likelihood is flat at its answer, and nothing but the counts matters.
#![allow(clippy::unwrap_used)]

use arena_core::Choice;
use arena_core::rating::{
    BattleCounts, RatingOptions, RatingTable, compute, fit_strengths, gradient, simulate,
};

fn names(m: usize) -> Vec<String> {
    (0..m).map(|i| format!("model-{i:02}")).collect()
}

/// True ratings shifted to mean 1000, as the table reports them.
fn centred(truth: &[f64]) -> Vec<f64> {
    let mean = truth.iter().sum::<f64>() / truth.len() as f64;
    truth.iter().map(|t| t - mean + 1000.0).collect()
}

fn rating_of(table: &RatingTable, id: &str) -> f64 {
    table.models.iter().find(|m| m.id == id).unwrap().rating
}

#[test]
fn recovers_known_ratings_from_simulated_battles() {
    let truth = [
        1200.0, 1150.0, 1100.0, 1040.0, 1000.0, 990.0, 950.0, 900.0, 820.0, 700.0,
    ];
    let ids = names(truth.len());
    let battles = simulate::battles(&truth, 200_000, 0.0, 11);
    let table = compute(
        &simulate::counts(&battles, &ids),
        &RatingOptions {
            bootstrap_rounds: 0,
            ..RatingOptions::default()
        },
    );
    for (id, want) in ids.iter().zip(centred(&truth)) {
        let got = rating_of(&table, id);
        assert!((got - want).abs() < 8.0, "{id}: {got:.1} vs true {want:.1}");
    }
    // Highest first, and in the true order here (the gaps are far wider than the noise).
    let order: Vec<&str> = table.models.iter().map(|m| m.id.as_str()).collect();
    let by_truth: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(order, by_truth);
}

#[test]
fn intervals_cover_the_truth_at_about_the_nominal_rate() {
    let truth = [1100.0, 1060.0, 1030.0, 1000.0, 1000.0, 980.0, 950.0, 900.0];
    let ids = names(truth.len());
    let want = centred(&truth);
    let (mut covered, mut total) = (0, 0);
    for dataset in 0..100 {
        let battles = simulate::battles(&truth, 4_000, 0.0, 1000 + dataset);
        let table = compute(
            &simulate::counts(&battles, &ids),
            &RatingOptions {
                bootstrap_rounds: 300,
                seed: dataset,
                ..RatingOptions::default()
            },
        );
        for (id, w) in ids.iter().zip(&want) {
            let m = table.models.iter().find(|m| &m.id == id).unwrap();
            assert!(m.ci_low <= m.rating && m.rating <= m.ci_high, "{m:?}");
            covered += usize::from(m.ci_low <= *w && *w <= m.ci_high);
            total += 1;
        }
    }
    let rate = covered as f64 / total as f64;
    println!("coverage of the 95% intervals: {rate:.3} ({covered}/{total})");
    // 800 intervals (one standard error of the rate is 0.008): a 95% procedure lands in this
    // band, a 90% or 99% one does not.
    assert!(
        (0.925..=0.975).contains(&rate),
        "coverage {rate:.3} ({covered}/{total})"
    );
}

#[test]
fn the_likelihood_gradient_vanishes_at_the_answer() {
    let truth: Vec<f64> = (0..30).map(|i| 800.0 + 15.0 * i as f64).collect();
    let battles = simulate::battles(&truth, 50_000, 0.15, 5);
    let counts = simulate::counts(&battles, &names(30));
    let strengths = fit_strengths(&counts);
    let g = gradient(&counts, &strengths);
    assert_eq!(g.len(), 30);
    let worst = g.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!(worst < 1e-8, "largest gradient component {worst:e}");

    // And it does not vanish elsewhere: moving one model by 10 points shows up clearly.
    let mut moved = strengths.clone();
    moved.theta[3] += 10.0 / arena_core::rating::POINTS_PER_NATURAL_UNIT;
    let g = gradient(&counts, &moved);
    assert!(g[3].abs() > 10.0, "gradient after a move: {}", g[3]);
}

fn sample_counts() -> BattleCounts {
    let truth = [1100.0, 1000.0, 1050.0, 920.0, 1010.0];
    let battles = simulate::battles(&truth, 3_000, 0.1, 3);
    let mut counts = simulate::counts(&battles, &names(5));
    counts.add("model-01", "model-04", Choice::BothBad, 17);
    counts
}

#[test]
fn swapping_left_and_right_changes_nothing() {
    let counts = sample_counts();
    let swapped = BattleCounts {
        rows: counts
            .rows
            .iter()
            .map(|r| arena_core::rating::CountRow {
                model_a: r.model_b.clone(),
                model_b: r.model_a.clone(),
                choice: r.choice.swapped(),
                count: r.count,
            })
            .collect(),
    };
    let opts = RatingOptions::default();
    assert_eq!(compute(&counts, &opts), compute(&swapped, &opts));
}

#[test]
fn row_order_and_splitting_rows_change_nothing() {
    let counts = sample_counts();
    let mut shuffled = counts.clone();
    shuffled.rows.reverse();
    shuffled.rows.rotate_left(7);
    // The same battles, one row split in two and a zero row added.
    let first = shuffled.rows[0].clone();
    shuffled.rows[0].count -= 1;
    shuffled.add(&first.model_a, &first.model_b, first.choice, 1);
    shuffled.add("model-00", "model-01", Choice::A, 0);
    let opts = RatingOptions::default();
    assert_eq!(compute(&counts, &opts), compute(&shuffled, &opts));
    assert_eq!(counts.canonical(), shuffled.canonical());
}

#[test]
fn the_same_seed_gives_the_same_table_and_another_seed_other_intervals() {
    let counts = sample_counts();
    let opts = RatingOptions {
        bootstrap_rounds: 200,
        seed: 7,
        ..RatingOptions::default()
    };
    let a = compute(&counts, &opts);
    assert_eq!(a, compute(&counts, &opts));
    let b = compute(&counts, &RatingOptions { seed: 8, ..opts });
    assert_ne!(a.models[0].ci_low, b.models[0].ci_low);
    assert_eq!(a.models[0].rating, b.models[0].rating);
}

#[test]
fn ranks_follow_interval_overlap_and_matrices_follow_the_models() {
    let table = compute(&sample_counts(), &RatingOptions::default());
    for m in &table.models {
        let above = table.models.iter().filter(|o| o.ci_low > m.ci_high).count();
        assert_eq!(m.rank as usize, above + 1);
    }
    assert!(table.models.windows(2).all(|w| w[0].rating >= w[1].rating));
    assert_eq!(table.total_battles, 3_017);
    let n = table.models.len();
    assert_eq!((table.win_rate.len(), table.battle_count.len()), (n, n));
    for i in 0..n {
        assert_eq!(table.win_rate[i][i], None);
        let votes: u64 = table.battle_count[i].iter().sum();
        assert_eq!(votes, table.models[i].votes);
        for j in 0..n {
            assert_eq!(table.battle_count[i][j], table.battle_count[j][i]);
            if let (Some(a), Some(b)) = (table.win_rate[i][j], table.win_rate[j][i]) {
                assert!((a + b - 1.0).abs() < 1e-12);
            }
        }
    }
}
