//! The credential of an invited panelist (`/join`), kept between visits like the voter id and
//! sent with every request to the arena (`api.rs`, header [`arena_core::panel::PANELIST_HEADER`]);
//! the server reads it only for the battles and votes of the round it was issued for. It is
//! opaque and signed by the server: a random pseudonym, the round, a signature — nothing
//! personal, and not the invitation code.

use std::cell::RefCell;

const STORAGE_KEY: &str = "kai-panelist";

thread_local! {
    static IN_MEMORY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The credential to send, if this browser joined a panel.
pub fn current() -> Option<String> {
    IN_MEMORY
        .with_borrow(Clone::clone)
        .or_else(|| {
            crate::address::local_storage()?
                .get_item(STORAGE_KEY)
                .ok()
                .flatten()
        })
        .filter(|c| crate::voter::well_formed(c))
}

/// Keeps the credential a join answered with (in memory too, where storage is blocked).
pub fn remember(credential: &str) {
    if !crate::voter::well_formed(credential) {
        return;
    }
    IN_MEMORY.with_borrow_mut(|kept| *kept = Some(credential.to_owned()));
    if let Some(storage) = crate::address::local_storage() {
        let _ = storage.set_item(STORAGE_KEY, credential);
    }
}
