//! The invited panel of an evaluation round (`arena_core::panel`).
//!
//! Public (the arena's own pages only, like every route that writes):
//! - `POST /api/v1/join` `{code, profile}` → 201 `{panelist, round}`: the code redeemed once, a
//!   panelist made (a random pseudonym and the profile given), and a signed credential the
//!   browser keeps and sends as `x-arena-panelist`. A malformed code is 400 `bad_code` (with what
//!   is wrong), an unknown one 404 `unknown_code`, a used one 409 `code_used`, a revoked one 410
//!   `code_revoked`, a round that takes no panelist now 409 `round_not_open`; nothing is stored.
//!   Where the operator let a batch's codes bring a panelist back (`recovery`), a used code typed
//!   again on the same kind of device (phone, tablet, computer, from the `User-Agent`) answers
//!   200 with the same panelist's credential (`recovered`), on another kind 409 `other_device`.
//!
//! Operators, under `/api/v1/admin/rounds/{id}` (logged like every change):
//! - `POST /invitations` `{count, cell}` → 201 the batch and its codes;
//! - `GET /invitations` → the round's batches with how many codes were redeemed and revoked;
//! - `GET /invitations/{batch}` → one with its codes; `…/{batch}/codes.csv` → `code,join_url`;
//!   `…/{batch}/cards.pdf` → printable cards, eight an A4 page, each with a QR code of its link;
//! - `POST /invitations/revoke` `{code}` → its batch, the code unusable (409 once redeemed);
//! - `POST /panelists/{pseudonym}/revoke` → 204, their credential draws no more battles;
//! - `PUT /quotas` `{target, margins}` (the margins as CSV `dimension,level,share`) → the quotas,
//!   or 422 `bad_import` with every problem by line; `GET /quotas` → each level's share, target,
//!   panelists and their votes, live; `POST /invitations/close` `{cell}` → `{revoked}`: the
//!   cell's unused codes revoked (its quota is full).
//!
//! A code's bytes derive from the server secret, its batch and its place (`token.rs`), so a batch
//! can be downloaded again; the database holds only each code's SHA-256 and never links a code to
//! the panelist who redeemed it.

use arena_core::panel::{
    Batch, BatchCodes, BatchRequest, DeviceClass, JoinRequest, JoinResponse, PANELIST_HEADER,
    QuotaRequest, Quotas, format_code, parse_code, parse_margins,
};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HOST, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};

use super::{AppState, JsonBody, PathId, Peer};
use crate::error::ApiError;
use crate::operator::Operator;
use crate::store::NewAudit;
use crate::store::panel::{JoinRefused, NewPanelist, PanelRefused};

/// Under `/api/v1/admin/rounds`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/{id}/invitations", get(list).post(create))
        .route("/{id}/invitations/revoke", post(revoke_code))
        .route("/{id}/invitations/{batch}", get(codes))
        .route("/{id}/invitations/{batch}/codes.csv", get(codes_csv))
        .route("/{id}/invitations/{batch}/cards.pdf", get(cards_pdf))
        .route("/{id}/panelists/{panelist}/revoke", post(revoke_panelist))
        .route("/{id}/quotas", get(quotas).put(set_quotas))
        .route("/{id}/invitations/close", post(close_cell))
}

/// What a code is stored as: the SHA-256 (hex) of its 16 bytes.
fn code_sha256(code: &[u8; 16]) -> String {
    hex::encode(Sha256::digest(code))
}

fn audit(operator: Operator, action: &str, subject: String) -> NewAudit {
    NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: action.into(),
        subject,
        detail: serde_json::Value::Null,
    }
}

fn refusal(refused: PanelRefused) -> ApiError {
    match refused {
        PanelRefused::NotFound => ApiError::NotFound,
        PanelRefused::RoundState { from } => ApiError::RoundState { from },
        PanelRefused::Redeemed => ApiError::CodeUsed,
    }
}

