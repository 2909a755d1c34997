//! The operator API under `/api/v1/admin`: the model registry, imports (with a dry run and
//! progress), answers held back for naming their model, snapshots and the audit log. Every route takes an [`Operator`] (a valid bearer token, 401
//! otherwise); every change goes to the audit log with the token's label, in the change's own
//! transaction. Wire types: `arena_core::admin`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arena_core::admin::{
    AuditEntry, CategoryWeight, CategoryWeightUpdate, FlagDecision, FlaggedVoter, HeldAnswer,
    HeldDecision, ImportJob, ImportUpload, JobState, ModelUpdate, RegistryModel,
};
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::AppState;
use super::{JsonBody, PathId, QueryParams};
use crate::error::ApiError;
use crate::operator::Operator;
use crate::store::{ImportOptions, NewAudit};

/// Most entries one page of the audit log holds.
pub const MAX_AUDIT_PAGE: u32 = 500;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/models", get(get_models))
        .route("/models/{id}", put(put_model))
        .route("/audit", get(get_audit))
        .route(
            "/imports",
            post(post_import).layer(DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/imports/{id}", get(get_import))
        .route("/snapshots", post(super::snapshots::publish))
        .route("/held", get(get_held))
        .route("/held/{prompt}/{model}", put(put_held))
        .route("/categories", get(get_categories))
        .route("/categories/{category}", put(put_category))
        .route("/flagged", get(get_flagged))
        .route("/flagged/{voter}/{reason}", put(put_flagged))
        .nest(
            "/rounds",
            super::rounds::admin_routes().merge(super::panel::admin_routes()),
        )
        .layer(DefaultBodyLimit::max(super::MAX_BODY_BYTES))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

async fn get_models(
    _: Operator,
    State(state): State<AppState>,
) -> Result<Json<Vec<RegistryModel>>, ApiError> {
    Ok(Json(state.store.registry().await?))
}

async fn put_model(
    operator: Operator,
    State(state): State<AppState>,
    PathId(id): PathId,
    JsonBody(update): JsonBody<ModelUpdate>,
) -> Result<Json<RegistryModel>, ApiError> {
    let update = update.normalised().map_err(ApiError::bad_request)?;
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: "model.update".into(),
        subject: id.clone(),
        detail: serde_json::Value::Null,
    };
    let model = state
        .store
        .update_model(&id, &update, audit)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The names on the tables, and the pairing plan, follow.
    state.leaderboards.mark_dirty();
    Ok(Json(model))
}

async fn get_held(
    _: Operator,
    State(state): State<AppState>,
) -> Result<Json<Vec<HeldAnswer>>, ApiError> {
    Ok(Json(state.store.held_answers().await?))
}

/// The one segment of a path such as `/categories/{category}`; a control character is a 400.
pub struct Segment(String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let segment = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?
            .0;
        if segment.chars().any(char::is_control) {
            return Err(ApiError::bad_request("the path has a control character"));
        }
        Ok(Segment(segment))
    }
}

/// The two segments of `/held/{prompt}/{model}`; a control character is a 400.
pub struct PromptModel(String, String);

impl<S: Send + Sync> FromRequestParts<S> for PromptModel {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let (prompt, model) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::bad_request(e.body_text()))?
                .0;
        if format!("{prompt}{model}").chars().any(char::is_control) {
            return Err(ApiError::bad_request("the id has a control character"));
        }
        Ok(PromptModel(prompt, model))
    }
}

