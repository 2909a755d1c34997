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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// Markdown in [`BattleResponse::answers`], HTML in [`BattleResponse::answers_html`].
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
    /// The same answers as safe HTML, rendered by the server with
    /// [`crate::markdown::render_html`]: the app shows these and carries no Markdown parser.
    #[serde(default)]
    pub answers_html: Answers,
    /// The voter this battle was drawn for: a server-signed id. The app keeps it and sends it
    /// back in the [`VOTER_HEADER`], so a browser without (third-party) cookies still votes as
    /// one voter; a vote from another voter than the battle's does not count.
    #[serde(default)]
    pub voter: String,
    /// A vote sooner than this after the battle was drawn is kept but not counted; the app keeps
    /// the vote buttons asleep until then.
    #[serde(default)]
    pub min_read_ms: u64,
}

/// The request header that carries the voter id the server issued (see [`BattleResponse::voter`]).
pub const VOTER_HEADER: &str = "x-arena-voter";

/// `POST /api/v1/vote` request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    pub token: String,
    pub choice: Choice,
}

/// `POST /api/v1/vote/reasons` request body: why this vote's choice was made (all of them,
/// replacing what was given before; empty clears). Allowed for a while after the vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonsRequest {
    pub token: String,
    pub reasons: Vec<crate::reason::Reason>,
}

/// `POST /api/v1/vote/reasons` response: the reasons now stored, and until when they may change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonsResponse {
    pub reasons: Vec<crate::reason::Reason>,
    pub editable_until_ms: i64,
}

/// A model as it is revealed after the vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    pub id: String,
    pub name: String,
    /// Its maker, licence and size where the registry knows them (at the reveal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::admin::ModelCard>,
}

impl ModelRef {
    /// A model known by id and name only.
    pub fn named(id: String, name: String) -> Self {
        ModelRef {
            id,
            name,
            card: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedModels {
    pub a: ModelRef,
    pub b: ModelRef,
}

/// `POST /api/v1/vote` response: who answered, now that the vote is stored and counts.
///
/// A vote that is kept but does not count (sent before the reading time, through another
/// voter's battle, beyond a daily cap) names no model: `models` is absent and `not_counted`
/// gives the reasons (vote flag codes). Otherwise a script could learn which model wrote every
/// answer for free, with votes that cost it nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<RevealedModels>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_counted: Vec<String>,
    /// A counted vote in an evaluation round that names no model until it closes (its reveal
    /// policy `after_close`): when it closes, milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_until_ms: Option<i64>,
}

impl VoteResponse {
    /// A counted vote: both models named.
    pub fn revealed(models: RevealedModels) -> Self {
        VoteResponse {
            models: Some(models),
            not_counted: Vec::new(),
            sealed_until_ms: None,
        }
    }

    /// A counted vote in a round that names its models only when it closes at `closes_at_ms`.
    pub fn sealed(closes_at_ms: i64) -> Self {
        VoteResponse {
            models: None,
            not_counted: Vec::new(),
            sealed_until_ms: Some(closes_at_ms),
        }
    }

    /// A vote kept but not counted, for these reasons: no model named.
    pub fn withheld(reasons: Vec<String>) -> Self {
        VoteResponse {
            models: None,
            not_counted: reasons,
            sealed_until_ms: None,
        }
    }
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
    /// How the intervals were computed (`bootstrap`, `sandwich`).
    #[serde(default)]
    pub intervals: crate::rating::IntervalMethod,
    /// Whether pair reweighting was applied.
    #[serde(default)]
    pub reweighted: bool,
    /// When the prior's virtual draws are added (`always` for tables published before the rule
    /// `where_needed`), so the browser recomputes with the same rule.
    #[serde(default)]
    pub prior: crate::rating::PriorRule,
    /// Whether this table's fit used them.
    #[serde(default)]
    pub prior_used: bool,
    /// Every category that has votes, for choosing a table per category.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Votes kept but left out of this table, and why.
    #[serde(default)]
    pub excluded: Excluded,
    /// Per model id, how often each reason (its code) was given for it in counted votes: when it
    /// was chosen, or in a tie for both.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub reasons: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
}

/// Votes that are stored but not counted (too fast, over a cap, one-sided, ...), by reason. A vote
/// with several reasons is counted under the first one it was given, so the numbers add up to
/// `total`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    pub total: u64,
    pub reasons: std::collections::BTreeMap<String, u64>,
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
    /// Votes left out of `counts`, and why: the counts are exactly the votes that were counted.
    #[serde(default)]
    pub excluded: Excluded,
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
    /// Why the citizen chose, if they said (the arena's own field; absent when none was given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<crate::reason::Reason>,
    /// A live battle's own prompt and answers (personal data scrubbed); absent for the
    /// imported prompts, which are published with their set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveTexts>,
}

/// What was asked and answered in a live battle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTexts {
    pub prompt: String,
    pub answer_a: String,
    pub answer_b: String,
}

/// The open licence of the published data (the snapshots' battles): 공공누리 제1유형, the Korean
/// public sector's attribution-only licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataLicence {
    pub name_ko: String,
    pub name_en: String,
    pub url: String,
}

impl DataLicence {
    pub fn kogl_type_1() -> Self {
        DataLicence {
            name_ko: "공공누리 제1유형 (출처표시)".into(),
            name_en: "Korea Open Government License Type 1 (attribution)".into(),
            url: "https://www.kogl.or.kr/info/licenseType1.do".into(),
        }
    }
}

