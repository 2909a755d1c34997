//! What one database does its own way ([`Dialect`]), and what a value must be to go into and
//! come out of it ([`Value`]).

use std::fmt::Debug;
use std::path::Path;

use arena_core::Flag;
use async_trait::async_trait;
use sqlx::{Database, Decode, Encode, Type};

use super::SqlStore;
use crate::store::{DailyCaps, NewVote, Recorded, StoreError};

/// A Rust value that goes into and comes out of a database of type `D`.
pub trait Value<D: Database>:
    for<'q> Encode<'q, D> + Type<D> + for<'r> Decode<'r, D> + Send
{
}
impl<D: Database, T> Value<D> for T where
    T: for<'q> Encode<'q, D> + Type<D> + for<'r> Decode<'r, D> + Send
{
}

/// What one database does its own way. Implemented for `sqlx::Sqlite` (`sqlite.rs`) and
/// `sqlx::Postgres` (`postgres.rs`).
#[async_trait]
pub trait Dialect: Database + Sized {
    /// After a text column in `ORDER BY`: byte order, the same on every server and both stores
    /// (SQLite's default; `COLLATE "C"` in PostgreSQL).
    const BYTES: &'static str;
    /// Starts a transaction that will write: SQLite takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a concurrent writer waits instead of failing.
    const BEGIN_WRITE: &'static str;
    /// Whether several servers share this database (leaderboard recomputation takes a lease).
    const SHARED: bool;
    /// What the store keeps besides its pool (SQLite: the file and its vote writer).
    type Own: Clone + Debug + Send + Sync;

    /// `FOR UPDATE OF table` where the database locks rows (PostgreSQL); nothing in SQLite,
    /// whose write transaction already excludes every other writer.
    fn lock_rows(table: &str) -> String;
    /// Rows a statement changed.
    fn affected(result: &Self::QueryResult) -> u64;
    /// Holds every other import off until this transaction ends (SQLite's write lock does).
    async fn lock_imports(conn: &mut Self::Connection) -> Result<(), StoreError>;
    /// Stores a vote exactly once, with the daily caps' flags decided in its transaction.
    async fn record_vote(
        store: &SqlStore<Self>,
        vote: &NewVote,
        caps: Option<&DailyCaps>,
    ) -> Result<Recorded, StoreError>;
    /// Adds `flag` to the flags of the listed votes that do not have it yet, except votes an
    /// operator counted after review for that flag.
    async fn flag_votes(
        store: &SqlStore<Self>,
        battle_ids: &[String],
        flag: Flag,
    ) -> Result<u64, StoreError>;
    /// A consistent copy of the database in the file `to` (which must not exist).
    async fn backup(store: &SqlStore<Self>, to: &Path) -> Result<(), StoreError>;
    /// Writes out what is pending before the pool closes.
    async fn before_close(store: &SqlStore<Self>) -> Result<(), StoreError>;
}
