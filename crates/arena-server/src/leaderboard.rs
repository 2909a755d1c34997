//! The leaderboard, kept in memory and recomputed off the request path.
//!
//! A vote marks the tables dirty; a background worker then reads the aggregated counts from the
//! store, fits every table (overall and per category) with `arena_core::rating`, and swaps the
//! new snapshot in. Requests only clone what is already computed. A periodic refresh also picks
//! up votes that other servers sharing the database have stored.
//!
//! Votes cannot make the server work harder: however many arrive, the tables are recomputed at
//! most once per `min_interval`. Each pass also runs the abuse audit (`trust::audit`) against
//! the current ratings and erases address hashes past their retention; the tables say how many
//! stored votes they leave out and why, and their counts are exactly the votes they count.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use arena_core::api::{CountsResponse, Excluded, LeaderboardResponse, LeaderboardRow};
use arena_core::rating::{self, BattleCounts, RatingOptions};
use tokio::sync::Notify;

use crate::clock::{Clock, now_ms};
use crate::store::{DynStore, ExcludedCount, VoteCount};
use crate::trust::{AuditSettings, audit};

/// Votes stored by other servers show up within this time.
const REFRESH: Duration = Duration::from_secs(30);

/// How often the tables may be recomputed, and what each pass also does.
#[derive(Clone, Debug)]
pub struct RefreshSettings {
    /// At most one recomputation per this interval, however many votes arrive.
    pub min_interval: Duration,
    /// The abuse audit to run before each recomputation (`None`: no audit).
    pub audit: Option<AuditSettings>,
    /// The audit (and the retention sweep) runs at most once per this interval: it reads the
    /// last day's votes, which a recomputation of the counts does not.
    pub audit_every: Duration,
    /// Address hashes of votes older than this are erased.
    pub address_retention: Duration,
    pub clock: Arc<dyn Clock>,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            min_interval: Duration::from_secs(2),
            audit: Some(AuditSettings::default()),
            audit_every: Duration::from_secs(30),
            address_retention: Duration::from_secs(30 * 24 * 3600),
            clock: Arc::new(crate::clock::SystemClock),
        }
    }
}

/// One computed table and the counts it was computed from, both ready to serve as they are.
#[derive(Debug)]
pub struct Table {
    pub response: LeaderboardResponse,
    pub counts: CountsResponse,
}

#[derive(Debug, Default)]
struct Snapshot {
    overall: Option<Arc<Table>>,
    by_category: BTreeMap<String, Arc<Table>>,
    /// What the tables were computed from; an unchanged source keeps the snapshot (and its
    /// `computed_at_ms`, which readers use to pair a table with its counts).
    source: Option<Source>,
}

type Source = (Vec<VoteCount>, BTreeMap<String, String>, Vec<ExcludedCount>);

pub struct Leaderboards {
    store: DynStore,
    options: RatingOptions,
    refresh: RefreshSettings,
    current: RwLock<Arc<Snapshot>>,
    dirty: Notify,
    last_audit_ms: std::sync::atomic::AtomicI64,
}

impl Leaderboards {
    pub fn new(store: DynStore, options: RatingOptions, refresh: RefreshSettings) -> Arc<Self> {
        Arc::new(Leaderboards {
            store,
            options,
            refresh,
            current: RwLock::new(Arc::default()),
            dirty: Notify::new(),
            last_audit_ms: std::sync::atomic::AtomicI64::new(i64::MIN),
        })
    }