/// Allows a held-back answer to be drawn after all (an operator read it), or holds it back
/// again; logged with the term that held it back.
async fn put_held(
    operator: Operator,
    State(state): State<AppState>,
    PromptModel(prompt, model): PromptModel,
    JsonBody(decision): JsonBody<HeldDecision>,
) -> Result<Json<HeldAnswer>, ApiError> {
    let held = state
        .store
        .held_answers()
        .await?
        .into_iter()
        .find(|l| l.prompt_id == prompt && l.model_id == model)
        .ok_or(ApiError::NotFound)?;
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: if decision.allowed {
            "answer.allow".into()
        } else {
            "answer.hold".into()
        },
        subject: format!("{prompt} / {model}"),
        detail: serde_json::json!({
            "term": held.term,
            "before": { "allowed": held.allowed },
            "after": { "allowed": decision.allowed },
        }),
    };
    if !state
        .store
        .allow_held_answer_logged(&prompt, &model, decision.allowed, Some(audit))
        .await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(Json(HeldAnswer {
        allowed: decision.allowed,
        ..held
    }))
}

/// Every category with drawable prompts, its prompts and its sampling weight.
async fn get_categories(
    _: Operator,
    State(state): State<AppState>,
) -> Result<Json<Vec<CategoryWeight>>, ApiError> {
    Ok(Json(state.store.category_weights_admin().await?))
}

/// Sets how often a category's prompts are drawn (0 to 100; 1 is the default); logged.
async fn put_category(
    operator: Operator,
    State(state): State<AppState>,
    Segment(category): Segment,
    JsonBody(update): JsonBody<CategoryWeightUpdate>,
) -> Result<Json<CategoryWeight>, ApiError> {
    let max = arena_core::admin::MAX_CATEGORY_WEIGHT;
    if !update.weight.is_finite() || !(0.0..=max).contains(&update.weight) {
        return Err(ApiError::bad_request(format!(
            "weight must be a number from 0 to {max}"
        )));
    }
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: "category.weight".into(),
        subject: category.clone(),
        detail: serde_json::Value::Null,
    };
    let changed = state
        .store
        .set_category_weight(&category, update.weight, audit)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(changed))
}

/// Voters whose votes the audit left out for a reason an operator may review, and those
/// counted after review.
async fn get_flagged(
    _: Operator,
    State(state): State<AppState>,
) -> Result<Json<Vec<FlaggedVoter>>, ApiError> {
    Ok(Json(state.store.flagged_voters().await?))
}

/// Counts a voter's votes flagged for one reason after all (the audit will not flag them again
/// for it), or leaves exactly those votes out again; logged with the votes concerned.
async fn put_flagged(
    operator: Operator,
    State(state): State<AppState>,
    PromptModel(voter, reason): PromptModel,
    JsonBody(decision): JsonBody<FlagDecision>,
) -> Result<Json<FlaggedVoter>, ApiError> {
    let Some(flag) = reason
        .parse::<arena_core::Flag>()
        .ok()
        .filter(|f| f.reviewable())
    else {
        return Err(ApiError::bad_request(format!(
            "only the audit's judgements can be reviewed ({}), not {reason:?}",
            arena_core::Flag::REVIEWABLE
                .map(arena_core::Flag::code)
                .join(", ")
        )));
    };
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: if decision.counted {
            "votes.count".into()
        } else {
            "votes.exclude".into()
        },
        subject: format!("{voter} / {reason}"),
        detail: serde_json::Value::Null,
    };
    state
        .store
        .review_flag(&voter, flag, decision.counted, audit)
        .await?
        .ok_or(ApiError::NotFound)?;
    state.leaderboards.mark_dirty();
    state
        .store
        .flagged_voters()
        .await?
        .into_iter()
        .find(|f| f.voter == voter && f.reason == reason && f.counted == decision.counted)
        .map(Json)
        .ok_or(ApiError::NotFound)
}

#[derive(serde::Deserialize)]
struct AuditQuery {
    before: Option<i64>,
    limit: Option<u32>,
}

async fn get_audit(
    _: Operator,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_AUDIT_PAGE);
    Ok(Json(state.store.audit_log(q.before, limit).await?))
}

/// One import being stored.
struct Job {
    id: String,
    dry_run: bool,
    done: AtomicU64,
    total: AtomicU64,
    skipped: Vec<String>,
    /// `None` while running; then the report or the error.
    outcome: Mutex<Option<Result<arena_core::admin::ImportReport, String>>>,
}

