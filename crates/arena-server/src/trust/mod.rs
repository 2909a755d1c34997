//! Votes the public can trust: one citizen, one fair voice, without a third-party captcha.
//!
//! Every request passes through here before the arena does anything with it:
//! - `address.rs`: the client's address (behind trusted proxies only), kept as a daily-keyed hash;
//! - `voter.rs`: voter ids the server signs; a battle is sealed to the voter it was drawn for;
//! - `limits.rs`: rate limits per voter and per address (refused with 429 and `Retry-After`);
//! - `pow.rs`: proof of work for new voter ids and, under a flood, for every battle;
//! - [`Trust::vote_flags`] here: what makes a stored vote not count (too fast, another voter's
//!   battle); [`Trust::daily_caps`]: the caps the store checks in the vote's own transaction;
//!   and `audit.rs`: what a look back at recent votes finds (one-sided
//!   voters, campaigns of voters linked by shared addresses, leaning bursts of new voters, and
//!   `model_campaign.rs`: a model that wins far beyond the table among voters who came together).
//!
//! Nothing is deleted: a flagged vote is kept with its reasons and left out of the leaderboard,
//! which says how many were left out and why.
//!
//! Defaults and why (each is a setting, see README):
//! - A school or an office shares one address: 30 pupils of a class arrive together, each reads a
//!   battle a minute at most. So an address gets 60 new voter ids an hour (a class at once, then
//!   one a minute), 600 requests a minute from visitors without a voter id yet, 30 downloads of
//!   snapshot files an hour (a class fetching the open data once each) and 3,000 counted votes
//!   a day; a voter 12 votes and 30 battles a minute (nobody reads faster), 30
//!   sets of reasons a minute (a few taps per vote, changed now and then) and 200 counted votes
//!   a day (an evening of honest voting is far fewer).
//! - A voter id draws battles for 90 days: months of a citizen's history (the audit looks back a
//!   week, the caps a day), while ids made in bulk and left to sleep must be made again.
//! - Reading time: 4 ms per character of the two answers, at least 3 s, at most 10 s. Adults read
//!   Korean at roughly 10–20 syllables a second; 250 characters a second is skimming both answers
//!   many times faster than that, so no one who looked at both is ever held up.

pub mod address;
pub mod audit;
pub mod limits;
pub mod model_campaign;
pub mod pow;
mod score;
pub mod voter;

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;

use arena_core::{Flag, Flags};
use axum::http::HeaderMap;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::store::{DailyCaps, DynStore};
use crate::token::{BattleClaims, TokenKeys};
use address::{AddressHasher, AddressHashes, TrustedProxies};
use limits::{Buckets, Rate};
use pow::{PowGate, PowMode};
use voter::{SignedVoter, VoterId};

/// `ARENA_MIN_READ_MS`: `auto` (from the answers' length) or a fixed number of milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MinRead {
    #[default]
    Auto,
    Fixed(u32),
}

impl FromStr for MinRead {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "auto" => Ok(MinRead::Auto),
            n => n
                .parse()
                .map(MinRead::Fixed)
                .map_err(|_| format!("ARENA_MIN_READ_MS is auto or milliseconds, not {n:?}")),
        }
    }
}

impl MinRead {
    /// The reading time for a battle whose two answers have `chars` characters together.
    pub fn for_chars(self, chars: usize) -> u32 {
        match self {
            MinRead::Fixed(ms) => ms,
            MinRead::Auto => (chars.saturating_mul(4)).clamp(3_000, 10_000) as u32,
        }
    }
}

/// What the abuse audit looks for; see `audit.rs`.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditSettings {
    /// How far back the audit looks (a week: ids that vote a little every day add up).
    pub window_ms: i64,
    /// A voter's score test statistic for one model beyond this flags the voter.
    pub one_sided_z: f64,
    /// Fewest battles with a model before a voter is tested on it.
    pub one_sided_min_battles: u32,
    /// The same test over the voters linked by shared addresses, pooled.
    pub campaign_z: f64,
    /// New voters from one address within an hour beyond this are a burst.
    pub new_voter_burst: u32,
    /// A model's score test within a group of voters who arrived or voted together, against
    /// the rest of the table, beyond this holds the group's votes with it.
    pub model_campaign_z: f64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            window_ms: 7 * 24 * 3600 * 1000,
            one_sided_z: 4.5,
            one_sided_min_battles: 12,
            campaign_z: 5.0,
            new_voter_burst: 40,
            model_campaign_z: 5.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrustSettings {
    pub trusted_proxies: TrustedProxies,
    pub min_read: MinRead,
    /// `ARENA_RATE_LIMITS=off` switches off the refusals (429) and the daily caps.
    pub limits_enabled: bool,
    pub voter_votes: Rate,
    pub voter_battles: Rate,
    /// Reasons one voter may send (each replaces the last, for ten minutes after a vote).
    pub voter_reasons: Rate,
    pub address_requests: Rate,
    pub address_new_voters: Rate,
    /// Full downloads of snapshots' battle files one address may make.
    pub address_downloads: Rate,
    /// New voter ids over the whole site beyond this rate mean a flood (proof of work in `auto`).
    pub site_new_voters: Rate,
    pub voter_daily_cap: u64,
    pub address_daily_cap: u64,
    pub pow: PowMode,
    pub pow_bits: u8,
    /// Address hashes are erased from votes older than this.
    pub address_retention_days: u32,
    /// A voter id draws battles for this many days after it was issued (see `voter.rs`).
    pub voter_id_days: u32,
    pub audit: AuditSettings,
}

