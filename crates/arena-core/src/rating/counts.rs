//! The aggregated battle counts: the only input the rating maths ever sees.
//!
//! [`BattleCounts`] is what the server publishes (`GET /api/v1/leaderboard/counts`) and what the
//! browser recomputes the table from, so it keeps the sides as voted (left/right bias stays
//! visible) and holds no personal data. [`PairTable`] is the engine's own view of the same
//! counts: models sorted by id, one entry per unordered pair, sides folded away. Building it
//! is where "row order and sides do not matter" is made true, once, for everything downstream.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Choice;

/// Battle outcomes counted per (model on side A, model on side B, verdict).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BattleCounts {
    pub rows: Vec<CountRow>,
}

/// `count` battles in which `model_a` sat on side A, `model_b` on side B, and voters chose `choice`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountRow {
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub count: u64,
}

impl BattleCounts {
    /// Records `count` more battles; rows are merged later by [`BattleCounts::canonical`].
    pub fn add(&mut self, model_a: &str, model_b: &str, choice: Choice, count: u64) {
        self.rows.push(CountRow {
            model_a: model_a.to_owned(),
            model_b: model_b.to_owned(),
            choice,
            count,
        });
    }

    /// Number of battles counted (saturating, so hostile input cannot overflow it).
    pub fn total(&self) -> u64 {
        self.rows
            .iter()
            .fold(0u64, |sum, row| sum.saturating_add(row.count))
    }

    /// The same counts with duplicate rows merged, zero rows dropped, sorted by
    /// (model_a, model_b, choice): the form the server publishes, so two servers holding the
    /// same votes publish byte-identical JSON.
    pub fn canonical(&self) -> BattleCounts {
        let mut merged: BTreeMap<(&str, &str, Choice), u64> = BTreeMap::new();
        for row in &self.rows {
            let cell = merged
                .entry((row.model_a.as_str(), row.model_b.as_str(), row.choice))
                .or_default();
            *cell = cell.saturating_add(row.count);
        }
        let rows = merged
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|((model_a, model_b, choice), count)| CountRow {
                model_a: model_a.to_owned(),
                model_b: model_b.to_owned(),
                choice,
                count,
            })
            .collect();
        BattleCounts { rows }
    }
}

/// Outcomes between models `lo` < `hi` (indices into [`PairTable::models`]), sides folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PairCount {
    pub lo: usize,
    pub hi: usize,
    pub lo_wins: u64,
    pub hi_wins: u64,
    /// Ties and both-bad together: both count as half a win each way.
    pub draws: u64,
}

impl PairCount {
    pub fn battles(&self) -> u64 {
        self.lo_wins
            .saturating_add(self.hi_wins)
            .saturating_add(self.draws)
    }
}

/// The engine's canonical view of a [`BattleCounts`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PairTable {
    /// Every model named in a row with a non-zero count, sorted by id.
    pub models: Vec<String>,
    /// Battles each model took part in against another model.
    pub votes: Vec<u64>,
    /// One entry per pair that met, sorted by (lo, hi).
    pub pairs: Vec<PairCount>,
}

impl PairTable {
    /// Folds sides and merges rows. A model "battling itself" carries no information about
    /// its strength, so such rows only make the model appear (with no votes).
    pub fn from_counts(counts: &BattleCounts) -> PairTable {
        let live = counts.rows.iter().filter(|row| row.count > 0);
        let mut names: Vec<&str> = live
            .clone()
            .flat_map(|row| [row.model_a.as_str(), row.model_b.as_str()])
            .collect();
        names.sort_unstable();
        names.dedup();
        let index = |name: &str| names.binary_search(&name).unwrap_or_default();

        let mut cells: BTreeMap<(usize, usize), PairCount> = BTreeMap::new();
        for row in live {
            let (a, b) = (index(&row.model_a), index(&row.model_b));
            if a == b {
                continue;
            }
            // Orient the row so that `lo` is the model that sorts first.
            let (lo, hi, choice) = if a < b {
                (a, b, row.choice)
            } else {
                (b, a, row.choice.swapped())
            };
            let cell = cells.entry((lo, hi)).or_insert(PairCount {
                lo,
                hi,
                lo_wins: 0,
                hi_wins: 0,
                draws: 0,
            });
            let slot = match choice {
                Choice::A => &mut cell.lo_wins,
                Choice::B => &mut cell.hi_wins,
                Choice::Tie | Choice::BothBad => &mut cell.draws,
            };
            *slot = slot.saturating_add(row.count);
        }

        let mut votes = vec![0u64; names.len()];
        for pair in cells.values() {
            votes[pair.lo] = votes[pair.lo].saturating_add(pair.battles());
            votes[pair.hi] = votes[pair.hi].saturating_add(pair.battles());
        }
        PairTable {
            models: names.into_iter().map(str::to_owned).collect(),
            votes,
            pairs: cells.into_values().collect(),
        }
    }

    /// Battles between two different models.
    pub fn total_battles(&self) -> u64 {
        self.pairs
            .iter()
            .fold(0u64, |sum, pair| sum.saturating_add(pair.battles()))
    }

    /// Number of groups of models linked by battles. More than one means ratings in different
    /// groups are placed relative to each other by the prior alone.
    pub fn components(&self) -> usize {
        let mut parent: Vec<usize> = (0..self.models.len()).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for pair in &self.pairs {
            let (a, b) = (root(&mut parent, pair.lo), root(&mut parent, pair.hi));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
        (0..parent.len())
            .filter(|&i| root(&mut parent, i) == i)
            .count()
    }
}
