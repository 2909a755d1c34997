//! `spawn_app()`: an arena on 127.0.0.1:<free port> with a database of its own: a SQLite file,
//! or with `ARENA_TEST_STORE=postgres` a new database in the throw-away PostgreSQL cluster this
//! test process starts (`make test` runs the suite both ways).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arena_core::api::{BattleResponse, ErrorBody};
use arena_core::battle_set;
use arena_core::rating::RatingOptions;
use arena_server::api::{AppState, Settings};
use arena_server::application::{Application, Config};
use arena_server::clock::{Clock, ManualClock, SystemClock};
use arena_server::leaderboard::RefreshSettings;
use arena_server::serve::ServeLimits;
use arena_server::store::DynStore;
use arena_server::store::sqlite::Durability;
use arena_server::trust::pow::PowMode;
use arena_server::trust::{MinRead, TrustSettings};
use sqlx::Row;

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
    pub db: TestDb,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
}

pub struct Options {
    pub token_ttl: Duration,
    pub secret: Vec<u8>,
    pub dist: Option<PathBuf>,
    /// Who may frame the app and its embed (only `'self'` by default).
    pub framing: arena_server::web::Framing,
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
    /// On PostgreSQL: this database (another test app's) instead of a new one.
    pub database_url: Option<String>,
    /// Operator tokens (by default [`OPERATOR_TOKEN`], labelled [`OPERATOR_LABEL`]).
    pub operators: arena_server::operator::OperatorTokens,
    /// Largest operator upload, in bytes.
    pub max_upload_bytes: usize,
    /// Draw pairs by the leaderboard's pairing plan (off: uniformly by prompt).
    pub informative_pairing: bool,
    /// Live battles' models and rules (none: no live battles).
    pub live: Option<arena_server::live::LiveConfig>,
    /// The HTTP server's timeouts and connection limits (`arena-server serve`'s defaults).
    pub limits: ServeLimits,
}

/// The operator token of a test arena, and its label in the audit log.
pub const OPERATOR_TOKEN: &str = "kaiop_test-token-for-the-api-suite";
pub const OPERATOR_LABEL: &str = "심사팀";

/// `label:sha256(token)`, as ARENA_OPERATOR_TOKEN_SHA256 holds it.
pub fn operator_entry(label: &str, token: &str) -> String {
    use sha2::Digest;
    format!(
        "{label}:{}",
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    )
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
            framing: arena_server::web::Framing::default(),
            trust: permissive(),
            clock: None,
            battle_set: BATTLE_SET.to_owned(),
            bootstrap_rounds: 100,
            worker: true,
            database: None,
            database_url: None,
            operators: operator_entry(OPERATOR_LABEL, OPERATOR_TOKEN)
                .parse()
                .unwrap(),
            max_upload_bytes: 1024 * 1024,
            informative_pairing: true,
            live: None,
            limits: ServeLimits::default(),
        }
    }
}

