//! The voter id: a random value in an HttpOnly cookie, nothing personal.
//!
//! It lets us see one browser's votes together (for abuse checks) without knowing who anyone is.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const COOKIE_NAME: &str = "kai_voter";
const ONE_YEAR_SECS: u64 = 365 * 24 * 3600;

/// The voter id from the request's cookie, if it is one we could have issued.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn new_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The `Set-Cookie` value for a new voter id.
pub fn set_cookie(id: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={id}; Path=/; Max-Age={ONE_YEAR_SECS}; HttpOnly; SameSite=Lax{secure}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_well_formed_ids() {
        let id = new_id();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("a=b; {COOKIE_NAME}={id}; c=d").parse().unwrap(),
        );
        assert_eq!(from_headers(&headers), Some(id));
        headers.insert(COOKIE, format!("{COOKIE_NAME}=../../etc").parse().unwrap());
        assert_eq!(from_headers(&headers), None);
    }
}
