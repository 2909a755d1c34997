//! Storage behind one interface, so the handlers never know which database they talk to.
//!
//! [`Store`] is what the API and the CLI need from a database: import a battle set, draw a
//! battle, record a vote exactly once, and hand the leaderboard its aggregated counts. It is
//! implemented once, in `sql/`, over a [`sql::Dialect`]: SQLite ([`sqlite::SqliteStore`]) is the
//! default; PostgreSQL ([`postgres::PgStore`]) serves several servers from one database. What an
//! import changes is the arena's rule, written once in `catalogue.rs`; rows become the arena's
//! types once, in `rows.rs`. Read `sql/mod.rs` next.

pub mod catalogue;
pub mod draw;
mod open;
pub mod panel;
pub mod postgres;
pub mod rounds;
mod rows;
pub mod sql;
pub mod sqlite;

pub use open::open;
pub use rounds::RoundRefused;
pub use sql::FlagRow;

use std::sync::Arc;

use arena_core::admin::{AuditEntry, ModelUpdate, RegistryModel};
use arena_core::api::{ModelRef, PromptView, PublicBattle, RevealedModels, SnapshotSummary};
use arena_core::battle_set::BattleSet;
use arena_core::round::{Round, RoundDraft, RoundState};
use arena_core::{Choice, Flag, Flags};
use async_trait::async_trait;

pub type DynStore = Arc<dyn Store>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the battle's prompt or answers are gone")]
    BattleGone,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A battle as drawn from the catalogue, before it is sealed into a token.
#[derive(Clone, Debug)]
pub struct DrawnBattle {
    pub prompt: PromptView,
    pub model_a: String,
    pub model_b: String,
    pub answer_a: String,
    pub answer_b: String,
}

/// A live battle's texts (personal data already scrubbed), stored once both models answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveBattle {
    pub prompt_id: String,
    pub category: String,
    pub prompt: String,
    pub model_a: String,
    pub answer_a: String,
    pub model_b: String,
    pub answer_b: String,
}

/// A vote ready to be stored.
#[derive(Clone, Debug)]
pub struct NewVote {
    pub battle_id: String,
    pub prompt_id: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub voter_id: String,
    /// Keyed hash of the voter's address (never the address itself).
    pub address_hash: Option<String>,
    pub issued_at_ms: i64,
    pub voted_at_ms: i64,
    pub min_read_ms: i64,
    /// Why the vote is not counted (empty: it counts).
    pub flags: Flags,
    /// The evaluation round the battle was drawn in (`None`: the open arena).
    pub round: Option<InRound>,
}

/// A vote's evaluation round: tabulated apart from the open arena, and held to the round's
/// votes-per-person cap (a vote beyond it is kept, flagged [`Flag::RoundCap`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InRound {
    pub id: i64,
    pub cap: u32,
    /// Cast by an invited panelist (tabulated apart from the public's votes).
    pub panel: bool,
}

/// A vote already stored for a battle: what a retry of the same vote gets back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredVote {
    pub choice: Choice,
    pub models: RevealedModels,
    /// Why the vote does not count (empty: it counts).
    pub flags: Flags,
}

/// The daily caps a vote is held to, checked and counted inside the vote's own transaction (so
/// two servers cannot both let a voter's 201st vote count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyCaps {
    /// Counted votes a voter may cast in 24 hours.
    pub voter: u64,
    /// Counted votes one address (its network: an IPv6 /48) may cast in 24 hours.
    pub address: u64,
    /// The hash of the address's network today and yesterday (its key changes daily, so 24
    /// hours span two): what the cap counts and a counted vote is tallied under, which need not
    /// be the finer hash stored with the vote.
    pub address_hashes: [String; 2],
}

/// Hours a daily cap looks back: this hour and the 23 before it.
pub const CAP_WINDOW_HOURS: i64 = 24;

/// The hour (since the epoch) a vote cast at `ms` is tallied in.
pub fn tally_hour(ms: i64) -> i64 {
    ms.div_euclid(3_600_000)
}

/// The tally key of a voter and of an address hash.
pub fn voter_key(voter_id: &str) -> String {
    format!("v:{voter_id}")
}
pub fn address_key(hash: &str) -> String {
    format!("a:{hash}")
}