/// The batch `batch` of round `round`, with its codes.
async fn with_codes(state: &AppState, round: i64, batch: i64) -> Result<BatchCodes, ApiError> {
    let batch = state
        .store
        .batch(batch)
        .await?
        .filter(|b| b.round_id == round.to_string())
        .ok_or(ApiError::NotFound)?;
    let id: i64 = batch.id.parse().map_err(|_| ApiError::NotFound)?;
    let size = u32::try_from(batch.size).unwrap_or(0);
    let codes = (0..size)
        .map(|position| format_code(&state.keys.invitation_code(id, position)))
        .collect();
    Ok(BatchCodes { batch, codes })
}

async fn create(
    operator: Operator,
    State(state): State<AppState>,
    id: PathId,
    JsonBody(request): JsonBody<BatchRequest>,
) -> Result<(StatusCode, Json<BatchCodes>), ApiError> {
    if let Some(problem) = request.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let round = id.row_id()?;
    let keys = state.keys.clone();
    let stored_as =
        move |batch: i64, position: u32| code_sha256(&keys.invitation_code(batch, position));
    let made = state
        .store
        .create_batch(
            round,
            &request,
            &stored_as,
            crate::clock::now_ms(),
            audit(operator, "panel.batch", String::new()),
        )
        .await?
        .map_err(refusal)?;
    let batch: i64 = made.id.parse().map_err(|_| ApiError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(with_codes(&state, round, batch).await?),
    ))
}

async fn list(
    _: Operator,
    State(state): State<AppState>,
    id: PathId,
) -> Result<Json<Vec<Batch>>, ApiError> {
    let round = id.row_id()?;
    state.store.round(round).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(state.store.batches(round).await?))
}

/// `{id}` and `{batch}` of the path.
#[derive(serde::Deserialize)]
struct BatchPath {
    id: String,
    batch: String,
}

impl BatchPath {
    fn ids(&self) -> Result<(i64, i64), ApiError> {
        Ok((
            PathId(self.id.clone()).row_id()?,
            PathId(self.batch.clone()).row_id()?,
        ))
    }
}

async fn codes(
    _: Operator,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<BatchPath>,
) -> Result<Json<BatchCodes>, ApiError> {
    let (round, batch) = path.ids()?;
    Ok(Json(with_codes(&state, round, batch).await?))
}

/// Where a panelist joins: this arena's address as the request reached it (`https` when the
/// arena sets secure cookies, i.e. runs behind TLS), `/join?code=…`.
fn join_base(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .unwrap_or("127.0.0.1:8080");
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/join")
}

async fn codes_csv(
    _: Operator,
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(path): axum::extract::Path<BatchPath>,
) -> Result<Response, ApiError> {
    let (round, batch) = path.ids()?;
    let codes = with_codes(&state, round, batch).await?;
    let base = join_base(&state, &headers);
    let mut csv = String::from("code,join_url\n");
    for code in &codes.codes {
        csv += &format!("{code},{base}?code={code}\n");
    }
    let mut response = csv.into_response();
    let out = response.headers_mut();
    out.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"round-{round}-batch-{batch}-codes.csv\""
    )) {
        out.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

async fn cards_pdf(
    _: Operator,
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(path): axum::extract::Path<BatchPath>,
) -> Result<Response, ApiError> {
    let (round_id, batch) = path.ids()?;
    let round = state
        .store
        .round(round_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let codes = with_codes(&state, round_id, batch).await?;
    let join = join_base(&state, &headers);
    let closes = korea_time(round.closes_at_ms);
    let cards: Vec<super::cards::Card> = codes
        .codes
        .iter()
        .map(|code| super::cards::Card {
            code: code.clone(),
            link: format!("{join}?code={code}"),
        })
        .collect();
    let cover = super::cards::Cover {
        round: &round.name,
        closes: &closes,
        join: &join,
        recovery: codes.batch.recovery,
    };
    // A few milliseconds a page: made in the request.
    let mut response = super::cards::pdf(&cover, &cards).into_response();
    let out = response.headers_mut();
    out.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"round-{round_id}-batch-{batch}-cards.pdf\""
    )) {
        out.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// `ms` as Korea time (UTC+9, no daylight saving), `2026. 12. 15. 18:00`.
fn korea_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 9 * 3600;
    let days = secs.div_euclid(86_400);
    let (hour, minute) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year}. {month}. {day}. {hour:02}:{minute:02}")
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeRequest {
    code: String,
}

async fn revoke_code(
    operator: Operator,
    State(state): State<AppState>,
    id: PathId,
    JsonBody(request): JsonBody<RevokeRequest>,
) -> Result<Json<Batch>, ApiError> {
    let round = id.row_id()?;
    let code = parse_code(&request.code).map_err(ApiError::BadCode)?;
    let batch = state
        .store
        .revoke_code(
            &code_sha256(&code),
            crate::clock::now_ms(),
            audit(operator, "panel.revoke_code", String::new()),
        )
        .await?
        .map_err(refusal)?;
    if batch.round_id != round.to_string() {
        // Revoked all the same (a code is a code), but the operator asked under another round.
        tracing::warn!(round, batch = %batch.id, "a code was revoked under another round's path");
    }
    Ok(Json(batch))
}

async fn quotas(
    _: Operator,
    State(state): State<AppState>,
    id: PathId,
) -> Result<Json<Quotas>, ApiError> {
    let round = id.row_id()?;
    state.store.round(round).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(state.store.quotas(round).await?))
}

