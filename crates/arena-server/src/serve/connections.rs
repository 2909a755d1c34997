//! Which connections are open and which of them are idle, longest first: what lets a full
//! server make room for a newcomer by closing the connection that has waited longest without a
//! request (`serve` reads this).
//!
//! A connection is idle from the moment it is accepted, and again each time its response has
//! been sent, until its next bytes arrive; from those bytes until its response is sent (the
//! body dropped) it has a request in flight and is never shed. Idle connections sit in a
//! `BTreeMap` keyed by a ticket that only grows, so the longest idle is the first key: falling
//! idle, waking and shedding are each O(log n) under one lock, with no scan of the table.
//!
//! Shedding and a request's first bytes race under that lock. Whichever comes first wins; a
//! connection shed just as bytes arrived is asked to close gracefully, so hyper still answers a
//! request it has already read (and closes at once a connection that has sent nothing).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// The table of open connections.
#[derive(Default)]
pub(super) struct Connections {
    inner: Mutex<Inner>,
    /// Wakes the accept loop, waiting for a place, when a connection has fallen idle.
    fell_idle: Notify,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    next_ticket: u64,
    open: HashMap<u64, Entry>,
    /// Ticket → connection id, for the idle ones: the first is the longest idle.
    idle: BTreeMap<u64, u64>,
}

struct Entry {
    signal: Arc<Signal>,
    /// Requests whose response is not yet sent (one at a time in HTTP/1, counted all the same).
    requests: u32,
    /// Its key in `Inner::idle` while it is idle.
    ticket: Option<u64>,
    /// Asked to close: it never falls idle again.
    closing: bool,
}

/// What the table tells one connection.
#[derive(Default)]
struct Signal {
    /// A hint for the read path, kept under the lock: is it idle? (Saves the lock on every read.)
    idle: AtomicBool,
    close: Notify,
}

impl Inner {
    fn fall_idle(&mut self, id: u64) {
        let ticket = self.next_ticket;
        if let Some(entry) = self.open.get_mut(&id) {
            if entry.closing || entry.requests > 0 || entry.ticket.is_some() {
                return;
            }
            self.next_ticket += 1;
            entry.ticket = Some(ticket);
            entry.signal.idle.store(true, Ordering::Release);
            self.idle.insert(ticket, id);
        }
    }

    fn wake(&mut self, id: u64) -> Option<&mut Entry> {
        let entry = self.open.get_mut(&id)?;
        if let Some(ticket) = entry.ticket.take() {
            entry.signal.idle.store(false, Ordering::Release);
            self.idle.remove(&ticket);
        }
        Some(entry)
    }
}

impl Connections {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a new connection, idle (it has sent nothing yet).
    pub(super) fn open(self: &Arc<Self>) -> Arc<Conn> {
        let signal = Arc::new(Signal::default());
        let mut inner = self.lock();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.open.insert(
            id,
            Entry {
                signal: Arc::clone(&signal),
                requests: 0,
                ticket: None,
                closing: false,
            },
        );
        inner.fall_idle(id);
        Arc::new(Conn {
            id,
            table: Arc::clone(self),
            signal,
        })
    }

    /// Asks the longest-idle connection to close; false when none is idle.
    pub(super) fn shed_longest_idle(&self) -> bool {
        let mut inner = self.lock();
        let Some((_, id)) = inner.idle.pop_first() else {
            return false;
        };
        if let Some(entry) = inner.open.get_mut(&id) {
            entry.ticket = None;
            entry.closing = true;
            entry.signal.idle.store(false, Ordering::Release);
            entry.signal.close.notify_one();
        }
        true
    }

    /// Resolves once a connection has fallen idle since the last call (or now, if one did).
    pub(super) async fn fell_idle(&self) {
        self.fell_idle.notified().await;
    }

    /// Asks every connection to close once its request in flight, if any, is answered.
    pub(super) fn close_all(&self) {
        let mut inner = self.lock();
        inner.idle.clear();
        for entry in inner.open.values_mut() {
            entry.ticket = None;
            entry.closing = true;
            entry.signal.idle.store(false, Ordering::Release);
            entry.signal.close.notify_one();
        }
    }

