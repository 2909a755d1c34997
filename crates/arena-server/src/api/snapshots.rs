//! Snapshots: frozen, published leaderboards at stable addresses, open to every site (these are
//! open data, so any page may link to or fetch them: `Access-Control-Allow-Origin: *`) and
//! cached for good (a snapshot never changes).
//!
//! - `GET /api/v1/snapshots` → every snapshot, newest first;
//! - `GET /api/v1/snapshots/{id}[?category=]` → one table and the counts behind it;
//! - `GET /api/v1/snapshots/{id}/battles.jsonl` and `battles.csv` → its battles, under
//!   공공누리 제1유형, written to disk once and streamed, with an `ETag`, limited per address
//!   (`downloads.rs`).
//!
//! Operators publish one with `POST /api/v1/admin/snapshots` ([`publish`]).

use arena_core::admin::{MAX_TITLE_CHARS, SnapshotRequest};
use arena_core::api::{DataLicence, SnapshotResponse, SnapshotSummary};
use axum::extract::State;
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;
pub use super::downloads::to_csv;
use super::downloads::{FOREVER, Format};
use super::{CategoryQuery, JsonBody, PathId, Peer, QueryParams};
use crate::error::ApiError;
use crate::leaderboard::FrozenTables;
use crate::operator::Operator;
use crate::store::{NewAudit, NewSnapshot};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/{id}", get(one))
        .route("/{id}/battles.jsonl", get(battles_jsonl))
        .route("/{id}/battles.csv", get(battles_csv))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(SetResponseHeaderLayer::overriding(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
}

async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state.store.snapshots().await?;
    // A new snapshot appears here: ask again each time.
    Ok((
        [(CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json(list),
    )
        .into_response())
}

async fn one(
    State(state): State<AppState>,
    id: PathId,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Result<Response, ApiError> {
    let id = id.row_id()?;
    let (summary, tables) = state
        .store
        .snapshot_tables(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let frozen: FrozenTables = tokio::task::spawn_blocking(move || serde_json::from_str(&tables))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let table = frozen.table(query.category()).ok_or(ApiError::NotFound)?;
    let base = format!("{}/snapshots/{id}", arena_core::api::API_PREFIX);
    let body = SnapshotResponse {
        summary,
        licence: DataLicence::kogl_type_1(),
        table: table.response.clone(),
        counts: table.counts.clone(),
        battles_jsonl: format!("{base}/battles.jsonl"),
        battles_csv: format!("{base}/battles.csv"),
    };
    Ok(([(CACHE_CONTROL, FOREVER)], Json(body)).into_response())
}

async fn battles_jsonl(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    id: PathId,
) -> Result<Response, ApiError> {
    super::downloads::serve(&state, peer, &headers, id.row_id()?, Format::Jsonl).await
}

async fn battles_csv(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    id: PathId,
) -> Result<Response, ApiError> {
    super::downloads::serve(&state, peer, &headers, id.row_id()?, Format::Csv).await
}

/// `POST /api/v1/admin/snapshots`: freezes every table as computed from exactly the counted
/// votes exported now, and stores both, with the audit entry, for good.
pub async fn publish(
    operator: Operator,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<SnapshotRequest>,
) -> Result<(StatusCode, Json<SnapshotSummary>), ApiError> {
    let title = request.title.trim().to_owned();
    if title.is_empty()
        || title.chars().count() > MAX_TITLE_CHARS
        || title.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(format!(
            "title must be 1 to {MAX_TITLE_CHARS} printable characters"
        )));
    }
    let at_ms = crate::clock::now_ms();
    let battles = state.store.public_battles().await?;
    let frozen = state
        .leaderboards
        .freeze(&battles, at_ms)
        .await
        .map_err(ApiError::Internal)?;
    let models = frozen.overall.response.models.len() as u64;
    let total_votes = frozen.overall.response.total_votes;
    let (tables, battles) = tokio::task::spawn_blocking(move || {
        let mut jsonl = String::new();
        for b in &battles {
            jsonl.push_str(&serde_json::to_string(b)?);
            jsonl.push('\n');
        }
        Ok::<_, serde_json::Error>((serde_json::to_string(&frozen)?, jsonl))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(|e| ApiError::Internal(e.into()))?;
    let snapshot = NewSnapshot {
        battles_sha256: hex::encode(Sha256::digest(battles.as_bytes())),
        title,
        published_at_ms: at_ms,
        operator: operator.label.clone(),
        total_votes,
        models,
        tables,
        battles,
    };
    let audit = NewAudit {
        at_ms,
        operator: operator.label,
        action: "snapshot.publish".into(),
        subject: String::new(),
        detail: serde_json::Value::Null,
    };
    let summary = state.store.publish_snapshot(&snapshot, audit).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_joins_reasons() {
        let jsonl = concat!(
            r#"{"battle_id":"b1","question_id":"q,1","category":"법률·행정","model_a":"a","model_b":"b","winner":"model_a","tstamp":1.5,"reasons":["accuracy","safety"]}"#,
            "\n",
            r#"{"battle_id":"b2","question_id":"q\"2","category":"역사","model_a":"b","model_b":"a","winner":"tie (bothbad)","tstamp":2.0}"#,
            "\n",
            r#"{"battle_id":"b3","question_id":"live-1","category":"live","model_a":"a","model_b":"b","winner":"model_b","tstamp":3.0,"live":{"prompt":"김장, 언제?","answer_a":"11월\n하순","answer_b":"입동 \"무렵\""}}"#,
            "\n"
        );
        let csv = to_csv(jsonl).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "battle_id,question_id,category,model_a,model_b,winner,tstamp,reasons,prompt,answer_a,answer_b"
        );
        assert_eq!(
            lines[1],
            "b1,\"q,1\",법률·행정,a,b,model_a,1.5,accuracy;safety,,,"
        );
        assert_eq!(lines[2], "b2,\"q\"\"2\",역사,b,a,tie (bothbad),2,,,,");
        // A live battle's texts, quoted as CSV needs (a line break, quotes), read back whole.
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[2][8], "김장, 언제?");
        assert_eq!(&rows[2][9], "11월\n하순");
        assert_eq!(&rows[2][10], "입동 \"무렵\"");
        // A formula typed as a prompt stays text in a spreadsheet.
        let formula = r#"{"battle_id":"b4","question_id":"live-2","category":"live","model_a":"a","model_b":"b","winner":"tie","tstamp":4.0,"live":{"prompt":"=HYPERLINK(\"http://x\")","answer_a":"-1","answer_b":"ok"}}"#;
        let rows: Vec<csv::StringRecord> =
            csv::Reader::from_reader(to_csv(formula).unwrap().as_bytes())
                .records()
                .map(Result::unwrap)
                .collect();
        assert_eq!(&rows[0][8], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&rows[0][9], "'-1");
        assert_eq!(&rows[0][10], "ok");
        assert!(to_csv("not json").is_err());
    }
}
