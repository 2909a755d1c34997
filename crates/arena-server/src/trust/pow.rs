//! The server's side of proof of work: signed challenges, bound to an address and a few minutes,
//! each accepted once. The rule itself is `arena_core::pow`, shared with the browser.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use arena_core::pow::{self, Challenge};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::clock::Clock;
use crate::token::TokenKeys;

/// `ARENA_POW`: when proof of work is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PowMode {
    /// Never (a closed evaluation in a hall, load benchmarks).
    Off,
    /// Only while an address or the whole site is flooded: then for new voter ids and for every
    /// battle drawn from there.
    #[default]
    Auto,
    /// Always for new voter ids; under a flood also for every battle.
    On,
}

impl FromStr for PowMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(PowMode::Off),
            "auto" => Ok(PowMode::Auto),
            "on" => Ok(PowMode::On),
            other => Err(format!("ARENA_POW is auto, on or off, not {other:?}")),
        }
    }
}

/// A challenge is good for this long after it is issued.
const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;
const BODY_LEN: usize = 16 + 8 + 1 + 8;

#[derive(Debug)]
pub struct PowGate {
    keys: Arc<TokenKeys>,
    clock: Arc<dyn Clock>,
    pub bits: u8,
    /// Challenges already used, until they expire (per server: with several servers a solved
    /// challenge could be used once on each, which the limits behind it absorb).
    used: Mutex<HashMap<[u8; 16], i64>>,
}

impl PowGate {
    pub fn new(keys: Arc<TokenKeys>, clock: Arc<dyn Clock>, bits: u8) -> Self {
        PowGate {
            keys,
            clock,
            bits: bits.min(pow::MAX_BITS),
            used: Mutex::new(HashMap::new()),
        }
    }

    fn address_tag(address_hash: &str) -> [u8; 8] {
        let mut tag = [0u8; 8];
        for (i, b) in address_hash.bytes().take(8).enumerate() {
            tag[i] = b;
        }
        tag
    }

    /// A fresh challenge for a client at `address_hash`.
    pub fn challenge(&self, address_hash: &str) -> Challenge {
        let mut body = Vec::with_capacity(BODY_LEN);
        body.extend_from_slice(&rand::random::<[u8; 16]>());
        body.extend_from_slice(&(self.clock.now_ms() + CHALLENGE_TTL_MS).to_be_bytes());
        body.push(self.bits);
        body.extend_from_slice(&Self::address_tag(address_hash));
        let tag = self.keys.pow_tag(&body);
        Challenge {
            challenge: format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(&body),
                URL_SAFE_NO_PAD.encode(tag)
            ),
            bits: self.bits,
        }
    }

    /// Whether the header value is a solved, unexpired, unused challenge issued to this address
    /// (and marks it used).
    pub fn accept(&self, header: Option<&str>, address_hash: &str) -> bool {
        let Some((challenge, nonce)) = header.and_then(pow::parse_header) else {
            return false;
        };
        let Some((body, tag)) = challenge.split_once('.') else {
            return false;
        };
        let (Ok(body), Ok(tag)) = (URL_SAFE_NO_PAD.decode(body), URL_SAFE_NO_PAD.decode(tag))
        else {
            return false;
        };
        if body.len() != BODY_LEN || !self.keys.verify_pow_tag(&body, &tag) {
            return false;
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&body[..16]);
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&body[16..24]);
        let expires_ms = i64::from_be_bytes(expires);
        let bits = body[24];
        let now = self.clock.now_ms();
        if expires_ms < now
            || body[25..] != Self::address_tag(address_hash)
            || bits < self.bits
            || !pow::meets(challenge, nonce, bits)
        {
            return false;
        }
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        // Sweep expired entries only once the set has grown, not on every accept.
        if used.len() >= 4096 {
            used.retain(|_, exp| *exp >= now);
        }
        used.insert(id, expires_ms).is_none()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn gate(bits: u8) -> (PowGate, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(1_000_000));
        let keys = Arc::new(TokenKeys::from_secret(b"secret"));
        (PowGate::new(keys, clock.clone(), bits), clock)
    }

    #[test]
    fn a_solved_challenge_is_accepted_once_for_its_address_and_time() {
        let (gate, clock) = gate(8);
        let c = gate.challenge("addr-one");
        let nonce = pow::solve_from(&c, 0, 1 << 16).unwrap();
        let header = pow::header_value(&c, nonce);
        assert!(!gate.accept(Some(&header), "addr-two"), "another address");
        assert!(gate.accept(Some(&header), "addr-one"));
        assert!(!gate.accept(Some(&header), "addr-one"), "used twice");

        let c = gate.challenge("addr-one");
        let nonce = pow::solve_from(&c, 0, 1 << 16).unwrap();
        clock.advance(CHALLENGE_TTL_MS + 1);
        assert!(
            !gate.accept(Some(&pow::header_value(&c, nonce)), "addr-one"),
            "expired"
        );
    }

    #[test]
    fn unsolved_forged_or_easier_challenges_are_refused() {
        let (gate, _) = gate(12);
        let c = gate.challenge("a");
        let wrong = (0..).find(|n| !pow::meets(&c.challenge, *n, 12)).unwrap();
        assert!(!gate.accept(Some(&pow::header_value(&c, wrong)), "a"));
        assert!(!gate.accept(None, "a"));
        assert!(!gate.accept(Some("junk"), "a"));
        // A challenge signed by another server secret.
        let (other, _) = {
            let clock = Arc::new(ManualClock::new(1_000_000));
            let keys = Arc::new(TokenKeys::from_secret(b"other"));
            (PowGate::new(keys, clock.clone(), 12), clock)
        };
        let c = other.challenge("a");
        let n = pow::solve_from(&c, 0, 1 << 20).unwrap();
        assert!(!gate.accept(Some(&pow::header_value(&c, n)), "a"));
        // A challenge issued at 4 bits is not enough once the gate asks for 12.
        let (easy, _) = {
            let clock = Arc::new(ManualClock::new(1_000_000));
            let keys = Arc::new(TokenKeys::from_secret(b"secret"));
            (PowGate::new(keys, clock.clone(), 4), clock)
        };
        let c = easy.challenge("a");
        let n = (0..)
            .find(|n| pow::meets(&c.challenge, *n, 4) && !pow::meets(&c.challenge, *n, 12))
            .unwrap();
        assert!(!gate.accept(Some(&pow::header_value(&c, n)), "a"));
    }
}
