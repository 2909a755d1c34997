//! Battle tokens: the battle travels with the client, sealed, so any server can check a vote.
//!
//! A token carries the battle (a random battle id, when it was issued, the voter it was drawn
//! for, the reading time it asks for, the prompt and the two models in the order shown). The client must not learn the models before voting, so the
//! payload is encrypted (ChaCha20) and then signed (HMAC-SHA256 over version, nonce and
//! ciphertext: encrypt-then-MAC). Both keys derive from one server secret, so stateless servers
//! that share the secret accept each other's tokens. Opening checks the signature in constant
//! time before it decrypts anything.
//!
//! Layout, base64url without padding: `version(1) | nonce(12) | ciphertext | tag(32)`; the
//! payload is `battle id(16) | issued(8) | voter(16) | min read ms(4) | round(8) | panel(1) |
//! prompt | model a | model b` (round 0: the open arena; panel 1: drawn for an invited panelist,
//! whose pseudonym is the voter; version 2 had no round and is still read, as the open
//! arena's, so votes waiting in browsers' outboxes across an upgrade still count).
//! The model ids are padded to a fixed width before encryption: a stream cipher keeps lengths,
//! and the client knows the prompt id, so unpadded ids would let the token's length tell which
//! pair of models is in the battle.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// 2: the voter and the reading time joined the payload. 3: the evaluation round.
const VERSION: u8 = 3;
/// The version before the round, still opened.
const VERSION_WITHOUT_ROUND: u8 = 2;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 32;
/// Longer tokens are refused before any work is done.
pub const MAX_TOKEN_LEN: usize = 4096;
/// Every model id takes this many bytes in the payload (ids are at most 128 characters, so at
/// most 512 bytes of UTF-8).
const MODEL_FIELD: usize = 2 + 4 * arena_core::battle_set::MAX_ID_LEN;

/// The battle inside a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BattleClaims {
    /// Random; the vote's primary key, so one battle is voted once.
    pub battle_id: [u8; 16],
    pub issued_at_ms: i64,
    /// The voter the battle was drawn for; a vote through anyone else does not count.
    pub voter: [u8; 16],
    /// A vote sooner than this after `issued_at_ms` is kept but not counted.
    pub min_read_ms: u32,
    /// The evaluation round the battle was drawn in (`arena_core::round`), or `None` in the
    /// open arena.
    pub round: Option<i64>,
    /// Drawn for a round's invited panelist (`voter` is the panelist's pseudonym).
    pub panel: bool,
    pub prompt_id: String,
    /// The model shown as answer A.
    pub model_a: String,
    /// The model shown as answer B.
    pub model_b: String,
}

