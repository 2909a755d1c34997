//! Storage behind one interface, so the handlers never know which database they talk to.
//!
//! [`Store`] is what the API and the CLI need from a database: import a battle set, draw a
//! battle, record a vote exactly once, and hand the leaderboard its aggregated counts. SQLite
//! ([`sqlite::SqliteStore`]) is the default; a PostgreSQL store implements the same trait.
//! Read `sqlite.rs` next.

pub mod sqlite;

use std::sync::Arc;

use arena_core::Choice;
use arena_core::api::{ModelRef, PromptView, PublicBattle, RevealedModels};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;

pub type DynStore = Arc<dyn Store>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this battle has already been voted on")]
    DuplicateVote,
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

/// A vote ready to be stored.
#[derive(Clone, Debug)]
pub struct NewVote {
    pub battle_id: String,
    pub prompt_id: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub voter_id: String,
    pub issued_at_ms: i64,
    pub voted_at_ms: i64,
}

/// Aggregated votes: how often `choice` was cast for (`model_a` left, `model_b` right) in a category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteCount {
    pub category: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub count: u64,
}

/// What an import changed. Importing the same file twice changes nothing the second time.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub models_added: u64,
    pub models_renamed: u64,
    pub prompts_added: u64,
    pub prompts_changed: u64,
    pub answers_added: u64,
    pub answers_changed: u64,
}

impl ImportReport {
    pub fn changed_anything(&self) -> bool {
        *self != ImportReport::default()
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores a whole battle set in one transaction: all of it or nothing.
    async fn import(&self, set: &BattleSet) -> Result<ImportReport, StoreError>;

    /// How many prompts can form a battle (have two or more answers).
    async fn battle_ready_prompts(&self) -> Result<u64, StoreError>;

    /// A random prompt (of `category`, if given) with two different models that answered it,
    /// in random order; `None` when there is none.
    async fn draw_battle(&self, category: Option<&str>) -> Result<Option<DrawnBattle>, StoreError>;

    /// Stores a vote once. [`StoreError::DuplicateVote`] if the battle was voted already,
    /// [`StoreError::BattleGone`] if its prompt or answers no longer exist.
    async fn record_vote(&self, vote: &NewVote) -> Result<RevealedModels, StoreError>;

    /// Every model and its display name.
    async fn models(&self) -> Result<Vec<ModelRef>, StoreError>;

    /// Categories that have prompts, sorted.
    async fn categories(&self) -> Result<Vec<String>, StoreError>;

    /// Votes aggregated by (category, model_a, model_b, choice).
    async fn vote_counts(&self) -> Result<Vec<VoteCount>, StoreError>;

    /// Every vote for the public data release, oldest first, with nothing personal in it.
    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError>;
}