/// The cap flags for a vote, given how many counted votes the voter and the address already
/// have in the window (this vote not included).
pub fn cap_flags(caps: &DailyCaps, by_voter: u64, by_address: u64) -> Flags {
    let mut flags = Flags::EMPTY;
    if by_voter >= caps.voter {
        flags.insert(Flag::VoterDailyCap);
    }
    if by_address >= caps.address {
        flags.insert(Flag::AddressDailyCap);
    }
    flags
}

/// What storing a vote did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now: the two models, and why it does not count (empty: it counts).
    Stored {
        models: RevealedModels,
        not_counted: Flags,
    },
    /// The battle already had a vote (a retry, or a race of copies): that vote.
    Duplicate(StoredVote),
}

/// A recent vote as the abuse audit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditVote {
    pub battle_id: String,
    pub voter_id: String,
    pub address_hash: Option<String>,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub voted_at_ms: i64,
    pub flags: Flags,
    /// The prompt: with a model, the answer the voter read.
    pub prompt_id: String,
}

/// Stored votes that are not counted, by category and first reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcludedCount {
    pub category: String,
    pub reason: String,
    pub count: u64,
}

pub use arena_core::admin::{CategoryWeight, FlaggedVoter};

/// The categories of the review from drawable prompts per category and the weights set.
pub fn category_list(
    prompts: Vec<(String, i64)>,
    weights: Vec<(String, f64)>,
) -> Vec<CategoryWeight> {
    let mut list: std::collections::BTreeMap<String, CategoryWeight> = prompts
        .into_iter()
        .map(|(category, n)| {
            (
                category.clone(),
                CategoryWeight {
                    category,
                    prompts: n.max(0) as u64,
                    weight: 1.0,
                },
            )
        })
        .collect();
    for (category, weight) in weights {
        list.entry(category.clone())
            .or_insert(CategoryWeight {
                category,
                prompts: 0,
                weight: 1.0,
            })
            .weight = weight;
    }
    list.into_values().collect()
}
/// An answer that names its model or maker.
pub use arena_core::admin::HeldAnswer as HeldAnswerRow;

/// Aggregated votes: how often `choice` was cast for (`model_a` left, `model_b` right) in a category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteCount {
    pub category: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub count: u64,
}

/// Counted votes that gave reasons, aggregated: `count` votes of this cell gave exactly the set
/// `reasons` (an [`arena_core::reason::Reason`] bit set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonCount {
    pub category: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub reasons: i64,
    pub count: u64,
}

/// What became of a request to set a vote's reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonsUpdate {
    /// Stored; the vote was cast at `voted_at_ms`.
    Saved { voted_at_ms: i64 },
    /// The battle has no vote.
    NoVote,
    /// The vote was cast at `voted_at_ms`, before the window for reasons.
    Closed { voted_at_ms: i64 },
}

pub use arena_core::admin::ImportReport;

/// A change an operator made, for the audit log (written in the change's own transaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAudit {
    pub at_ms: i64,
    /// The operator token's label.
    pub operator: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

/// A snapshot to publish: the frozen tables (JSON) and battles (JSON Lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSnapshot {
    pub title: String,
    pub published_at_ms: i64,
    pub operator: String,
    pub total_votes: u64,
    pub models: u64,
    pub tables: String,
    pub battles: String,
    pub battles_sha256: String,
}

