//! The leaderboard, kept in memory and recomputed off the request path.
//!
//! A vote marks the tables dirty; a background worker then reads the aggregated counts from the
//! store, fits every table (overall and per category) with `arena_core::rating`, and swaps the
//! new snapshot in. Requests only clone what is already computed. A periodic refresh also picks
//! up votes that other servers sharing the database have stored.
//!
//! Votes cannot make the server work harder: however many arrive, the tables are recomputed at
//! most once per `min_interval`, and a pass reads the counts' cells (kept in each vote's
//! transaction), not the votes, so its cost does not grow with them. Each pass also runs the abuse audit (`trust::audit`) against
//! the current ratings and erases address hashes past their retention; the tables say how many
//! stored votes they leave out and why, and their counts are exactly the votes they count.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use arena_core::Choice;
use arena_core::api::{Excluded, PublicBattle};
use arena_core::rating::{self, BattleCounts, IntervalMethod, RatingOptions};
use arena_core::reason::Reason;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering as AtomicOrdering;
use std::time::Instant;

use crate::clock::{Clock, now_ms};
use crate::store::{DynStore, ReasonCount, VoteCount};
use crate::trust::{AuditSettings, audit};

mod tables;

pub use tables::{FrozenTables, Table};
use tables::{Published, Snapshot, build_snapshot, build_table, recompute_variant};

/// The counts are read again at least this often, whatever else happens.
const REFRESH: Duration = Duration::from_secs(30);

/// A recomputation may keep the worker busy at most one part in this many of the time: after a
/// pass that took `d`, the next waits at least `d × (RESTING_SHARE − 1)`. With 200 models in 20
/// categories a pass takes seconds, so the tables then follow the votes less often, but the
/// server keeps its cores for battles and votes whatever the size of the arena.
const RESTING_SHARE: u32 = 10;

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
    /// Draw pairs where a vote teaches the table most (`arena_core::rating::pairing`), renewed
    /// with every table; off: uniformly by prompt.
    pub informative_pairing: bool,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            min_interval: Duration::from_secs(2),
            audit: Some(AuditSettings::default()),
            audit_every: Duration::from_secs(30),
            address_retention: Duration::from_secs(30 * 24 * 3600),
            clock: Arc::new(crate::clock::SystemClock),
            informative_pairing: true,
        }
    }
}

/// How long a server's lease on recomputing lasts at least (it renews it on every tick).
const LEASE: Duration = Duration::from_secs(60);

pub struct Leaderboards {
    store: DynStore,
    options: RatingOptions,
    refresh: RefreshSettings,
    current: RwLock<Arc<Snapshot>>,
    dirty: AtomicBool,
    last_audit_ms: std::sync::atomic::AtomicI64,
    /// Tables computed with other interval methods or reweighting, on request, for the tables
    /// now served (keyed with their `computed_at_ms`); one computed at a time.
    variants: std::sync::Mutex<BTreeMap<VariantKey, Arc<Table>>>,
    computing_variant: tokio::sync::Mutex<()>,
}

/// A table's category, `computed_at_ms`, interval method and reweighting.
type VariantKey = (Option<String>, i64, IntervalMethod, bool);

impl Leaderboards {
    pub fn new(store: DynStore, options: RatingOptions, refresh: RefreshSettings) -> Arc<Self> {
        Arc::new(Leaderboards {
            store,
            options,
            refresh,
            current: RwLock::new(Arc::default()),
            dirty: AtomicBool::new(false),
            last_audit_ms: std::sync::atomic::AtomicI64::new(i64::MIN),
            variants: std::sync::Mutex::default(),
            computing_variant: tokio::sync::Mutex::const_new(()),
        })
    }

    /// The options the served tables are computed with.
    pub fn options(&self) -> &RatingOptions {
        &self.options
    }

