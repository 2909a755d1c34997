//! Live battles: a citizen's own Korean prompt, answered by two anonymous models at once.
//!
//! The models are configured in a JSON file (`ARENA_LIVE_MODELS`):
//! `[{"id", "name", "base_url", "model", "api_key_env", "max_concurrent", "timeout_secs"}]`, each
//! speaking the OpenAI-compatible chat completions API (`provider.rs`). Before anything is sent,
//! a prompt is checked here: personal data ([`arena_core::personal_data`]) and the moderation list
//! (`ARENA_LIVE_BLOCKLIST`, one term per line) refuse it with a clear error. Each model takes at
//! most `max_concurrent` battles at once; a voter at most `ARENA_LIMIT_VOTER_LIVE` prompts.
//! The answers are checked for self-identification with every configured model's `id`, `name`
//! and `model` as names to look for ([`arena_core::identity_leak::LiveCheck`]).
//! The route itself is `api/live.rs`.

pub mod provider;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use arena_core::api::LIVE_PROMPT_MAX_CHARS;
use arena_core::identity_leak::LiveCheck;
use arena_core::personal_data;
use serde::Deserialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
use crate::trust::limits::{Buckets, Rate};

/// One model of the live arena, as configured.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveModel {
    /// The model's id in the arena (its votes and ratings); may be a model also imported.
    pub id: String,
    /// Its display name at the reveal.
    pub name: String,
    /// The API's base URL, e.g. `https://api.example.com/v1` (`/chat/completions` is added).
    pub base_url: String,
    /// The `model` the API is asked for.
    pub model: String,
    /// The environment variable that holds its API key (sent as `Authorization: Bearer`); none:
    /// no key is sent.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Battles this model answers at once on this server.
    #[serde(default = "default_concurrency")]
    pub max_concurrent: usize,
    /// The longest a whole answer may take, in seconds.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

/// The longest a model's whole answer may take (well within a battle token's life).
pub const MAX_TIMEOUT_SECS: u64 = 600;

fn default_concurrency() -> usize {
    4
}

fn default_timeout_secs() -> u64 {
    60
}

/// Everything live battles need, loaded from files at start.
#[derive(Clone, Debug)]
pub struct LiveConfig {
    pub models: Vec<LiveModel>,
    /// Terms a prompt may not contain (compared without case and spaces).
    pub blocklist: Vec<String>,
    /// Live prompts a voter may send.
    pub voter_rate: Rate,
    /// Live prompts one address may send (all its voters together).
    pub address_rate: Rate,
    /// Live prompts the whole site sends: the budget of paid model calls, applied even with
    /// the rate limits off.
    pub site_rate: Rate,
    /// An answer is cut off at this many characters.
    pub max_answer_chars: usize,
    /// The longest wait for an answer's first piece.
    pub first_token_timeout: Duration,
}

impl LiveConfig {
    /// Reads the models file and the moderation list; every mistake in them is an error that
    /// names the file, so the server does not start half configured.
    pub fn load(models: &Path, blocklist: Option<&Path>, voter_rate: Rate) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(models)
            .with_context(|| format!("reading the live models {}", models.display()))?;
        let models_list: Vec<LiveModel> = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a JSON list of live models", models.display()))?;
        let blocklist = match blocklist {
            Some(path) => parse_blocklist(
                &std::fs::read_to_string(path)
                    .with_context(|| format!("reading the moderation list {}", path.display()))?,
            ),
            None => Vec::new(),
        };
        let config = LiveConfig {
            models: models_list,
            blocklist,
            voter_rate,
            ..LiveConfig::with_models(Vec::new())
        };
        config
            .validate()
            .with_context(|| format!("in {}", models.display()))?;
        Ok(config)
    }

    /// These models, no moderation list, the default limits.
    pub fn with_models(models: Vec<LiveModel>) -> Self {
        LiveConfig {
            models,
            blocklist: Vec::new(),
            voter_rate: Rate {
                count: 20,
                per_ms: 3_600_000,
            },
            address_rate: Rate {
                count: 60,
                per_ms: 3_600_000,
            },
            site_rate: Rate {
                count: 2000,
                per_ms: 3_600_000,
            },
            max_answer_chars: 12_000,
            first_token_timeout: Duration::from_secs(30),
        }
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if self.models.len() < 2 {
            bail!("live battles need at least two models");
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.models {
            arena_core::battle_set::check_id("model id", &m.id).map_err(anyhow::Error::msg)?;
            if !seen.insert(&m.id) {
                bail!("the model id {:?} is listed twice", m.id);
            }
            if m.name.trim().is_empty() || m.model.trim().is_empty() {
                bail!("model {:?} needs a name and a model", m.id);
            }
            if !(m.base_url.starts_with("http://") || m.base_url.starts_with("https://")) {
                bail!("model {:?}: base_url must be an http(s) URL", m.id);
            }
            if m.max_concurrent == 0 || !(1..=MAX_TIMEOUT_SECS).contains(&m.timeout_secs) {
                bail!(
                    "model {:?}: max_concurrent must be at least 1 and timeout_secs 1 to {MAX_TIMEOUT_SECS}",
                    m.id
                );
            }
            if let Some(var) = &m.api_key_env
                && std::env::var(var).map(|v| v.is_empty()).unwrap_or(true)
            {
                bail!("model {:?}: its API key variable {var} is not set", m.id);
            }
        }
        Ok(())
    }
}

