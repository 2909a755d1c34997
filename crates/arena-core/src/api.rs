//! The JSON wire types of API v1, shared by the server (which sends them) and the web app (which
//! reads them). One type per concept: if a field changes here, both sides change with it.
//!
//! Paths: `GET /api/v1/battle`, `POST /api/v1/vote`, `GET /api/v1/leaderboard`,
//! `GET /api/v1/leaderboard/counts`. Errors always have the shape of [`ErrorBody`].

use serde::{Deserialize, Serialize};

use crate::Choice;

/// The path prefix of every API route of this version.
pub const API_PREFIX: &str = "/api/v1";

/// A prompt as a voter sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptView {
    pub id: String,
    pub category: String,
    pub text: String,
}

/// The two anonymous answers, in the order shown: `a` left (or first), `b` right (or second).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// Markdown; render with [`crate::markdown::render_html`].
    pub a: String,
    pub b: String,
}

/// `GET /api/v1/battle[?category=..]`: a prompt and two anonymous answers.
///
/// Nothing here names a model; the `token` is opaque to the client and carries the battle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BattleResponse {
    pub token: String,
    pub prompt: PromptView,
    pub answers: Answers,
}

/// `POST /api/v1/vote` request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    pub token: String,
    pub choice: Choice,
}

/// A model as it is revealed after the vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedModels {
    pub a: ModelRef,
    pub b: ModelRef,
}

/// `POST /api/v1/vote` response: who answered, now that the vote is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResponse {
    pub models: RevealedModels,
}

/// One row of the leaderboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub id: String,
    pub name: String,
    pub rating: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub votes: u64,
    /// 1 + the number of models whose `ci_low` is above this model's `ci_high`.
    pub rank: u32,
    /// Too few votes for the interval to mean much yet.
    #[serde(default)]
    pub provisional: bool,
}

impl LeaderboardRow {
    /// A computed rating with the model's display name.
    pub fn from_rated(model: crate::rating::RatedModel, name: String) -> Self {
        LeaderboardRow {
            id: model.id,
            name,
            rating: model.rating,
            ci_low: model.ci_low,
            ci_high: model.ci_high,
            votes: model.votes,
            rank: model.rank,
            provisional: model.provisional,
        }
    }
}

/// `GET /api/v1/leaderboard[?category=..]`, highest rating first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardResponse {
    pub total_votes: u64,
    pub models: Vec<LeaderboardRow>,
    /// The category this table is restricted to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// When the table was computed, milliseconds since the Unix epoch.
    #[serde(default)]
    pub computed_at_ms: i64,
    /// Bootstrap rounds and seed used for the intervals, so anyone can recompute them.
    #[serde(default)]
    pub bootstrap_rounds: usize,
    #[serde(default)]
    pub seed: u64,
    /// Models with fewer votes are marked provisional.
    #[serde(default)]
    pub min_votes: u64,
    /// Every category that has votes, for choosing a table per category.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// `GET /api/v1/leaderboard/counts[?category=..]`: the aggregated votes a table was computed
/// from (no personal data). `computed_at_ms` matches the table's, so a reader knows the two belong
/// together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountsResponse {
    pub computed_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(flatten)]
    pub counts: crate::rating::BattleCounts,
}

/// One voted battle in the public data release (`arena-server export`), with the field names of
/// the public Chatbot Arena battle data, so existing tools read it. No voter id, nothing personal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicBattle {
    pub battle_id: String,
    pub question_id: String,
    pub category: String,
    pub model_a: String,
    pub model_b: String,
    /// `model_a`, `model_b`, `tie` or `tie (bothbad)`.
    pub winner: String,
    /// When the vote was cast, seconds since the Unix epoch.
    pub tstamp: f64,
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, machine-readable (`invalid_token`, `already_voted`, ...).
    pub code: String,
    /// For people; the web app shows its own Korean text for known codes.
    pub message: String,
}

/// Stable error codes of API v1.
pub mod codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const ALREADY_VOTED: &str = "already_voted";
    pub const BATTLE_GONE: &str = "battle_gone";
    pub const NO_BATTLE: &str = "no_battle";
    pub const NOT_FOUND: &str = "not_found";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const INTERNAL: &str = "internal";
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn vote_request_rejects_unknown_choices_and_fields() {
        let ok: VoteRequest = serde_json::from_str(r#"{"token":"t","choice":"both_bad"}"#).unwrap();
        assert_eq!(ok.choice, Choice::BothBad);
        assert!(serde_json::from_str::<VoteRequest>(r#"{"token":"t","choice":"c"}"#).is_err());
        assert!(
            serde_json::from_str::<VoteRequest>(r#"{"token":"t","choice":"a","model":"x"}"#)
                .is_err()
        );
    }
}