    /// Audits recent votes, erases old address hashes, and recomputes the tables if anything
    /// changed: one pass of the worker.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        use std::sync::atomic::Ordering;
        self.recompute().await?;
        let now = self.refresh.clock.now_ms();
        let every = i64::try_from(self.refresh.audit_every.as_millis()).unwrap_or(i64::MAX);
        let last = self.last_audit_ms.load(Ordering::Relaxed);
        if last != i64::MIN && now.saturating_sub(last) < every {
            return Ok(());
        }
        self.last_audit_ms.store(now, Ordering::Relaxed);
        let retention =
            i64::try_from(self.refresh.address_retention.as_millis()).unwrap_or(i64::MAX);
        self.store
            .forget_addresses(now.saturating_sub(retention))
            .await?;
        if let Some(settings) = &self.refresh.audit {
            let ratings: std::collections::HashMap<String, f64> = self
                .table(None)
                .response
                .models
                .iter()
                .map(|m| (m.id.clone(), m.rating))
                .collect();
            if !ratings.is_empty() {
                let flagged = audit::run(&self.store, &ratings, settings, now).await?;
                if !flagged.is_empty() {
                    self.recompute().await?;
                }
            }
        }
        Ok(())
    }

    /// Asks the worker to recompute soon. Cheap; call it after every stored vote.
    pub fn mark_dirty(&self) {
        self.dirty.notify_one();
    }

    /// Reads the counts and recomputes every table now.
    pub async fn recompute(&self) -> anyhow::Result<()> {
        let counts = self.store.vote_counts().await?;
        let names: BTreeMap<String, String> = self
            .store
            .models()
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let excluded = self.store.excluded_counts().await?;
        let source = (counts, names, excluded);
        if self.snapshot().source.as_ref() == Some(&source) {
            return Ok(());
        }
        let options = self.options.clone();
        let snapshot =
            tokio::task::spawn_blocking(move || build_snapshot(source, &options)).await?;
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Arc::new(snapshot);
        Ok(())
    }

    /// Runs the recomputation loop until the process ends.
    pub fn spawn_worker(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                if let Err(e) = this.refresh().await {
                    tracing::error!(error = ?e, "leaderboard recomputation failed");
                }
                // However many votes arrive, at most one pass per interval.
                tokio::time::sleep(this.refresh.min_interval).await;
                tokio::select! {
                    _ = this.dirty.notified() => {}
                    _ = tokio::time::sleep(REFRESH) => {}
                }
            }
        })
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// The table for `category` (or overall), shared, not copied; empty when nothing has been
    /// voted there.
    pub fn table(&self, category: Option<&str>) -> Arc<Table> {
        let snapshot = self.snapshot();
        let found = match category {
            None => snapshot.overall.clone(),
            Some(c) => snapshot.by_category.get(c).cloned(),
        };
        found.unwrap_or_else(|| {
            let categories = snapshot.by_category.keys().cloned().collect();
            let empty = BattleCounts::default();
            Arc::new(build_table(
                empty,
                category.map(str::to_owned),
                categories,
                &BTreeMap::new(),
                Excluded::default(),
                &self.options,
                0,
            ))
        })
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

fn build_snapshot(source: Source, options: &RatingOptions) -> Snapshot {
    let (counts, names, excluded) = &source;
    let mut overall = BattleCounts::default();
    let mut by_category: BTreeMap<String, BattleCounts> = BTreeMap::new();
    for c in counts {
        overall.add(&c.model_a, &c.model_b, c.choice, c.count);
        by_category
            .entry(c.category.clone())
            .or_default()
            .add(&c.model_a, &c.model_b, c.choice, c.count);
    }
    let computed_at_ms = now_ms();
    let categories: Vec<String> = by_category.keys().cloned().collect();
    let table = |counts: BattleCounts, category: Option<String>| {
        let categories = categories.clone();
        let excluded = excluded_for(excluded, category.as_deref());
        Arc::new(build_table(
            counts,
            category,
            categories,
            names,
            excluded,
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

fn build_table(
    counts: BattleCounts,
    category: Option<String>,
    categories: Vec<String>,
    names: &BTreeMap<String, String>,
    excluded: Excluded,
    options: &RatingOptions,
    computed_at_ms: i64,
) -> Table {
    let counts = counts.canonical();
    let rated = rating::compute(&counts, options);
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
            categories,
            excluded: excluded.clone(),
        },
        counts: CountsResponse {
            computed_at_ms,
            category,
            counts,
            excluded,
        },
    }
}
