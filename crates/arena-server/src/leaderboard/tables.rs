//! The tables themselves: every table (overall and per category) fitted from the counts' cells,
//! with the votes each leaves out and the reasons given per model, as served and as frozen.

use std::collections::BTreeMap;
use std::sync::Arc;

use arena_core::Choice;
use arena_core::api::{CountsResponse, Excluded, LeaderboardResponse, LeaderboardRow};
use arena_core::rating::{self, BattleCounts, RatingOptions};
use arena_core::reason::Reason;

use crate::store::{ExcludedCount, ReasonCount, VoteCount};

/// One computed table and the counts it was computed from, both ready to serve as they are.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub response: LeaderboardResponse,
    pub counts: CountsResponse,
}

#[derive(Debug, Default)]
pub(super) struct Snapshot {
    pub(super) overall: Option<Arc<Table>>,
    pub(super) by_category: BTreeMap<String, Arc<Table>>,
    /// What the tables were computed from; an unchanged source keeps the snapshot (and its
    /// `computed_at_ms`, which readers use to pair a table with its counts).
    pub(super) source: Option<Source>,
}

pub(super) type Source = (
    Vec<VoteCount>,
    BTreeMap<String, String>,
    Vec<ExcludedCount>,
    Vec<ReasonCount>,
);

/// What the recomputing server publishes for the others sharing its database.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Published {
    pub(super) overall: Arc<Table>,
    pub(super) by_category: BTreeMap<String, Arc<Table>>,
}

/// Every table, overall and per category, frozen: what a snapshot publishes.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct FrozenTables {
    pub overall: Arc<Table>,
    pub by_category: BTreeMap<String, Arc<Table>>,
}

impl FrozenTables {
    /// The table of `category` (overall when `None`).
    pub fn table(&self, category: Option<&str>) -> Option<&Arc<Table>> {
        match category {
            None => Some(&self.overall),
            Some(c) => self.by_category.get(c),
        }
    }
}

fn excluded_for(excluded: &[ExcludedCount], category: Option<&str>) -> Excluded {
    let mut out = Excluded::default();
    for e in excluded
        .iter()
        .filter(|e| category.is_none_or(|c| c == e.category))
    {
        out.total += e.count;
        *out.reasons.entry(e.reason.clone()).or_default() += e.count;
    }
    out
}

/// Per model, how often each reason was given for it: for the chosen model, for both in a tie
/// ("both bad" praises neither).
fn reasons_for(
    reasons: &[ReasonCount],
    category: Option<&str>,
) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for r in reasons
        .iter()
        .filter(|r| category.is_none_or(|c| c == r.category))
    {
        let credited: &[&String] = match r.choice {
            Choice::A => &[&r.model_a],
            Choice::B => &[&r.model_b],
            Choice::Tie => &[&r.model_a, &r.model_b],
            Choice::BothBad => &[],
        };
        for model in credited {
            let per_reason = out.entry((*model).clone()).or_default();
            for reason in Reason::from_mask(r.reasons) {
                *per_reason.entry(reason.code().to_owned()).or_default() += r.count;
            }
        }
    }
    out
}

pub(super) fn build_snapshot(
    source: Source,
    options: &RatingOptions,
    computed_at_ms: i64,
) -> Snapshot {
    let (counts, names, excluded, reasons) = &source;
    let mut overall = BattleCounts::default();
    let mut by_category: BTreeMap<String, BattleCounts> = BTreeMap::new();
    for c in counts {
        overall.add(&c.model_a, &c.model_b, c.choice, c.count);
        by_category
            .entry(c.category.clone())
            .or_default()
            .add(&c.model_a, &c.model_b, c.choice, c.count);
    }
    let categories: Vec<String> = by_category.keys().cloned().collect();
    let table = |counts: BattleCounts, category: Option<String>| {
        let categories = categories.clone();
        let excluded = excluded_for(excluded, category.as_deref());
        let reasons = reasons_for(reasons, category.as_deref());
        Arc::new(build_table(
            counts,
            category,
            categories,
            names,
            (excluded, reasons),
            options,
            computed_at_ms,
        ))
    };
    Snapshot {
        overall: Some(table(overall, None)),
        by_category: by_category
            .into_iter()
            .map(|(cat, counts)| (cat.clone(), table(counts, Some(cat))))
            .collect(),
        source: Some(source),
    }
}

/// `base` recomputed from its own counts with `options` (another interval method or
/// reweighting); everything else (names, categories, exclusions, reasons) as in `base`.
pub(super) fn recompute_variant(base: &Table, options: &RatingOptions) -> Table {
    let names: BTreeMap<String, String> = base
        .response
        .models
        .iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    build_table(
        base.counts.counts.clone(),
        base.response.category.clone(),
        base.response.categories.clone(),
        &names,
        (
            base.response.excluded.clone(),
            base.response.reasons.clone(),
        ),
        options,
        base.response.computed_at_ms,
    )
}

pub(super) fn build_table(
    counts: BattleCounts,
    category: Option<String>,
    categories: Vec<String>,
    names: &BTreeMap<String, String>,
    (excluded, reasons): (Excluded, BTreeMap<String, BTreeMap<String, u64>>),
    options: &RatingOptions,
    computed_at_ms: i64,
) -> Table {
    let counts = counts.canonical();
    let rated = rating::compute(&counts, options);
    let (intervals, reweighted, prior_used) = (rated.intervals, rated.reweighted, rated.prior_used);
    let models = rated
        .models
        .into_iter()
        .map(|m| {
            let name = names.get(&m.id).cloned().unwrap_or_else(|| m.id.clone());
            LeaderboardRow::from_rated(m, name)
        })
        .collect();
    Table {
        response: LeaderboardResponse {
            total_votes: counts.total(),
            models,
            category: category.clone(),
            computed_at_ms,
            bootstrap_rounds: options.bootstrap_rounds,
            seed: options.seed,
            min_votes: options.min_votes,
            intervals,
            reweighted,
            prior: options.prior,
            prior_used,
            categories,
            excluded: excluded.clone(),
            reasons,
        },
        counts: CountsResponse {
            computed_at_ms,
            category,
            counts,
            excluded,
        },
    }
}
