//! What only the PostgreSQL store does: one database behind several stateless servers.
//!
//! Every query both stores share is in `sql/`; this file connects (sqlx takes an advisory lock
//! around migrations, so several servers may start at once), stores each vote in its own
//! transaction (PostgreSQL commits concurrent transactions with one flush of its log, and a vote
//! is acknowledged after its commit with the default `synchronous_commit = on`, so a 200
//! survives a crash of the database server too), serialises imports with an advisory lock,
//! marks votes with one statement and backs up with `pg_dump`. Text is ordered byte by byte
//! (`COLLATE "C"`), as SQLite does, so every server and both stores list in the same order.

use std::path::Path;
use std::time::Duration;

use arena_core::Flag;
use arena_core::api::{ModelRef, RevealedModels};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Row};

use super::sql::{Dialect, SqlStore, stored, tallied};
use super::{
    DailyCaps, NewVote, Recorded, StoreError, address_key, cap_flags, tally_hour, voter_key,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL store.
pub type PgStore = SqlStore<Postgres>;

/// What the PostgreSQL store keeps besides its pool.
#[derive(Clone)]
pub struct Own {
    /// For `pg_dump` (backups); never printed.
    url: String,
}

impl std::fmt::Debug for Own {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Own { url: <hidden> }")
    }
}

impl SqlStore<Postgres> {
    /// Connects to `postgres://user:password@host:port/database` and migrates it. Several
    /// servers may do this at once: sqlx takes an advisory lock around migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // A database that does not answer is an error within seconds, not a hung request.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        renumber_migrations(&pool).await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqlStore::new(
            pool,
            Own {
                url: url.to_owned(),
            },
        ))
    }
}

