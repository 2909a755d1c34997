//! Serving the built app: app routes get index.html with a CSP, hashed files a long cache.

use arena_server::web::{Framing, IndexPage};

use crate::helpers::{Options, spawn_app_with};

fn fake_dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let index = "<!DOCTYPE html><html lang=\"ko\"><head><script type=\"module\">import init from '/kai-arena-0123456789abcdef.js';init();</script></head><body></body></html>";
    std::fs::write(dir.path().join("index.html"), index).unwrap();
    std::fs::write(
        dir.path().join("kai-arena-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(dir.path().join("robots.txt"), "User-agent: *\n").unwrap();
    dir
}

#[tokio::test]
async fn app_routes_get_the_index_with_a_pinned_script_policy() {
    let dist = fake_dist();
    let app = spawn_app_with(Options {
        dist: Some(dist.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    for path in ["/", "/index.html", "/leaderboard", "/about"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
        assert!(res.text().await.unwrap().contains("lang=\"ko\""));
    }
    let res = app.client.get(app.url("/missing.js")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[test]
fn a_frame_ancestors_value_that_would_break_the_policy_is_refused() {
    let dist = fake_dist();
    let framing = Framing::new("'self' https://www.gov.kr", "").unwrap();
    assert!(IndexPage::load(dist.path(), &framing).is_ok());
    for bad in ["", "'self'; script-src *", "a\nb", "\"x\""] {
        assert!(Framing::new(bad, "").is_err(), "{bad:?}");
    }
}

/// Portals on the allowlist may frame `/embed` (and the panel's `/embed/join`), and only those: the rest of the site keeps
/// its own (stricter) frame-ancestors, and a site not on the list gets no arena in its frame.
#[tokio::test]
async fn only_the_embed_route_may_be_framed_by_the_allowed_portals() {
    let dist = fake_dist();
    let app = spawn_app_with(Options {
        dist: Some(dist.path().to_path_buf()),
        framing: Framing::new("'self'", "https://www.gov.kr,http://localhost:8000").unwrap(),
        ..Options::default()
    })
    .await;
    let csp = |path: &'static str| {
        let client = app.client.clone();
        let url = app.url(path);
        async move {
            let res = client.get(url).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    for path in ["/embed", "/embed?lang=en&category=x", "/embed/join?lang=en"] {
        let policy = csp(path).await;
        assert!(
            policy.ends_with("frame-ancestors 'self' https://www.gov.kr http://localhost:8000"),
            "{policy}"
        );
    }
    for path in ["/", "/leaderboard", "/webmasters", "/join"] {
        assert!(
            csp(path).await.ends_with("frame-ancestors 'self'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_long_and_compressed() {
    let dist = fake_dist();
    let app = spawn_app_with(Options {
        dist: Some(dist.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let res = app
        .client
        .get(app.url("/kai-arena-0123456789abcdef.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let res = app.client.get(app.url("/robots.txt")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    // reqwest without its gzip feature sends no Accept-Encoding and decodes nothing; ask explicitly.
    let res = app
        .client
        .get(app.url("/leaderboard"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

/// The light battle app answers `/` and `/embed`; every other app route gets the full app, each
/// with the script hashes of its own page.
#[tokio::test]
async fn the_battle_app_serves_the_first_page_and_the_full_app_the_others() {
    let dist = fake_dist();
    let battle = "<!DOCTYPE html><html lang=\"ko\"><head><script type=\"module\">import init from '/kai-arena-battle-0123456789abcdef.js';init();</script></head><body></body></html>";
    std::fs::write(dist.path().join("battle.html"), battle).unwrap();
    let app = spawn_app_with(Options {
        dist: Some(dist.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    for (path, expected) in [
        ("/", "kai-arena-battle-"),
        ("/embed", "kai-arena-battle-"),
        // The join page is the full app's alone, framed or not.
        ("/embed/join", "/kai-arena-0123456789abcdef.js"),
        ("/leaderboard", "/kai-arena-0123456789abcdef.js"),
        ("/privacy", "/kai-arena-0123456789abcdef.js"),
        ("/index.html", "/kai-arena-0123456789abcdef.js"),
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = res.text().await.unwrap();
        assert!(html.contains(expected), "{path}: {html}");
        let script = &html[html.find("import").unwrap()..html.find("</script>").unwrap()];
        let hash = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), script)),
        );
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
    }
}

/// The operators' app at `/admin`: a page of its own that no site may frame and no search
/// engine should list.
#[tokio::test]
async fn the_operators_app_is_served_at_admin_never_framed() {
    let dist = fake_dist();
    let admin = "<!DOCTYPE html><html lang=\"ko\"><head><script type=\"module\">import init from '/kai-arena-admin-0123456789abcdef.js';init();</script></head><body></body></html>";
    std::fs::write(dist.path().join("admin.html"), admin).unwrap();
    let app = spawn_app_with(Options {
        dist: Some(dist.path().to_path_buf()),
        framing: Framing::new("'self' https://portal.example.go.kr", "https://www.gov.kr").unwrap(),
        ..Options::default()
    })
    .await;
    for path in ["/admin", "/admin/"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
        assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
        assert!(res.text().await.unwrap().contains("kai-arena-admin-"));
    }
    // The other pages keep their own framing.
    let res = app
        .client
        .get(app.url("/leaderboard"))
        .send()
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'self' https://portal.example.go.kr"),
        "{csp}"
    );
}
