//! Evaluation rounds: a fixed set of sealed models and prompts, voted on in a time window, by an
//! invited panel, the public, or both (always tabulated apart).
//!
//! A round is made as a **draft**: its models, its categories and, from them, its prompts. The
//! draft seals what it may draw: the SHA-256 of every prompt and of every answer of its models to
//! them, and for each model the SHA-256 of its whole answer set ([`seal`]), so anyone holding the
//! published battle set can check that the round drew from exactly those texts. A draft is
//! **opened** (from then on its models and prompts cannot change: the database refuses), votes
//! are taken while it is open and inside its window, it is **closed**, and its results are
//! **published**. States only move forward ([`RoundState::can_become`]).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a round stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Being prepared: models and prompts may still change; nobody votes.
    Draft,
    /// Sealed: battles are drawn and votes taken inside its window.
    Open,
    /// No more votes; results not yet published.
    Closed,
    /// Results published; frozen.
    Published,
}

impl RoundState {
    pub const ALL: [RoundState; 4] = [
        RoundState::Draft,
        RoundState::Open,
        RoundState::Closed,
        RoundState::Published,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            RoundState::Draft => "draft",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
            RoundState::Published => "published",
        }
    }

    /// The one step forward from here: draft → open → closed → published.
    pub const fn next(self) -> Option<RoundState> {
        match self {
            RoundState::Draft => Some(RoundState::Open),
            RoundState::Open => Some(RoundState::Closed),
            RoundState::Closed => Some(RoundState::Published),
            RoundState::Published => None,
        }
    }

    /// Whether a round in this state may be moved to `next` (one step forward only).
    pub fn can_become(self, next: RoundState) -> bool {
        self.next() == Some(next)
    }
}

impl fmt::Display for RoundState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RoundState {
    type Err = String;

    fn from_str(code: &str) -> Result<RoundState, String> {
        RoundState::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| format!("unknown round state {code:?}"))
    }
}

/// Who votes in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Invited panelists only.
    Panel,
    /// Anyone, as in the open arena.
    Public,
    /// Both, tabulated apart.
    Both,
}

impl Audience {
    pub const fn code(self) -> &'static str {
        match self {
            Audience::Panel => "panel",
            Audience::Public => "public",
            Audience::Both => "both",
        }
    }
}

impl FromStr for Audience {
    type Err = String;

    fn from_str(code: &str) -> Result<Audience, String> {
        [Audience::Panel, Audience::Public, Audience::Both]
            .into_iter()
            .find(|a| a.code() == code)
            .ok_or_else(|| format!("unknown audience {code:?}"))
    }
}

/// When a round's voters learn which models they judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevealPolicy {
    /// Right after each counted vote, as in the open arena.
    AfterVote,
    /// Only once the round has closed: nobody can learn which answer is whose while it runs.
    AfterClose,
}

impl RevealPolicy {
    pub const fn code(self) -> &'static str {
        match self {
            RevealPolicy::AfterVote => "after_vote",
            RevealPolicy::AfterClose => "after_close",
        }
    }
}

impl FromStr for RevealPolicy {
    type Err = String;

    fn from_str(code: &str) -> Result<RevealPolicy, String> {
        [RevealPolicy::AfterVote, RevealPolicy::AfterClose]
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| format!("unknown reveal policy {code:?}"))
    }
}

/// Longest round name, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Most models in one round.
pub const MAX_MODELS: usize = 64;
/// Most votes one person may cast in one round.
pub const MAX_VOTES_PER_PERSON: u32 = 10_000;

/// An operator's new round (`POST /api/v1/admin/rounds`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundDraft {
    pub name: String,
    /// Model ids, at least two.
    pub models: Vec<String>,
    /// Categories whose prompts the round draws; empty: every category.
    #[serde(default)]
    pub categories: Vec<String>,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    pub audience: Audience,
    pub votes_per_person: u32,
    pub reveal: RevealPolicy,
    /// What a team declares about a model beyond its answers (by model id): the endpoint and
    /// model id that produced them, and the digest of its weights, sealed with the round.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub declared: BTreeMap<String, Declaration>,
}

/// A team's declaration of what was evaluated, for a model served from an endpoint (its answers
/// in the round are generated from it beforehand and sealed like every answer set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// The OpenAI-compatible endpoint (`https://…`).
    pub endpoint: String,
    /// The model id at that endpoint.
    pub model_id: String,
    /// The digest of the checkpoint's weights, `sha256:` and 64 lower-case hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

