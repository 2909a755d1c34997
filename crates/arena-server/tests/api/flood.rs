//! A flood of connections that never send a byte, against the whole arena. Measured on 38d9d14:
//! 4,200 of them from 20 addresses, none closed in 40 s, and `/healthz` failed every probe:
//! the server waited for their first bytes without a timeout, and they held every place. Now
//! each is closed after the header timeout, and while every place is taken a newcomer sheds
//! the connection idle the longest.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use arena_server::serve::ServeLimits;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::helpers::{Options, TestApp, spawn_app_with};

/// Silent connections, spread over `ADDRESSES` client addresses 127.0.0.2 … 127.0.0.21 (all of
/// 127/8 is loopback on Linux); the probes come from 127.0.0.1.
const SILENT: usize = 4200;
const ADDRESSES: usize = 20;

/// The limits the tests rely on, stated: `header_read_timeout` and `max_connections` as given,
/// 256 connections per address (210 silent ones from each fit under it), the rest
/// `arena-server serve`'s defaults.
fn limits(header_read_timeout: Duration, max_connections: usize) -> ServeLimits {
    ServeLimits {
        header_read_timeout,
        max_connections,
        max_connections_per_address: 256,
        ..ServeLimits::default()
    }
}

fn server_address(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().unwrap()
}

/// A connection from `from` to `to` that never sends a byte.
async fn silent(from: Ipv4Addr, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    tokio::time::timeout(Duration::from_secs(10), socket.connect(to))
        .await
        .expect("connected within 10 s")
        .unwrap()
}

/// Reads until the server closes `stream` (end of file or an error): true if it did before
/// `deadline`.
async fn closed_by(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut sink = [0u8; 512];
    let until_closed = async {
        // A server may answer 408 before it closes; read past it.
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::time::timeout_at(deadline.into(), until_closed)
        .await
        .is_ok()
}

/// The test holds both ends of every silent connection: 8,400 descriptors, and the rest of
/// the suite runs beside it. Here `ulimit -n` is 20,000 (soft and hard), which fits; a lower
/// soft limit is raised up to the hard one.
fn allow_open_files(need: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|soft| soft < need) {
        assert!(
            limit.maximum.is_none_or(|hard| hard >= need),
            "the flood needs {need} open files; the hard limit is {:?}",
            limit.maximum
        );
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(need),
                maximum: limit.maximum,
            },
        )
        .unwrap();
    }
}

/// Probes `url` on a new connection each time (2 s each), until `stop`: (ok, total, failures).
async fn probe(url: String, mut stop: watch::Receiver<bool>) -> (usize, usize, Vec<String>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let (mut ok, mut total, mut failures) = (0, 0, Vec::new());
    loop {
        total += 1;
        match client.get(&url).send().await {
            Ok(res) if res.status() == 200 => ok += 1,
            Ok(res) => failures.push(format!("status {}", res.status())),
            Err(e) => failures.push(e.to_string()),
        }
        // A probe every 200 ms: a pace, not a condition.
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
    (ok, total, failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_after_the_header_timeout_and_the_site_answers_throughout() {
    allow_open_files(2 * SILENT as u64 + 2000);
    let header_timeout = Duration::from_secs(2);
    let app = spawn_app_with(Options {
        limits: limits(header_timeout, 4096),
        ..Options::default()
    })
    .await;
    let server = server_address(&app);
    let (stop, stopped) = watch::channel(false);
    let probes = tokio::spawn(probe(app.url("/healthz"), stopped));

    // Each address opens its share one after another (all at once would overflow the
    // listen backlog); each socket then waits to be closed, for the header timeout + 5 s.
    let patience = header_timeout + Duration::from_secs(5);
    let started = Instant::now();
    let mut waiting = JoinSet::new();
    let mut opening = JoinSet::new();
    for a in 0..ADDRESSES {
        let from = Ipv4Addr::new(127, 0, 0, 2 + a as u8);
        opening.spawn(async move {
            let mut opened = Vec::new();
            for _ in 0..SILENT / ADDRESSES {
                opened.push((silent(from, server).await, Instant::now()));
            }
            opened
        });
    }
    while let Some(opened) = opening.join_next().await {
        for (mut stream, at) in opened.unwrap() {
            waiting.spawn(async move {
                let closed = closed_by(&mut stream, at + patience).await;
                (closed, at.elapsed())
            });
        }
    }
    let all_open = started.elapsed();
    let (mut closed, mut slowest) = (0, Duration::ZERO);
    while let Some(result) = waiting.join_next().await {
        let (was_closed, after) = result.unwrap();
        if was_closed {
            closed += 1;
            slowest = slowest.max(after);
        }
    }
    stop.send(true).unwrap();
    let (ok, total, failures) = probes.await.unwrap();

    eprintln!(
        "{SILENT} silent connections from {ADDRESSES} addresses, all open after {all_open:.1?}: \
         {closed} closed by the server within {patience:?} of opening (the last after \
         {slowest:.1?}); /healthz {ok}/{total} probes answered 200"
    );
    assert!(
        closed * 100 >= SILENT * 95,
        "only {closed} of {SILENT} silent connections were closed within {patience:?}"
    );
    assert!(total >= 5, "only {total} probes");
    assert_eq!(
        ok, total,
        "/healthz failed while the flood was open: {failures:?}"
    );
}

#[tokio::test]
async fn with_every_place_held_by_a_silent_connection_a_request_is_still_answered() {
    // 50 places, and a header timeout far longer than the test: only shedding makes room.
    let app = spawn_app_with(Options {
        limits: limits(Duration::from_secs(60), 50),
        ..Options::default()
    })
    .await;
    let server = server_address(&app);
    let mut held = Vec::new();
    for _ in 0..50 {
        held.push(silent(Ipv4Addr::new(127, 0, 0, 2), server).await);
    }

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let res = client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("answered promptly, not left in the backlog");
    assert_eq!(res.status(), 200);

    // The connection idle the longest made room; the newest was left alone.
    let soon = Instant::now() + Duration::from_secs(2);
    assert!(
        closed_by(&mut held[0], soon).await,
        "the oldest silent connection was shed"
    );
    let a_moment = Instant::now() + Duration::from_millis(200);
    assert!(!closed_by(&mut held[49], a_moment).await);
}