    #[cfg(test)]
    fn idle_count(&self) -> usize {
        self.lock().idle.len()
    }
}

/// One connection's place in the table, shared by its task, its socket and its requests; the
/// last one dropped takes it out.
pub(super) struct Conn {
    id: u64,
    table: Arc<Connections>,
    signal: Arc<Signal>,
}

impl Conn {
    /// Bytes arrived: a request is on its way.
    fn bytes_arrived(&self) {
        if self.signal.idle.load(Ordering::Acquire) {
            self.table.lock().wake(self.id);
        }
    }

    /// A request's headers are read; it is in flight until the returned guard is dropped.
    pub(super) fn request_started(self: &Arc<Self>) -> InFlight {
        if let Some(entry) = self.table.lock().wake(self.id) {
            entry.requests += 1;
        }
        InFlight(Arc::clone(self))
    }

    /// Resolves when the table asks this connection to close (shed, or the server stopping).
    pub(super) async fn closed(&self) {
        self.signal.close.notified().await;
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let mut inner = self.table.lock();
        if let Some(entry) = inner.open.remove(&self.id)
            && let Some(ticket) = entry.ticket
        {
            inner.idle.remove(&ticket);
        }
    }
}

/// A request in flight; dropped with its response body, once the body is sent (or abandoned).
pub(super) struct InFlight(Arc<Conn>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let conn = &self.0;
        let mut inner = conn.table.lock();
        let Some(entry) = inner.open.get_mut(&conn.id) else {
            return;
        };
        entry.requests = entry.requests.saturating_sub(1);
        if entry.requests == 0 {
            inner.fall_idle(conn.id);
            drop(inner);
            conn.table.fell_idle.notify_one();
        }
    }
}

/// A response body that keeps its request in flight until it is sent.
pub(super) struct InFlightBody {
    pub(super) body: Body,
    /// Held, never read: dropped with the body.
    pub(super) _in_flight: InFlight,
}

impl hyper::body::Body for InFlightBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, telling the table when bytes arrive.
pub(super) struct Watched {
    pub(super) stream: TcpStream,
    pub(super) conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.conn.bytes_arrived();
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_longest_idle_is_shed_first_and_a_request_in_flight_never() {
        let table = Arc::new(Connections::default());
        let silent = table.open();
        let busy = table.open();
        let between = table.open();
        // `between` has answered a request since, so it fell idle after `silent`.
        drop(between.request_started());
        let in_flight = busy.request_started();
        assert_eq!(table.idle_count(), 2);

        assert!(table.shed_longest_idle());
        tokio::time::timeout(std::time::Duration::from_secs(1), silent.closed())
            .await
            .expect("the silent connection is told to close");
        assert!(table.shed_longest_idle());
        tokio::time::timeout(std::time::Duration::from_secs(1), between.closed())
            .await
            .expect("then the one between requests");
        assert!(
            !table.shed_longest_idle(),
            "a request in flight is never shed"
        );

        // Answered, it falls idle and can be shed.
        drop(in_flight);
        assert!(table.shed_longest_idle());
    }

    #[test]
    fn a_connection_leaves_the_table_when_its_last_holder_drops_it() {
        let table = Arc::new(Connections::default());
        let conn = table.open();
        let request = conn.request_started();
        drop(conn);
        assert_eq!(table.lock().open.len(), 1, "its request still holds it");
        drop(request);
        assert!(table.lock().open.is_empty());
        assert!(table.lock().idle.is_empty());
    }

    #[test]
    fn a_shed_connection_never_falls_idle_again() {
        let table = Arc::new(Connections::default());
        let conn = table.open();
        assert!(table.shed_longest_idle());
        // Its bytes had arrived already: hyper answers that request, then it closes.
        drop(conn.request_started());
        assert!(!table.shed_longest_idle());
    }
}
