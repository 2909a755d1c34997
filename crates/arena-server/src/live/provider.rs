//! A model provider's OpenAI-compatible chat completions API, streamed: `POST
//! {base_url}/chat/completions` with `"stream": true`, read as Server-Sent Events whose `data:`
//! is a chunk (`choices[0].delta.content`) until `[DONE]`.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::time::Instant;

use super::LiveModel;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProviderError {
    #[error("the request failed: {0}")]
    Request(String),
    #[error("the API answered HTTP {0}")]
    Status(u16),
    #[error("no answer within the time allowed")]
    Timeout,
    #[error("the stream was not understood: {0}")]
    Protocol(String),
    #[error("the model gave an empty answer")]
    Empty,
    /// The listener went away (the citizen closed the page): nothing more to do.
    #[error("nobody is listening any more")]
    Abandoned,
}

/// One HTTP client for every live model (connections are pooled per host).
pub struct Client {
    http: reqwest::Client,
    first_token_timeout: Duration,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Delta,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

impl Client {
    pub fn new(first_token_timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("k-ai-arena/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            first_token_timeout,
        })
    }

    /// Asks `model` and streams its answer: `on_text` hears the whole answer so far after every
    /// piece and returns false to stop (nobody listens). The answer is cut at `max_chars`.
    /// It must start within the first-token timeout and end within the model's own timeout.
    pub async fn answer(
        &self,
        model: &LiveModel,
        prompt: &str,
        max_chars: usize,
        mut on_text: impl FnMut(&str) -> bool,
    ) -> Result<String, ProviderError> {
        let started = Instant::now();
        let end = started + Duration::from_secs(model.timeout_secs);
        let first_end = (started + self.first_token_timeout).min(end);
        let url = format!("{}/chat/completions", model.base_url.trim_end_matches('/'));
        let mut request = self.http.post(url).json(&json!({
            "model": model.model,
            "messages": [{"role": "user", "content": prompt}],
            "stream": true,
        }));
        if let Some(key) = model
            .api_key_env
            .as_deref()
            .and_then(|var| std::env::var(var).ok())
        {
            request = request.bearer_auth(key);
        }
        let response = tokio::time::timeout_at(first_end, request.send())
            .await
            .map_err(|_| ProviderError::Timeout)?
            .map_err(|e| ProviderError::Request(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(ProviderError::Status(response.status().as_u16()));
        }
        let mut events = response.bytes_stream().eventsource();
        let mut text = String::new();
        let mut chars = 0usize;
        loop {
            let deadline = if text.is_empty() { first_end } else { end };
            let next = tokio::time::timeout_at(deadline, events.next())
                .await
                .map_err(|_| ProviderError::Timeout)?;
            let Some(event) = next else {
                // The stream ended without `[DONE]`: what came is the answer.
                break;
            };
            let event = event.map_err(|e| ProviderError::Protocol(e.to_string()))?;
            let data = event.data.trim();
            if data == "[DONE]" {
                break;
            }
            if data.is_empty() {
                continue;
            }
            let chunk: Chunk = serde_json::from_str(data)
                .map_err(|e| ProviderError::Protocol(format!("a chunk is not JSON: {e}")))?;
            if let Some(error) = chunk.error {
                return Err(ProviderError::Protocol(format!(
                    "the API sent an error: {error}"
                )));
            }
            let piece = chunk
                .choices
                .into_iter()
                .filter_map(|c| c.delta.content)
                .collect::<String>();
            if piece.is_empty() {
                continue;
            }
            let room = max_chars.saturating_sub(chars);
            let taken: String = piece.chars().take(room).collect();
            chars += taken.chars().count();
            text.push_str(&taken);
            if !on_text(&text) {
                return Err(ProviderError::Abandoned);
            }
            if chars >= max_chars {
                break;
            }
        }
        if text.trim().is_empty() {
            return Err(ProviderError::Empty);
        }
        Ok(text)
    }
}
