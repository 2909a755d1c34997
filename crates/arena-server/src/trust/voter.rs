//! The voter: a random id the server issues and signs, nothing personal.
//!
//! It lets the arena see one browser's votes together (limits, one-sided voting) without knowing
//! who anyone is. The server signs it, so a made-up or altered id counts as none; a script cannot
//! spread its votes over ids of its own invention, and a new id costs what [`super`] charges for
//! one (a limit per address, proof of work under a flood).
//!
//! An id is signed with the second it was issued and is good for `ARENA_VOTER_ID_DAYS` (90 by
//! default): long enough that a citizen's history counts where it matters (the audit looks back
//! a week, the daily caps a day), short enough that ids made in bulk months ago and left to sleep
//! must be made, and paid for, again. Past its days an id draws no battle: the browser is new
//! and gets a new id. The id is not renewed by use, or a farm that votes now and then would
//! keep its ids for ever. A vote is matched to its battle by the signature alone: the battle (at
//! most `ARENA_TOKEN_TTL_SECS` old) was drawn while its id was good.
//!
//! Ids of the first format (`<id>.<signature>`, no issue time) are read as none: their age cannot
//! be known, and those are exactly the ones a sleeping farm holds. A returning citizen gets a new
//! id once, as any new browser does.
//!
//! The browser carries it twice: in an HttpOnly cookie, and, for browsers that refuse cookies in
//! a cross-site frame, in the `x-arena-voter` header the app sends from its own storage. The app
//! keeps whatever id a battle comes with and never reads it.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::token::TokenKeys;

pub const COOKIE_NAME: &str = "kai_voter";

/// An id may claim to be issued a little in the future (clock skew between servers), no more.
const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// A voter id the server issued: 16 random bytes, shown as 32 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VoterId(pub [u8; 16]);

impl VoterId {
    pub fn new_random() -> Self {
        VoterId(rand::random())
    }

    /// What is stored with votes.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// A voter id as the browser carries it: the id and when it was issued, signed together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedVoter {
    pub id: VoterId,
    /// Whole seconds since the Unix epoch.
    pub issued_secs: u64,
}

impl SignedVoter {
    /// A new random id, issued at `now_ms`.
    pub fn issue(now_ms: i64) -> Self {
        SignedVoter {
            id: VoterId::new_random(),
            issued_secs: u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0),
        }
    }

    pub fn issued_at_ms(&self) -> i64 {
        i64::try_from(self.issued_secs)
            .unwrap_or(i64::MAX / 1000)
            .saturating_mul(1000)
    }

    /// What the browser keeps: `<id>.<issued>.<signature>` (hex, decimal seconds, hex).
    pub fn signed(&self, keys: &TokenKeys) -> String {
        let tag = keys.voter_tag(&self.id.0, self.issued_secs);
        format!(
            "{}.{}.{}",
            self.id.hex(),
            self.issued_secs,
            hex::encode(tag)
        )
    }

    /// Reads a signed id, whatever its age; `None` for anything the server did not issue.
    pub fn verify(text: &str, keys: &TokenKeys) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let (id, issued, tag) = (parts.next()?, parts.next()?, parts.next()?);
        // One spelling only: no sign, no spaces, no fourth part.
        if parts.next().is_some()
            || id.len() != 32
            || tag.len() != 32
            || issued.is_empty()
            || issued.len() > 12
            || !issued.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let id: [u8; 16] = hex::decode(id).ok()?.try_into().ok()?;
        let issued_secs: u64 = issued.parse().ok()?;
        let tag = hex::decode(tag).ok()?;
        keys.verify_voter_tag(&id, issued_secs, &tag)
            .then_some(SignedVoter {
                id: VoterId(id),
                issued_secs,
            })
    }

    /// Whether the id is still good at `now_ms`: issued within `max_age_ms`, and not later than
    /// another server's clock could have said.
    pub fn fresh(&self, now_ms: i64, max_age_ms: i64) -> bool {
        let issued = self.issued_at_ms();
        issued <= now_ms.saturating_add(MAX_CLOCK_SKEW_MS)
            && now_ms.saturating_sub(issued) <= max_age_ms
    }
}