impl Job {
    fn view(&self) -> ImportJob {
        let outcome = self
            .outcome
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let (state, report, error) = match outcome {
            None => (JobState::Running, None, None),
            Some(Ok(report)) => (JobState::Done, Some(report), None),
            Some(Err(error)) => (JobState::Failed, None, Some(error)),
        };
        ImportJob {
            id: self.id.clone(),
            state,
            dry_run: self.dry_run,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            report,
            skipped: self.skipped.clone(),
            error,
        }
    }
}

/// Imports started on this server, the latest [`ImportJobs::KEPT`] of them. A job lives on
/// the server that took it: behind a load balancer, send an operator's requests to one server.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<VecDeque<Arc<Job>>>,
}

impl ImportJobs {
    const KEPT: usize = 32;

    fn add(&self, job: Arc<Job>) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if jobs.len() == Self::KEPT {
            jobs.pop_front();
        }
        jobs.push_back(job);
    }

    fn get(&self, id: &str) -> Option<Arc<Job>> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter().find(|j| j.id == id).cloned()
    }
}

/// Checks the upload whole (422 with every `file:line` problem, nothing stored), then stores it
/// (or, in a dry run, counts what would change and stores nothing) in the background: 202 with
/// the job to follow at `/api/v1/admin/imports/{id}`.
async fn post_import(
    operator: Operator,
    State(state): State<AppState>,
    JsonBody(upload): JsonBody<ImportUpload>,
) -> Result<(StatusCode, Json<ImportJob>), ApiError> {
    if upload
        .files
        .iter()
        .any(|f| f.name.chars().any(char::is_control) || f.name.chars().count() > 255)
    {
        return Err(ApiError::bad_request(
            "a file name is longer than 255 characters or has a control character",
        ));
    }
    let files: Vec<String> = upload.files.iter().map(|f| f.name.clone()).collect();
    let dry_run = upload.dry_run;
    let (set, skipped) = tokio::task::spawn_blocking(move || crate::import::parse_upload(&upload))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| match e {
            crate::import::ImportError::Bad(problems) => {
                ApiError::BadImport(problems.iter().map(ToString::to_string).collect())
            }
            crate::import::ImportError::Other(e) => ApiError::bad_request(format!("{e:#}")),
        })?;
    let job = Arc::new(Job {
        id: hex::encode(rand::random::<[u8; 8]>()),
        dry_run,
        done: AtomicU64::new(0),
        total: AtomicU64::new(0),
        skipped: skipped.iter().map(ToString::to_string).collect(),
        outcome: Mutex::new(None),
    });
    state.imports.add(Arc::clone(&job));
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: "import".into(),
        subject: files.join(", "),
        detail: serde_json::json!({ "files": files, "skipped": job.skipped.len() }),
    };
    let running = Arc::clone(&job);
    let store = Arc::clone(&state.store);
    let leaderboards = Arc::clone(&state.leaderboards);
    tokio::spawn(async move {
        let progress = |done: u64, total: u64| {
            running.total.store(total, Ordering::Relaxed);
            running.done.store(done, Ordering::Relaxed);
        };
        let result = store
            .import_with(
                &set,
                ImportOptions {
                    dry_run,
                    progress: Some(&progress),
                    audit: Some(audit),
                },
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "an operator's import failed");
                format!("nothing was stored: {e}")
            });
        if !dry_run && result.is_ok() {
            // New models enter the pairing plan with the next table.
            leaderboards.mark_dirty();
        }
        *running.outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
    });
    Ok((StatusCode::ACCEPTED, Json(job.view())))
}

async fn get_import(
    _: Operator,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Json<ImportJob>, ApiError> {
    let job = state.imports.get(&id).ok_or(ApiError::NotFound)?;
    Ok(Json(job.view()))
}
