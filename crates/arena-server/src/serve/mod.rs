//! The HTTP server around the router: what a public service needs and `axum::serve` lacks.
//!
//! - A connection must send its request headers within `header_read_timeout`, counted from
//!   the moment it is accepted and again from the end of each response: a connection that
//!   sends nothing, a keep-alive connection that sends no next request, and a slow client
//!   (slowloris) are all closed after it, so silent sockets cannot hold places for ever. Each
//!   request is answered within `request_timeout` (408 otherwise), and a request body must
//!   arrive within `body_timeout`.
//! - At most `max_connections` connections at once, so a flood cannot exhaust memory or file
//!   descriptors. When every place is taken, a newcomer makes room by closing the connection
//!   idle the longest (it never sent a byte, or waits between keep-alive requests): a table
//!   full of idle sockets must not keep the site from answering. A connection with a request
//!   in flight is never shed; only when all have one does a newcomer wait (`connections.rs`
//!   keeps the idle ones in order, no scan per accept).
//! - One client may hold at most `max_connections_per_address` of them (trusted proxies are
//!   exempt): one machine cannot take every place. A client is its IPv4 address or its IPv6
//!   /64, where a device's privacy addresses rotate (`per_address.rs`).
//! - The peer's address travels with each request (`ConnectInfo`), for `trust::address`.
//! - Shutdown stops accepting, closes idle connections, lets requests in flight finish (up to
//!   `drain`), then returns.
//!
//! HTTP/1.1 only: hyper's HTTP/1 server starts the header timer before the first byte, where
//! hyper-util's auto server first waits, without a timeout, for bytes to tell the version.

mod connections;
mod per_address;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use crate::trust::address::TrustedProxies;
use connections::{Connections, InFlightBody, Watched};
use per_address::PerAddress;

#[derive(Clone, Debug)]
pub struct ServeLimits {
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    /// Peers the per-address limit does not apply to (the reverse proxies).
    pub exempt: TrustedProxies,
    /// How long shutdown waits for requests in flight.
    pub drain: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(5),
            max_connections: 4096,
            max_connections_per_address: 256,
            exempt: TrustedProxies::default(),
            drain: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = router
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_timeout,
        ));
    let per_address = Arc::new(PerAddress::default());
    let table = Arc::new(Connections::default());
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // Bounded so that shutdown can wait for every place with one `acquire_many`.
    let places = limits.max_connections.clamp(1, u32::MAX as usize);
    let permits = Arc::new(Semaphore::new(places));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if limits.exempt.trusts(peer.ip()) {
            None
        } else {
            match per_address.take(peer.ip(), limits.max_connections_per_address) {
                Some(slot) => Some(slot),
                // This client holds its share already: close at once, no request is read.
                None => continue,
            }
        };
        let Some(permit) = place(&permits, &table, &mut shutdown).await else {
            break;
        };
        let _ = stream.set_nodelay(true);
        let conn = table.open();
        let service = {
            let conn = Arc::clone(&conn);
            let router = router.clone();
            hyper::service::service_fn(move |mut request: axum::http::Request<Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                let in_flight = conn.request_started();
                let response = router.clone().oneshot(request);
                async move {
                    let response = response.await?;
                    Ok::<_, Infallible>(response.map(|body| InFlightBody {
                        body,
                        _in_flight: in_flight,
                    }))
                }
            })
        };
        let io = TokioIo::new(Watched {
            stream,
            conn: Arc::clone(&conn),
        });
        let connection = http.serve_connection(io, service);
        tokio::spawn(async move {
            {
                tokio::pin!(connection);
                tokio::select! {
                    _ = connection.as_mut() => {}
                    () = conn.closed() => {
                        // Closes at once if idle; answers a request already read, then closes.
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                    }
                }
            }
            // Out of the table first, then the places: a newcomer never sheds a closed one.
            drop(conn);
            drop((permit, slot));
        });
    }
    drop(listener);
    table.close_all();
    let all = u32::try_from(places).unwrap_or(u32::MAX);
    tokio::select! {
        _ = permits.acquire_many(all) => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!("shutdown: requests still in flight after the drain time");
        }
    }
    Ok(())
}

/// A place for a new connection: a free one, or one made by shedding the longest-idle
/// connection. While every connection has a request in flight it waits for one to finish or
/// fall idle. `None` when shutdown comes first.
async fn place(
    permits: &Arc<Semaphore>,
    table: &Connections,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> Option<OwnedSemaphorePermit> {
    loop {
        if let Ok(permit) = Arc::clone(permits).try_acquire_owned() {
            return Some(permit);
        }
        // The shed connection gives its place back when its task ends: at once, or after
        // answering a request whose bytes won the race with the shedding.
        let shed = table.shed_longest_idle();
        tokio::select! {
            permit = Arc::clone(permits).acquire_owned() => return permit.ok(),
            () = table.fell_idle(), if !shed => {}
            () = &mut *shutdown => return None,
        }
    }
}
