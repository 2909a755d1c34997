//! The voter: a random id the server issues and signs, nothing personal.
//!
//! It lets the arena see one browser's votes together (limits, one-sided voting) without knowing
//! who anyone is. The server signs it, so a made-up or altered id counts as none; a script cannot
//! spread its votes over ids of its own invention, and a new id costs what [`super`] charges for
//! one (a limit per address, proof of work under a flood).
//!
//! The browser carries it twice: in an HttpOnly cookie, and, for browsers that refuse cookies in
//! a cross-site frame, in the `x-arena-voter` header the app sends from its own storage.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::token::TokenKeys;

pub const COOKIE_NAME: &str = "kai_voter";
const ONE_YEAR_SECS: u64 = 365 * 24 * 3600;

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

    /// What the browser keeps: `<id>.<signature>`.
    pub fn signed(&self, keys: &TokenKeys) -> String {
        format!("{}.{}", self.hex(), hex::encode(keys.voter_tag(&self.0)))
    }

    /// Reads a signed id; `None` for anything the server did not issue.
    pub fn verify(text: &str, keys: &TokenKeys) -> Option<Self> {
        let (id, tag) = text.trim().split_once('.')?;
        if id.len() != 32 || tag.len() != 32 {
            return None;
        }
        let id: [u8; 16] = hex::decode(id).ok()?.try_into().ok()?;
        let tag = hex::decode(tag).ok()?;
        keys.verify_voter_tag(&id, &tag).then_some(VoterId(id))
    }
}

/// The voter of a request: the header first (the app's own copy), then the cookie. An id that
/// does not verify is ignored, as if there were none.
pub fn from_headers(headers: &HeaderMap, keys: &TokenKeys) -> Option<VoterId> {
    let from_header = headers
        .get(arena_core::api::VOTER_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| VoterId::verify(v, keys));
    from_header.or_else(|| {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == COOKIE_NAME)
            // A header stuffed with thousands of voter cookies costs no more than a few.
            .take(4)
            .find_map(|(_, value)| VoterId::verify(value, keys))
    })
}

/// The `Set-Cookie` value for a voter id. Over HTTPS it is `SameSite=None; Secure; Partitioned`,
/// so it also works inside a government portal's frame (a partitioned cookie belongs to that
/// portal's page only, which is all the arena needs); over plain HTTP (development) `Lax`.
pub fn set_cookie(signed: &str, secure: bool) -> String {
    let site = if secure {
        "SameSite=None; Secure; Partitioned"
    } else {
        "SameSite=Lax"
    };
    format!("{COOKIE_NAME}={signed}; Path=/; Max-Age={ONE_YEAR_SECS}; HttpOnly; {site}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_the_server_signed_are_read() {
        let keys = TokenKeys::from_secret(b"secret one");
        let other = TokenKeys::from_secret(b"secret two");
        let id = VoterId::new_random();
        let signed = id.signed(&keys);
        assert_eq!(VoterId::verify(&signed, &keys), Some(id));
        assert_eq!(VoterId::verify(&signed, &other), None);
        // A made-up id, an altered one, junk.
        let made_up = format!("{}.{}", "a".repeat(32), "b".repeat(32));
        let mut altered = signed.clone().into_bytes();
        altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
        for bad in [
            made_up.as_str(),
            std::str::from_utf8(&altered).unwrap(),
            "",
            ".",
            "../../etc",
            &id.hex(),
        ] {
            assert_eq!(VoterId::verify(bad, &keys), None, "{bad:?}");
        }
    }

    #[test]
    fn the_header_wins_over_the_cookie_and_bad_values_count_as_none() {
        let keys = TokenKeys::from_secret(b"secret");
        let (a, b) = (VoterId::new_random(), VoterId::new_random());
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("x=y; {COOKIE_NAME}={}; z=w", a.signed(&keys))
                .parse()
                .unwrap(),
        );
        assert_eq!(from_headers(&headers, &keys), Some(a));
        headers.insert(
            arena_core::api::VOTER_HEADER,
            b.signed(&keys).parse().unwrap(),
        );
        assert_eq!(from_headers(&headers, &keys), Some(b));
        headers.insert(arena_core::api::VOTER_HEADER, "forged".parse().unwrap());
        assert_eq!(from_headers(&headers, &keys), Some(a));
        headers.insert(COOKIE, format!("{COOKIE_NAME}=forged").parse().unwrap());
        assert_eq!(from_headers(&headers, &keys), None);
    }

    #[test]
    fn cookies_are_partitioned_over_https() {
        let c = set_cookie("v", true);
        assert!(c.contains("SameSite=None; Secure; Partitioned"), "{c}");
        assert!(c.contains("HttpOnly"));
        assert!(set_cookie("v", false).contains("SameSite=Lax"));
    }
}