/// How to import: for real or as a dry run, heard by a progress callback, logged.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Do everything, count what would change, then roll back.
    pub dry_run: bool,
    /// Hears `(done, total)` items (models, prompts, answers) as they are stored.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Send + Sync)>,
    /// Written to the audit log in the import's transaction (never for a dry run); its
    /// `detail` gains the report.
    pub audit: Option<NewAudit>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores a whole battle set in one transaction: all of it or nothing.
    async fn import(&self, set: &BattleSet) -> Result<ImportReport, StoreError> {
        self.import_with(set, ImportOptions::default()).await
    }

    /// [`Store::import`] with options: a dry run, progress, an audit entry.
    async fn import_with(
        &self,
        set: &BattleSet,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, StoreError>;

    /// Every model with its registry fields, by id.
    async fn registry(&self) -> Result<Vec<RegistryModel>, StoreError>;

    /// Replaces a model's registry fields and logs the change (before and after) in the same
    /// transaction; `None` if there is no such model. A paused or retired model is no longer
    /// drawn (on every server within a second).
    async fn update_model(
        &self,
        id: &str,
        update: &ModelUpdate,
        audit: NewAudit,
    ) -> Result<Option<RegistryModel>, StoreError>;

    /// The audit log, newest first: up to `limit` entries with ids below `before_id`.
    async fn audit_log(
        &self,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Stores a snapshot (never changed afterwards) and its audit entry in one transaction;
    /// returns it as listed.
    async fn publish_snapshot(
        &self,
        snapshot: &NewSnapshot,
        audit: NewAudit,
    ) -> Result<SnapshotSummary, StoreError>;

    /// Every published snapshot, newest first.
    async fn snapshots(&self) -> Result<Vec<SnapshotSummary>, StoreError>;

    /// A snapshot and its frozen tables (JSON).
    async fn snapshot_tables(
        &self,
        id: i64,
    ) -> Result<Option<(SnapshotSummary, String)>, StoreError>;

    /// A snapshot's battles (JSON Lines).
    async fn snapshot_battles(&self, id: i64) -> Result<Option<String>, StoreError>;

    /// Makes a draft round, sealing what it may draw, logged with `audit` in one transaction
    /// (see `rounds.rs`).
    async fn create_round(
        &self,
        draft: &RoundDraft,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError>;

    /// Every round, newest first; drafts too when `drafts`.
    async fn rounds(&self, drafts: bool) -> Result<Vec<Round>, StoreError>;

    /// One round with its sealed models.
    async fn round(&self, id: i64) -> Result<Option<Round>, StoreError>;

    /// Moves a round one step forward, logged with `audit` in the same transaction.
    async fn move_round(
        &self,
        id: i64,
        to: RoundState,
        audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError>;

    /// The open rounds whose closing time is at or before `now_ms` (the closer moves them to
    /// closed: see `application.rs`).
    async fn due_rounds(&self, now_ms: i64) -> Result<Vec<i64>, StoreError>;

    /// A round's counted votes, oldest first (its export).
    async fn round_votes(
        &self,
        round: i64,
    ) -> Result<Vec<arena_core::round::RoundVote>, StoreError>;

    /// A battle of an open round, drawn from what it sealed (see `rounds.rs`).
    async fn draw_in_round(&self, round: i64) -> Result<Option<DrawnBattle>, StoreError>;

    /// A voter's counted votes in a round.
    async fn round_votes_of(&self, round: i64, voter_id: &str) -> Result<u64, StoreError>;

    /// A round's counted votes of its panel (or of the public) per cell (the category is the
    /// round's id).
    async fn round_vote_counts(
        &self,
        round: i64,
        panel: bool,
    ) -> Result<Vec<VoteCount>, StoreError>;

    /// Makes a batch of invitation codes for a round in draft or open, logged with `audit`;
    /// `code_sha256(batch, position)` is what each code is stored as (see `panel.rs`).
    async fn create_batch(
        &self,
        round: i64,
        request: &arena_core::panel::BatchRequest,
        code_sha256: &(dyn Fn(i64, u32) -> String + Send + Sync),
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<arena_core::panel::Batch, panel::PanelRefused>, StoreError>;

    /// A batch of codes, with how many were redeemed and revoked.
    async fn batch(&self, id: i64) -> Result<Option<arena_core::panel::Batch>, StoreError>;

    /// A round's batches, newest first.
    async fn batches(&self, round: i64) -> Result<Vec<arena_core::panel::Batch>, StoreError>;

    /// Revokes an unused code (by its SHA-256), logged with `audit`; its batch.
    async fn revoke_code(
        &self,
        code_sha256: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<arena_core::panel::Batch, panel::PanelRefused>, StoreError>;

    /// Redeems a code (by its SHA-256) once, making `panelist`; the round it is for.
    async fn redeem(
        &self,
        code_sha256: &str,
        panelist: &panel::NewPanelist,
    ) -> Result<Result<i64, panel::JoinRefused>, StoreError>;

    /// Brings back the panelist of a used code (by its SHA-256) whose batch allows recovery;
    /// the round they are in.
    async fn recover(
        &self,
        code_sha256: &str,
        panelist: &str,
        now_ms: i64,
    ) -> Result<Result<i64, panel::JoinRefused>, StoreError>;

    /// A panelist's round and standing.
    async fn panelist(&self, id: &str) -> Result<Option<panel::PanelistStanding>, StoreError>;

    /// Revokes a panelist, logged with `audit`; false when there is no such panelist.
    async fn revoke_panelist(
        &self,
        id: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<bool, StoreError>;

    /// Replaces a round's panel target and population margins (any state but published),
    /// logged with `audit`.
    async fn set_quotas(
        &self,
        round: i64,
        target: u32,
        margins: &[arena_core::panel::Margin],
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<(), panel::PanelRefused>, StoreError>;

    /// A round's quotas against its panel as it stands.
    async fn quotas(&self, round: i64) -> Result<arena_core::panel::Quotas, StoreError>;

    /// Revokes every unused code of a round's batches for `cell`, logged with `audit`; how many.
    async fn close_cell(
        &self,
        round: i64,
        cell: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<u64, StoreError>;

    /// Draws pairs of models by `plan` from now on (`None`: uniformly by prompt); see
    /// `draw.rs`.
    fn set_pairing(&self, plan: Option<Arc<draw::PairPlan>>);

    /// The two models with their registry cards (from the draw index, no query).
    async fn with_cards(&self, models: RevealedModels) -> Result<RevealedModels, StoreError>;

    /// How many prompts can form a battle (have two or more answers).
    async fn battle_ready_prompts(&self) -> Result<u64, StoreError>;

    /// A random prompt (of `category`, if given) with two different models that answered it,
    /// in random order; `None` when there is none.
    async fn draw_battle(&self, category: Option<&str>) -> Result<Option<DrawnBattle>, StoreError>;

    /// Stores a vote once, durably before it returns, with the daily caps (if any) checked and
    /// counted in the same transaction: a vote over a cap is stored with its flag. A battle
    /// already voted is [`Recorded::Duplicate`]; [`StoreError::BattleGone`] if its prompt or
    /// answers are gone. The leaderboard's cells change in the same transaction.
    async fn record_vote(
        &self,
        vote: &NewVote,
        caps: Option<&DailyCaps>,
    ) -> Result<Recorded, StoreError>;

    /// The vote stored for a battle, if any (a retry gets the same answer).
    async fn stored_vote(&self, battle_id: &str) -> Result<Option<StoredVote>, StoreError>;

    /// Replaces the reasons of the vote of `battle_id` if it was cast at or after
    /// `voted_since_ms`. Counts nothing anew: reasons do not change the ratings.
    async fn set_reasons(
        &self,
        battle_id: &str,
        reasons: i64,
        voted_since_ms: i64,
    ) -> Result<ReasonsUpdate, StoreError>;

    /// The reasons of the open arena's counted votes, aggregated per cell and reason set.
    async fn reason_counts(&self) -> Result<Vec<ReasonCount>, StoreError>;

    /// Every vote cast in the open arena since `since_ms`, for the abuse audit (a round's votes
    /// are held to its own rules: its cap per person, and its invited panel).
    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError>;

    /// Adds `flag` to the flags of each battle's vote (once), except votes an operator counted
    /// after review for that flag; returns how many votes changed.
    async fn flag_votes(&self, battle_ids: &[String], flag: Flag) -> Result<u64, StoreError>;

    /// First vote time of each voter who voted since `since_ms` (to tell new voters).
    async fn first_votes_of_voters_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<(String, i64)>, StoreError>;

    /// Stored votes left out of the leaderboard, by category and first reason.
    async fn excluded_counts(&self) -> Result<Vec<ExcludedCount>, StoreError>;

    /// The key for hashing addresses on `day` (days since the Unix epoch, UTC), made on first
    /// use and the same for every server sharing the database; keys older than the day before
    /// are deleted.
    async fn address_key(&self, day: i64) -> Result<[u8; 32], StoreError>;

    /// Erases the address hashes of votes cast before `before_ms`; returns how many.
    async fn forget_addresses(&self, before_ms: i64) -> Result<u64, StoreError>;

    /// Deletes the daily caps' tallies of hours before `before_ms` (they are no use after a day).
    async fn prune_tallies(&self, before_ms: i64) -> Result<u64, StoreError>;

    /// Counted votes of a voter and of an address (both its hashes) in the caps' window ending
    /// at `now_ms`, as the caps see them.
    async fn tallies(
        &self,
        voter_id: &str,
        address_hashes: &[String; 2],
        now_ms: i64,
    ) -> Result<(u64, u64), StoreError>;

    /// Answers that name their model or maker.
    async fn held_answers(&self) -> Result<Vec<HeldAnswerRow>, StoreError>;

    /// Lets an operator allow (or again forbid) drawing one flagged answer; false if there is
    /// no such answer.
    async fn allow_held_answer(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
    ) -> Result<bool, StoreError> {
        self.allow_held_answer_logged(prompt_id, model_id, allowed, None)
            .await
    }

    /// [`Store::allow_held_answer`], with `audit` written in the same transaction when it
    /// changed anything.
    async fn allow_held_answer_logged(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
        audit: Option<NewAudit>,
    ) -> Result<bool, StoreError>;

    /// Adds the models the catalogue does not have yet (the live models, at start); the names of
    /// those it has stay. Returns how many were added.
    async fn register_models(&self, models: &[ModelRef]) -> Result<u64, StoreError>;

    /// Stores a live battle's prompt and both answers in one transaction, never to be drawn for
    /// another battle; its vote then finds them like any other battle's.
    async fn store_live_battle(&self, battle: &LiveBattle) -> Result<(), StoreError>;

    /// Voters whose votes the audit left out for a reason an operator may review, and those
    /// an operator counts after review; most recent first.
    async fn flagged_voters(&self) -> Result<Vec<FlaggedVoter>, StoreError>;

    /// Counts a voter's votes flagged for `reason` after all (`counted`), and keeps the audit
    /// from flagging them again; or leaves exactly those votes out again. Logged with `audit`
    /// (its detail gains the votes) in the same transaction. `None`: nothing to change.
    async fn review_flag(
        &self,
        voter: &str,
        reason: Flag,
        counted: bool,
        audit: NewAudit,
    ) -> Result<Option<u64>, StoreError>;

    /// Every category with drawable prompts (and any with a weight), its prompts and weight.
    async fn category_weights_admin(&self) -> Result<Vec<CategoryWeight>, StoreError>;

    /// Sets a category's sampling weight (1 removes it) and logs the change (before and after)
    /// in the same transaction; `None` if no prompt has that category. Every server draws by it
    /// within a second.
    async fn set_category_weight(
        &self,
        category: &str,
        weight: f64,
        audit: NewAudit,
    ) -> Result<Option<CategoryWeight>, StoreError>;

    /// Every model and its display name.
    async fn models(&self) -> Result<Vec<ModelRef>, StoreError>;

    /// Categories that have prompts, sorted.
    async fn categories(&self) -> Result<Vec<String>, StoreError>;

    /// The open arena's counted votes aggregated by (category, model_a, model_b, choice), read
    /// from cells kept in each vote's transaction: it costs the number of cells, not of votes.
    async fn vote_counts(&self) -> Result<Vec<VoteCount>, StoreError>;

    /// Every counted vote of the open arena for the public data release, oldest first, with
    /// nothing personal in it (a round's votes are tabulated in its results).
    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError>;

    /// Whether several servers may share this database (then one recomputes the leaderboard
    /// and the others serve what it published).
    fn shared(&self) -> bool;

    /// Takes or renews, for `holder`, the lease on recomputing the leaderboard until
    /// `now_ms + lease_ms`; true if `holder` has it now.
    async fn lead_recomputation(
        &self,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError>;

    /// The time of the latest vote stored by any server (a cheap sign that the counts changed).
    async fn latest_vote_ms(&self) -> Result<i64, StoreError>;

    /// Publishes computed tables (serialized) for the other servers.
    async fn publish_tables(&self, computed_at_ms: i64, body: &[u8]) -> Result<(), StoreError>;

    /// The tables published last, unless they are the ones computed at `served_ms` (those this
    /// server already serves; servers' clocks may disagree, so not "newer than").
    async fn published_tables(&self, served_ms: i64) -> Result<Option<(i64, Vec<u8>)>, StoreError>;

    /// Writes a consistent copy of the whole database to `to` (a new file) while the arena goes
    /// on serving: SQLite `VACUUM INTO`, PostgreSQL `pg_dump` in its custom format.
    async fn backup(&self, to: &std::path::Path) -> Result<(), StoreError>;

    /// The connection pool: connections open, and of those idle.
    fn pool_stats(&self) -> (u32, usize);

    /// Writes what is buffered to the database's own files and closes it (graceful shutdown).
    async fn close(&self) -> Result<(), StoreError>;
}