    /// The table for `category` with these interval method and reweighting: the served table
    /// itself when they are the configured ones, otherwise recomputed from its counts (the same
    /// counts, the same `computed_at_ms`, so the browser verifies it the same way) and kept until
    /// the tables change.
    pub async fn variant(
        &self,
        category: Option<&str>,
        intervals: IntervalMethod,
        reweight: bool,
    ) -> anyhow::Result<Arc<Table>> {
        let base = self.table(category);
        if intervals == self.options.intervals && reweight == self.options.reweight {
            return Ok(base);
        }
        let options = RatingOptions {
            intervals,
            reweight,
            ..self.options.clone()
        };
        // A category with no table is an empty one: nothing to compute, nothing to keep (so
        // made-up categories cannot fill the cache or push real tables out of it).
        let known = category.is_none_or(|c| self.snapshot().by_category.contains_key(c));
        if !known || base.counts.counts.rows.is_empty() {
            return Ok(Arc::new(recompute_variant(&base, &options)));
        }
        let key: VariantKey = (
            category.map(str::to_owned),
            base.response.computed_at_ms,
            intervals,
            reweight,
        );
        let cached = |variants: &BTreeMap<VariantKey, Arc<Table>>| variants.get(&key).cloned();
        if let Some(found) = cached(&self.lock_variants()) {
            return Ok(found);
        }
        // One at a time: many readers asking for the same new table compute it once.
        let _computing = self.computing_variant.lock().await;
        if let Some(found) = cached(&self.lock_variants()) {
            return Ok(found);
        }
        let from = Arc::clone(&base);
        let table = tokio::task::spawn_blocking(move || recompute_variant(&from, &options)).await?;
        let table = Arc::new(table);
        let mut variants = self.lock_variants();
        // Only tables of what is served now are worth keeping.
        let served = base.response.computed_at_ms;
        variants.retain(|k, _| k.1 == served);
        variants.insert(key, Arc::clone(&table));
        Ok(table)
    }