/// The database under a test app, for tests that look at rows directly.
#[derive(Clone)]
pub enum TestDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// The store the suite runs on: `ARENA_TEST_STORE=postgres` or SQLite (the default).
pub fn on_postgres() -> bool {
    match std::env::var("ARENA_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("ARENA_TEST_STORE={other}: use sqlite or postgres"),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Builds the arena exactly as `arena-server serve` does (`Application::build`), from a
/// `Config` that states what the test relies on, on a database of its own.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database_url = if on_postgres() {
        assert!(
            options.database.is_none(),
            "a database file to start from is SQLite's"
        );
        match &options.database_url {
            Some(url) => url.clone(),
            None => crate::pg::fresh_database().await,
        }
    } else {
        let file = dir.path().join("arena.db");
        if let Some(source) = &options.database {
            std::fs::copy(source, &file).unwrap();
        }
        format!("sqlite://{}", file.display())
    };
    let clock: Arc<dyn Clock> = match &options.clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let audit = Some(options.trust.audit.clone());
    let application = Application::build(Config {
        database_url: database_url.clone(),
        sqlite_synchronous: Durability::Full,
        addr: "127.0.0.1:0".parse().unwrap(),
        web: options.dist.map(|d| (d, options.framing.clone())),
        import_if_empty: None,
        metrics_addr: None,
        secret: options.secret,
        settings: Settings {
            token_ttl: options.token_ttl,
            secure_cookies: false,
            operators: options.operators,
            max_upload_bytes: options.max_upload_bytes,
            live: options.live,
        },
        trust: options.trust,
        rating: RatingOptions {
            bootstrap_rounds: options.bootstrap_rounds,
            ..RatingOptions::default()
        },
        refresh: RefreshSettings {
            min_interval: Duration::from_millis(50),
            audit_every: Duration::ZERO,
            audit,
            clock,
            informative_pairing: options.informative_pairing,
            ..RefreshSettings::default()
        },
        limits: options.limits,
        worker: options.worker,
    })
    .await
    .unwrap();
    // Rows are looked at through a pool of the test's own, as an operator's tool would.
    let db = if on_postgres() {
        TestDb::Postgres(sqlx::PgPool::connect(&database_url).await.unwrap())
    } else {
        TestDb::Sqlite(sqlx::SqlitePool::connect(&database_url).await.unwrap())
    };
    let store = Arc::clone(&application.store);
    if options.database.is_none() && options.database_url.is_none() {
        store
            .import(&battle_set::parse(&options.battle_set).unwrap())
            .await
            .unwrap();
    }
    let address = format!("http://{}", application.address().unwrap());
    let state = application.state.clone();
    tokio::spawn(async move { application.run_until(std::future::pending()).await.unwrap() });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        store,
        db,
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

    /// A request to the operator API with the test operator's token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(&format!("/api/v1/admin{path}")))
            .bearer_auth(OPERATOR_TOKEN)
    }

    /// The audit log, newest first (one page), as the operator API gives it.
    pub async fn audit(&self) -> Vec<arena_core::admin::AuditEntry> {
        let res = self
            .admin(reqwest::Method::GET, "/audit")
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
        self.rows("SELECT CAST(COUNT(*) AS TEXT) FROM votes").await[0][0]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// The PostgreSQL database's URL (for a second server on it).
    pub fn database_url(&self) -> Option<String> {
        match &self.db {
            TestDb::Sqlite(_) => None,
            TestDb::Postgres(pool) => {
                let o = pool.connect_options();
                Some(format!(
                    "postgres://{}@{}:{}/{}",
                    o.get_username(),
                    o.get_host(),
                    o.get_port(),
                    o.get_database().unwrap_or_default()
                ))
            }
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self.db, TestDb::Sqlite(_))
    }

    /// The column that orders votes as they were stored.
    pub fn insertion_order(&self) -> &'static str {
        match self.db {
            TestDb::Sqlite(_) => "rowid",
            TestDb::Postgres(_) => "seq",
        }
    }

    /// Every row of a query written in SQL both stores speak, each column read as text (cast
    /// the others: `CAST(x AS TEXT)`), NULL as `None`.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        fn read<R: Row>(r: &R) -> Vec<Option<String>>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        {
            (0..r.len()).map(|i| r.try_get(i).unwrap()).collect()
        }
        match &self.db {
            TestDb::Sqlite(pool) => sqlx::query(sql)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(read)
                .collect(),
            TestDb::Postgres(pool) => sqlx::query(sql)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(read)
                .collect(),
        }
    }

    /// The first column of every row, as text (`None` for NULL).
    pub async fn column(&self, sql: &str) -> Vec<Option<String>> {
        self.rows(sql)
            .await
            .into_iter()
            .map(|mut r| r.swap_remove(0))
            .collect()
    }

    /// The first column of every row, as text, none of them NULL.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        self.column(sql)
            .await
            .into_iter()
            .map(|v| v.expect("a NULL where text was expected"))
            .collect()
    }

    /// Votes' flags as their codes joined by commas (`""`: counted), from a query whose first
    /// column is `CAST(flags AS TEXT)`.
    pub async fn flag_codes(&self, sql: &str) -> Vec<String> {
        self.texts(sql)
            .await
            .iter()
            .map(|bits| flag_codes(bits))
            .collect()
    }

    /// Runs a statement both stores speak.
    pub async fn execute(&self, sql: &str) {
        match &self.db {
            TestDb::Sqlite(pool) => {
                sqlx::query(sql).execute(pool).await.unwrap();
            }
            TestDb::Postgres(pool) => {
                sqlx::query(sql).execute(pool).await.unwrap();
            }
        }
    }
}

impl TestApp {
    /// Runs a statement both stores speak; its error, if it fails.
    pub async fn try_execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        match &self.db {
            TestDb::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            TestDb::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
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

/// A vote's flags stored as `bits` (decimal text), as their codes joined by commas.
pub fn flag_codes(bits: &str) -> String {
    arena_core::Flags::from_bits(bits.parse().expect("flags are a number")).to_string()
}

/// The whole answer, every header and every byte of the body, as text (for tests that no
/// response names a model), with the status and the body's bytes.
pub async fn every_byte(res: reqwest::Response) -> (u16, String, Vec<u8>) {
    let status = res.status().as_u16();
    let mut text = format!("{:?}\n", res.status());
    for (name, value) in res.headers() {
        text += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
    }
    let body = res.bytes().await.unwrap().to_vec();
    text += &String::from_utf8_lossy(&body);
    (status, text, body)
}

/// Fails if `text` (an [`every_byte`]) holds any of `names`; `what` says which answer it was.
pub fn assert_names_nothing(text: &str, names: &[impl AsRef<str>], what: &str) {
    for name in names {
        let name = name.as_ref();
        assert!(
            !text.contains(name),
            "{what}: the answer names {name:?}:\n{text}"
        );
    }
}