impl Declaration {
    /// What is wrong with it, in words an operator can act on.
    pub fn problem(&self) -> Option<String> {
        let endpoint = self.endpoint.as_str();
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
            || endpoint.len() > 300
            || endpoint.chars().any(char::is_whitespace)
        {
            return Some("endpoint must be an http(s) address of at most 300 characters".into());
        }
        let id = self.model_id.as_str();
        if id.trim().is_empty() || id.len() > 200 || id.trim() != id {
            return Some("model_id must be 1 to 200 characters, without surrounding spaces".into());
        }
        if let Some(digest) = &self.checkpoint {
            let hex = digest.strip_prefix("sha256:").unwrap_or("");
            if hex.len() != 64
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Some("checkpoint must be sha256: and 64 lower-case hex digits".into());
            }
        }
        None
    }
}

impl RoundDraft {
    /// What is wrong with the draft, in words an operator can act on; `None` if nothing.
    pub fn problem(&self) -> Option<String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Some("name must not be empty".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Some(format!("name must be at most {MAX_NAME_CHARS} characters"));
        }
        let mut models = self.models.clone();
        models.sort();
        models.dedup();
        if models.len() != self.models.len() {
            return Some("models must not repeat".into());
        }
        if models.len() < 2 || models.len() > MAX_MODELS {
            return Some(format!("a round has 2 to {MAX_MODELS} models"));
        }
        if self.closes_at_ms <= self.opens_at_ms {
            return Some("closes_at_ms must be after opens_at_ms".into());
        }
        if self.votes_per_person == 0 || self.votes_per_person > MAX_VOTES_PER_PERSON {
            return Some(format!(
                "votes_per_person must be 1 to {MAX_VOTES_PER_PERSON}"
            ));
        }
        for (model, declaration) in &self.declared {
            if !self.models.contains(model) {
                return Some(format!(
                    "declared: {model:?} is not one of the round's models"
                ));
            }
            if let Some(problem) = declaration.problem() {
                return Some(format!("declared {model:?}: {problem}"));
            }
        }
        None
    }
}

/// A model as a round sealed it: what was evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedModel {
    pub id: String,
    pub name: String,
    /// Its answers the round may draw.
    pub answers: u64,
    /// [`seal`] of those answers.
    pub answers_sha256: String,
    /// What its team declared it was (see [`Declaration`]), sealed with the round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<Declaration>,
}

/// A round as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: String,
    pub name: String,
    pub state: RoundState,
    pub audience: Audience,
    pub reveal: RevealPolicy,
    pub votes_per_person: u32,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    /// Empty: every category (as they were when the round was made).
    pub categories: Vec<String>,
    pub models: Vec<SealedModel>,
    /// Prompts the round may draw.
    pub prompts: u64,
    /// [`seal`] of those prompts.
    pub prompts_sha256: String,
    pub created_at_ms: i64,
}

/// A round's results (`GET /api/v1/rounds/{id}/results`): its tables, each from its own
/// counted votes and never the open arena's, with the counts it was fitted from so anyone can
/// recompute it. Public once the round closed; operators see them while it is open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundResults {
    pub round: Round,
    /// The votes of the public (every voter who is not an invited panelist).
    pub public: RoundTable,
    /// The votes of the invited panel (when the round's audience has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<RoundTable>,
}

/// One counted vote of a round in its export (`votes.jsonl`): enough for anyone to recompute the
/// round's tables and to weight the panel's (the next step), and nothing that names a person: a
/// panelist by their random pseudonym and the coarse profile they chose to give, never the code;
/// a public vote by nothing at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundVote {
    pub battle_id: String,
    /// `panel` or `public`.
    pub audience: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panelist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::panel::Profile>,
    pub prompt_id: String,
    pub model_a: String,
    pub model_b: String,
    pub choice: crate::Choice,
    pub voted_at_ms: i64,
}

/// One audience's table in a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundTable {
    pub table: crate::api::LeaderboardResponse,
    pub counts: crate::api::CountsResponse,
}

/// An operator's move of a round (`PUT /api/v1/admin/rounds/{id}/state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundTransition {
    pub state: RoundState,
}