/// The signed ids a request carries: the header first (the app's own copy), then the cookie.
fn carried<'a>(headers: &'a HeaderMap) -> impl Iterator<Item = &'a str> + 'a {
    let header = headers
        .get(arena_core::api::VOTER_HEADER)
        .and_then(|v| v.to_str().ok());
    let cookies = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        // A header stuffed with thousands of voter cookies costs no more than a few.
        .take(4)
        .map(|(_, value)| value);
    header.into_iter().chain(cookies)
}

/// The voter of a request, whatever the age of its id (a vote is matched to its battle, which
/// was drawn while the id was good). An id that does not verify is ignored, as if there were none.
pub fn from_headers(headers: &HeaderMap, keys: &TokenKeys) -> Option<VoterId> {
    carried(headers).find_map(|text| SignedVoter::verify(text, keys).map(|v| v.id))
}

/// The voter of a request whose id is still good (see [`SignedVoter::fresh`]): what draws a
/// battle. An id past its days counts as none, so the browser gets a new one.
pub fn fresh_from_headers(
    headers: &HeaderMap,
    keys: &TokenKeys,
    now_ms: i64,
    max_age_ms: i64,
) -> Option<SignedVoter> {
    carried(headers)
        .filter_map(|text| SignedVoter::verify(text, keys))
        .find(|v| v.fresh(now_ms, max_age_ms))
}

