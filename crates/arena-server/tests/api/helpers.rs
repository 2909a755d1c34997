//! `spawn_app()`: an arena on 127.0.0.1:<free port> with its own database file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arena_core::api::{BattleResponse, ErrorBody};
use arena_core::battle_set;
use arena_core::rating::RatingOptions;
use arena_server::clock::{Clock, ManualClock, SystemClock};
use arena_server::leaderboard::RefreshSettings;
use arena_server::serve::{ServeLimits, serve};
use arena_server::store::sqlite::SqliteStore;
use arena_server::store::{DynStore, Store};
use arena_server::trust::pow::PowMode;
use arena_server::trust::{MinRead, TrustSettings};
use arena_server::web::IndexPage;
use arena_server::{AppState, Settings, app};

/// Three models; `p-1` and `p-2` answered by all, `p-3` by one only (never drawn).
pub const BATTLE_SET: &str = r#"{"models": [{"id": "m-good", "name": "좋은 모델"}, {"id": "m-plain", "name": "평범한 모델"}]}
{"id": "p-1", "category": "역사", "prompt": "훈민정음은 언제 반포되었나요?", "answers": [{"model": "m-good", "text": "**1446년**에 반포되었습니다."}, {"model": "m-plain", "text": "1446년입니다."}, {"model": "m-weak", "text": "1500년쯤입니다."}]}
{"id": "p-2", "category": "사투리", "prompt": "‘단디 해라’는 무슨 뜻인가요?", "answers": [{"model": "m-good", "text": "‘단단히, 확실히 하라’는 경상도 말입니다."}, {"model": "m-plain", "text": "잘 하라는 뜻입니다."}, {"model": "m-weak", "text": "전라도 말로 ‘빨리 하라’입니다."}]}
{"id": "p-3", "category": "역사", "prompt": "혼자만 답한 질문", "answers": [{"model": "m-good", "text": "혼자"}]}
"#;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: DynStore,
    pub sqlite: SqliteStore,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
}

pub struct Options {
    pub token_ttl: Duration,
    pub secret: Vec<u8>,
    pub dist: Option<PathBuf>,
    pub trust: TrustSettings,
    /// A clock the test moves by hand; the real clock when `None`.
    pub clock: Option<Arc<ManualClock>>,
    /// The battle set to import (JSON Lines).
    pub battle_set: String,
    pub bootstrap_rounds: usize,
    /// Run the background worker (off: the test calls `state.leaderboards.refresh()` itself).
    pub worker: bool,
    /// Start from a copy of this database instead of a new one with `battle_set`.
    pub database: Option<PathBuf>,
}

/// The rules of "votes the public can trust" switched off: what the tests of plain voting rely
/// on (a vote right after its battle counts; nothing is limited; no proof of work). Tests of
/// those rules turn on what they test.
pub fn permissive() -> TrustSettings {
    TrustSettings {
        min_read: MinRead::Fixed(0),
        limits_enabled: false,
        pow: PowMode::Off,
        ..TrustSettings::default()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            token_ttl: Duration::from_secs(3600),
            secret: b"test secret test secret test secret".to_vec(),
            dist: None,
            trust: permissive(),
            clock: None,
            battle_set: BATTLE_SET.to_owned(),
            bootstrap_rounds: 100,
            worker: true,
            database: None,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("arena.db").display());
    if let Some(source) = &options.database {
        std::fs::copy(source, dir.path().join("arena.db")).unwrap();
    }
    let sqlite = SqliteStore::connect(&url).await.unwrap();
    if options.database.is_none() {
        sqlite
            .import(&battle_set::parse(&options.battle_set).unwrap())
            .await
            .unwrap();
    }
    let store: DynStore = Arc::new(sqlite.clone());
    let clock: Arc<dyn Clock> = match &options.clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let audit = Some(options.trust.audit.clone());
    let state = AppState::new(
        Arc::clone(&store),
        &options.secret,
        Settings {
            token_ttl: options.token_ttl,
            secure_cookies: false,
        },
        options.trust,
        RatingOptions {
            bootstrap_rounds: options.bootstrap_rounds,
            ..RatingOptions::default()
        },
        RefreshSettings {
            min_interval: Duration::from_millis(50),
            audit_every: Duration::ZERO,
            audit,
            clock,
            ..RefreshSettings::default()
        },
    );
    state.leaderboards.recompute().await.unwrap();
    if options.worker {
        state.leaderboards.spawn_worker();
    }
    let web = options.dist.map(|d| {
        let index = IndexPage::load(&d, "'self'").unwrap();
        (d, index)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone(), web);
    tokio::spawn(async move {
        serve(
            listener,
            router,
            ServeLimits::default(),
            std::future::pending(),
        )
        .await
        .unwrap()
    });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        store,
        sqlite,
        state,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn battle(&self) -> BattleResponse {
        let res = self
            .client
            .get(self.url("/api/v1/battle"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// `GET path`, answered 200 with JSON of type `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.json().await.unwrap()
    }

    /// The overall leaderboard right after one pass of the worker (audit and recomputation),
    /// for tests that run without the background worker.
    pub async fn refreshed_leaderboard(&self) -> arena_core::api::LeaderboardResponse {
        self.state.leaderboards.refresh().await.unwrap();
        self.get_json("/api/v1/leaderboard").await
    }

    pub async fn post_vote(&self, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/vote"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn vote_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM votes")
            .fetch_one(&self.pool())
            .await
            .unwrap()
    }

    pub fn pool(&self) -> sqlx::SqlitePool {
        self.sqlite.pool().clone()
    }
}

/// Asserts an error response: the status, a JSON body of the API's shape, and its code.
pub async fn assert_error(res: reqwest::Response, status: u16, code: &str) -> ErrorBody {
    assert_eq!(res.status(), status, "status");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: ErrorBody = res.json().await.unwrap();
    assert_eq!(body.error.code, code, "{body:?}");
    assert!(!body.error.message.is_empty());
    body
}
