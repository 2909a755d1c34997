//! The operator API (`/api/v1/admin/…`), each request with the operator's bearer token. Every
//! address is built by [`path`], which encodes each variable part once.

use arena_core::admin::{
    AuditEntry, CategoryWeight, CategoryWeightUpdate, FlagDecision, FlaggedVoter, HeldAnswer,
    HeldDecision, ImportJob, ImportUpload, ModelUpdate, RegistryModel, SnapshotRequest,
};
use arena_core::api::{API_PREFIX, SnapshotSummary};
use arena_core::round::{Round, RoundDraft, RoundState, RoundTransition};
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;

use super::{ApiError, read};

/// `/api/v1/admin/<resource>/<part>/…`, each part percent-encoded (an id, a category or a
/// voter may hold any character).
fn path(resource: &str, parts: &[&str]) -> String {
    let mut out = format!("{API_PREFIX}/admin/{resource}");
    for part in parts {
        out.push('/');
        out.push_str(&String::from(js_sys::encode_uri_component(part)));
    }
    out
}

fn with_token(request: RequestBuilder, token: &str) -> RequestBuilder {
    request.header("authorization", &format!("Bearer {token}"))
}

async fn send<T: DeserializeOwned>(request: Request) -> Result<T, ApiError> {
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await.map_err(|r| r.error)
}

async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    let request = with_token(Request::get(path), token)
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    send(request).await
}

async fn with_body<B: serde::Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    token: &str,
    body: &B,
) -> Result<T, ApiError> {
    let request = with_token(request, token)
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    send(request).await
}

pub async fn models(token: &str) -> Result<Vec<RegistryModel>, ApiError> {
    get(token, &path("models", &[])).await
}

pub async fn update_model(
    token: &str,
    id: &str,
    update: &ModelUpdate,
) -> Result<RegistryModel, ApiError> {
    with_body(Request::put(&path("models", &[id])), token, update).await
}

pub async fn audit(token: &str) -> Result<Vec<AuditEntry>, ApiError> {
    get(token, &format!("{}?limit=100", path("audit", &[]))).await
}

/// Starts an import (or a dry run); 422 carries every bad line in `problems`.
pub async fn import(token: &str, upload: &ImportUpload) -> Result<ImportJob, ApiError> {
    with_body(Request::post(&path("imports", &[])), token, upload).await
}

pub async fn import_job(token: &str, id: &str) -> Result<ImportJob, ApiError> {
    get(token, &path("imports", &[id])).await
}

/// Publishes the leaderboard as it stands, frozen, under `title`.
pub async fn publish_snapshot(token: &str, title: &str) -> Result<SnapshotSummary, ApiError> {
    let body = SnapshotRequest {
        title: title.to_owned(),
    };
    with_body(Request::post(&path("snapshots", &[])), token, &body).await
}

/// Answers held back for naming their model.
pub async fn held(token: &str) -> Result<Vec<HeldAnswer>, ApiError> {
    get(token, &path("held", &[])).await
}

/// Draws a held-back answer after all (`allowed`), or holds it back again.
pub async fn set_held(
    token: &str,
    prompt: &str,
    model: &str,
    allowed: bool,
) -> Result<HeldAnswer, ApiError> {
    let body = HeldDecision { allowed };
    with_body(Request::put(&path("held", &[prompt, model])), token, &body).await
}

/// Every category with drawable prompts and its sampling weight.
pub async fn categories(token: &str) -> Result<Vec<CategoryWeight>, ApiError> {
    get(token, &path("categories", &[])).await
}

/// Sets how often a category's prompts are drawn.
pub async fn set_category_weight(
    token: &str,
    category: &str,
    weight: f64,
) -> Result<CategoryWeight, ApiError> {
    let body = CategoryWeightUpdate { weight };
    with_body(Request::put(&path("categories", &[category])), token, &body).await
}

/// Voters whose votes the audit left out, and those counted after review.
pub async fn flagged(token: &str) -> Result<Vec<FlaggedVoter>, ApiError> {
    get(token, &path("flagged", &[])).await
}