impl Default for TrustSettings {
    fn default() -> Self {
        let rate = |count, per_ms| Rate { count, per_ms };
        TrustSettings {
            trusted_proxies: TrustedProxies::default(),
            min_read: MinRead::Auto,
            limits_enabled: true,
            voter_votes: rate(12, 60_000),
            voter_battles: rate(30, 60_000),
            voter_reasons: rate(30, 60_000),
            address_requests: rate(600, 60_000),
            address_new_voters: rate(60, 3_600_000),
            address_downloads: rate(30, 3_600_000),
            site_new_voters: rate(300, 60_000),
            voter_daily_cap: 200,
            address_daily_cap: 3_000,
            pow: PowMode::Auto,
            pow_bits: 15,
            address_retention_days: 30,
            voter_id_days: 90,
            audit: AuditSettings::default(),
        }
    }
}

/// The state behind the rules: the buckets, the proof-of-work gate, the address hasher.
#[derive(Debug)]
pub struct Trust {
    pub settings: TrustSettings,
    clock: Arc<dyn Clock>,
    keys: Arc<TokenKeys>,
    hasher: AddressHasher,
    pub pow: PowGate,
    voter_votes: Buckets,
    voter_battles: Buckets,
    voter_reasons: Buckets,
    address_requests: Buckets,
    address_new_voters: Buckets,
    address_downloads: Buckets,
    site_new_voters: Buckets,
}

/// What admitting a battle request decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BattleAdmission {
    pub voter: SignedVoter,
    /// The voter id is new: set it in a cookie.
    pub new_voter: bool,
}

