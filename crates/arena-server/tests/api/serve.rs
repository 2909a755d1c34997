//! The HTTP server's own defences (`arena_server::serve`): a client that sends its headers too
//! slowly is cut off, a slow request is answered 408, and connections beyond the limit wait.

use std::time::{Duration, Instant};

use arena_server::serve::{ServeLimits, serve};
use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn spawn(limits: ServeLimits) -> std::net::SocketAddr {
    let router = Router::new().route("/", get(|| async { "ok" })).route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    addr
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

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let addr = spawn(limits()).await;
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
    let addr = spawn(limits()).await;
    let res = reqwest::get(format!("http://{addr}/slow")).await.unwrap();
    assert_eq!(res.status(), 408);
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_one() {
    let addr = spawn(ServeLimits {
        header_read_timeout: Duration::from_secs(30),
        max_connections_per_address: 10,
        ..limits()
    })
    .await;
    // Two idle connections hold both places.
    let a = TcpStream::connect(addr).await.unwrap();
    let b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    assert!(client.get(format!("http://{addr}/")).send().await.is_err());
    drop((a, b));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ok = client.get(format!("http://{addr}/")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let addr = spawn(ServeLimits {
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