/// Counts a voter's flagged votes after all (`counted`), or leaves them out again.
pub async fn review_flag(
    token: &str,
    voter: &str,
    reason: &str,
    counted: bool,
) -> Result<FlaggedVoter, ApiError> {
    let body = FlagDecision { counted };
    with_body(
        Request::put(&path("flagged", &[voter, reason])),
        token,
        &body,
    )
    .await
}

/// Every evaluation round, drafts too, newest first.
pub async fn rounds(token: &str) -> Result<Vec<Round>, ApiError> {
    get(token, &path("rounds", &[])).await
}

/// Makes a draft round, sealing its prompts and answers.
pub async fn create_round(token: &str, draft: &RoundDraft) -> Result<Round, ApiError> {
    with_body(Request::post(&path("rounds", &[])), token, draft).await
}

/// Moves a round one step forward (409 `round_state` otherwise).
pub async fn step_round(token: &str, id: &str, state: RoundState) -> Result<Round, ApiError> {
    let body = RoundTransition { state };
    with_body(Request::put(&path("rounds", &[id, "state"])), token, &body).await
}

/// A round's batches of invitation codes, newest first.
pub async fn batches(token: &str, round: &str) -> Result<Vec<arena_core::panel::Batch>, ApiError> {
    get(token, &path("rounds", &[round, "invitations"])).await
}

/// Makes a batch of invitation codes for a round.
pub async fn create_batch(
    token: &str,
    round: &str,
    request: &arena_core::panel::BatchRequest,
) -> Result<arena_core::panel::BatchCodes, ApiError> {
    with_body(
        Request::post(&path("rounds", &[round, "invitations"])),
        token,
        request,
    )
    .await
}

/// Downloads a batch's `codes.csv` or `cards.pdf` (the operator API needs the token, so the file
/// is fetched here and handed to the browser as a download named `filename`).
pub async fn download_batch(
    token: &str,
    round: &str,
    batch: &str,
    file: &str,
) -> Result<(), ApiError> {
    let request = with_token(
        Request::get(&path("rounds", &[round, "invitations", batch, file])),
        token,
    )
    .build()
    .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        // The JSON error body, read the usual way.
        return read::<serde_json::Value>(response)
            .await
            .map(drop)
            .map_err(|r| r.error);
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .map_err(|_| ApiError::Decode("cannot make the file".into()))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| ApiError::Decode("cannot make the file".into()))?;
    let saved = (|| {
        let document = web_sys::window()?.document()?;
        let link: web_sys::HtmlAnchorElement =
            wasm_bindgen::JsCast::dyn_into(document.create_element("a").ok()?).ok()?;
        link.set_href(&url);
        link.set_download(&format!("round-{round}-batch-{batch}-{file}"));
        link.click();
        Some(())
    })();
    let _ = web_sys::Url::revoke_object_url(&url);
    saved.ok_or_else(|| ApiError::Decode("cannot save the file".into()))
}

/// A round's quotas against its panel, live.
pub async fn quotas(token: &str, round: &str) -> Result<arena_core::panel::Quotas, ApiError> {
    get(token, &path("rounds", &[round, "quotas"])).await
}

/// Sets a round's panel target and population margins (CSV `dimension,level,share`).
pub async fn set_quotas(
    token: &str,
    round: &str,
    request: &arena_core::panel::QuotaRequest,
) -> Result<arena_core::panel::Quotas, ApiError> {
    with_body(
        Request::put(&path("rounds", &[round, "quotas"])),
        token,
        request,
    )
    .await
}

/// Revokes the unused codes of a round's batches for `cell` (its quota is full).
pub async fn close_cell(
    token: &str,
    round: &str,
    cell: &str,
) -> Result<serde_json::Value, ApiError> {
    let body = serde_json::json!({ "cell": cell });
    with_body(
        Request::post(&path("rounds", &[round, "invitations", "close"])),
        token,
        &body,
    )
    .await
}
