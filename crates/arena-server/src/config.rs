//! Every setting of `arena-server`, typed, from flags or the environment (`--help` lists them
//! all), and the settings of the server's parts they make. Data only: `application.rs` builds the
//! server from it, `store::open` opens the database it names.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::leaderboard::RefreshSettings;
use crate::serve::ServeLimits;
use crate::trust::address::TrustedProxies;
use crate::trust::limits::Rate;
use crate::trust::pow::PowMode;
use crate::trust::{AuditSettings, MinRead, TrustSettings};

/// Most bootstrap rounds a table may ask for: each round refits every table.
pub const MAX_BOOTSTRAP_ROUNDS: usize = 10_000;

#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// `sqlite://path/to/file.db` (created if missing), `sqlite::memory:`, or
    /// `postgres://user:password@host:port/database` (several servers on one database).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/arena.db")]
    pub database_url: String,
    /// SQLite: `full` (a vote answered 200 survives a power cut) or `normal` (only a crash of
    /// the process; faster, for benchmarks).
    #[arg(
        long,
        env = "ARENA_SQLITE_SYNCHRONOUS",
        value_enum,
        default_value = "full"
    )]
    pub sqlite_synchronous: crate::store::sqlite::Durability,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeConfig {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "ARENA_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The web app built by Trunk.
    #[arg(long, env = "ARENA_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Import this battle set when the database has no battles yet (first start).
    #[arg(long, env = "ARENA_IMPORT_IF_EMPTY")]
    pub import_if_empty: Option<PathBuf>,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464), on an address of
    /// their own that the public cannot reach; no metrics when unset.
    #[arg(long, env = "ARENA_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// The key of battle tokens, voter ids and challenges (32+ characters); the same on every
    /// server. Unset: generated once into --secret-file.
    #[arg(long, env = "ARENA_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Where the generated secret is kept when ARENA_SECRET is not set.
    #[arg(long, env = "ARENA_SECRET_FILE", default_value = "data/arena.secret")]
    pub secret_file: PathBuf,
    /// Seconds a battle stays open for its vote (an hour: enough to read, too short to hoard).
    #[arg(long, env = "ARENA_TOKEN_TTL_SECS", default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// Served over HTTPS: Secure, partitioned voter cookie (works in a portal's frame) and HSTS.
    #[arg(long, env = "ARENA_SECURE_COOKIES", value_parser = clap::builder::FalseyValueParser::new())]
    pub secure_cookies: bool,
    /// Who may frame the app (CSP frame-ancestors), e.g. "'self' https://www.example.go.kr".
    #[arg(long, env = "ARENA_FRAME_ANCESTORS", default_value = "'self'")]
    pub frame_ancestors: String,
    /// Sites (origins, comma-separated) whose pages may embed the arena at /embed with
    /// public/embed.js, e.g. "https://www.gov.kr,https://www.seoul.go.kr". No other site can.
    #[arg(long, env = "ARENA_EMBED_ORIGINS", default_value = "")]
    pub embed_origins: String,
    /// Operators (the API under /api/v1/admin and the /admin pages): `label:sha256`
    /// entries, comma-separated, each the SHA-256 (hex) of a token; `arena-server
    /// operator-token --label NAME` makes one. Unset: the operator API is off.
    #[arg(
        long,
        env = "ARENA_OPERATOR_TOKEN_SHA256",
        default_value = "",
        hide_env_values = true
    )]
    pub operator_token_sha256: crate::operator::OperatorTokens,
    /// Largest import the operator API accepts, in megabytes.
    #[arg(long, env = "ARENA_MAX_UPLOAD_MB", default_value_t = 256)]
    pub max_upload_mb: usize,
    /// Live battles: a JSON file of OpenAI-compatible models
    /// (`[{"id","name","base_url","model","api_key_env"}]`); unset: no live battles.
    #[arg(long, env = "ARENA_LIVE_MODELS")]
    pub live_models: Option<PathBuf>,
    /// Terms a live prompt may not contain, one per line (`#` starts a comment).
    #[arg(long, env = "ARENA_LIVE_BLOCKLIST")]
    pub live_blocklist: Option<PathBuf>,
    /// Live prompts one voter may send.
    #[arg(long, env = "ARENA_LIMIT_VOTER_LIVE", default_value = "20/hour")]
    pub limit_voter_live: Rate,
    /// Live prompts one address may send (all its voters together).
    #[arg(long, env = "ARENA_LIMIT_ADDRESS_LIVE", default_value = "60/hour")]
    pub limit_address_live: Rate,
    /// Live prompts the whole site sends to models: the budget of paid model calls.
    #[arg(long, env = "ARENA_LIVE_BUDGET", default_value = "2000/hour")]
    pub live_budget: Rate,
    /// How battles pair models: `informative` (where a vote teaches the leaderboard most; new
    /// models first; a quarter of draws uniform so no pair starves) or `uniform` (by prompt).
    #[arg(long, env = "ARENA_PAIRING", default_value = "informative", value_parser = ["informative", "uniform"])]
    pub pairing: String,
    /// Bootstrap rounds for the leaderboard's intervals (at most 10,000).
    #[arg(long, env = "ARENA_BOOTSTRAP_ROUNDS", default_value_t = 1000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_BOOTSTRAP_ROUNDS as u64))]
    pub bootstrap_rounds: usize,
    /// How the served tables' 95% intervals are computed: `bootstrap` or `sandwich` (either can
    /// be asked for per request: `/api/v1/leaderboard?intervals=…`).
    #[arg(long, env = "ARENA_INTERVALS", default_value = "bootstrap", value_parser = ["bootstrap", "sandwich"])]
    pub intervals: String,
    /// Serve tables with pair reweighting (`?reweight=` asks per request).
    #[arg(long, env = "ARENA_REWEIGHT", value_parser = clap::builder::FalseyValueParser::new())]
    pub reweight: bool,
    /// At most one leaderboard recomputation per this many milliseconds, however many votes come.
    #[arg(long, env = "ARENA_LEADERBOARD_INTERVAL_MS", default_value_t = 2000)]
    pub leaderboard_interval_ms: u64,

    /// Proxies (comma-separated CIDRs) whose X-Forwarded-For is believed; none by default.
    #[arg(long, env = "ARENA_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    /// `on` or `off`: rate limits (429) and the daily caps on counted votes.
    #[arg(long, env = "ARENA_RATE_LIMITS", default_value = "on", value_parser = ["on", "off"])]
    pub rate_limits: String,
    /// Votes one voter may send.
    #[arg(long, env = "ARENA_LIMIT_VOTER_VOTES", default_value = "12/min")]
    pub limit_voter_votes: Rate,
    /// Battles one voter may draw.
    #[arg(long, env = "ARENA_LIMIT_VOTER_BATTLES", default_value = "30/min")]
    pub limit_voter_battles: Rate,
    /// Reasons one voter may send after votes (each replaces the last).
    #[arg(long, env = "ARENA_LIMIT_VOTER_REASONS", default_value = "30/min")]
    pub limit_voter_reasons: Rate,
    /// Requests from one address that no voter id answers for (new visitors, bad tokens).
    #[arg(long, env = "ARENA_LIMIT_ADDRESS_REQUESTS", default_value = "600/min")]
    pub limit_address_requests: Rate,
    /// New voter ids one address may get.
    #[arg(
        long,
        env = "ARENA_LIMIT_ADDRESS_NEW_VOTERS",
        default_value = "60/hour"
    )]
    pub limit_address_new_voters: Rate,
    /// Full downloads of snapshots' battle files one address may make.
    #[arg(long, env = "ARENA_LIMIT_ADDRESS_DOWNLOADS", default_value = "30/hour")]
    pub limit_address_downloads: Rate,
    /// New voter ids over the whole site beyond which it counts as flooded (proof of work).
    #[arg(long, env = "ARENA_POW_SITE_NEW_VOTERS", default_value = "300/min")]
    pub pow_site_new_voters: Rate,
    /// Counted votes per voter per 24 hours; more are kept but not counted.
    #[arg(long, env = "ARENA_CAP_VOTER_DAY", default_value_t = 200)]
    pub cap_voter_day: u64,
    /// Counted votes per address per 24 hours; more are kept but not counted.
    #[arg(long, env = "ARENA_CAP_ADDRESS_DAY", default_value_t = 3000)]
    pub cap_address_day: u64,
    /// Reading time before a vote counts: `auto` (4 ms a character, 3–10 s) or milliseconds.
    #[arg(long, env = "ARENA_MIN_READ_MS", default_value = "auto")]
    pub min_read_ms: MinRead,
    /// Proof of work: `auto` (under a flood), `on` (always for new voter ids) or `off`.
    #[arg(long, env = "ARENA_POW", default_value = "auto")]
    pub pow: PowMode,
    /// Leading zero bits of proof of work (2^bits hashes on average).
    #[arg(long, env = "ARENA_POW_BITS", default_value_t = 15,
          value_parser = clap::value_parser!(u8).range(0..=i64::from(arena_core::pow::MAX_BITS)))]
    pub pow_bits: u8,
    /// Days a voter id draws battles after it was issued; then the browser gets a new one.
    #[arg(long, env = "ARENA_VOTER_ID_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub voter_id_days: u32,
    /// Days address hashes are kept with votes.
    #[arg(long, env = "ARENA_ADDRESS_RETENTION_DAYS", default_value_t = 30)]
    pub address_retention_days: u32,
    /// Score-test statistic beyond which one voter counts as one-sided for a model.
    #[arg(long, env = "ARENA_ONE_SIDED_Z", default_value_t = 4.5)]
    pub one_sided_z: f64,
    /// The same for the voters linked by a shared address, pooled (a campaign).
    #[arg(long, env = "ARENA_CAMPAIGN_Z", default_value_t = 5.0)]
    pub campaign_z: f64,
    /// New voters from one address within an hour beyond which their votes are a burst.
    #[arg(long, env = "ARENA_NEW_VOTER_BURST", default_value_t = 40)]
    pub new_voter_burst: u32,
    /// Score-test statistic beyond which a model's battles among voters who arrived (or voted)
    /// together diverge from the rest of the table: those votes are held for review.
    #[arg(long, env = "ARENA_MODEL_CAMPAIGN_Z", default_value_t = 5.0)]
    pub model_campaign_z: f64,

    /// Seconds a connection may take to send its request headers, from its opening and after
    /// each response: a silent or idle kept-alive connection is closed after it.
    #[arg(long, env = "ARENA_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "ARENA_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Connections served at once; when all are taken a newcomer sheds the longest-idle one,
    /// and waits only while every connection has a request in flight.
    #[arg(long, env = "ARENA_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
    /// Connections one client (an IPv4 address, an IPv6 /64) may hold at once (trusted proxies
    /// are exempt; a school of a hundred browsers fits).
    #[arg(long, env = "ARENA_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: usize,
}

