//! What storing a vote reads in the vote's own transaction, on either database: the tallies the
//! daily caps count, and the vote already stored for a battle (what a retry gets back).

use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::{Dialect, STORED_VOTE, Value};
use crate::store::{
    CAP_WINDOW_HOURS, StoreError, StoredVote, address_key, rows, tally_hour, voter_key,
};

/// Counted votes of a voter and of an address's two hashes in the caps' window.
pub(in crate::store) async fn tallied<D: Dialect>(
    conn: &mut D::Connection,
    voter_id: &str,
    address_hashes: &[String; 2],
    now_ms: i64,
) -> Result<(u64, u64), StoreError>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    String: Value<D>,
    i64: Value<D>,
    usize: ColumnIndex<D::Row>,
{
    let since = tally_hour(now_ms) - CAP_WINDOW_HOURS + 1;
    let (by_voter, by_address): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(count) FILTER (WHERE key = $1), 0) AS BIGINT), \
                CAST(COALESCE(SUM(count) FILTER (WHERE key <> $1), 0) AS BIGINT) \
         FROM vote_tallies WHERE key IN ($1, $2, $3) AND hour >= $4",
    )
    .bind(voter_key(voter_id))
    .bind(address_key(&address_hashes[0]))
    .bind(address_key(&address_hashes[1]))
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((by_voter.max(0) as u64, by_address.max(0) as u64))
}

/// The vote stored for a battle, read in the vote's own transaction.
pub(in crate::store) async fn stored<D: Dialect>(
    conn: &mut D::Connection,
    battle_id: &str,
) -> Result<Option<StoredVote>, StoreError>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    String: Value<D>,
    i64: Value<D>,
    usize: ColumnIndex<D::Row>,
{
    let row = sqlx::query(STORED_VOTE)
        .bind(battle_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(rows::stored_vote).transpose()
}