impl Trust {
    pub fn new(
        settings: TrustSettings,
        store: DynStore,
        keys: Arc<TokenKeys>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Trust {
            hasher: AddressHasher::new(store, Arc::clone(&clock)),
            pow: PowGate::new(Arc::clone(&keys), Arc::clone(&clock), settings.pow_bits),
            keys,
            voter_votes: Buckets::new(settings.voter_votes),
            voter_battles: Buckets::new(settings.voter_battles),
            voter_reasons: Buckets::new(settings.voter_reasons),
            address_requests: Buckets::new(settings.address_requests),
            address_new_voters: Buckets::new(settings.address_new_voters),
            address_downloads: Buckets::new(settings.address_downloads),
            site_new_voters: Buckets::new(settings.site_new_voters),
            settings,
            clock,
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The keyed hashes of the request's client address: the address itself (stored with a
    /// vote) and its network (what the limits per address count; see `address.rs`).
    pub async fn address(
        &self,
        peer: SocketAddr,
        headers: &HeaderMap,
    ) -> Result<AddressHashes, ApiError> {
        let ip = self.settings.trusted_proxies.client_address(peer, headers);
        Ok(self.hasher.hash(ip).await?)
    }

    fn voter_id_ms(&self) -> i64 {
        i64::from(self.settings.voter_id_days) * 24 * 3600 * 1000
    }

    /// The voter of a request, if its id is still good for drawing battles (`voter_id_days`).
    pub fn voter(&self, headers: &HeaderMap) -> Option<SignedVoter> {
        voter::fresh_from_headers(headers, &self.keys, self.now_ms(), self.voter_id_ms())
    }

    /// The voter cookie for `voter`, kept by the browser as long as the id is good.
    pub fn voter_cookie(&self, voter: &SignedVoter, secure: bool) -> String {
        let left_ms = voter.issued_at_ms() + self.voter_id_ms() - self.now_ms();
        let signed = voter.signed(&self.keys);
        voter::set_cookie(&signed, secure, u64::try_from(left_ms / 1000).unwrap_or(0))
    }

    fn limited(result: Result<(), i64>) -> Result<(), ApiError> {
        result.map_err(|wait_ms| ApiError::RateLimited {
            retry_after_secs: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1),
        })
    }

    /// A request that no voter id of ours answers for (a new visitor, a vote with a bad token)
    /// takes from its address's bucket. Requests of known voters are their voter's business, so
    /// one pupil's junk cannot lock a whole school out.
    pub fn admit_anonymous(&self, address: &str) -> Result<(), ApiError> {
        if !self.settings.limits_enabled {
            return Ok(());
        }
        Self::limited(self.address_requests.take(address, self.now_ms()))
    }

    fn flooded(&self, address: &str, now: i64) -> bool {
        self.address_requests.level(address, now) < 0.5
            || self.address_new_voters.level(address, now) < 0.5
            || self.site_new_voters.level("site", now) < 0.5
    }

    /// Decides whether a battle may be drawn for this request, and for which voter: its own, or
    /// a new one (limited per address, and paid for with proof of work when that is due).
    pub fn admit_battle(
        &self,
        address: &str,
        voter: Option<SignedVoter>,
        pow_header: Option<&str>,
    ) -> Result<BattleAdmission, ApiError> {
        let now = self.now_ms();
        let limits = self.settings.limits_enabled;
        if limits {
            match voter {
                Some(v) => Self::limited(self.voter_battles.would_allow(&v.id.hex(), now))?,
                None => {
                    Self::limited(self.address_requests.take(address, now))?;
                    Self::limited(self.address_new_voters.would_allow(address, now))?;
                }
            }
        }
        let pow_due = match self.settings.pow {
            PowMode::Off => false,
            PowMode::Auto => self.flooded(address, now),
            PowMode::On => voter.is_none() || self.flooded(address, now),
        };
        if pow_due && !self.pow.accept(pow_header, address) {
            return Err(ApiError::PowRequired(self.pow.challenge(address)));
        }
        let admission = match voter {
            Some(voter) => {
                if limits {
                    Self::limited(self.voter_battles.take(&voter.id.hex(), now))?;
                }
                BattleAdmission {
                    voter,
                    new_voter: false,
                }
            }
            None => {
                // The site-wide count is only a flood signal, never a refusal.
                let _ = self.site_new_voters.take("site", now);
                if limits {
                    Self::limited(self.address_new_voters.take(address, now))?;
                }
                BattleAdmission {
                    voter: SignedVoter::issue(now),
                    new_voter: true,
                }
            }
        };
        Ok(admission)
    }

    /// A vote from this voter may be sent now (else 429).
    pub fn admit_vote(&self, voter: &VoterId) -> Result<(), ApiError> {
        if !self.settings.limits_enabled {
            return Ok(());
        }
        Self::limited(self.voter_votes.take(&voter.hex(), self.now_ms()))
    }

    /// A snapshot's battle file may be sent to this address (its network) now (else 429): a
    /// file may be large, and one address should not make the server send it in a loop.
    pub fn admit_download(&self, address: &str) -> Result<(), ApiError> {
        if !self.settings.limits_enabled {
            return Ok(());
        }
        Self::limited(self.address_downloads.take(address, self.now_ms()))
    }

    /// Reasons from this voter may be sent now (else 429): each is a write, and a script must
    /// not rewrite reasons in a loop.
    pub fn admit_reasons(&self, voter: &VoterId) -> Result<(), ApiError> {
        if !self.settings.limits_enabled {
            return Ok(());
        }
        Self::limited(self.voter_reasons.take(&voter.hex(), self.now_ms()))
    }

    /// Why a vote about to be stored would not count (empty: it counts), apart from the daily
    /// caps, which the store checks in the vote's own transaction ([`Trust::daily_caps`]).
    pub fn vote_flags(&self, claims: &BattleClaims, voter: Option<VoterId>, now: i64) -> Flags {
        let mut flags = Flags::EMPTY;
        if now - claims.issued_at_ms < i64::from(claims.min_read_ms) {
            flags.insert(Flag::TooFast);
        }
        if voter.map(|v| v.0) != Some(claims.voter) {
            flags.insert(Flag::VoterMismatch);
        }
        flags
    }

    /// The daily caps for a vote from `address` (`None` when limits are off): the address's
    /// cap counts its network (an IPv6 /48), like every other limit per address.
    pub fn daily_caps(&self, address: &AddressHashes) -> Option<DailyCaps> {
        self.settings.limits_enabled.then(|| DailyCaps {
            voter: self.settings.voter_daily_cap,
            address: self.settings.address_daily_cap,
            address_hashes: [address.network.clone(), address.network_yesterday.clone()],
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_grows_with_the_answers_within_bounds() {
        assert_eq!(MinRead::Auto.for_chars(0), 3_000);
        assert_eq!(MinRead::Auto.for_chars(1_000), 4_000);
        assert_eq!(MinRead::Auto.for_chars(100_000), 10_000);
        assert_eq!(MinRead::Fixed(1_500).for_chars(100_000), 1_500);
        assert_eq!("auto".parse::<MinRead>().unwrap(), MinRead::Auto);
        assert_eq!("250".parse::<MinRead>().unwrap(), MinRead::Fixed(250));
        assert!("fast".parse::<MinRead>().is_err());
    }
}
