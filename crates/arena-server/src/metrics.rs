//! What an operator watches: Prometheus text on an address of its own (`ARENA_METRICS_ADDR`,
//! e.g. `127.0.0.1:9464`), never on the public one, and off unless configured.
//!
//! - `arena_http_requests_total{route,method,status}` and
//!   `arena_http_request_duration_seconds{route}`: every request, by its route's pattern (never
//!   the path a client typed) and its method (a standard one, or `other`: a client may send any
//!   token there), so no one can grow the label set;
//! - `arena_votes_total{outcome}`: votes stored as `counted` or `flagged`, and `duplicate` retries;
//! - `arena_votes_flagged_by_audit_total{reason}`, `arena_model_campaign_seconds` (the audit's
//!   model-level test), `arena_leaderboard_recompute_seconds`,
//!   `arena_leaderboard_counted_votes`;
//! - `arena_vote_batch_size`: votes per group commit (SQLite);
//! - `arena_db_connections{state}`: the database pool's open and idle connections.
//!
//! No label carries anything personal: no address, no voter id.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::store::DynStore;

/// Installs the process's recorder (once) and returns the handle that renders it.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let seconds = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ];
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &seconds)?
        .set_buckets_for_metric(
            Matcher::Full("arena_vote_batch_size".into()),
            &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
        )?
        .install_recorder()
        .context("cannot install the metrics recorder")
}

/// Middleware: counts and times every request by its route's pattern.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("arena_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("arena_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The `method` label: the methods the arena answers as themselves, any other as `other`.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        _ => "other",
    }
}

/// Serves `GET /metrics` on `addr` until the process ends.
pub async fn serve(
    addr: SocketAddr,
    handle: PrometheusHandle,
    store: DynStore,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for metrics (ARENA_METRICS_ADDR)"))?;
    let router = Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            let store = store.clone();
            async move {
                let (open, idle) = store.pool_stats();
                metrics::gauge!("arena_db_connections", "state" => "open").set(f64::from(open));
                metrics::gauge!("arena_db_connections", "state" => "idle").set(idle as f64);
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
            }
        }),
    );
    tracing::info!(%addr, "metrics at http://{addr}/metrics");
    axum::serve(listener, router).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_label_is_a_standard_method_or_other() {
        for known in ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
            let method = Method::from_bytes(known.as_bytes()).expect("a method");
            assert_eq!(method_label(&method), known);
        }
        for invented in ["BREW", "get", "PROPFIND", "CONNECT", "TRACE", "X-1234567"] {
            let method = Method::from_bytes(invented.as_bytes()).expect("a method token");
            assert_eq!(method_label(&method), "other", "{invented}");
        }
    }
}