/// The `Set-Cookie` value for a voter id, kept by the browser for `max_age_secs` (the id's
/// days). Over HTTPS it is `SameSite=None; Secure; Partitioned`, so it also works inside a
/// government portal's frame (a partitioned cookie belongs to that portal's page only, which is
/// all the arena needs); over plain HTTP (development) `Lax`.
pub fn set_cookie(signed: &str, secure: bool, max_age_secs: u64) -> String {
    let site = if secure {
        "SameSite=None; Secure; Partitioned"
    } else {
        "SameSite=Lax"
    };
    format!("{COOKIE_NAME}={signed}; Path=/; Max-Age={max_age_secs}; HttpOnly; {site}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_800_000_000_000;
    const DAY_MS: i64 = 24 * 3600 * 1000;

    #[test]
    fn only_ids_the_server_signed_are_read() {
        let keys = TokenKeys::from_secret(b"secret one");
        let other = TokenKeys::from_secret(b"secret two");
        let voter = SignedVoter::issue(NOW_MS);
        let signed = voter.signed(&keys);
        assert_eq!(signed.len(), 32 + 1 + 10 + 1 + 32, "{signed}");
        assert_eq!(SignedVoter::verify(&signed, &keys), Some(voter));
        assert_eq!(SignedVoter::verify(&signed, &other), None);
        // A made-up id, an altered one, junk.
        let made_up = format!("{}.1800000000.{}", "a".repeat(32), "b".repeat(32));
        let mut altered = signed.clone().into_bytes();
        altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
        let hex = voter.id.hex();
        let (_, tag) = signed.rsplit_once('.').unwrap();
        let spelled_otherwise = format!("{hex}.+{}.{tag}", voter.issued_secs);
        let fourth_part = format!("{signed}.0");
        for bad in [
            made_up.as_str(),
            std::str::from_utf8(&altered).unwrap(),
            "",
            ".",
            "..",
            "../../etc",
            &hex,
            &spelled_otherwise,
            &fourth_part,
        ] {
            assert_eq!(SignedVoter::verify(bad, &keys), None, "{bad:?}");
        }
    }

    #[test]
    fn the_issue_time_is_signed_with_the_id() {
        let keys = TokenKeys::from_secret(b"secret");
        let voter = SignedVoter::issue(NOW_MS - 100 * DAY_MS);
        let signed = voter.signed(&keys);
        // Made younger by hand: the signature no longer holds.
        let younger = signed.replace(
            &format!(".{}.", voter.issued_secs),
            &format!(".{}.", voter.issued_secs + 20 * 86_400),
        );
        assert_ne!(younger, signed);
        assert_eq!(SignedVoter::verify(&younger, &keys), None);
        assert_eq!(SignedVoter::verify(&signed, &keys), Some(voter));
    }

    #[test]
    fn an_id_is_good_for_its_days_and_not_from_the_future() {
        let ninety = 90 * DAY_MS;
        let at = |ms: i64| SignedVoter::issue(ms);
        assert!(at(NOW_MS).fresh(NOW_MS, ninety));
        assert!(at(NOW_MS - ninety).fresh(NOW_MS, ninety));
        assert!(!at(NOW_MS - ninety - 1_000).fresh(NOW_MS, ninety));
        // Another server's clock a little ahead is fine; a date far ahead is not.
        assert!(at(NOW_MS + 60_000).fresh(NOW_MS, ninety));
        assert!(!at(NOW_MS + DAY_MS).fresh(NOW_MS, ninety));
    }

    /// The first format, `<id>.<signature of the id>`: no issue time, so no age to trust.
    #[test]
    fn ids_of_the_first_format_are_read_as_none() {
        use hmac::{Hmac, Mac};
        let secret = b"secret";
        let keys = TokenKeys::from_secret(secret);
        let mut derive = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        derive.update(b"kai-arena voter id signing v1");
        let v1_key = derive.finalize().into_bytes();
        let id = VoterId::new_random();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&v1_key).unwrap();
        mac.update(&id.0);
        let legacy = format!(
            "{}.{}",
            id.hex(),
            hex::encode(&mac.finalize().into_bytes()[..16])
        );
        assert_eq!(SignedVoter::verify(&legacy, &keys), None);
        let mut headers = HeaderMap::new();
        headers.insert(arena_core::api::VOTER_HEADER, legacy.parse().unwrap());
        assert_eq!(from_headers(&headers, &keys), None);
    }

    #[test]
    fn the_header_wins_over_the_cookie_and_bad_values_count_as_none() {
        let keys = TokenKeys::from_secret(b"secret");
        let (a, b) = (SignedVoter::issue(NOW_MS), SignedVoter::issue(NOW_MS));
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("x=y; {COOKIE_NAME}={}; z=w", a.signed(&keys))
                .parse()
                .unwrap(),
        );
        assert_eq!(from_headers(&headers, &keys), Some(a.id));
        headers.insert(
            arena_core::api::VOTER_HEADER,
            b.signed(&keys).parse().unwrap(),
        );
        assert_eq!(from_headers(&headers, &keys), Some(b.id));
        headers.insert(arena_core::api::VOTER_HEADER, "forged".parse().unwrap());
        assert_eq!(from_headers(&headers, &keys), Some(a.id));
        headers.insert(COOKIE, format!("{COOKIE_NAME}=forged").parse().unwrap());
        assert_eq!(from_headers(&headers, &keys), None);
    }

    #[test]
    fn an_id_past_its_days_draws_nothing_and_a_good_cookie_behind_it_does() {
        let keys = TokenKeys::from_secret(b"secret");
        let ninety = 90 * DAY_MS;
        let old = SignedVoter::issue(NOW_MS - 91 * DAY_MS);
        let young = SignedVoter::issue(NOW_MS - DAY_MS);
        let mut headers = HeaderMap::new();
        headers.insert(
            arena_core::api::VOTER_HEADER,
            old.signed(&keys).parse().unwrap(),
        );
        assert_eq!(fresh_from_headers(&headers, &keys, NOW_MS, ninety), None);
        // Its votes still find their battles (drawn while it was good).
        assert_eq!(from_headers(&headers, &keys), Some(old.id));
        headers.insert(
            COOKIE,
            format!("{COOKIE_NAME}={}", young.signed(&keys))
                .parse()
                .unwrap(),
        );
        assert_eq!(
            fresh_from_headers(&headers, &keys, NOW_MS, ninety),
            Some(young)
        );
    }

    #[test]
    fn cookies_are_partitioned_over_https_and_last_the_ids_days() {
        let c = set_cookie("v", true, 90 * 86_400);
        assert!(c.contains("SameSite=None; Secure; Partitioned"), "{c}");
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("Max-Age=7776000;"), "{c}");
        assert!(set_cookie("v", false, 60).contains("SameSite=Lax"));
    }
}
