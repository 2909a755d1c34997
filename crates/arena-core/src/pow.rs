//! Proof of work: a small computation a browser does before the server hands out a new voter id,
//! or, under a flood, before every battle.
//!
//! Why: a public arena must be hard to stuff with scripted votes, and KWCAG forbids a gate that
//! only a person can pass (a CAPTCHA), so nothing here is ever shown to anyone. It costs an honest
//! phone a fraction of a second once, and a script that wants ten thousand voter ids ten thousand
//! times as much. It is self-hosted: the server signs a challenge (see `arena-server`'s `pow.rs`),
//! the browser finds a `nonce`, the server checks it. Both sides use [`meets`] from this module,
//! so the rule is written once.
//!
//! The rule (hashcash): `SHA-256(challenge ":" nonce)` must start with `bits` zero bits, `nonce` in
//! decimal. On average that takes `2^bits` hashes; the server picks `bits`.

use sha2::{Digest, Sha256};

/// The request header that carries a solved challenge: `<challenge>:<nonce>`.
pub const HEADER: &str = "x-arena-pow";

/// Most leading zero bits the server may ask for (2^24 hashes is seconds on a phone already).
pub const MAX_BITS: u8 = 24;

/// A challenge as the server sends it with a `pow_required` error.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Challenge {
    /// Opaque, signed by the server; hashed as it is.
    pub challenge: String,
    /// Leading zero bits the hash must have.
    pub bits: u8,
}

fn hash(challenge: &str, nonce: u64) -> [u8; 32] {
    let digits = itoa_buf(nonce);
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(digits.as_str().as_bytes());
    h.finalize().into()
}

/// A nonce in decimal without allocating per attempt on the hot path of the solver.
struct Digits {
    bytes: [u8; 20],
    start: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or("0")
    }
}

fn itoa_buf(mut n: u64) -> Digits {
    let mut bytes = [0u8; 20];
    let mut start = bytes.len();
    loop {
        start -= 1;
        bytes[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    Digits { bytes, start }
}

fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// Whether `nonce` solves `challenge` at `bits`.
pub fn meets(challenge: &str, nonce: u64, bits: u8) -> bool {
    leading_zero_bits(&hash(challenge, nonce)) >= u32::from(bits.min(MAX_BITS))
}

/// Finds the smallest nonce from `start` that solves the challenge, trying at most `max_tries`
/// nonces (so a caller can yield to the page between slices); `None` if none of them does.
pub fn solve_from(challenge: &Challenge, start: u64, max_tries: u64) -> Option<u64> {
    (start..start.saturating_add(max_tries))
        .find(|n| meets(&challenge.challenge, *n, challenge.bits))
}

/// The value of the [`HEADER`] for a solution.
pub fn header_value(challenge: &Challenge, nonce: u64) -> String {
    format!("{}:{nonce}", challenge.challenge)
}

/// Splits a [`HEADER`] value into challenge and nonce.
pub fn parse_header(value: &str) -> Option<(&str, u64)> {
    let (challenge, nonce) = value.trim().rsplit_once(':')?;
    if challenge.is_empty() || nonce.len() > 20 {
        return None;
    }
    Some((challenge, nonce.parse().ok()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decimal_nonces_are_written_as_decimal() {
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            assert_eq!(itoa_buf(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn the_hash_is_sha256_of_challenge_colon_nonce() {
        // Computed independently: `printf 'abc:0' | sha256sum`, `printf 'abc:1234567' | sha256sum`.
        let hex = |h: [u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(hash("abc", 0)),
            "5f36efce86f68877cee18fda5637abb2a1bb409f4326cc741fdf13200aa26980"
        );
        assert_eq!(
            hex(hash("abc", 1_234_567)),
            "be7ca0ce981bf840a45a85bb8aedce906734264f7fc2581d146b16f7f8dc4a05"
        );
    }

    #[test]
    fn a_found_solution_meets_the_rule_and_others_mostly_do_not() {
        let c = Challenge {
            challenge: "test-challenge".into(),
            bits: 12,
        };
        let nonce = solve_from(&c, 0, 1 << 20).unwrap();
        assert!(meets(&c.challenge, nonce, c.bits));
        // Every nonce before the found one fails, by construction of the search.
        assert!((0..nonce).all(|n| !meets(&c.challenge, n, c.bits)));
        // Another challenge does not accept the same nonce (with overwhelming probability).
        assert!(!meets("other-challenge", nonce, 20));
    }

    #[test]
    fn headers_round_trip_and_junk_is_refused() {
        let c = Challenge {
            challenge: "AbC_-1.xyz".into(),
            bits: 8,
        };
        let v = header_value(&c, 42);
        assert_eq!(parse_header(&v), Some(("AbC_-1.xyz", 42)));
        for junk in [
            "",
            ":",
            "abc",
            "abc:",
            ":12",
            "abc:-1",
            "abc:1e3",
            "abc:999999999999999999999",
        ] {
            assert_eq!(parse_header(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn zero_bits_accepts_anything_and_bits_are_capped() {
        assert!(meets("x", 0, 0));
        assert_eq!(leading_zero_bits(&[0; 32]), 256);
        assert_eq!(leading_zero_bits(&[0b0001_0000; 32]), 3);
    }
}