impl ServeConfig {
    pub fn trust(&self) -> TrustSettings {
        TrustSettings {
            trusted_proxies: self.trusted_proxies.clone(),
            min_read: self.min_read_ms,
            limits_enabled: self.rate_limits == "on",
            voter_votes: self.limit_voter_votes,
            voter_battles: self.limit_voter_battles,
            voter_reasons: self.limit_voter_reasons,
            address_requests: self.limit_address_requests,
            address_new_voters: self.limit_address_new_voters,
            address_downloads: self.limit_address_downloads,
            site_new_voters: self.pow_site_new_voters,
            voter_daily_cap: self.cap_voter_day,
            address_daily_cap: self.cap_address_day,
            pow: self.pow,
            pow_bits: self.pow_bits,
            address_retention_days: self.address_retention_days,
            voter_id_days: self.voter_id_days,
            audit: AuditSettings {
                one_sided_z: self.one_sided_z,
                campaign_z: self.campaign_z,
                new_voter_burst: self.new_voter_burst,
                model_campaign_z: self.model_campaign_z,
                ..AuditSettings::default()
            },
        }
    }

    pub fn refresh(&self) -> RefreshSettings {
        let trust = self.trust();
        RefreshSettings {
            min_interval: Duration::from_millis(self.leaderboard_interval_ms),
            audit: Some(trust.audit),
            address_retention: Duration::from_secs(u64::from(self.address_retention_days) * 86_400),
            informative_pairing: self.pairing == "informative",
            ..RefreshSettings::default()
        }
    }