/// A published snapshot: a frozen leaderboard at a stable address. `GET /api/v1/snapshots`
/// lists these, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    /// Stable: `/api/v1/snapshots/{id}`.
    pub id: String,
    pub title: String,
    pub published_at_ms: i64,
    /// Counted votes in it (its battles).
    pub total_votes: u64,
    pub models: u64,
    /// SHA-256 (hex) of its battles file in JSON Lines, as downloaded.
    pub battles_sha256: String,
}

/// `GET /api/v1/snapshots/{id}[?category=..]`: one table of a snapshot and the counts it was
/// computed from (verified in the browser like the live table), with where its battles are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotResponse {
    #[serde(flatten)]
    pub summary: SnapshotSummary,
    pub licence: DataLicence,
    pub table: LeaderboardResponse,
    pub counts: CountsResponse,
    /// The battles as JSON Lines and as CSV (paths on this site).
    pub battles_jsonl: String,
    pub battles_csv: String,
}

/// `POST /api/v1/live/battle`: a citizen's own prompt, to be answered live by two anonymous
/// models. The answer is a stream of [`LiveEvent`]s (`text/event-stream`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveRequest {
    pub prompt: String,
}

/// `GET /api/v1/live`: whether this arena takes live prompts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveStatus {
    pub enabled: bool,
    /// The longest prompt, in characters.
    pub max_prompt_chars: usize,
}

/// The longest live prompt, in characters.
pub const LIVE_PROMPT_MAX_CHARS: usize = 2000;

/// The side of a battle an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    A,
    B,
}

/// One event of a live battle's stream; each is one Server-Sent Event whose `event:` is the
/// variant's name and whose `data:` is this JSON, externally tagged
/// (`{"answer": {"side": "a", "html": "…"}}`: an internally tagged enum would cost the web app's
/// wasm serde's buffering).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveEvent {
    /// A side's answer so far, as safe HTML rendered by the server (the whole answer up to now,
    /// not a piece: the app needs no Markdown parser and no diffing).
    Answer { side: Side, html: String },
    /// The model of this side did not answer (an error or a timeout); the app shows a plain
    /// message in its place.
    Failed { side: Side },
    /// Both answered and the battle is stored: from here on it is an ordinary battle, voted
    /// with its token like any other.
    Ready { battle: Box<BattleResponse> },
    /// The battle ends without a vote: `code` says why (`model_failed`, `internal`).
    Ended { code: String },
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// With `pow_required`: the challenge to solve before asking again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<crate::pow::Challenge>,
    /// With `bad_import`: every problem found, `file:line: message`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
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
    /// Another site's page asked (HTTP 403).
    pub const CROSS_SITE: &str = "cross_site";
    /// Solve the proof-of-work challenge in the body, then ask again (HTTP 428).
    pub const POW_REQUIRED: &str = "pow_required";
    pub const INTERNAL: &str = "internal";
    /// Reasons for a battle that has no vote (HTTP 404).
    pub const NO_VOTE: &str = "no_vote";
    /// The reasons of this vote can no longer change (HTTP 409).
    pub const REASONS_CLOSED: &str = "reasons_closed";
    /// A round cannot move to the state asked for from the one it is in (HTTP 409).
    pub const ROUND_STATE: &str = "round_state";
    /// A round that has not opened yet: no battle, no vote (HTTP 409).
    pub const ROUND_NOT_OPEN: &str = "round_not_open";
    /// A round that closed: a battle or a vote through its token is refused (HTTP 410).
    pub const ROUND_CLOSED: &str = "round_closed";
    /// The voter has cast every vote the round allows a person (HTTP 403).
    pub const ROUND_CAP: &str = "round_cap";
    /// A round only its invited panel votes in (HTTP 403).
    pub const PANEL_ONLY: &str = "panel_only";
    /// A typed invitation code that cannot be one (HTTP 400; the message says what is wrong).
    pub const BAD_CODE: &str = "bad_code";
    /// No such invitation code (HTTP 404).
    pub const UNKNOWN_CODE: &str = "unknown_code";
    /// An invitation code used already (HTTP 409).
    pub const CODE_USED: &str = "code_used";
    /// A revoked invitation code (HTTP 410).
    pub const CODE_REVOKED: &str = "code_revoked";
    /// A used code that may bring its panelist back, but on another kind of device (HTTP 409).
    pub const OTHER_DEVICE: &str = "other_device";
    /// The operator API without a valid operator token (HTTP 401).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// An upload with bad lines; `problems` lists them (HTTP 422).
    pub const BAD_IMPORT: &str = "bad_import";
    /// Live battles are not configured on this server (HTTP 404).
    pub const LIVE_OFF: &str = "live_off";
    /// A live prompt that is empty or too long (HTTP 400).
    pub const BAD_PROMPT: &str = "bad_prompt";
    /// A live prompt with personal data; `problems` names the kinds found
    /// ([`crate::personal_data::PersonalData`], snake case) (HTTP 422).
    pub const PERSONAL_DATA: &str = "personal_data";
    /// A live prompt the moderation list refuses (HTTP 422).
    pub const MODERATED: &str = "moderated";
    /// Every live model is busy; try again after `Retry-After` (HTTP 503).
    pub const LIVE_BUSY: &str = "live_busy";
    /// A live battle ended because a model did not answer ([`LiveEvent::Ended`]).
    pub const MODEL_FAILED: &str = "model_failed";
    /// A live battle ended because an answer named its model or maker ([`LiveEvent::Ended`]).
    pub const IDENTITY_LEAK: &str = "identity_leak";
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
