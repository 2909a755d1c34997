//! The invited panel in the store: batches of codes (only each code's SHA-256 is kept: the codes
//! derive from the server secret, `token.rs`), redeemed once in a transaction, and panelists, each
//! a random pseudonym with the coarse profile they gave. Nothing links a code to its panelist: an
//! operator revokes an unused code, or a panelist by pseudonym, never one through the other.

use arena_core::panel::Profile;
use arena_core::round::RoundState;

/// Why a code could not be redeemed (the person's to mend; a 4xx, and nothing stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinRefused {
    /// No code of ours.
    Unknown,
    /// Redeemed already (codes are single-use).
    Redeemed,
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
}

/// A panelist's round and whether an operator revoked them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelistStanding {
    pub round_id: i64,
    pub revoked: bool,
}