async fn set_quotas(
    operator: Operator,
    State(state): State<AppState>,
    id: PathId,
    JsonBody(request): JsonBody<QuotaRequest>,
) -> Result<Json<Quotas>, ApiError> {
    let round = id.row_id()?;
    let margins = parse_margins(&request.margins).map_err(ApiError::BadImport)?;
    state
        .store
        .set_quotas(
            round,
            request.target,
            &margins,
            crate::clock::now_ms(),
            audit(operator, "panel.quotas", String::new()),
        )
        .await?
        .map_err(refusal)?;
    Ok(Json(state.store.quotas(round).await?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseCell {
    cell: String,
}

async fn close_cell(
    operator: Operator,
    State(state): State<AppState>,
    id: PathId,
    JsonBody(request): JsonBody<CloseCell>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let round = id.row_id()?;
    state.store.round(round).await?.ok_or(ApiError::NotFound)?;
    let revoked = state
        .store
        .close_cell(
            round,
            request.cell.trim(),
            crate::clock::now_ms(),
            audit(operator, "panel.close_cell", String::new()),
        )
        .await?;
    Ok(Json(serde_json::json!({ "revoked": revoked })))
}

#[derive(serde::Deserialize)]
struct PanelistPath {
    id: String,
    panelist: String,
}

async fn revoke_panelist(
    operator: Operator,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<PanelistPath>,
) -> Result<StatusCode, ApiError> {
    let round = PathId(path.id).row_id()?;
    let panelist = path.panelist.trim().to_ascii_lowercase();
    let standing = state.store.panelist(&panelist).await?;
    if standing.is_none_or(|s| s.round_id != round) {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .revoke_panelist(
            &panelist,
            crate::clock::now_ms(),
            audit(operator, "panel.revoke_panelist", panelist.clone()),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/join`.
pub async fn join(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<JoinRequest>,
) -> Result<(StatusCode, Json<JoinResponse>), ApiError> {
    let address = state.trust.address(peer, &headers).await?;
    state.trust.admit_anonymous(&address.network)?;
    let code = parse_code(&request.code).map_err(ApiError::BadCode)?;
    if let Some(problem) = request.profile.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let device = DeviceClass::of_user_agent(
        headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let now = state.trust.now_ms();
    let fresh: [u8; 16] = rand::random();
    let panelist = NewPanelist {
        id: hex::encode(fresh),
        profile: request.profile,
        joined_at_ms: now,
        recovery: mask_for_recovery(&code, &fresh, device),
    };
    let refused = |refused: JoinRefused| match refused {
        JoinRefused::Unknown => ApiError::UnknownCode,
        JoinRefused::Redeemed | JoinRefused::Recoverable(_) => ApiError::CodeUsed,
        JoinRefused::Revoked => ApiError::CodeRevoked,
        JoinRefused::RoundNotOpen => ApiError::RoundNotOpen,
    };
    let (pseudonym, round, status) =
        match state.store.redeem(&code_sha256(&code), &panelist).await? {
            Ok(round) => (fresh, round, StatusCode::CREATED),
            Err(JoinRefused::Recoverable(kept)) => {
                let (pseudonym, first) = unmask(&code, &kept).ok_or(ApiError::CodeUsed)?;
                // The panelist's standing first: a revoked one learns nothing of the device.
                let standing = state.store.panelist(&hex::encode(pseudonym)).await?;
                if standing.is_none_or(|s| s.revoked) {
                    return Err(ApiError::CodeRevoked);
                }
                if first != device {
                    return Err(ApiError::OtherDevice(first.label().1));
                }
                let round = state
                    .store
                    .recover(&code_sha256(&code), &hex::encode(pseudonym), now)
                    .await?
                    .map_err(refused)?;
                (pseudonym, round, StatusCode::OK)
            }
            Err(other) => return Err(refused(other)),
        };
    let details = state.store.round(round).await?.ok_or(ApiError::NotFound)?;
    Ok((
        status,
        Json(JoinResponse {
            panelist: state.keys.panelist_credential(&pseudonym, round),
            round: details,
            recovered: status == StatusCode::OK,
        }),
    ))
}

/// What a used code's row keeps where its batch allows recovery: the pseudonym masked with a
/// key only the code gives (the first 16 bytes of HMAC-SHA-256 keyed by the code's bytes: a
/// one-time pad, each code masking one pseudonym), and the kind of device, as
/// `hex(masked).device`. A copy of the database alone cannot link a code to its panelist; whoever
/// holds the code can (the person, the agency that printed it, and the arena's operators, who can
/// download a batch's codes again), which is why recovery is the operator's choice per batch. The
/// kind of device is a convenience against a mistyped device, not a safeguard (a browser can say
/// it is anything): a lost or copied card's recovery is ended by revoking its code.
fn mask_for_recovery(code: &[u8; 16], pseudonym: &[u8; 16], device: DeviceClass) -> String {
    let key = recovery_key(code);
    let masked: Vec<u8> = pseudonym.iter().zip(key).map(|(p, k)| p ^ k).collect();
    format!("{}.{}", hex::encode(masked), device.code())
}

/// The pseudonym and kind of device [`mask_for_recovery`] kept.
fn unmask(code: &[u8; 16], kept: &str) -> Option<([u8; 16], DeviceClass)> {
    let (masked, device) = kept.split_once('.')?;
    let masked: [u8; 16] = hex::decode(masked).ok()?.try_into().ok()?;
    let key = recovery_key(code);
    let mut pseudonym = [0; 16];
    for (i, byte) in pseudonym.iter_mut().enumerate() {
        *byte = masked[i] ^ key[i];
    }
    Some((pseudonym, DeviceClass::from_code(device)?))
}

fn recovery_key(code: &[u8; 16]) -> [u8; 16] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256>>::new_from_slice(code).expect("any key length");
    mac.update(b"kai-arena panelist recovery");
    let full: [u8; 32] = mac.finalize().into_bytes().into();
    let mut key = [0; 16];
    key.copy_from_slice(&full[..16]);
    key
}

/// The panelist a request carries for `round`, if its credential is genuine, for that round,
/// and not revoked: their pseudonym.
pub async fn panelist_of(
    state: &AppState,
    headers: &HeaderMap,
    round: i64,
) -> Result<Option<[u8; 16]>, ApiError> {
    let Some((id, for_round)) = headers
        .get(PANELIST_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| state.keys.open_panelist(v))
    else {
        return Ok(None);
    };
    if for_round != round {
        return Ok(None);
    }
    let standing = state.store.panelist(&hex::encode(id)).await?;
    Ok(standing
        .filter(|s| s.round_id == round && !s.revoked)
        .map(|_| id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn korea_time_is_nine_hours_ahead_of_utc() {
        // 2026-12-15 09:00 UTC is 18:00 in Seoul; 2026-12-31 20:30 UTC is already 2027.
        assert_eq!(super::korea_time(1_797_325_200_000), "2026. 12. 15. 18:00");
        assert_eq!(super::korea_time(1_798_749_000_000), "2027. 1. 1. 05:30");
    }
}
