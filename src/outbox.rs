//! Votes kept in this browser until the server has them: a vote is written here before it is
//! sent, and leaves only when the server answers for it (stored, or refused for good). When the
//! network drops, the request times out or the server fails, the vote stays, the page says it is
//! saved and pending, and it is sent again with the same battle token: every few seconds, when the
//! browser comes back online, and when the app next opens. Sending twice is safe, as the server
//! answers a repeated vote with the same reveal; keyed by token, a reload neither loses nor
//! doubles a vote.
//!
//! Kept in `localStorage` (`kai-outbox`); where storage is blocked, in memory for this visit.

use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use arena_core::Choice;
use arena_core::api::VoteResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api::{self, ApiError};

const STORAGE_KEY: &str = "kai-outbox";
/// How often pending votes are tried again while any wait.
const RETRY_EVERY: Duration = Duration::from_secs(5);
/// More than this many waiting votes is not a network problem; the oldest go first.
const MAX_PENDING: usize = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingVote {
    pub token: String,
    pub choice: Choice,
}

thread_local! {
    static IN_MEMORY: RefCell<Option<Vec<PendingVote>>> = const { RefCell::new(None) };
    static IN_FLIGHT: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

fn load() -> Vec<PendingVote> {
    if let Some(kept) = IN_MEMORY.with_borrow(Clone::clone) {
        return kept;
    }
    crate::address::local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn save(votes: &[PendingVote]) {
    let stored = crate::address::local_storage().is_some_and(|s| {
        if votes.is_empty() {
            return s.remove_item(STORAGE_KEY).is_ok();
        }
        serde_json::to_string(votes).is_ok_and(|json| s.set_item(STORAGE_KEY, &json).is_ok())
    });
    // Storage refused (blocked in a frame, full): memory keeps the votes for this visit.
    IN_MEMORY.with_borrow_mut(|kept| *kept = (!stored).then(|| votes.to_vec()));
}

/// Adds a vote (once per token) and returns what is pending.
fn keep(vote: PendingVote) -> Vec<PendingVote> {
    let mut votes = load();
    if !votes.iter().any(|v| v.token == vote.token) {
        votes.push(vote);
        let excess = votes.len().saturating_sub(MAX_PENDING);
        votes.drain(..excess);
        save(&votes);
    }
    votes
}

fn forget(token: &str) -> Vec<PendingVote> {
    let mut votes = load();
    votes.retain(|v| v.token != token);
    save(&votes);
    votes
}

/// A vote the outbox delivered after its page had given up waiting for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivered {
    pub token: String,
    pub choice: Choice,
    pub response: VoteResponse,
}

/// What the pages see of the outbox.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Votes saved here and not yet stored by the server.
    pub pending: RwSignal<Vec<PendingVote>>,
    /// The last vote delivered by a retry (the battle page shows its reveal if it is still open).
    pub delivered: RwSignal<Option<Delivered>>,
    /// Votes delivered by retries during this visit.
    pub delivered_count: RwSignal<u32>,
    /// Pending votes the server refused for good (e.g. the battle expired while offline).
    pub dropped: RwSignal<u32>,
}

impl Outbox {
    /// Puts the outbox in the context, sends what an earlier visit left, and keeps trying.
    pub fn provide() -> Outbox {
        let outbox = Outbox {
            pending: RwSignal::new(load()),
            delivered: RwSignal::new(None),
            delivered_count: RwSignal::new(0),
            dropped: RwSignal::new(0),
        };
        provide_context(outbox);
        outbox.flush();
        let retry = set_interval_with_handle(move || outbox.flush(), RETRY_EVERY).ok();
        let online = window_event_listener(leptos::ev::online, move |_| outbox.flush());
        on_cleanup(move || {
            if let Some(retry) = retry {
                retry.clear();
            }
            online.remove();
        });
        outbox
    }

    /// Sends a vote, keeping it here first. `Err` with a retryable error means it is pending.
    pub async fn send(self, token: String, choice: Choice) -> Result<VoteResponse, ApiError> {
        self.pending.set(keep(PendingVote {
            token: token.clone(),
            choice,
        }));
        IN_FLIGHT.with_borrow_mut(|f| f.insert(token.clone()));
        let result = api::vote(&token, choice).await;
        IN_FLIGHT.with_borrow_mut(|f| f.remove(&token));
        if !matches!(&result, Err(e) if e.worth_retrying()) {
            self.pending.try_set(forget(&token));
        }
        result
    }

    /// Tries every pending vote not already on its way.
    pub fn flush(self) {
        for vote in load() {
            let started = IN_FLIGHT.with_borrow_mut(|f| f.insert(vote.token.clone()));
            if !started {
                continue;
            }
            spawn_local(async move {
                let result = api::vote(&vote.token, vote.choice).await;
                IN_FLIGHT.with_borrow_mut(|f| f.remove(&vote.token));
                match result {
                    Err(e) if e.worth_retrying() => return,
                    Ok(response) => {
                        self.delivered_count.try_update(|n| *n += 1);
                        self.delivered.try_set(Some(Delivered {
                            token: vote.token.clone(),
                            choice: vote.choice,
                            response,
                        }));
                    }
                    Err(_) => {
                        self.dropped.try_update(|n| *n += 1);
                    }
                }
                self.pending.try_set(forget(&vote.token));
            });
        }
    }

    pub fn is_pending(self, token: &str) -> bool {
        self.pending.with(|p| p.iter().any(|v| v.token == token))
    }
}

/// The outbox of this app (a fresh one outside an app, e.g. in a component test).
pub fn use_outbox() -> Outbox {
    use_context::<Outbox>().unwrap_or_else(Outbox::provide)
}