/// The PostgreSQL migrations were once numbered apart from SQLite's (its 0001 also made what
/// SQLite's 0002 adds, and SQLite's 0010 changes nothing here): 0002 to 0008 are now 0003 to
/// 0009, with two migrations that change nothing in their place, so that both folders are
/// numbered in step. A database migrated under the old numbers has its applied versions moved
/// to the new ones (the files, and so their checksums, are the same); sqlx then applies the two
/// empty ones. Several servers may start at once: the table is locked while it is renumbered.
async fn renumber_migrations(pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
    // Read committed whatever the database's default: the check below must see what another
    // server renumbered while this one waited for the lock.
    let mut tx = pool
        .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
        .await?;
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        return Ok(());
    }
    let old_numbers = "SELECT EXISTS (SELECT 1 FROM _sqlx_migrations \
                       WHERE version = 2 AND description = 'cells tallies')";
    // A database of the new numbers (every start but the first after the upgrade) takes no lock.
    if !sqlx::query_scalar::<_, bool>(old_numbers)
        .fetch_one(&mut *tx)
        .await?
    {
        return tx.commit().await;
    }
    sqlx::query("LOCK TABLE _sqlx_migrations IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    // Again under the lock: another server may have renumbered it meanwhile.
    let old: bool = sqlx::query_scalar(old_numbers).fetch_one(&mut *tx).await?;
    if old {
        // Highest first: the primary key is checked row by row.
        for version in (2..=8_i64).rev() {
            sqlx::query("UPDATE _sqlx_migrations SET version = $1 + 1 WHERE version = $1")
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        tracing::info!("renumbered the applied PostgreSQL migrations to match SQLite's");
    }
    tx.commit().await
}

#[async_trait]
impl Dialect for Postgres {
    const BYTES: &'static str = " COLLATE \"C\"";
    const BEGIN_WRITE: &'static str = "BEGIN";
    const SHARED: bool = true;
    type Own = Own;

    fn lock_rows(table: &str) -> String {
        format!(" FOR UPDATE OF {table}")
    }

    fn affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    async fn lock_imports(conn: &mut PgConnection) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock(7413001)")
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn record_vote(
        store: &PgStore,
        vote: &NewVote,
        caps: Option<&DailyCaps>,
    ) -> Result<Recorded, StoreError> {
        let mut tx = store.pool.begin().await?;
        let result = write_vote(&mut tx, vote, caps).await;
        if matches!(result, Ok(Recorded::Stored { .. })) {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        result
    }

    async fn flag_votes(
        store: &PgStore,
        battle_ids: &[String],
        flag: Flag,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE votes SET flags = flags | $1 WHERE battle_id = ANY($2) AND flags & $1 = 0 \
             AND NOT EXISTS (SELECT 1 FROM flag_overrides o \
                             WHERE o.voter_id = votes.voter_id AND o.reason = $3 \
                             AND position('\"' || votes.battle_id || '\"' in o.battles) > 0)",
        )
        .bind(flag.bit())
        .bind(battle_ids)
        .bind(flag.code())
        .execute(&store.pool)
        .await?
        .rows_affected())
    }

    async fn backup(store: &PgStore, to: &Path) -> Result<(), StoreError> {
        // pg_dump reads in one repeatable-read snapshot: consistent while votes go on. Restore
        // with `pg_restore -d postgres://.../new_database FILE`.
        let out = tokio::process::Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--file")
            .arg(to)
            .arg("--dbname")
            .arg(&store.own.url)
            .output()
            .await
            .map_err(|e| {
                StoreError::Other(anyhow::anyhow!(
                    "cannot run pg_dump (Debian: postgresql-client): {e}"
                ))
            })?;
        if !out.status.success() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    async fn before_close(_store: &PgStore) -> Result<(), StoreError> {
        Ok(())
    }
}

/// One vote in its own transaction: the battle must still exist; the caps are counted first
/// (the upsert locks this hour's tally rows, so concurrent votes of one voter or address, on
/// any server, are checked one after the other), then the vote is stored once and the triggers
/// move it into its cell. The caller commits only a stored vote.
async fn write_vote(
    conn: &mut PgConnection,
    vote: &NewVote,
    caps: Option<&DailyCaps>,
) -> Result<Recorded, StoreError> {
    let row = sqlx::query(
        "SELECT p.category, ma.name, mb.name FROM prompts p \
         JOIN answers aa ON aa.prompt_id = p.id AND aa.model_id = $2 \
         JOIN models ma ON ma.id = aa.model_id \
         JOIN answers ab ON ab.prompt_id = p.id AND ab.model_id = $3 \
         JOIN models mb ON mb.id = ab.model_id WHERE p.id = $1",
    )
    .bind(&vote.prompt_id)
    .bind(&vote.model_a)
    .bind(&vote.model_b)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return match stored::<Postgres>(conn, &vote.battle_id).await? {
            Some(earlier) => Ok(Recorded::Duplicate(earlier)),
            None => Err(StoreError::BattleGone),
        };
    };
    let category: String = row.try_get(0)?;
    let mut flags = vote.flags;
    if let Some(caps) = caps {
        let counted = flags.is_empty();
        if counted {
            // Lock and count this vote first; take it back below if a cap says no.
            tally(conn, vote, caps, 1).await?;
        }
        let (by_voter, by_address) =
            tallied::<Postgres>(conn, &vote.voter_id, &caps.address_hashes, vote.voted_at_ms)
                .await?;
        let mine = u64::from(counted);
        let over = cap_flags(
            caps,
            by_voter.saturating_sub(mine),
            by_address.saturating_sub(mine),
        );
        if counted && !over.is_empty() {
            tally(conn, vote, caps, -1).await?;
        }
        flags = flags | over;
    }
    if let (true, Some(round)) = (flags.is_empty(), vote.round) {
        // Counted first, which locks the voter's round tally: concurrent votes of one voter,
        // on any server, are checked one after the other. Taken back when over the cap.
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO round_tallies (round_id, voter_id, count) VALUES ($1, $2, 1) \
             ON CONFLICT (round_id, voter_id) DO UPDATE SET count = round_tallies.count + 1 \
             RETURNING count",
        )
        .bind(round.id)
        .bind(&vote.voter_id)
        .fetch_one(&mut *conn)
        .await?;
        if count > i64::from(round.cap) {
            sqlx::query(
                "UPDATE round_tallies SET count = count - 1 WHERE round_id = $1 AND voter_id = $2",
            )
            .bind(round.id)
            .bind(&vote.voter_id)
            .execute(&mut *conn)
            .await?;
            flags.insert(Flag::RoundCap);
            if let Some(caps) = caps {
                // Not counted after all: nor in the daily caps.
                tally(conn, vote, caps, -1).await?;
            }
        }
    }
    let inserted = sqlx::query(
        "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                            issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, \
                            min_read_ms, round_id, panel) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (battle_id) DO NOTHING",
    )
    .bind(&vote.battle_id)
    .bind(&vote.prompt_id)
    .bind(&category)
    .bind(&vote.model_a)
    .bind(&vote.model_b)
    .bind(vote.choice.as_str())
    .bind(&vote.voter_id)
    .bind(vote.issued_at_ms)
    .bind(vote.voted_at_ms)
    .bind((vote.voted_at_ms - vote.issued_at_ms).max(0))
    .bind(&vote.address_hash)
    .bind(flags.bits())
    .bind(vote.min_read_ms)
    .bind(vote.round.map(|r| r.id))
    .bind(i64::from(vote.round.is_some_and(|r| r.panel)))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return match stored::<Postgres>(conn, &vote.battle_id).await? {
            Some(earlier) => Ok(Recorded::Duplicate(earlier)),
            None => Err(StoreError::Other(anyhow::anyhow!(
                "a vote conflicted and then was not there"
            ))),
        };
    }
    Ok(Recorded::Stored {
        models: RevealedModels {
            a: ModelRef::named(vote.model_a.clone(), row.try_get(1)?),
            b: ModelRef::named(vote.model_b.clone(), row.try_get(2)?),
        },
        not_counted: flags,
    })
}

/// Adds `delta` to this hour's tallies of the vote's voter and address.
async fn tally(
    conn: &mut PgConnection,
    vote: &NewVote,
    caps: &DailyCaps,
    delta: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO vote_tallies (key, hour, count) VALUES ($1, $3, $4), ($2, $3, $4) \
         ON CONFLICT (key, hour) DO UPDATE SET count = vote_tallies.count + EXCLUDED.count",
    )
    .bind(voter_key(&vote.voter_id))
    .bind(address_key(&caps.address_hashes[0]))
    .bind(tally_hour(vote.voted_at_ms))
    .bind(delta)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
