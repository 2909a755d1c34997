//! The browser's check: a table recomputed from the published counts matches the server's
//! after a trip through JSON, and any real difference is named.
#![allow(clippy::unwrap_used)]

use arena_core::rating::{BattleCounts, RatingOptions, RatingTable, compare, compute, simulate};

fn published() -> (BattleCounts, RatingTable) {
    let names: Vec<String> = ["alpha", "beta", "gamma", "delta"]
        .map(String::from)
        .to_vec();
    let battles = simulate::battles(&[1100.0, 1000.0, 1020.0, 900.0], 2_000, 0.1, 21);
    let counts = simulate::counts(&battles, &names);
    let table = compute(
        &counts,
        &RatingOptions {
            bootstrap_rounds: 200,
            ..RatingOptions::default()
        },
    );
    (counts, table)
}

#[test]
fn a_recomputation_from_published_json_matches() {
    let (counts, table) = published();
    // What the browser receives: both as JSON.
    let counts: BattleCounts =
        serde_json::from_str(&serde_json::to_string(&counts.canonical()).unwrap()).unwrap();
    let server: RatingTable =
        serde_json::from_str(&serde_json::to_string(&table).unwrap()).unwrap();
    let local = compute(
        &counts,
        &RatingOptions {
            bootstrap_rounds: server.bootstrap_rounds,
            seed: server.seed,
            anchor: server.anchor.clone(),
            min_votes: server.min_votes,
            intervals: server.intervals,
            reweight: server.reweighted,
            ..RatingOptions::default()
        },
    );
    assert_eq!(compare(&server, &local), Vec::<String>::new());
}

#[test]
fn differences_are_named() {
    let (counts, table) = published();
    let mut tampered = table.clone();
    tampered.models[1].rating += 0.01;
    tampered.models[2].votes += 1;
    let diffs = compare(&tampered, &table);
    assert_eq!(diffs.len(), 2, "{diffs:?}");
    assert!(diffs[0].contains(&table.models[1].id) && diffs[0].contains("rating"));
    assert!(diffs[1].contains("votes"));

    let other_seed = compute(
        &counts,
        &RatingOptions {
            bootstrap_rounds: 200,
            seed: 1,
            ..RatingOptions::default()
        },
    );
    let diffs = compare(&table, &other_seed);
    assert!(diffs.iter().any(|d| d.contains("settings")), "{diffs:?}");
    assert!(diffs.iter().any(|d| d.contains("bound")), "{diffs:?}");

    let mut fewer = counts.clone();
    fewer.rows.pop();
    let diffs = compare(
        &table,
        &compute(
            &fewer,
            &RatingOptions {
                bootstrap_rounds: 200,
                ..RatingOptions::default()
            },
        ),
    );
    assert!(
        diffs.iter().any(|d| d.contains("total battles")),
        "{diffs:?}"
    );
}
