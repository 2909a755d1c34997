//! The wire types of the operator API (`/api/v1/admin/…`), shared by the server and the
//! operator pages. Every route needs `Authorization: Bearer <operator token>`; every change is
//! written to the audit log ([`AuditEntry`]).
//!
//! - `GET /admin/models` → `Vec<RegistryModel>`; `PUT /admin/models/{id}` with a
//!   [`ModelUpdate`] → the [`RegistryModel`] as stored.
//! - `POST /admin/imports` with an [`ImportUpload`] → 422 with every `file:line` problem, or
//!   202 with an [`ImportJob`]; `GET /admin/imports/{id}` → the job's progress and result.
//! - `GET /admin/audit[?before=ID&limit=N]` → `Vec<AuditEntry>`, newest first.
//! - `GET /admin/held` → `Vec<HeldAnswer>`; `PUT /admin/held/{prompt}/{model}` with a
//!   [`HeldDecision`] → the [`HeldAnswer`] as it now stands.
//! - `POST /admin/snapshots` with a [`SnapshotRequest`] → 201 with the
//!   `api::SnapshotSummary` published (public at `/api/v1/snapshots/{id}`).

use serde::{Deserialize, Serialize};

/// Whether a model's weights are published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    Open,
    Closed,
}

impl Licence {
    pub fn as_str(self) -> &'static str {
        match self {
            Licence::Open => "open",
            Licence::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Licence::Open),
            "closed" => Some(Licence::Closed),
            _ => None,
        }
    }
}

/// Whether a model takes part in battles. A paused or retired model is not drawn; its votes
/// keep counting on the leaderboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    #[default]
    Active,
    Paused,
    Retired,
}

impl ModelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Active => "active",
            ModelStatus::Paused => "paused",
            ModelStatus::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(ModelStatus::Active),
            "paused" => Some(ModelStatus::Paused),
            "retired" => Some(ModelStatus::Retired),
            _ => None,
        }
    }
}

/// What citizens learn about a model at the reveal, where known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// As the maker states it, e.g. "32B" or "236B (21B active)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The maker's page about the model (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl ModelCard {
    pub fn is_empty(&self) -> bool {
        *self == ModelCard::default()
    }
}

/// A model in the registry, as operators see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryModel {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub card: ModelCard,
    pub status: ModelStatus,
    /// Answers of this model in the catalogue.
    pub answers: u64,
}

/// `PUT /api/v1/admin/models/{id}`: the model's registry fields, all of them (a missing
/// optional field is cleared).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelUpdate {
    pub name: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub licence: Option<Licence>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    pub status: ModelStatus,
}

/// Longest display name and organisation, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest size text, in characters.
pub const MAX_SIZE_CHARS: usize = 40;
/// Longest link, in characters.
pub const MAX_URL_CHARS: usize = 300;

impl ModelUpdate {
    /// The update trimmed (empty optional texts become absent), or what is wrong with it.
    pub fn normalised(&self) -> Result<ModelUpdate, String> {
        fn optional(
            value: &Option<String>,
            field: &str,
            max: usize,
        ) -> Result<Option<String>, String> {
            let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            if v.chars().count() > max {
                return Err(format!("{field} is longer than {max} characters"));
            }
            if v.chars().any(char::is_control) {
                return Err(format!("{field} has a control character"));
            }
            Ok(Some(v.to_owned()))
        }
        let name = optional(&Some(self.name.clone()), "name", MAX_NAME_CHARS)?
            .ok_or_else(|| "name is empty".to_owned())?;
        let url = optional(&self.url, "url", MAX_URL_CHARS)?;
        if let Some(u) = &url {
            let lower = u.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || u.contains(char::is_whitespace)
            {
                return Err("url must be an http:// or https:// address without spaces".into());
            }
        }
        Ok(ModelUpdate {
            name,
            organisation: optional(&self.organisation, "organisation", MAX_NAME_CHARS)?,
            licence: self.licence,
            size: optional(&self.size, "size", MAX_SIZE_CHARS)?,
            url,
            status: self.status,
        })
    }

    pub fn card(&self) -> ModelCard {
        ModelCard {
            organisation: self.organisation.clone(),
            licence: self.licence,
            size: self.size.clone(),
            url: self.url.clone(),
        }
    }
}

/// One file of an upload: its name (for `file:line` messages) and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    pub name: String,
    pub text: String,
}

/// `POST /api/v1/admin/imports`: a battle-set file, or a FastChat / Arena-Hard set (a file named
/// `question.jsonl` and one answer file per model, as in its `model_answer/` folder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportUpload {
    pub files: Vec<UploadFile>,
    /// Check and count what would change, then store nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Leave out (and list) answers that break the rules instead of refusing the set.
    #[serde(default)]
    pub skip_bad_answers: bool,
    /// FastChat only: the category of all its prompts.
    #[serde(default)]
    pub category: Option<String>,
}

/// What an import changed (or, in a dry run, would change). Importing the same set twice changes
/// nothing the second time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub models_added: u64,
    pub models_renamed: u64,
    pub prompts_added: u64,
    pub prompts_changed: u64,
    pub answers_added: u64,
    pub answers_changed: u64,
}

