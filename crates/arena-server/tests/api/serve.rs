//! The HTTP server's own defences (`arena_server::serve`): a client that sends nothing, or its
//! headers too slowly, or no next request on a kept-alive connection, is cut off; a slow
//! request is answered 408; a full server sheds its longest-idle connection for a newcomer,
//! never one with a request in flight, and makes newcomers wait only while every connection
//! has one.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arena_server::serve::{ServeLimits, serve};
use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};

/// `/hold` requests stay in flight until the test releases them; each says when it started.
struct Held {
    started: mpsc::UnboundedReceiver<()>,
    release: Arc<Semaphore>,
}

async fn spawn(limits: ServeLimits) -> (std::net::SocketAddr, Held) {
    let (started, started_rx) = mpsc::unbounded_channel();
    let release = Arc::new(Semaphore::new(0));
    let gate = Arc::clone(&release);
    let router = Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route(
            "/hold",
            get(move || {
                let started = started.clone();
                let gate = Arc::clone(&gate);
                async move {
                    started.send(()).unwrap();
                    gate.acquire().await.unwrap().forget();
                    "released"
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    (
        addr,
        Held {
            started: started_rx,
            release,
        },
    )
}

fn limits() -> ServeLimits {
    ServeLimits {
        header_read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(300),
        max_connections: 2,
        max_connections_per_address: 2,
        drain: Duration::from_secs(1),
        ..ServeLimits::default()
    }
}

/// A client that opens a new connection for each request (none kept idle), giving up after
/// `timeout`.
fn fresh_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(timeout)
        .build()
        .unwrap()
}

/// Reads until the server closes `stream`: what it sent, or `None` if still open after
/// `patience`.
async fn until_closed(stream: &mut TcpStream, patience: Duration) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    tokio::time::timeout(patience, stream.read_to_end(&mut buf))
        .await
        .ok()
        .map(|_| buf)
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_cut_off_after_the_header_timeout() {
    let (addr, _) = spawn(limits()).await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    assert!(
        until_closed(&mut silent, Duration::from_secs(5))
            .await
            .is_some(),
        "the connection was still open after 5 s"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_kept_alive_connection_that_sends_no_next_request_is_cut_off() {
    let (addr, _) = spawn(limits()).await;
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let sent = until_closed(&mut conn, Duration::from_secs(5))
        .await
        .expect("the idle connection was still open after 5 s");
    let sent = String::from_utf8_lossy(&sent);
    assert!(sent.starts_with("HTTP/1.1 200"), "{sent}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let (addr, _) = spawn(limits()).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    // The server closes the connection (after its 408, if it sends one) instead of waiting.
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_408() {
    let (addr, _) = spawn(limits()).await;
    let res = reqwest::get(format!("http://{addr}/slow")).await.unwrap();
    assert_eq!(res.status(), 408);
}

#[tokio::test]
async fn a_newcomer_sheds_the_longest_idle_connection_never_one_with_a_request_in_flight() {
    let (addr, mut held) = spawn(ServeLimits {
        request_timeout: Duration::from_secs(30),
        header_read_timeout: Duration::from_secs(30),
        max_connections_per_address: 10,
        ..limits()
    })
    .await;
    // Two places: one connection with a request in flight, one that has sent nothing.
    let in_flight = tokio::spawn(
        fresh_client(Duration::from_secs(10))
            .get(format!("http://{addr}/hold"))
            .send(),
    );
    held.started.recv().await.unwrap();
    let mut idle = TcpStream::connect(addr).await.unwrap();

    let newcomer = fresh_client(Duration::from_secs(2))
        .get(format!("http://{addr}/"))
        .send()
        .await
        .expect("the newcomer is answered, not left waiting");
    assert_eq!(newcomer.status(), 200);
    assert!(
        until_closed(&mut idle, Duration::from_secs(2))
            .await
            .is_some(),
        "the idle connection made room"
    );
    held.release.add_permits(1);
    let answered = in_flight
        .await
        .unwrap()
        .expect("the held request was not cut");
    assert_eq!(answered.text().await.unwrap(), "released");
}

#[tokio::test]
async fn while_every_connection_has_a_request_in_flight_a_newcomer_waits() {
    let (addr, mut held) = spawn(ServeLimits {
        request_timeout: Duration::from_secs(30),
        max_connections_per_address: 10,
        ..limits()
    })
    .await;
    let client = fresh_client(Duration::from_secs(10));
    let both: Vec<_> = (0..2)
        .map(|_| tokio::spawn(client.get(format!("http://{addr}/hold")).send()))
        .collect();
    held.started.recv().await.unwrap();
    held.started.recv().await.unwrap();

    let impatient = fresh_client(Duration::from_millis(500));
    assert!(
        impatient
            .get(format!("http://{addr}/"))
            .send()
            .await
            .is_err()
    );
    held.release.add_permits(2);
    for request in both {
        assert_eq!(request.await.unwrap().unwrap().status(), 200);
    }
    let ok = client.get(format!("http://{addr}/")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let (addr, _) = spawn(ServeLimits {
        header_read_timeout: Duration::from_secs(30),
        max_connections: 100,
        max_connections_per_address: 2,
        ..limits()
    })
    .await;
    let _a = TcpStream::connect(addr).await.unwrap();
    let _b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The third from the same address is closed at once, without an answer.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .ok();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), third.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "closed, not left waiting");
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
}
