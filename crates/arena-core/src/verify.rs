//! Anyone can check the leaderboard: recompute it from the published counts with
//! [`crate::rating::compute`] and compare it with what the server published.
//!
//! The comparison is exact. Both sides run the same code on the same counts with the same
//! seed, the rating maths give the same bits on every platform, and the JSON round trip is
//! exact (serde_json's `float_roundtrip`), so any difference means different data or code.

use crate::api::LeaderboardResponse;
use crate::rating::BattleCounts;
use crate::rating::{RatingOptions, RatingTable, compute};

/// One way the published table differs from the recomputed one.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The model concerned, or `None` for the table as a whole.
    pub model: Option<String>,
    /// `total_votes`, `models`, `order`, `rating`, `ci_low`, `ci_high`, `votes`, `rank`, `provisional`.
    pub field: &'static str,
    pub published: String,
    pub recomputed: String,
}

/// The options the server says it used, so the recomputation can use the same.
pub fn options_of(published: &LeaderboardResponse) -> RatingOptions {
    RatingOptions {
        bootstrap_rounds: published.bootstrap_rounds,
        seed: published.seed,
        anchor: None,
        min_votes: published.min_votes,
        intervals: published.intervals,
        reweight: published.reweighted,
        prior: published.prior,
    }
}

/// Recomputes the table from `counts` and lists every difference from `published`.
pub fn verify(
    published: &LeaderboardResponse,
    counts: &BattleCounts,
) -> (RatingTable, Vec<Difference>) {
    let local = compute(counts, &options_of(published));
    let differences = differences(published, &local);
    (local, differences)
}

pub fn differences(published: &LeaderboardResponse, local: &RatingTable) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push = |model: Option<&str>, field, published: String, recomputed: String| {
        if published != recomputed {
            out.push(Difference {
                model: model.map(str::to_owned),
                field,
                published,
                recomputed,
            });
        }
    };
    push(
        None,
        "total_votes",
        published.total_votes.to_string(),
        local.total_battles.to_string(),
    );
    push(
        None,
        "models",
        published.models.len().to_string(),
        local.models.len().to_string(),
    );
    let published_order: Vec<&str> = published.models.iter().map(|m| m.id.as_str()).collect();
    let local_order: Vec<&str> = local.models.iter().map(|m| m.id.as_str()).collect();
    push(
        None,
        "order",
        published_order.join(", "),
        local_order.join(", "),
    );
    for p in &published.models {
        let Some(l) = local.models.iter().find(|l| l.id == p.id) else {
            push(Some(&p.id), "models", "present".into(), "absent".into());
            continue;
        };
        let id = Some(p.id.as_str());
        // `{:?}` prints the shortest text that parses back to the same f64: exact comparison.
        push(
            id,
            "rating",
            format!("{:?}", p.rating),
            format!("{:?}", l.rating),
        );
        push(
            id,
            "ci_low",
            format!("{:?}", p.ci_low),
            format!("{:?}", l.ci_low),
        );
        push(
            id,
            "ci_high",
            format!("{:?}", p.ci_high),
            format!("{:?}", l.ci_high),
        );
        push(id, "votes", p.votes.to_string(), l.votes.to_string());
        push(id, "rank", p.rank.to_string(), l.rank.to_string());
        push(
            id,
            "provisional",
            p.provisional.to_string(),
            l.provisional.to_string(),
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Choice;
    use crate::api::LeaderboardRow;

    fn counts() -> BattleCounts {
        let mut c = BattleCounts::default();
        c.add("가", "나", Choice::A, 30);
        c.add("나", "가", Choice::A, 12);
        c.add("가", "다", Choice::Tie, 5);
        c.add("다", "나", Choice::BothBad, 4);
        c.add("다", "가", Choice::B, 9);
        c
    }

    fn published(counts: &BattleCounts) -> LeaderboardResponse {
        let options = RatingOptions {
            bootstrap_rounds: 200,
            seed: 7,
            ..RatingOptions::default()
        };
        let table = compute(counts, &options);
        LeaderboardResponse {
            total_votes: counts.total(),
            models: table
                .models
                .iter()
                .map(|m| LeaderboardRow::from_rated(m.clone(), m.id.clone()))
                .collect(),
            category: None,
            computed_at_ms: 1,
            bootstrap_rounds: options.bootstrap_rounds,
            seed: options.seed,
            min_votes: options.min_votes,
            intervals: table.intervals,
            reweighted: table.reweighted,
            prior: options.prior,
            prior_used: table.prior_used,
            categories: vec![],
            excluded: Default::default(),
            reasons: Default::default(),
        }
    }

    #[test]
    fn a_faithful_table_survives_a_json_round_trip_and_verifies() {
        let counts = counts();
        let json = serde_json::to_string(&published(&counts)).unwrap();
        let back: LeaderboardResponse = serde_json::from_str(&json).unwrap();
        let counts_back: BattleCounts =
            serde_json::from_str(&serde_json::to_string(&counts).unwrap()).unwrap();
        let (_, diffs) = verify(&back, &counts_back);
        assert!(diffs.is_empty(), "{diffs:?}");
    }

    #[test]
    fn a_tampered_rating_or_count_is_caught() {
        let counts = counts();
        let mut tampered = published(&counts);
        tampered.models[1].rating += 1e-9;
        let (_, diffs) = verify(&tampered, &counts);
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert_eq!(diffs[0].field, "rating");
        assert_eq!(
            diffs[0].model.as_deref(),
            Some(tampered.models[1].id.as_str())
        );

        let mut fewer = counts.clone();
        fewer.add("가", "나", Choice::A, 1);
        let (_, diffs) = verify(&published(&counts), &fewer);
        assert!(diffs.iter().any(|d| d.field == "total_votes"), "{diffs:?}");
    }
}