    fn lock_variants(&self) -> std::sync::MutexGuard<'_, BTreeMap<VariantKey, Arc<Table>>> {
        self.variants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
        // The caps look back a day; their tallies are kept a day longer.
        self.store
            .prune_tallies(now.saturating_sub(2 * 24 * 3600 * 1000))
            .await?;
        if let Some(settings) = &self.refresh.audit {
            let table = self.table(None);
            let ratings: std::collections::HashMap<String, f64> = table
                .response
                .models
                .iter()
                .map(|m| (m.id.clone(), m.rating))
                .collect();
            if !ratings.is_empty() {
                let flagged =
                    audit::run(&self.store, &ratings, &table.counts.counts, settings, now).await?;
                for (reason, n) in &flagged {
                    metrics::counter!("arena_votes_flagged_by_audit_total", "reason" => reason.code())
                        .increment(*n);
                }
                if !flagged.is_empty() {
                    self.recompute().await?;
                }
            }
        }
        Ok(())
    }

    /// Asks the worker to recompute soon. Cheap; call it after every stored vote.
    pub fn mark_dirty(&self) {
        self.dirty.store(true, AtomicOrdering::Relaxed);
    }

    /// The first tables, before the server answers: those another server sharing the database
    /// published, or computed here.
    pub async fn start(&self) -> anyhow::Result<()> {
        if self.store.shared() && self.follow().await? {
            return Ok(());
        }
        self.recompute().await
    }

    /// Serves the tables the recomputing server published, if they are not these already; true
    /// if it took new ones.
    pub async fn follow(&self) -> anyhow::Result<bool> {
        let served = self
            .snapshot()
            .overall
            .as_ref()
            .map_or(i64::MIN, |t| t.response.computed_at_ms);
        let Some((_, body)) = self.store.published_tables(served).await? else {
            return Ok(false);
        };
        let published: Published =
            tokio::task::spawn_blocking(move || serde_json::from_slice(&body)).await??;
        let overall = Arc::clone(&published.overall);
        let snapshot = Snapshot {
            overall: Some(published.overall),
            by_category: published.by_category,
            source: None,
        };
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
        self.plan_pairs(&overall).await?;
        Ok(true)
    }

    /// Renews how the draw pairs models, from the overall table's counts: every active model
    /// with answers (one without votes is new, and weighs most), by
    /// `arena_core::rating::pairing::pair_probabilities`.
    async fn plan_pairs(&self, overall: &Table) -> anyhow::Result<()> {
        if !self.refresh.informative_pairing {
            return Ok(());
        }
        // Only models that can be drawn: a paused or retired one, or one without answers, would
        // draw the plan's weight to pairs that never come.
        let models: Vec<String> = self
            .store
            .registry()
            .await?
            .into_iter()
            .filter(|m| m.status == arena_core::admin::ModelStatus::Active && m.answers > 0)
            .map(|m| m.id)
            .collect();
        let counts = overall.counts.counts.clone();
        let plan = tokio::task::spawn_blocking(move || {
            let fitted = rating::compute(
                &counts,
                &RatingOptions {
                    bootstrap_rounds: 0,
                    ..RatingOptions::default()
                },
            );
            let probabilities = rating::pairing::pair_probabilities(&models, &fitted);
            crate::store::draw::PairPlan::new(models, probabilities)
        })
        .await?;
        self.store.set_pairing(Some(Arc::new(plan)));
        Ok(())
    }

    /// Reads the counts and recomputes every table now.
    pub async fn recompute(&self) -> anyhow::Result<()> {
        let counts = self.store.vote_counts().await?;
        let names = self.names().await?;
        let excluded = self.store.excluded_counts().await?;
        let reasons = self.store.reason_counts().await?;
        let source = (counts, names, excluded, reasons);
        if self.snapshot().source.as_ref() == Some(&source) {
            return Ok(());
        }
        let options = self.options.clone();
        let started = std::time::Instant::now();
        let snapshot = Arc::new(
            tokio::task::spawn_blocking(move || build_snapshot(source, &options, now_ms())).await?,
        );
        metrics::histogram!("arena_leaderboard_recompute_seconds")
            .record(started.elapsed().as_secs_f64());
        if let Some(overall) = &snapshot.overall {
            metrics::gauge!("arena_leaderboard_counted_votes")
                .set(overall.response.total_votes as f64);
        }
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::clone(&snapshot);
        if let Some(overall) = &snapshot.overall {
            self.plan_pairs(overall).await?;
        }
        if self.store.shared()
            && let Some(overall) = &snapshot.overall
        {
            let published = Published {
                overall: Arc::clone(overall),
                by_category: snapshot.by_category.clone(),
            };
            let body =
                tokio::task::spawn_blocking(move || serde_json::to_vec(&published)).await??;
            self.store
                .publish_tables(overall.response.computed_at_ms, &body)
                .await?;
        }
        Ok(())
    }

    /// Runs the recomputation loop until the process ends. On a database several servers
    /// share, the holder of the lease recomputes (and audits) and publishes; the others serve
    /// what it published, so every server answers with the same table and counts.
    pub fn spawn_worker(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let holder = hex::encode(rand::random::<[u8; 8]>());
            let mut next_pass = Instant::now();
            let mut last_pass: Option<Instant> = None;
            let mut lease = LEASE;
            let mut latest_vote = i64::MIN;
            loop {
                let leads = if this.store.shared() {
                    let now = this.refresh.clock.now_ms();
                    let ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
                    match this.store.lead_recomputation(&holder, now, ms).await {
                        Ok(leads) => leads,
                        Err(e) => {
                            tracing::error!(error = ?e, "cannot renew the recomputation lease");
                            false
                        }
                    }
                } else {
                    true
                };
                if leads && this.store.shared() {
                    // Votes other servers stored: the latest vote's time moved.
                    match this.store.latest_vote_ms().await {
                        Ok(t) if t != latest_vote => {
                            latest_vote = t;
                            this.mark_dirty();
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = ?e, "cannot read the latest vote"),
                    }
                }
                if !leads {
                    if let Err(e) = this.follow().await {
                        tracing::error!(error = ?e, "cannot load the published leaderboard");
                    }
                } else if Instant::now() >= next_pass
                    && (this.dirty.swap(false, AtomicOrdering::Relaxed)
                        || last_pass.is_none_or(|t| t.elapsed() >= REFRESH))
                {
                    let started = Instant::now();
                    if let Err(e) = this.refresh().await {
                        tracing::error!(error = ?e, "leaderboard recomputation failed");
                    }
                    let took = started.elapsed();
                    // However many votes arrive, never more than a tenth of the time spent
                    // recomputing; the lease outlasts the longest pass.
                    next_pass = Instant::now() + took * (RESTING_SHARE - 1);
                    last_pass = Some(Instant::now());
                    lease = LEASE.max(took * 3);
                }
                // At most one pass per interval, however many votes arrive.
                tokio::time::sleep(this.refresh.min_interval).await;
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

    /// Every model's display name, by id.
    async fn names(&self) -> anyhow::Result<BTreeMap<String, String>> {
        Ok(self
            .store
            .models()
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect())
    }

    /// Every table computed from exactly `battles` (counted votes, as the public export has
    /// them), with the model names and the excluded votes as they are now, stamped `at_ms`: a
    /// snapshot whose tables follow from its own battles file.
    pub async fn freeze(
        &self,
        battles: &[PublicBattle],
        at_ms: i64,
    ) -> anyhow::Result<FrozenTables> {
        let names = self.names().await?;
        let excluded = self.store.excluded_counts().await?;
        let mut cells: BTreeMap<(&str, &str, &str, Choice), u64> = BTreeMap::new();
        let mut with_reasons: BTreeMap<(&str, &str, &str, Choice, i64), u64> = BTreeMap::new();
        for b in battles {
            let choice = Choice::from_arena_winner(&b.winner).ok_or_else(|| {
                anyhow::anyhow!("battle {} has winner {:?}", b.battle_id, b.winner)
            })?;
            let key = (
                b.category.as_str(),
                b.model_a.as_str(),
                b.model_b.as_str(),
                choice,
            );
            *cells.entry(key).or_default() += 1;
            if !b.reasons.is_empty() {
                let (c, a, m, ch) = key;
                *with_reasons
                    .entry((c, a, m, ch, Reason::mask(&b.reasons)))
                    .or_default() += 1;
            }
        }
        let counts = cells
            .into_iter()
            .map(|((category, a, b, choice), count)| VoteCount {
                category: category.to_owned(),
                model_a: a.to_owned(),
                model_b: b.to_owned(),
                choice,
                count,
            })
            .collect();
        let reasons = with_reasons
            .into_iter()
            .map(|((category, a, b, choice, reasons), count)| ReasonCount {
                category: category.to_owned(),
                model_a: a.to_owned(),
                model_b: b.to_owned(),
                choice,
                reasons,
                count,
            })
            .collect();
        let source = (counts, names, excluded, reasons);
        let options = self.options.clone();
        let snapshot =
            tokio::task::spawn_blocking(move || build_snapshot(source, &options, at_ms)).await?;
        Ok(FrozenTables {
            overall: snapshot
                .overall
                .ok_or_else(|| anyhow::anyhow!("no overall table"))?,
            by_category: snapshot.by_category,
        })
    }

    /// A table of `counts` alone (an evaluation round's, never mixed with the open arena's),
    /// fitted with the options the served tables use.
    pub async fn table_of(
        &self,
        counts: Vec<VoteCount>,
        names: BTreeMap<String, String>,
        computed_at_ms: i64,
    ) -> anyhow::Result<Table> {
        let options = self.options.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let mut battles = BattleCounts::default();
            for c in &counts {
                battles.add(&c.model_a, &c.model_b, c.choice, c.count);
            }
            build_table(
                battles,
                None,
                Vec::new(),
                &names,
                (Excluded::default(), BTreeMap::new()),
                &options,
                computed_at_ms,
            )
        })
        .await?)
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
                (Excluded::default(), BTreeMap::new()),
                &self.options,
                0,
            ))
        })
    }
}
