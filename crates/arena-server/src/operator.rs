//! Operators: who may use the operator API (`/api/v1/admin/…`).
//!
//! An operator sends a token as `Authorization: Bearer <token>`. The server keeps no token,
//! only SHA-256 hashes with a label each (`ARENA_OPERATOR_TOKEN_SHA256`,
//! `label:hex,label:hex`), so a leaked configuration opens nothing. A presented token is hashed
//! and compared with every configured hash in constant time; the label of the one that matched
//! is written beside every change in the audit log. `arena-server operator-token --label NAME`
//! makes a token and the line to configure.

use std::fmt;
use std::str::FromStr;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// The configured operator tokens, as labelled SHA-256 hashes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OperatorTokens {
    tokens: Vec<(String, [u8; 32])>,
}

impl fmt::Debug for OperatorTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.tokens.iter().map(|(label, _)| label))
            .finish()
    }
}

/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 40;

impl FromStr for OperatorTokens {
    type Err = String;

    /// `label:hex` entries (or bare `hex`, labelled by its first 8 digits), comma-separated;
    /// empty: no operator.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut tokens: Vec<(String, [u8; 32])> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (label, hex_hash) = match entry.rsplit_once(':') {
                Some((label, hash)) => (label.trim().to_owned(), hash.trim()),
                None => (
                    format!("token-{}", entry.chars().take(8).collect::<String>()),
                    entry,
                ),
            };
            let mut hash = [0u8; 32];
            hex::decode_to_slice(hex_hash, &mut hash).map_err(|_| {
                format!(
                    "operator token {label:?}: expected the SHA-256 of the token as 64 hex \
                     digits (arena-server operator-token makes one)"
                )
            })?;
            if label.is_empty()
                || label.chars().count() > MAX_LABEL_CHARS
                || label.chars().any(|c| c.is_control())
            {
                return Err(format!(
                    "operator token label {label:?} must be 1 to {MAX_LABEL_CHARS} printable characters"
                ));
            }
            if tokens.iter().any(|(l, _)| *l == label) {
                return Err(format!("operator token label {label:?} is used twice"));
            }
            tokens.push((label, hash));
        }
        Ok(OperatorTokens { tokens })
    }
}

impl OperatorTokens {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The label of the configured token `presented` is, if any. Every hash is compared, each
    /// in constant time, whatever matched.
    pub fn check(&self, presented: &str) -> Option<&str> {
        let hash: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for (label, expected) in &self.tokens {
            if bool::from(expected.ct_eq(&hash)) {
                found = Some(label.as_str());
            }
        }
        found
    }

    /// A new random token and its configuration entry `label:sha256`.
    pub fn generate(label: &str) -> (String, String) {
        use base64::Engine;
        let token = format!(
            "kaiop_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
        );
        let hash = hex::encode(Sha256::digest(token.as_bytes()));
        (token, format!("{label}:{hash}"))
    }
}

/// An operator whose token checked out: its label.
#[derive(Clone, Debug)]
pub struct Operator {
    pub label: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Operator
where
    OperatorTokens: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let tokens = OperatorTokens::from_ref(state);
        if tokens.is_empty() {
            return Err(ApiError::Unauthorized(
                "the operator API is off: no operator token is configured \
                 (ARENA_OPERATOR_TOKEN_SHA256)",
            ));
        }
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty());
        let Some(presented) = presented else {
            return Err(ApiError::Unauthorized(
                "send an operator token: Authorization: Bearer <token>",
            ));
        };
        match tokens.check(presented) {
            Some(label) => Ok(Operator {
                label: label.to_owned(),
            }),
            None => {
                tracing::warn!(path = %parts.uri.path(), "an operator token was refused");
                Err(ApiError::Unauthorized("this operator token is not valid"))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_by_hash_and_labelled() {
        let (token, entry) = OperatorTokens::generate("심사위원회");
        let (other, other_entry) = OperatorTokens::generate("ops");
        let tokens: OperatorTokens = format!("{entry}, {other_entry}").parse().unwrap();
        assert_eq!(tokens.check(&token), Some("심사위원회"));
        assert_eq!(tokens.check(&other), Some("ops"));
        assert_eq!(tokens.check("kaiop_wrong"), None);
        assert_eq!(tokens.check(""), None);
        // The configuration holds no token, and its Debug shows labels only.
        assert!(!entry.contains(&token));
        assert_eq!(format!("{tokens:?}"), r#"["심사위원회", "ops"]"#);
    }

    #[test]
    fn bad_configuration_is_refused() {
        let hash = hex::encode([7u8; 32]);
        let bare: OperatorTokens = hash.parse().unwrap();
        assert_eq!(bare.tokens[0].0, "token-07070707");
        assert!("".parse::<OperatorTokens>().unwrap().is_empty());
        assert!("a:1234".parse::<OperatorTokens>().is_err());
        assert!(format!(":{hash}").parse::<OperatorTokens>().is_err());
        assert!(
            format!("a:{hash},a:{hash}")
                .parse::<OperatorTokens>()
                .is_err()
        );
        assert!("a:zz".parse::<OperatorTokens>().is_err());
        // A bare entry that is not hex, with characters of several bytes: an error, not a panic.
        assert!("가나다라마바사아".parse::<OperatorTokens>().is_err());
    }
}
