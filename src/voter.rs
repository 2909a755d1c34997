//! The voter id the server issued to this browser, kept between visits.
//!
//! The server also sets it in an HttpOnly cookie, but a browser may refuse cookies to the arena
//! when it is embedded in a government portal's frame; so the app keeps its own copy in
//! `localStorage` and sends it with every request (`api.rs`, header
//! [`arena_core::api::VOTER_HEADER`]). Where even storage throws (blocked in a frame, private
//! mode), the id lives in memory for as long as the page is open.
//!
//! The id is opaque and signed by the server: nothing personal, nothing to read here.

use std::cell::RefCell;

const STORAGE_KEY: &str = "kai-voter";

thread_local! {
    static IN_MEMORY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether `id` can travel in a header: the server issues `<hex>.<digits>.<hex>` (and once issued
/// `<hex>.<hex>`); anything else (an edited storage entry) is not sent, and the server then
/// treats the browser as new. What is inside is the server's business, as is when an id expires:
/// then a battle comes with a new one, which [`remember`] keeps.
pub(crate) fn well_formed(id: &str) -> bool {
    !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// The voter id to send, if this browser has one.
pub fn current() -> Option<String> {
    IN_MEMORY
        .with_borrow(Clone::clone)
        .or_else(|| {
            crate::address::local_storage()?
                .get_item(STORAGE_KEY)
                .ok()
                .flatten()
        })
        .filter(|id| well_formed(id))
}

/// Keeps the id from a battle response (the server may have issued a new one).
pub fn remember(id: &str) {
    if !well_formed(id) {
        return;
    }
    IN_MEMORY.with_borrow_mut(|kept| *kept = Some(id.to_owned()));
    if let Some(storage) = crate::address::local_storage() {
        // Full or blocked storage: the copy in memory still serves this visit.
        let _ = storage.set_item(STORAGE_KEY, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_shaped_like_the_servers_are_sent() {
        assert!(well_formed("0123abcd.89ef"));
        assert!(well_formed("0123abcd.1800000000.89ef"));
        assert!(!well_formed(""));
        assert!(!well_formed("abc\r\nx-other: 1"));
        assert!(!well_formed("투표자"));
        assert!(!well_formed(&"a".repeat(300)));
    }
}