impl BattleClaims {
    pub fn battle_id_hex(&self) -> String {
        hex::encode(self.battle_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not in the expected format")]
    Malformed,
    #[error("the token's signature does not match")]
    BadSignature,
}

/// The keys derived from the server secret: battle tokens, voter ids, proof-of-work challenges.
#[derive(Clone)]
pub struct TokenKeys {
    encryption: [u8; 32],
    signing: [u8; 32],
    voter: [u8; 32],
    pow: [u8; 32],
    panel: [u8; 32],
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

fn derive(secret: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        TokenKeys {
            encryption: derive(secret, b"kai-arena battle token encryption v1"),
            signing: derive(secret, b"kai-arena battle token signing v1"),
            voter: derive(secret, b"kai-arena voter id signing v2"),
            pow: derive(secret, b"kai-arena proof of work challenge v1"),
            panel: derive(secret, b"kai-arena panel codes and credentials v1"),
        }
    }

    /// The signature of a voter id and the second it was issued (128 bits is plenty: forging
    /// one gains one more voter).
    pub fn voter_tag(&self, id: &[u8; 16], issued_secs: u64) -> [u8; 16] {
        let full: [u8; 32] = self
            .voter_mac(id, issued_secs)
            .finalize()
            .into_bytes()
            .into();
        let mut tag = [0; 16];
        tag.copy_from_slice(&full[..16]);
        tag
    }

    /// Checks a voter id's signature in constant time.
    pub fn verify_voter_tag(&self, id: &[u8; 16], issued_secs: u64, tag: &[u8]) -> bool {
        tag.len() == 16
            && self
                .voter_mac(id, issued_secs)
                .verify_truncated_left(tag)
                .is_ok()
    }

    fn voter_mac(&self, id: &[u8; 16], issued_secs: u64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.voter).expect("any key length");
        mac.update(id);
        mac.update(&issued_secs.to_be_bytes());
        mac
    }

    /// The signature of a proof-of-work challenge body.
    pub fn pow_tag(&self, body: &[u8]) -> [u8; 16] {
        let mut mac = HmacSha256::new_from_slice(&self.pow).expect("any key length");
        mac.update(body);
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        let mut tag = [0; 16];
        tag.copy_from_slice(&full[..16]);
        tag
    }

    /// Checks a proof-of-work challenge's signature in constant time.
    pub fn verify_pow_tag(&self, body: &[u8], tag: &[u8]) -> bool {
        let mut mac = HmacSha256::new_from_slice(&self.pow).expect("any key length");
        mac.update(body);
        tag.len() == 16 && mac.verify_truncated_left(tag).is_ok()
    }

    /// The 16 bytes of the invitation code at `position` of batch `batch` (`arena_core::panel`):
    /// derived, not stored, so a batch can be downloaded again; only their SHA-256 is stored.
    pub fn invitation_code(&self, batch: i64, position: u32) -> [u8; 16] {
        let mut mac = HmacSha256::new_from_slice(&self.panel).expect("any key length");
        mac.update(b"code");
        mac.update(&batch.to_be_bytes());
        mac.update(&position.to_be_bytes());
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        let mut code = [0; 16];
        code.copy_from_slice(&full[..16]);
        code
    }

    /// A panelist's credential: `pseudonym.round.tag` (hex, decimal, hex).
    pub fn panelist_credential(&self, panelist: &[u8; 16], round: i64) -> String {
        let tag = self.panelist_mac(panelist, round).finalize().into_bytes();
        format!(
            "{}.{round}.{}",
            hex::encode(panelist),
            hex::encode(&tag[..16])
        )
    }

    /// The pseudonym and round of a genuine credential.
    pub fn open_panelist(&self, credential: &str) -> Option<([u8; 16], i64)> {
        let mut parts = credential.trim().splitn(3, '.');
        let id: [u8; 16] = hex::decode(parts.next()?).ok()?.try_into().ok()?;
        let round: i64 = parts.next()?.parse().ok().filter(|r| *r > 0)?;
        let tag = hex::decode(parts.next()?).ok()?;
        (tag.len() == 16
            && self
                .panelist_mac(&id, round)
                .verify_truncated_left(&tag)
                .is_ok())
        .then_some((id, round))
    }

    fn panelist_mac(&self, panelist: &[u8; 16], round: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.panel).expect("any key length");
        mac.update(b"panelist");
        mac.update(panelist);
        mac.update(&round.to_be_bytes());
        mac
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.signing).expect("HMAC accepts keys of any length")
    }

    /// Seals claims into a token string. `nonce` must be fresh random bytes for every token.
    pub fn seal(&self, claims: &BattleClaims, nonce: [u8; NONCE_LEN]) -> String {
        let mut payload = Vec::with_capacity(64);
        payload.extend_from_slice(&claims.battle_id);
        payload.extend_from_slice(&claims.issued_at_ms.to_be_bytes());
        payload.extend_from_slice(&claims.voter);
        payload.extend_from_slice(&claims.min_read_ms.to_be_bytes());
        payload.extend_from_slice(&claims.round.unwrap_or(0).to_be_bytes());
        payload.push(u8::from(claims.panel));
        for (field, padded) in [
            (&claims.prompt_id, false),
            (&claims.model_a, true),
            (&claims.model_b, true),
        ] {
            let bytes = field.as_bytes();
            let len = u16::try_from(bytes.len()).expect("ids are validated to be short");
            payload.extend_from_slice(&len.to_be_bytes());
            payload.extend_from_slice(bytes);
            if padded {
                let fill = MODEL_FIELD.saturating_sub(2 + bytes.len());
                payload.resize(payload.len() + fill, 0);
            }
        }
        ChaCha20::new(&self.encryption.into(), &nonce.into()).apply_keystream(&mut payload);

        let mut token = Vec::with_capacity(1 + NONCE_LEN + payload.len() + TAG_LEN);
        token.push(VERSION);
        token.extend_from_slice(&nonce);
        token.extend_from_slice(&payload);
        let mut mac = self.mac();
        mac.update(&token);
        token.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(token)
    }

    /// Verifies and opens a token. Says nothing about expiry; the caller knows the clock.
    pub fn open(&self, token: &str) -> Result<BattleClaims, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| TokenError::Malformed)?;
        if bytes.len() < 1 + NONCE_LEN + TAG_LEN
            || !matches!(bytes[0], VERSION | VERSION_WITHOUT_ROUND)
        {
            return Err(TokenError::Malformed);
        }
        let (signed, tag) = bytes.split_at(bytes.len() - TAG_LEN);
        let mut mac = self.mac();
        mac.update(signed);
        mac.verify_slice(tag)
            .map_err(|_| TokenError::BadSignature)?;

        let nonce: [u8; NONCE_LEN] = signed[1..1 + NONCE_LEN]
            .try_into()
            .map_err(|_| TokenError::Malformed)?;
        let mut payload = signed[1 + NONCE_LEN..].to_vec();
        ChaCha20::new(&self.encryption.into(), &nonce.into()).apply_keystream(&mut payload);
        decode_payload(&payload, bytes[0] == VERSION).ok_or(TokenError::Malformed)
    }
}

