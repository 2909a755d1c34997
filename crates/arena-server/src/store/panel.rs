//! The invited panel in the store: batches of codes (only each code's SHA-256 is kept: the codes
//! derive from the server secret, `token.rs`), redeemed once in a transaction, and panelists, each
//! a random pseudonym with the coarse profile they gave. Nothing links a code to its panelist: an
//! operator revokes an unused code, or a panelist by pseudonym, never one through the other;
//! only a batch whose operator allowed recovery keeps, on each used code, its panelist masked
//! with a key derived from the code itself (migration 0017).

use arena_core::panel::Profile;
use arena_core::round::RoundState;

/// Why a code could not be redeemed (the person's to mend; a 4xx, and nothing stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinRefused {
    /// No code of ours.
    Unknown,
    /// Redeemed already (codes are single-use).
    Redeemed,
    /// Redeemed already, in a batch that lets a panelist come back: what the code's row keeps
    /// (the masked pseudonym and the kind of device; see [`NewPanelist::recovery`]).
    Recoverable(String),
    /// An operator revoked it.
    Revoked,
    /// Its round takes no panelist now (not open, or past its closing time).
    RoundNotOpen,
}

/// Why an operator's change to the panel was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelRefused {
    NotFound,
    /// Codes are made for a round in draft or open only.
    RoundState {
        from: RoundState,
    },
    /// The code was redeemed already; revoke its panelist instead (by pseudonym).
    Redeemed,
}

/// A panelist as stored when a code is redeemed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPanelist {
    /// Hex of 16 random bytes.
    pub id: String,
    pub profile: Profile,
    pub joined_at_ms: i64,
    /// What the code's row keeps if its batch allows recovery: the pseudonym masked with a key
    /// derived from the code, and the kind of device (`api/panel.rs` makes and reads it).
    pub recovery: String,
}

/// A panelist's round and whether an operator revoked them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelistStanding {
    pub round_id: i64,
    pub revoked: bool,
}
