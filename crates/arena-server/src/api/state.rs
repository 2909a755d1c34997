//! The state every handler reads: the store, the token keys, the tables, the settings, the
//! trust rules, the imports and downloads in progress, live battles.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;

use crate::leaderboard::{self, Leaderboards};
use crate::live;
use crate::operator::OperatorTokens;
use crate::store::DynStore;
use crate::token::TokenKeys;
use crate::trust::{self, Trust};

/// Settings the handlers read; everything comes from configuration, nothing is hard-wired.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a battle may stay open before its vote is refused.
    pub token_ttl: Duration,
    /// Mark the voter cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Who may use the operator API.
    pub operators: OperatorTokens,
    /// Largest upload the operator API reads (an import), in bytes.
    pub max_upload_bytes: usize,
    /// Live battles' models and rules; `None`: no live battles.
    pub live: Option<live::LiveConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl: Duration::from_secs(3600),
            secure_cookies: false,
            operators: OperatorTokens::default(),
            max_upload_bytes: 256 * 1024 * 1024,
            live: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub keys: Arc<TokenKeys>,
    pub leaderboards: Arc<Leaderboards>,
    pub settings: Arc<Settings>,
    pub trust: Arc<Trust>,
    /// Imports started through the operator API on this server.
    pub imports: Arc<super::admin::ImportJobs>,
    /// Live battles, when configured.
    pub live: Option<Arc<live::Live>>,
    /// Snapshots' battle files, as written to disk for download.
    pub downloads: Arc<super::downloads::Downloads>,
}

impl AppState {
    /// The arena's state from its parts, the same for `main` and the tests. The leaderboards
    /// are not computed yet: call `leaderboards.recompute()` and `spawn_worker()`.
    pub fn new(
        store: DynStore,
        secret: &[u8],
        settings: Settings,
        trust: trust::TrustSettings,
        rating: arena_core::rating::RatingOptions,
        refresh: leaderboard::RefreshSettings,
    ) -> Self {
        let keys = Arc::new(TokenKeys::from_secret(secret));
        let clock = Arc::clone(&refresh.clock);
        // `Application::build` checked the configuration; a client that cannot start here is
        // told in the log and the arena goes on without live battles.
        let live = settings
            .live
            .clone()
            .and_then(|config| match live::Live::new(config) {
                Ok(live) => Some(Arc::new(live)),
                Err(e) => {
                    tracing::error!(error = %e, "live battles are off");
                    None
                }
            });
        AppState {
            live,
            trust: Arc::new(Trust::new(
                trust,
                Arc::clone(&store),
                Arc::clone(&keys),
                clock,
            )),
            leaderboards: Leaderboards::new(Arc::clone(&store), rating, refresh),
            store,
            keys,
            settings: Arc::new(settings),
            imports: Arc::default(),
            downloads: Arc::default(),
        }
    }
}

/// The operator API's extractor reads who may use it.
impl FromRef<AppState> for OperatorTokens {
    fn from_ref(state: &AppState) -> Self {
        state.settings.operators.clone()
    }
}
