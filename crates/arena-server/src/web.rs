//! Serves the built web app from `dist/`: hashed assets cached for a year, `battle.html` (the
//! light battle app) at `/` and `/embed` (`index.html` at `/embed/join`, framed the same way), `admin.html` (the operators' app, never framed) at
//! `/admin`, `index.html` (the full app) for every other app route
//! (so `/leaderboard` can be reloaded or shared), brotli and gzip files made at build time where
//! they exist, and a Content-Security-Policy that allows exactly the app's own
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

/// Who may put the arena in a frame: the whole site (`ARENA_FRAME_ANCESTORS`, a CSP source list,
/// `'self'` by default) and the embed at `/embed` (`'self'` and the origins of
/// `ARENA_EMBED_ORIGINS`, the portals allowed to embed it). Any other site gets no arena.
#[derive(Clone, Debug)]
pub struct Framing {
    site: String,
    embed: String,
}

impl Framing {
    /// `site`: CSP sources such as `'self' https://www.example.go.kr`; `embed_origins`: origins
    /// such as `https://www.gov.kr, https://www.seoul.go.kr` (commas or spaces between).
    pub fn new(site: &str, embed_origins: &str) -> anyhow::Result<Self> {
        let valid_source = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"'))
        };
        anyhow::ensure!(
            site.split(' ').filter(|s| !s.is_empty()).all(valid_source) && !site.trim().is_empty(),
            "ARENA_FRAME_ANCESTORS must be a list of CSP sources such as \"'self' https://www.example.go.kr\", got {site:?}"
        );
        let mut embed = vec!["'self'".to_owned()];
        for origin in embed_origins
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|o| !o.is_empty())
        {
            embed.push(parse_origin(origin).ok_or_else(|| {
                anyhow::anyhow!(
                    "ARENA_EMBED_ORIGINS must list origins such as \"https://www.gov.kr, http://localhost:8000\" \
                     (scheme and host, no path), got {origin:?}"
                )
            })?);
        }
        Ok(Framing {
            site: site.trim().to_owned(),
            embed: embed.join(" "),
        })
    }
}

impl Default for Framing {
    fn default() -> Self {
        Framing {
            site: "'self'".into(),
            embed: "'self'".into(),
        }
    }
}

/// `https://host[:port]` (a trailing `/` allowed), lower-cased; nothing else.
fn parse_origin(origin: &str) -> Option<String> {
    let origin = origin
        .strip_suffix('/')
        .unwrap_or(origin)
        .to_ascii_lowercase();
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    (host_ok && port_ok).then_some(origin)
}

/// The app's pages and the policies that go with them, read once at start: `index.html` (the full
/// app, every route) and `battle.html` (the light battle app, at `/` and `/embed`), each with one
/// policy for the site and one, differing only in who may frame it, for the embed.
#[derive(Clone, Debug)]
pub struct IndexPage {
    full: Option<Page>,
    battle: Option<Page>,
    /// `admin.html`, the operators' app: never framed, not indexed.
    admin: Option<Page>,
}

#[derive(Clone, Debug)]
struct Page {
    html: Arc<str>,
    csp: HeaderValue,
    embed_csp: HeaderValue,
}

impl Page {
    fn load(file: &Path, framing: &Framing) -> anyhow::Result<Option<Page>> {
        let Ok(html) = std::fs::read_to_string(file) else {
            return Ok(None);
        };
        let script_hashes: Vec<String> = inline_scripts(&html)
            .into_iter()
            .map(|s| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes()))))
            .collect();
        let csp = |frame_ancestors: &str| {
            HeaderValue::from_str(&format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                 form-action 'self'; frame-ancestors {frame_ancestors}",
                script_hashes.join(" ")
            ))
        };
        Ok(Some(Page {
            csp: csp(&framing.site)?,
            embed_csp: csp(&framing.embed)?,
            html: Arc::from(html),
        }))
    }

    fn response(&self, csp: &HeaderValue) -> Response {
        (
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                (CONTENT_SECURITY_POLICY, csp.clone()),
            ],
            self.html.to_string(),
        )
            .into_response()
    }
}

fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        "The web app is not built. Run `make run`, which builds it into dist/.\n",
    )
        .into_response()
}

impl IndexPage {
    pub fn load(dist: &Path, framing: &Framing) -> anyhow::Result<Self> {
        Ok(IndexPage {
            full: Page::load(&dist.join("index.html"), framing)?,
            battle: Page::load(&dist.join("battle.html"), framing)?,
            // No site may frame the operators' pages (a click in a frame could change a model).
            admin: Page::load(
                &dist.join("admin.html"),
                &Framing {
                    site: "'none'".into(),
                    embed: "'none'".into(),
                },
            )?,
        })
    }

    pub fn is_built(&self) -> bool {
        self.full.is_some() || self.battle.is_some()
    }

    /// An app route: the full app.
    fn response(&self) -> Response {
        match self.full.as_ref().or(self.battle.as_ref()) {
            Some(page) => page.response(&page.csp),
            None => not_built(),
        }
    }

    /// `/`: the light battle app where it is built.
    fn battle_response(&self) -> Response {
        match self.battle.as_ref().or(self.full.as_ref()) {
            Some(page) => page.response(&page.csp),
            None => not_built(),
        }
    }

    /// `/admin`: the operators' app where it is built.
    fn admin_response(&self) -> Response {
        match self.admin.as_ref() {
            Some(page) => {
                let mut response = page.response(&page.csp);
                response.headers_mut().insert(
                    axum::http::HeaderName::from_static("x-robots-tag"),
                    HeaderValue::from_static("noindex, nofollow"),
                );
                response
            }
            None => self.response(),
        }
    }

    /// `/embed/join`: the full app (which alone carries the panel's join page), framable by the
    /// allowed portals.
    fn embed_join_response(&self) -> Response {
        match self.full.as_ref().or(self.battle.as_ref()) {
            Some(page) => page.response(&page.embed_csp),
            None => not_built(),
        }
    }

    /// `/embed`: the battle app, framable by the allowed portals.
    fn embed_response(&self) -> Response {
        match self.battle.as_ref().or(self.full.as_ref()) {
            Some(page) => page.response(&page.embed_csp),
            None => not_built(),
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
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(spa_fallback);
    let for_embed = for_root.clone();
    let for_full = for_root.clone();
    let for_admin = for_root.clone();
    let for_embed_join = for_root.clone();
    let admin = axum::routing::get(move || {
        let index = for_admin.clone();
        async move { index.admin_response() }
    });
    let root = axum::routing::get(move || {
        let index = for_root.clone();
        async move { index.battle_response() }
    });
    let full = axum::routing::get(move || {
        let index = for_full.clone();
        async move { index.response() }
    });
    let embed = axum::routing::get(move || {
        let index = for_embed.clone();
        async move { index.embed_response() }
    });
    let embed_join = axum::routing::get(move || {
        let index = for_embed_join.clone();
        async move { index.embed_join_response() }
    });
    Router::new()
        .route("/", root.clone())
        .route("/battle.html", root)
        .route("/index.html", full)
        .route("/embed", embed.clone())
        .route("/embed/", embed)
        .route("/embed/join", embed_join.clone())
        .route("/embed/join/", embed_join)
        .route("/admin", admin.clone())
        .route("/admin/", admin.clone())
        .route("/admin.html", admin)
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
    fn embed_origins_are_origins_only() {
        let framing = Framing::new(
            "'self'",
            "https://www.gov.kr, http://localhost:8000/ HTTPS://Seoul.go.kr",
        )
        .expect("valid origins");
        assert_eq!(
            framing.embed,
            "'self' https://www.gov.kr http://localhost:8000 https://seoul.go.kr"
        );
        assert_eq!(Framing::new("'self'", "").expect("none").embed, "'self'");
        for bad in [
            "*",
            "www.gov.kr",
            "https://www.gov.kr/path",
            "https://a.kr;script-src",
            "javascript:alert(1)",
            "https://a.kr:99999",
            "https://",
        ] {
            assert!(Framing::new("'self'", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<script src="/a.js"></script><script type="module">init('/x');</script>"#;
        assert_eq!(inline_scripts(html), vec!["init('/x');"]);
    }
}