    pub fn serve_limits(&self) -> ServeLimits {
        ServeLimits {
            header_read_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            max_connections_per_address: self.max_connections_per_address.max(1),
            exempt: self.trusted_proxies.clone(),
            ..ServeLimits::default()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeConfig,
    }

    #[test]
    fn the_documented_defaults_are_the_library_defaults() {
        // No environment leaks in: every ARENA_ variable is for the test process only.
        let cli = Cli::try_parse_from(["arena-server"]).unwrap();
        if std::env::vars().any(|(k, _)| k.starts_with("ARENA_")) {
            eprintln!("skipped: ARENA_ variables are set in this environment");
            return;
        }
        assert_eq!(cli.serve.trust(), TrustSettings::default());
        assert_eq!(cli.serve.bootstrap_rounds, 1000);
    }

    #[test]
    fn bootstrap_rounds_are_bounded() {
        assert!(Cli::try_parse_from(["x", "--bootstrap-rounds", "10001"]).is_err());
        assert!(Cli::try_parse_from(["x", "--trusted-proxies", "10.0.0.0/99"]).is_err());
        assert!(Cli::try_parse_from(["x", "--limit-voter-votes", "12"]).is_err());
        assert!(Cli::try_parse_from(["x", "--pow", "sometimes"]).is_err());
        assert!(Cli::try_parse_from(["x", "--voter-id-days", "0"]).is_err());
    }
}
