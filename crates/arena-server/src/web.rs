//! Serves the built web app from `dist/`: hashed assets cached for a year, `index.html` for
//! every app route (so `/leaderboard` can be reloaded or shared), gzip files made at build
//! time where they exist, and a Content-Security-Policy that allows exactly the app's own
//! scripts: the answers are inserted as HTML, and this is the second line of defence.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// `index.html` and the policy that goes with it, read once at start.
#[derive(Clone, Debug)]
pub struct IndexPage {
    html: Option<Arc<str>>,
    csp: HeaderValue,
}

impl IndexPage {
    /// `frame_ancestors` is the CSP source list of who may embed the app, e.g.
    /// `'self' https://www.example.go.kr`.
    pub fn load(dist: &Path, frame_ancestors: &str) -> anyhow::Result<Self> {
        let valid_source = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"'))
        };
        anyhow::ensure!(
            frame_ancestors.split_ascii_whitespace().all(valid_source)
                && !frame_ancestors.trim().is_empty(),
            "ARENA_FRAME_ANCESTORS must be a list of CSP sources such as \"'self' https://www.example.go.kr\", got {frame_ancestors:?}"
        );
        let html = std::fs::read_to_string(dist.join("index.html")).ok();
        let script_hashes: Vec<String> = html
            .as_deref()
            .map(inline_scripts)
            .unwrap_or_default()
            .into_iter()
            .map(|s| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes()))))
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors {frame_ancestors}",
            script_hashes.join(" ")
        );
        Ok(IndexPage {
            html: html.map(Arc::from),
            csp: HeaderValue::from_str(&csp)?,
        })
    }

    pub fn is_built(&self) -> bool {
        self.html.is_some()
    }

    fn response(&self) -> Response {
        match &self.html {
            Some(html) => (
                [
                    (
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    ),
                    (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                    (CONTENT_SECURITY_POLICY, self.csp.clone()),
                ],
                html.to_string(),
            )
                .into_response(),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                "The web app is not built. Run `make run`, which builds it into dist/.\n",
            )
                .into_response(),
        }
    }
}

/// The bodies of `<script>` elements without a `src`, as the browser hashes them.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            found.push(&body_start[..close]);
        }
        rest = &body_start[close..];
    }
    found
}

/// Trunk names built files `name-<hash>.ext`, the hash a u64 in hex without leading zeros
/// (so usually 16 digits, sometimes fewer); those files never change, so cache them long.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// The routes of the web app: `/` and app routes get `index.html`; files come from `dist`.
pub fn routes<S: Clone + Send + Sync + 'static>(dist: PathBuf, index: IndexPage) -> Router<S> {
    let for_root = index.clone();
    let fallback_index = index;
    let spa_fallback = tower::service_fn(move |request: Request| {
        let index = fallback_index.clone();
        async move {
            // A missing file (`/x.js`) is a 404; any other path is an app route.
            let last = request.uri().path().rsplit('/').next().unwrap_or_default();
            Ok::<_, std::convert::Infallible>(if last.contains('.') {
                (StatusCode::NOT_FOUND, "not found\n").into_response()
            } else {
                index.response()
            })
        }
    });
    let files = ServeDir::new(dist)
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(spa_fallback);
    let root = axum::routing::get(move || {
        let index = for_root.clone();
        async move { index.response() }
    });
    Router::new()
        .route("/", root.clone())
        .route("/index.html", root)
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/kai-arena-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/kai-arena-0123456789abcdef.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/kai-arena-33cb19589603218_bg.wasm"));
        assert!(!is_hashed_asset("/battle-set.json"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/leaderboard"));
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<script src="/a.js"></script><script type="module">init('/x');</script>"#;
        assert_eq!(inline_scripts(html), vec!["init('/x');"]);
    }
}