/// One term per line; blank lines and lines starting with `#` are skipped.
pub fn parse_blocklist(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(normalise)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Lower case without white space or the usual separators, so `마 약` and `마.약` are `마약`.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | ',' | '-' | '_' | '*' | '·' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The running side of live battles: the models, their free places, the voters' buckets.
pub struct Live {
    pub config: LiveConfig,
    /// The identity check of the answers, knowing every configured model's names.
    pub identity: LiveCheck,
    seats: Vec<Arc<Semaphore>>,
    voters: Buckets,
    addresses: Buckets,
    site: Buckets,
    pub(crate) client: provider::Client,
}

/// A model taken for one battle; its place is free again when this is dropped.
pub struct Seat {
    pub model: LiveModel,
    _permit: OwnedSemaphorePermit,
}

impl Live {
    pub fn new(config: LiveConfig) -> anyhow::Result<Self> {
        config.validate()?;
        for m in &config.models {
            if ![&m.id, &m.name, &m.model]
                .iter()
                .any(|name| LiveCheck::is_specific(name))
            {
                tracing::warn!(
                    model = %m.id,
                    "no name of this live model is specific enough to be looked for in answers \
                     (a digit and two letters, or eight letters)"
                );
            }
        }
        let identity = LiveCheck::new(
            config
                .models
                .iter()
                .flat_map(|m| [m.id.as_str(), m.name.as_str(), m.model.as_str()]),
        );
        let seats = config
            .models
            .iter()
            .map(|m| Arc::new(Semaphore::new(m.max_concurrent)))
            .collect();
        Ok(Live {
            voters: Buckets::new(config.voter_rate),
            addresses: Buckets::new(config.address_rate),
            site: Buckets::new(config.site_rate),
            client: provider::Client::new(config.first_token_timeout)?,
            identity,
            seats,
            config,
        })
    }

    /// The prompt to send, trimmed; or why it may not be sent.
    pub fn check(&self, prompt: &str) -> Result<String, ApiError> {
        let prompt = prompt.trim();
        if prompt.is_empty() {
            return Err(ApiError::BadPrompt("the prompt is empty".into()));
        }
        if prompt.chars().count() > LIVE_PROMPT_MAX_CHARS {
            return Err(ApiError::BadPrompt(format!(
                "the prompt is longer than {LIVE_PROMPT_MAX_CHARS} characters"
            )));
        }
        let found = personal_data::find(prompt);
        if !found.is_empty() {
            return Err(ApiError::PersonalData(found));
        }
        let plain = normalise(prompt);
        if self
            .config
            .blocklist
            .iter()
            .any(|term| plain.contains(term))
        {
            return Err(ApiError::Moderated);
        }
        Ok(prompt.to_owned())
    }

    /// Takes one live prompt of the site's budget and, with the rate limits on, of the voter's
    /// and the address's (429 when one is used up). Called once two models have a place, so a
    /// busy arena costs nobody a prompt.
    pub fn admit(
        &self,
        voter: &str,
        address: &str,
        now_ms: i64,
        limits_enabled: bool,
    ) -> Result<(), ApiError> {
        let limited = |wait_ms: i64| ApiError::RateLimited {
            retry_after_secs: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1),
        };
        if limits_enabled {
            self.voters.would_allow(voter, now_ms).map_err(limited)?;
            self.addresses
                .would_allow(address, now_ms)
                .map_err(limited)?;
        }
        self.site.take("site", now_ms).map_err(limited)?;
        if limits_enabled {
            self.voters.take(voter, now_ms).map_err(limited)?;
            self.addresses.take(address, now_ms).map_err(limited)?;
        }
        Ok(())
    }

    /// Two different models with a free place, in random order; `None` when fewer than two
    /// have one (every place is taken).
    pub fn pick(&self) -> Option<(Seat, Seat)> {
        use rand::seq::SliceRandom;
        let mut order: Vec<usize> = (0..self.seats.len()).collect();
        order.shuffle(&mut rand::rng());
        let mut taken = Vec::with_capacity(2);
        for i in order {
            if let Ok(permit) = Arc::clone(&self.seats[i]).try_acquire_owned() {
                taken.push(Seat {
                    model: self.config.models[i].clone(),
                    _permit: permit,
                });
                if taken.len() == 2 {
                    break;
                }
            }
        }
        let b = taken.pop()?;
        let a = taken.pop()?;
        Some((a, b))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn model(id: &str, max_concurrent: usize) -> LiveModel {
        LiveModel {
            id: id.into(),
            name: id.to_uppercase(),
            base_url: "http://127.0.0.1:9/v1".into(),
            model: id.into(),
            api_key_env: None,
            max_concurrent,
            timeout_secs: 5,
        }
    }

    fn live(blocklist: &str) -> Live {
        let mut config = LiveConfig::with_models(vec![model("a", 1), model("b", 1), model("c", 2)]);
        config.blocklist = parse_blocklist(blocklist);
        Live::new(config).unwrap()
    }

    #[test]
    fn prompts_with_personal_data_or_listed_terms_are_refused() {
        let live = live("# 금지어\n\n필로 폰\n");
        assert_eq!(
            live.check("  김치찌개 끓이는 법  ").unwrap(),
            "김치찌개 끓이는 법"
        );
        assert!(matches!(live.check(" \n "), Err(ApiError::BadPrompt(_))));
        let long = "가".repeat(LIVE_PROMPT_MAX_CHARS + 1);
        assert!(matches!(live.check(&long), Err(ApiError::BadPrompt(_))));
        match live.check("제 번호 010-1234-5678로 연락 주세요") {
            Err(ApiError::PersonalData(kinds)) => {
                assert_eq!(kinds, [personal_data::PersonalData::Phone]);
            }
            other => panic!("not refused: {other:?}"),
        }
        // Spaces and case do not hide a listed term.
        assert!(matches!(
            live.check("필로폰 구하는 법"),
            Err(ApiError::Moderated)
        ));
        assert!(matches!(live.check("필 로 폰"), Err(ApiError::Moderated)));
        assert!(live.check("필름 카메라 추천").is_ok());
    }

    #[test]
    fn a_model_takes_no_more_battles_than_its_places() {
        let live = Live::new(LiveConfig::with_models(vec![
            model("a", 1),
            model("b", 1),
            model("c", 1),
            model("d", 1),
        ]))
        .unwrap();
        // One place each: two battles take all four, whichever pairs they draw.
        let first = live.pick().unwrap();
        assert_ne!(first.0.model.id, first.1.model.id);
        let second = live.pick().unwrap();
        assert_ne!(second.0.model.id, second.1.model.id);
        assert!(live.pick().is_none(), "every place is taken");
        drop(first);
        assert!(live.pick().is_some(), "a finished battle frees its places");
    }

    #[test]
    fn a_bad_configuration_is_refused_with_its_reason() {
        let one = LiveConfig::with_models(vec![model("a", 1)]);
        assert!(
            one.validate()
                .unwrap_err()
                .to_string()
                .contains("two models")
        );
        let twice = LiveConfig::with_models(vec![model("a", 1), model("a", 1)]);
        assert!(twice.validate().unwrap_err().to_string().contains("twice"));
        let mut keyless = LiveConfig::with_models(vec![model("a", 1), model("b", 1)]);
        keyless.models[1].api_key_env = Some("ARENA_TEST_NO_SUCH_KEY_VARIABLE".into());
        assert!(
            keyless
                .validate()
                .unwrap_err()
                .to_string()
                .contains("not set")
        );
        let mut ftp = LiveConfig::with_models(vec![model("a", 1), model("b", 1)]);
        ftp.models[0].base_url = "ftp://x".into();
        assert!(ftp.validate().is_err());
    }
}