fn decode_payload(payload: &[u8], with_round: bool) -> Option<BattleClaims> {
    let mut rest = payload;
    let mut take = |n: usize| -> Option<&[u8]> {
        if rest.len() < n {
            return None;
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    };
    let battle_id: [u8; 16] = take(16)?.try_into().ok()?;
    let issued_at_ms = i64::from_be_bytes(take(8)?.try_into().ok()?);
    let voter: [u8; 16] = take(16)?.try_into().ok()?;
    let min_read_ms = u32::from_be_bytes(take(4)?.try_into().ok()?);
    let (round, panel) = if with_round {
        let round = Some(i64::from_be_bytes(take(8)?.try_into().ok()?)).filter(|r| *r != 0);
        let panel = match take(1)?[0] {
            0 => false,
            1 => true,
            _ => return None,
        };
        (round, panel)
    } else {
        (None, false)
    };
    let mut text = |padded: bool| -> Option<String> {
        let len = u16::from_be_bytes(take(2)?.try_into().ok()?) as usize;
        let text = String::from_utf8(take(len)?.to_vec()).ok()?;
        if padded {
            take(MODEL_FIELD.checked_sub(2 + len)?)?;
        }
        Some(text)
    };
    let prompt_id = text(false)?;
    let model_a = text(true)?;
    let model_b = text(true)?;
    if !rest.is_empty() {
        return None;
    }
    Some(BattleClaims {
        battle_id,
        issued_at_ms,
        voter,
        min_read_ms,
        round,
        panel,
        prompt_id,
        model_a,
        model_b,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn claims() -> BattleClaims {
        BattleClaims {
            battle_id: [7; 16],
            issued_at_ms: 1_763_000_000_000,
            voter: [9; 16],
            min_read_ms: 4000,
            round: Some(3),
            panel: true,
            prompt_id: "law-001".into(),
            model_a: "sample-haneul".into(),
            model_b: "모델-비".into(),
        }
    }

    #[test]
    fn a_sealed_token_opens_to_the_same_battle() {
        let keys = TokenKeys::from_secret(b"secret");
        let token = keys.seal(&claims(), [1; 12]);
        assert_eq!(keys.open(&token).unwrap(), claims());
    }

    #[test]
    fn a_battle_of_the_open_arena_has_no_round() {
        let keys = TokenKeys::from_secret(b"secret");
        let open = BattleClaims {
            round: None,
            panel: false,
            ..claims()
        };
        assert_eq!(keys.open(&keys.seal(&open, [1; 12])).unwrap(), open);
    }

    #[test]
    fn a_token_of_the_version_before_rounds_opens_as_the_open_arena_s() {
        // Sealed as version 2 did: no round in the payload.
        let keys = TokenKeys::from_secret(b"secret");
        let c = claims();
        let mut payload = Vec::new();
        payload.extend_from_slice(&c.battle_id);
        payload.extend_from_slice(&c.issued_at_ms.to_be_bytes());
        payload.extend_from_slice(&c.voter);
        payload.extend_from_slice(&c.min_read_ms.to_be_bytes());
        for (field, padded) in [
            (&c.prompt_id, false),
            (&c.model_a, true),
            (&c.model_b, true),
        ] {
            payload.extend_from_slice(&(field.len() as u16).to_be_bytes());
            payload.extend_from_slice(field.as_bytes());
            if padded {
                payload.resize(payload.len() + MODEL_FIELD - 2 - field.len(), 0);
            }
        }
        let nonce = [4; NONCE_LEN];
        ChaCha20::new(&keys.encryption.into(), &nonce.into()).apply_keystream(&mut payload);
        let mut token = vec![VERSION_WITHOUT_ROUND];
        token.extend_from_slice(&nonce);
        token.extend_from_slice(&payload);
        let mut mac = keys.mac();
        mac.update(&token);
        token.extend_from_slice(&mac.finalize().into_bytes());
        let opened = keys.open(&URL_SAFE_NO_PAD.encode(token)).unwrap();
        assert_eq!(
            opened,
            BattleClaims {
                round: None,
                panel: false,
                ..c
            }
        );
    }

    #[test]
    fn a_panelist_credential_opens_only_as_issued() {
        let keys = TokenKeys::from_secret(b"secret");
        let credential = keys.panelist_credential(&[5; 16], 12);
        assert_eq!(keys.open_panelist(&credential), Some(([5; 16], 12)));
        assert_eq!(
            TokenKeys::from_secret(b"other").open_panelist(&credential),
            None
        );
        let other_round = credential.replacen(".12.", ".13.", 1);
        assert_eq!(keys.open_panelist(&other_round), None);
        for junk in ["", "a.b.c", "..", &credential[..credential.len() - 2]] {
            assert_eq!(keys.open_panelist(junk), None, "{junk:?}");
        }
        assert_ne!(keys.invitation_code(1, 0), keys.invitation_code(1, 1));
        assert_ne!(keys.invitation_code(1, 0), keys.invitation_code(2, 0));
        assert_eq!(keys.invitation_code(3, 9), keys.invitation_code(3, 9));
    }

    #[test]
    fn the_token_does_not_reveal_the_models() {
        let keys = TokenKeys::from_secret(b"secret");
        let token = keys.seal(&claims(), [1; 12]);
        let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for needle in ["sample-haneul", "law-001", "모델-비"] {
            assert!(!raw.windows(needle.len()).any(|w| w == needle.as_bytes()));
            assert!(!token.contains(needle));
        }
    }

    #[test]
    fn the_token_length_does_not_depend_on_the_models() {
        let keys = TokenKeys::from_secret(b"secret");
        let lengths: std::collections::BTreeSet<usize> = [
            "a",
            "sample-haneul",
            "모델",
            &"m".repeat(128),
            &"한".repeat(128),
        ]
        .iter()
        .flat_map(|a| ["b", "gpt-4o-2024-08-06"].map(|b| (a.to_string(), b.to_string())))
        .map(|(model_a, model_b)| {
            let token = keys.seal(
                &BattleClaims {
                    model_a: model_a.clone(),
                    model_b: model_b.clone(),
                    ..claims()
                },
                [1; 12],
            );
            let opened = keys.open(&token).unwrap();
            assert_eq!((opened.model_a, opened.model_b), (model_a, model_b));
            token.len()
        })
        .collect();
        assert_eq!(lengths.len(), 1, "{lengths:?}");
        assert!(lengths.iter().all(|l| *l < MAX_TOKEN_LEN));
    }

    #[test]
    fn another_secret_or_any_flipped_bit_is_refused() {
        let keys = TokenKeys::from_secret(b"secret");
        let token = keys.seal(&claims(), [1; 12]);
        assert_eq!(
            TokenKeys::from_secret(b"other").open(&token),
            Err(TokenError::BadSignature)
        );
        let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for i in 1..raw.len() {
            let mut forged = raw.clone();
            forged[i] ^= 0x01;
            assert_eq!(
                keys.open(&URL_SAFE_NO_PAD.encode(&forged)),
                Err(TokenError::BadSignature),
                "byte {i}"
            );
        }
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let keys = TokenKeys::from_secret(b"secret");
        for junk in ["", "a", "!!!!", "AAAA", &"A".repeat(5000), "한글토큰"] {
            assert_eq!(keys.open(junk), Err(TokenError::Malformed), "{junk:?}");
        }
    }
}