/// The SHA-256 (hex) of one text, as a round records each prompt and answer.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// The seal of a set of texts: the SHA-256 (hex) of the lines `id<TAB>sha256 of its text`, in
/// byte order of the ids, each ending in a newline. A model's seal is over its answers, keyed
/// by prompt id; a round's prompt seal over its prompts, keyed by id. Anyone with the texts can
/// recompute it.
pub fn seal<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut lines: Vec<(&str, &str)> = items.into_iter().collect();
    lines.sort();
    let mut hasher = Sha256::new();
    for (id, sha) in lines {
        hasher.update(id.as_bytes());
        hasher.update(b"\t");
        hasher.update(sha.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn draft() -> RoundDraft {
        RoundDraft {
            name: "2026년 12월 1차".into(),
            models: vec!["a".into(), "b".into()],
            categories: vec![],
            opens_at_ms: 1,
            closes_at_ms: 2,
            audience: Audience::Both,
            votes_per_person: 30,
            reveal: RevealPolicy::AfterClose,
            declared: BTreeMap::new(),
        }
    }

    #[test]
    fn a_declaration_names_one_of_the_round_s_models_in_a_form_anyone_can_check() {
        let good = Declaration {
            endpoint: "https://api.team.example/v1".into(),
            model_id: "team-ko-32b".into(),
            checkpoint: Some(format!("sha256:{}", "ab".repeat(32))),
        };
        let mut d = draft();
        d.declared.insert("a".into(), good.clone());
        assert_eq!(d.problem(), None);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<RoundDraft>(&json).unwrap(), d);
        let mut other = draft();
        other.declared.insert("z".into(), good.clone());
        assert!(other.problem().unwrap().contains("\"z\" is not one of"));
        for (bad, words) in [
            (
                Declaration {
                    endpoint: "ftp://x".into(),
                    ..good.clone()
                },
                "endpoint",
            ),
            (
                Declaration {
                    model_id: " ".into(),
                    ..good.clone()
                },
                "model_id",
            ),
            (
                Declaration {
                    checkpoint: Some("sha256:AB".into()),
                    ..good.clone()
                },
                "checkpoint",
            ),
            (
                Declaration {
                    checkpoint: Some("ab".repeat(32)),
                    ..good.clone()
                },
                "checkpoint",
            ),
        ] {
            let mut d = draft();
            d.declared.insert("b".into(), bad);
            assert!(d.problem().unwrap().contains(words), "{words}");
        }
        // Without declarations the draft's JSON is as before.
        assert!(
            !serde_json::to_string(&draft())
                .unwrap()
                .contains("declared")
        );
    }

    #[test]
    fn states_move_one_step_forward_only() {
        use RoundState::*;
        for from in RoundState::ALL {
            for to in RoundState::ALL {
                let allowed = matches!(
                    (from, to),
                    (Draft, Open) | (Open, Closed) | (Closed, Published)
                );
                assert_eq!(from.can_become(to), allowed, "{from} → {to}");
            }
            assert_eq!(from.code().parse::<RoundState>().unwrap(), from);
        }
    }

    #[test]
    fn a_draft_names_what_is_wrong() {
        assert_eq!(draft().problem(), None);
        let mut d = draft();
        d.name = "  ".into();
        assert!(d.problem().unwrap().contains("name"));
        let mut d = draft();
        d.models = vec!["a".into(), "a".into()];
        assert!(d.problem().unwrap().contains("repeat"));
        let mut d = draft();
        d.models.truncate(1);
        assert!(d.problem().unwrap().contains("2 to"));
        let mut d = draft();
        d.closes_at_ms = d.opens_at_ms;
        assert!(d.problem().unwrap().contains("closes_at_ms"));
        let mut d = draft();
        d.votes_per_person = 0;
        assert!(d.problem().unwrap().contains("votes_per_person"));
    }

    #[test]
    fn a_seal_is_over_sorted_lines_of_id_and_hash() {
        let a = text_sha256("1446년");
        let b = text_sha256("정부24에서");
        let sealed = seal([("p2", b.as_str()), ("p1", a.as_str())]);
        assert_eq!(sealed, seal([("p1", a.as_str()), ("p2", b.as_str())]));
        let manual = hex(&Sha256::digest(format!("p1\t{a}\np2\t{b}\n").as_bytes()));
        assert_eq!(sealed, manual);
        assert_ne!(sealed, seal([("p1", a.as_str())]));
        assert_eq!(
            text_sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn json_uses_the_codes() {
        let json = serde_json::to_value(draft()).unwrap();
        assert_eq!(json["audience"], "both");
        assert_eq!(json["reveal"], "after_close");
        let back: RoundDraft = serde_json::from_value(json).unwrap();
        assert_eq!(back, draft());
        assert!(serde_json::from_str::<RoundTransition>(r#"{"state": "reopened"}"#).is_err());
    }
}