impl ImportReport {
    pub fn changed_anything(&self) -> bool {
        *self != ImportReport::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

/// An import being stored: `done` of `total` items (models, prompts, answers) so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: String,
    pub state: JobState,
    pub dry_run: bool,
    pub done: u64,
    pub total: u64,
    /// When done: what changed (or would have).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    /// Answers left out, `file:line: why`.
    #[serde(default)]
    pub skipped: Vec<String>,
    /// When failed: why (nothing was stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /api/v1/admin/snapshots`: publish the leaderboard as it stands, frozen, under a title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRequest {
    pub title: String,
}

/// Longest snapshot title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;

/// An answer that names its model or maker (`identity_leak`): not drawn, so as not to give the
/// model away, unless an operator who read it allows it. `GET /api/v1/admin/held` lists them;
/// `PUT /api/v1/admin/held/{prompt}/{model}` with a [`HeldDecision`] allows or holds one back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldAnswer {
    pub prompt_id: String,
    pub model_id: String,
    /// The name or maker found in it.
    pub term: String,
    /// An operator allowed it to be drawn anyway.
    pub allowed: bool,
    /// The answer itself (Markdown), for the operator to read.
    pub text: String,
}

/// `PUT /api/v1/admin/held/{prompt}/{model}`: draw this answer after all, or hold it back again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldDecision {
    pub allowed: bool,
}

/// A voter whose votes the abuse audit left out of the leaderboard for one reason
/// (`one_sided`, `campaign`, `new_voter_burst`), for an operator to review.
/// `GET /api/v1/admin/flagged` lists them; `PUT /api/v1/admin/flagged/{voter}/{reason}` with a
/// [`FlagDecision`] counts them after all, or leaves them out again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedVoter {
    /// The random voter id (nothing personal).
    pub voter: String,
    pub reason: String,
    /// Votes concerned: flagged now, or (when `counted`) counted after review.
    pub votes: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The models this voter chose in those votes, most often first (ties and "both bad"
    /// choose none).
    pub chosen: Vec<ModelTally>,
    /// An operator reviewed them and counts them; the audit does not flag them again.
    pub counted: bool,
}

/// How often a model was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelTally {
    pub model: String,
    pub count: u64,
}

/// `PUT /api/v1/admin/flagged/{voter}/{reason}`: count this voter's flagged votes after all, or
/// leave them out again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagDecision {
    pub counted: bool,
}

/// A category of prompts and how often it is drawn. `GET /api/v1/admin/categories` lists them;
/// `PUT /api/v1/admin/categories/{category}` with a [`CategoryWeightUpdate`] changes the weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryWeight {
    pub category: String,
    /// Prompts of this category that can be drawn (two or more drawable answers).
    pub prompts: u64,
    /// Each of its prompts is drawn this many times as often as a prompt of weight 1 (the
    /// default); 0: never drawn unless a battle of this category is asked for.
    pub weight: f64,
}

/// `PUT /api/v1/admin/categories/{category}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryWeightUpdate {
    pub weight: f64,
}

/// The largest weight a category may have.
pub const MAX_CATEGORY_WEIGHT: f64 = 100.0;

/// One change an operator made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    /// The label of the operator token that made it.
    pub operator: String,
    /// `model.update`, `import`, ...
    pub action: String,
    /// What it changed (a model id, file names, ...).
    pub subject: String,
    /// The change itself, as JSON (before and after).
    pub detail: serde_json::Value,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn update(name: &str, url: Option<&str>) -> ModelUpdate {
        ModelUpdate {
            name: name.into(),
            organisation: Some("  LG AI연구원 ".into()),
            licence: Some(Licence::Open),
            size: Some(" ".into()),
            url: url.map(Into::into),
            status: ModelStatus::Paused,
        }
    }

    #[test]
    fn updates_are_trimmed_and_checked() {
        let ok = update(" 엑사원 ", Some("https://example.org/m"))
            .normalised()
            .unwrap();
        assert_eq!(ok.name, "엑사원");
        assert_eq!(ok.organisation.as_deref(), Some("LG AI연구원"));
        assert_eq!(ok.size, None);
        assert!(update("  ", None).normalised().is_err());
        assert!(
            update("x", Some("javascript:alert(1)"))
                .normalised()
                .is_err()
        );
        assert!(update("x", Some("https://a b")).normalised().is_err());
        assert!(update(&"가".repeat(101), None).normalised().is_err());
        assert!(update("a\u{7}", None).normalised().is_err());
        let json = r#"{"name":"x","status":"retired","licence":"closed"}"#;
        let parsed: ModelUpdate = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.status, ModelStatus::Retired);
        assert!(serde_json::from_str::<ModelUpdate>(r#"{"name":"x","status":"gone"}"#).is_err());
        assert!(
            serde_json::from_str::<ModelUpdate>(r#"{"name":"x","status":"active","id":"y"}"#)
                .is_err()
        );
    }
}
