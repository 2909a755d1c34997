//! One contract, two stores: what the arena needs from a database, written once against the
//! `Store` trait and run on SQLite (a file in a temporary folder) and on PostgreSQL (a throw-away
//! cluster this test process starts; see `support/postgres.rs`).
#![allow(clippy::unwrap_used)]

#[path = "support/postgres.rs"]
mod pg;

use std::sync::Arc;

use arena_core::battle_set;
use arena_core::{Choice, Flag, Flags};
use arena_server::store::postgres::PgStore;
use arena_server::store::sqlite::SqliteStore;
use arena_server::store::{DailyCaps, DynStore, ImportReport, NewVote, Recorded, StoreError};

/// A store and whatever keeps it alive (the SQLite file's folder).
struct Subject {
    store: DynStore,
    /// The database's URL, for statements past the store (what the database itself refuses).
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Subject {
    /// Runs `sql` on its own connection to the store's database.
    async fn try_execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        if self.url.starts_with("postgres") {
            let mut conn = sqlx::PgConnection::connect(&self.url).await?;
            sqlx::query(sql).execute(&mut conn).await.map(drop)
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url).await?;
            sqlx::query(sql).execute(&mut conn).await.map(drop)
        }
    }
}

async fn sqlite() -> Subject {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("arena.db").display());
    Subject {
        store: Arc::new(SqliteStore::connect(&url).await.unwrap()),
        url,
        _dir: Some(dir),
    }
}

async fn postgres() -> Subject {
    let url = pg::fresh_database().await;
    Subject {
        store: Arc::new(PgStore::connect(&url).await.unwrap()),
        url,
        _dir: None,
    }
}

/// Each contract runs on both stores.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::sqlite().await).await })*
        }
        mod on_postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::postgres().await).await })*
        }
    };
}

contract!(
    an_import_is_counted_and_the_same_file_twice_changes_nothing,
    answers_that_name_their_model_are_held_back_until_allowed,
    a_vote_is_stored_once_and_can_be_read_back,
    flagged_votes_are_kept_but_not_counted,
    caps_count_counted_votes_by_voter_and_address,
    the_address_cap_counts_the_network_not_the_stored_address,
    racing_votes_of_one_voter_never_pass_the_cap,
    a_changed_catalogue_is_drawn_from_at_once,
    address_keys_are_one_per_day_and_old_ones_go,
    the_audit_reads_recent_votes_and_first_votes,
    text_is_listed_in_byte_order,
    every_reviewable_flag_is_listed_for_review,
    a_round_seals_what_it_draws_and_only_moves_forward,
    a_round_s_votes_are_tabulated_apart_and_held_to_its_cap,
);

const SET: &str = r#"{"models": [{"id": "m-a", "name": "모델 가"}, {"id": "m-b", "name": "모델 나"}]}
{"id": "p1", "category": " 역사 ", "prompt": "훈민정음은 언제?", "answers": [{"model": "m-a", "text": "1446년"}, {"model": "m-b", "text": "1443년 창제, 1446년 반포"}]}
{"id": "p2", "category": "생활", "prompt": "전입신고는?", "answers": [{"model": "m-a", "text": "14일 안에"}, {"model": "m-c", "text": "정부24에서"}]}
"#;

async fn import(store: &DynStore, text: &str) -> ImportReport {
    store
        .import(&battle_set::parse(text).unwrap())
        .await
        .unwrap()
}

fn vote(battle: &str, prompt: &str, choice: Choice, flags: &[&str], t: i64) -> NewVote {
    NewVote {
        battle_id: battle.into(),
        prompt_id: prompt.into(),
        model_a: "m-a".into(),
        model_b: if prompt == "p1" { "m-b" } else { "m-c" }.into(),
        choice,
        voter_id: "voter-1".into(),
        address_hash: Some("addr-1".into()),
        issued_at_ms: t - 5_000,
        voted_at_ms: t,
        min_read_ms: 3_000,
        flags: flags.iter().map(|f| f.parse::<Flag>().unwrap()).collect(),
        round: None,
    }
}

async fn an_import_is_counted_and_the_same_file_twice_changes_nothing(s: Subject) {
    let first = import(&s.store, SET).await;
    assert_eq!(
        first,
        ImportReport {
            models_added: 3,
            prompts_added: 2,
            answers_added: 4,
            ..ImportReport::default()
        }
    );
    assert_eq!(import(&s.store, SET).await, ImportReport::default());
    // Categories are trimmed; a renamed model and a rewritten answer are counted as such.
    assert_eq!(s.store.categories().await.unwrap(), ["생활", "역사"]);
    let changed = SET
        .replace("모델 가", "모델 가 (개정)")
        .replace("14일 안에", "14일 이내에");
    let report = import(&s.store, &changed).await;
    assert_eq!((report.models_renamed, report.answers_changed), (1, 1));
    assert_eq!(report.prompts_changed + report.answers_added, 0);
    assert_eq!(s.store.battle_ready_prompts().await.unwrap(), 2);
}

async fn answers_that_name_their_model_are_held_back_until_allowed(s: Subject) {
    let leaky = SET.replace("1446년\"", "저는 OpenAI가 개발한 ChatGPT입니다. 1446년\"");
    import(&s.store, &leaky).await;
    let leaks = s.store.held_answers().await.unwrap();
    assert_eq!(leaks.len(), 1);
    assert_eq!(
        (leaks[0].prompt_id.as_str(), leaks[0].model_id.as_str()),
        ("p1", "m-a")
    );
    assert!(!leaks[0].allowed);
    assert_eq!(s.store.battle_ready_prompts().await.unwrap(), 1);
    for _ in 0..20 {
        let drawn = s.store.draw_battle(None).await.unwrap().unwrap();
        assert_eq!(drawn.prompt.id, "p2", "p1 has one drawable answer left");
    }
    assert!(s.store.allow_held_answer("p1", "m-a", true).await.unwrap());
    assert!(
        !s.store.allow_held_answer("p1", "m-b", true).await.unwrap(),
        "not flagged"
    );
    assert_eq!(s.store.battle_ready_prompts().await.unwrap(), 2);
    // A rewritten answer is judged anew: the permission was for the old text.
    import(&s.store, &leaky.replace("1446년\"", "1446년입니다.\"")).await;
    assert!(!s.store.held_answers().await.unwrap()[0].allowed);
}

async fn a_vote_is_stored_once_and_can_be_read_back(s: Subject) {
    import(&s.store, SET).await;
    let Recorded::Stored {
        models: revealed, ..
    } = s
        .store
        .record_vote(&vote("b1", "p1", Choice::A, &[], 1_000_000), None)
        .await
        .unwrap()
    else {
        panic!("a first vote is stored");
    };
    assert_eq!(
        (revealed.a.name.as_str(), revealed.b.name.as_str()),
        ("모델 가", "모델 나")
    );
    let again = s
        .store
        .record_vote(&vote("b1", "p1", Choice::B, &[], 1_000_001), None)
        .await;
    let stored = s.store.stored_vote("b1").await.unwrap().unwrap();
    assert_eq!((stored.choice, &stored.models), (Choice::A, &revealed));
    assert_eq!(again.unwrap(), Recorded::Duplicate(stored));
    assert_eq!(s.store.stored_vote("b2").await.unwrap(), None);
    let gone = s
        .store
        .record_vote(&vote("b3", "no-such-prompt", Choice::A, &[], 1), None)
        .await;
    assert!(matches!(gone, Err(StoreError::BattleGone)));
}

async fn flagged_votes_are_kept_but_not_counted(s: Subject) {
    import(&s.store, SET).await;
    let t = 1_000_000;
    s.store
        .record_vote(&vote("b1", "p1", Choice::A, &[], t), None)
        .await
        .unwrap();
    s.store
        .record_vote(
            &vote(
                "b2",
                "p1",
                Choice::B,
                &["too_fast", "voter_mismatch"],
                t + 1,
            ),
            None,
        )
        .await
        .unwrap();
    s.store
        .record_vote(&vote("b3", "p2", Choice::Tie, &[], t + 2), None)
        .await
        .unwrap();
    let counts = s.store.vote_counts().await.unwrap();
    assert_eq!(counts.iter().map(|c| c.count).sum::<u64>(), 2);
    assert!(counts.iter().all(|c| c.choice != Choice::B));
    // Flagging twice with one reason changes a vote once.
    let ids = ["b3".to_owned(), "b3".to_owned(), "missing".to_owned()];
    assert_eq!(s.store.flag_votes(&ids, Flag::OneSided).await.unwrap(), 1);
    // The counts follow at once: b3 left its cell.
    let counts = s.store.vote_counts().await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].choice, counts[0].count), (Choice::A, 1));
    assert_eq!(s.store.flag_votes(&ids, Flag::OneSided).await.unwrap(), 0);
    assert_eq!(s.store.flag_votes(&ids, Flag::Campaign).await.unwrap(), 1);
    let excluded: Vec<(String, String, u64)> = s
        .store
        .excluded_counts()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.category, e.reason, e.count))
        .collect();
    assert_eq!(
        excluded,
        [
            ("생활".to_owned(), "one_sided".to_owned(), 1),
            ("역사".to_owned(), "too_fast".to_owned(), 1)
        ]
    );
    let published = s.store.public_battles().await.unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(
        (
            published[0].battle_id.as_str(),
            published[0].winner.as_str()
        ),
        ("b1", "model_a")
    );
}

fn caps(voter: u64, address: u64) -> DailyCaps {
    DailyCaps {
        voter,
        address,
        address_hashes: ["addr-1".into(), "addr-0".into()],
    }
}

const HOUR: i64 = 3_600_000;

async fn caps_count_counted_votes_by_voter_and_address(s: Subject) {
    import(&s.store, SET).await;
    let caps = caps(2, 3);
    let t = 1_000 * HOUR;
    let cast = |id: &str, voter: &str, flags: &[&str], at: i64| {
        let mut v = vote(id, "p1", Choice::A, flags, at);
        v.voter_id = voter.into();
        v
    };
    let flags_of = |id: &'static str| {
        let store = s.store.clone();
        async move {
            store
                .votes_since(0)
                .await
                .unwrap()
                .into_iter()
                .find(|v| v.battle_id == id)
                .unwrap()
                .flags
                .to_string()
        }
    };
    for (id, voter, flags, at) in [
        ("b1", "voter-1", &[][..], t),
        ("b2", "voter-1", &["too_fast"][..], t + 1),
        ("b3", "voter-1", &[][..], t + 2),
        ("b4", "voter-1", &[][..], t + 3),
        ("b5", "voter-2", &[][..], t + 4),
        ("b6", "voter-3", &[][..], t + 5),
    ] {
        s.store
            .record_vote(&cast(id, voter, flags, at), Some(&caps))
            .await
            .unwrap();
    }
    // A flagged vote does not count towards a cap; the voter's third counted vote is over it.
    assert_eq!(flags_of("b3").await, "");
    assert_eq!(flags_of("b4").await, "voter_daily_cap");
    // Three counted votes from the address (b1, b3, b5): the next is over its cap.
    assert_eq!(flags_of("b6").await, "address_daily_cap");
    assert_eq!(
        s.store
            .tallies("voter-1", &caps.address_hashes, t + 5)
            .await
            .unwrap(),
        (2, 3)
    );
    // Yesterday's hash of the same address counts too, for the last 24 hours only.
    let tomorrow = DailyCaps {
        address_hashes: ["addr-2".into(), "addr-1".into()],
        ..caps.clone()
    };
    assert_eq!(
        s.store
            .tallies("voter-1", &tomorrow.address_hashes, t + 23 * HOUR)
            .await
            .unwrap(),
        (2, 3)
    );
    assert_eq!(
        s.store
            .tallies("voter-1", &tomorrow.address_hashes, t + 24 * HOUR)
            .await
            .unwrap(),
        (0, 0)
    );
    let mut b7 = cast("b7", "voter-1", &[], t + 24 * HOUR);
    b7.address_hash = Some("addr-2".into());
    s.store.record_vote(&b7, Some(&tomorrow)).await.unwrap();
    assert_eq!(flags_of("b7").await, "");
    // A retry of a counted vote counts once.
    let again = s.store.record_vote(&b7, Some(&tomorrow)).await.unwrap();
    assert!(matches!(again, Recorded::Duplicate(_)));
    assert_eq!(
        s.store
            .tallies("voter-1", &tomorrow.address_hashes, t + 24 * HOUR)
            .await
            .unwrap(),
        (1, 1)
    );
    // Old tallies go; erasing address hashes keeps the votes.
    assert!(s.store.prune_tallies(t + 24 * HOUR).await.unwrap() >= 3);
    assert_eq!(s.store.forget_addresses(t + 3).await.unwrap(), 3);
    assert_eq!(s.store.votes_since(0).await.unwrap().len(), 7);
}

/// A vote keeps its address's fine hash (an IPv6 /56, for the audit) while the cap counts the
/// coarser network the caps name (its /48): votes from many addresses of one network share one
/// cap.
async fn the_address_cap_counts_the_network_not_the_stored_address(s: Subject) {
    import(&s.store, SET).await;
    let caps = DailyCaps {
        voter: 100,
        address: 3,
        address_hashes: ["net-1".into(), "net-0".into()],
    };
    let t = 3_000 * HOUR;
    for i in 0..5 {
        let mut v = vote(&format!("n{i}"), "p1", Choice::A, &[], t + i);
        v.voter_id = format!("voter-{i}");
        v.address_hash = Some(format!("slash-56-{i}"));
        s.store.record_vote(&v, Some(&caps)).await.unwrap();
    }
    let mut flags: Vec<(String, String, Option<String>)> = s
        .store
        .votes_since(0)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.battle_id, v.flags.to_string(), v.address_hash))
        .collect();
    flags.sort();
    let expected: Vec<(String, String, Option<String>)> = (0..5)
        .map(|i| {
            let flag = if i < 3 { "" } else { "address_daily_cap" };
            (format!("n{i}"), flag.into(), Some(format!("slash-56-{i}")))
        })
        .collect();
    assert_eq!(flags, expected);
    assert_eq!(
        s.store
            .tallies("voter-0", &caps.address_hashes, t + 5)
            .await
            .unwrap(),
        (1, 3)
    );
    // The stored hashes are tallied under nothing of their own.
    let fine = ["slash-56-0".to_owned(), "slash-56-1".to_owned()];
    assert_eq!(
        s.store.tallies("voter-0", &fine, t + 5).await.unwrap(),
        (1, 0)
    );
}

async fn racing_votes_of_one_voter_never_pass_the_cap(s: Subject) {
    import(&s.store, SET).await;
    let caps = caps(5, 1_000);
    let t = 2_000 * HOUR;
    let mut racing = Vec::new();
    for i in 0..40 {
        let store = s.store.clone();
        let caps = caps.clone();
        racing.push(tokio::spawn(async move {
            let v = vote(&format!("r{i}"), "p1", Choice::A, &[], t + i);
            store.record_vote(&v, Some(&caps)).await.unwrap()
        }));
    }
    for r in racing {
        assert!(matches!(r.await.unwrap(), Recorded::Stored { .. }));
    }
    let votes = s.store.votes_since(0).await.unwrap();
    assert_eq!(votes.len(), 40);
    assert_eq!(votes.iter().filter(|v| v.flags.is_empty()).count(), 5);
    let counted: u64 = s
        .store
        .vote_counts()
        .await
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    assert_eq!(counted, 5);
}

async fn a_changed_catalogue_is_drawn_from_at_once(s: Subject) {
    import(&s.store, SET).await;
    for _ in 0..10 {
        assert!(
            s.store
                .draw_battle(Some("없는 분야"))
                .await
                .unwrap()
                .is_none()
        );
    }
    let more = SET.replace(
        "\"p2\", \"category\": \"생활\"",
        "\"p2\", \"category\": \"없는 분야\"",
    );
    import(&s.store, &more).await;
    let drawn = s
        .store
        .draw_battle(Some("없는 분야"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(drawn.prompt.id, "p2");
    assert_eq!(drawn.prompt.category, "없는 분야");
    assert_ne!(drawn.model_a, drawn.model_b);
    let answers = [drawn.answer_a.as_str(), drawn.answer_b.as_str()];
    assert!(answers.contains(&"14일 안에") && answers.contains(&"정부24에서"));
}

async fn address_keys_are_one_per_day_and_old_ones_go(s: Subject) {
    let today = s.store.address_key(100).await.unwrap();
    assert_eq!(s.store.address_key(100).await.unwrap(), today);
    let yesterday = s.store.address_key(99).await.unwrap();
    assert_ne!(today, yesterday);
    // Two days on, day 100's key is gone: asking for it again makes a new one.
    s.store.address_key(102).await.unwrap();
    assert_ne!(s.store.address_key(100).await.unwrap(), today);
}

async fn the_audit_reads_recent_votes_and_first_votes(s: Subject) {
    import(&s.store, SET).await;
    s.store
        .record_vote(&vote("b1", "p1", Choice::A, &[], 1_000), None)
        .await
        .unwrap();
    s.store
        .record_vote(&vote("b2", "p2", Choice::B, &["too_fast"], 5_000), None)
        .await
        .unwrap();
    let recent = s.store.votes_since(2_000).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(
        (
            recent[0].battle_id.as_str(),
            recent[0].flags.to_string().as_str(),
            recent[0].choice
        ),
        ("b2", "too_fast", Choice::B)
    );
    assert_eq!(
        s.store.first_votes_of_voters_since(2_000).await.unwrap(),
        [("voter-1".to_owned(), 1_000)]
    );
}

async fn text_is_listed_in_byte_order(s: Subject) {
    import(
        &s.store,
        r#"{"models": [{"id": "b", "name": "B"}, {"id": "B", "name": "대문자"}, {"id": "가", "name": "가"}, {"id": "a", "name": "A"}]}
{"id": "q", "category": "a", "prompt": "?", "answers": [{"model": "b", "text": "1"}, {"model": "가", "text": "2"}]}
{"id": "r", "category": "B", "prompt": "?", "answers": [{"model": "a", "text": "1"}, {"model": "B", "text": "2"}]}
"#,
    )
    .await;
    let ids: Vec<String> = s
        .store
        .models()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["B", "a", "b", "가"]);
    assert_eq!(s.store.categories().await.unwrap(), ["B", "a"]);
}

/// Tables, their columns and their indexes, by name, as a sorted list of lines.
type Schema = Vec<String>;

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("arena.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'table ' || m.name, 'column ' || m.name || '.' || c.name \
         FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT 'index ' || tbl_name || '.' || name FROM sqlite_master \
         WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut schema: Schema = rows.into_iter().flat_map(|(t, c)| [t, c]).collect();
    schema.extend(indexes);
    schema.sort();
    schema.dedup();
    schema
}

async fn postgres_schema() -> Schema {
    let store = PgStore::connect(&pg::fresh_database().await).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'table ' || c.table_name, 'column ' || c.table_name || '.' || c.column_name \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    // Indexes a primary key or a unique constraint makes are SQLite's autoindexes: not named.
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT 'index ' || i.tablename || '.' || i.indexname FROM pg_indexes i \
         WHERE i.schemaname = 'public' \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut schema: Schema = rows.into_iter().flat_map(|(t, c)| [t, c]).collect();
    schema.extend(indexes);
    schema.sort();
    schema.dedup();
    schema
}

/// The two migration folders make the same tables, columns and indexes: a migration written
/// for one database and forgotten for the other fails here.
#[tokio::test]
async fn both_databases_have_the_same_schema() {
    let (sqlite, mut postgres) = (sqlite_schema().await, postgres_schema().await);
    // Insertion order: SQLite's implicit rowid, PostgreSQL's `seq` (the only column one has).
    postgres.retain(|line| line != "column votes.seq");
    let only = |a: &Schema, b: &Schema| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    assert!(
        sqlite == postgres,
        "only in SQLite: {:#?}\nonly in PostgreSQL: {:#?}",
        only(&sqlite, &postgres),
        only(&postgres, &sqlite)
    );
}

/// The two migration folders are numbered in step, migration for migration, under the same names.
#[test]
fn both_migration_folders_are_numbered_in_step() {
    let names = |db: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(db);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

/// A PostgreSQL database migrated when its migrations were numbered apart from SQLite's
/// (0002 to 0008, now 0003 to 0009) opens as before: its applied versions are renumbered, the
/// two empty migrations and the newer ones applied, and nothing else runs again.
#[tokio::test]
async fn a_postgres_database_under_the_old_migration_numbers_is_renumbered() {
    let applied = |pool: sqlx::PgPool| async move {
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT version, description, checksum FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        rows
    };
    let expected = applied(
        PgStore::connect(&pg::fresh_database().await)
            .await
            .unwrap()
            .pool()
            .clone(),
    )
    .await;
    // A database of the old numbering: the migrations before the flag bits, then 0003 to 0009
    // one lower and no 0002, 0010 or 0011, as the old numbering recorded them.
    let url = pg::fresh_database().await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    migrations_before("postgres", 12)
        .await
        .run(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 2 OR version >= 10")
        .execute(&pool)
        .await
        .unwrap();
    for version in 3..=9_i64 {
        sqlx::query("UPDATE _sqlx_migrations SET version = $1 - 1 WHERE version = $1")
            .bind(version)
            .execute(&pool)
            .await
            .unwrap();
    }
    for statement in FLAG_TEXT_VOTES {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let store = PgStore::connect(&url).await.unwrap();
    let renumbered = applied(store.pool().clone()).await;
    let strip = |rows: &[(i64, String, Vec<u8>)]| -> Vec<(i64, String)> {
        rows.iter().map(|(v, d, _)| (*v, d.clone())).collect()
    };
    assert_eq!(strip(&renumbered), strip(&expected));
    assert_eq!(renumbered, expected, "checksums as before");
    let flags: Vec<(String, String)> =
        sqlx::query_as("SELECT battle_id, CAST(flags AS TEXT) FROM votes ORDER BY battle_id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let store: DynStore = Arc::new(store);
    flags_became_bits(&store, flags).await;
    // The renumbered database takes imports (p1 is there already, with other answers).
    assert_eq!(import(&store, SET).await.prompts_added, 1);
}

/// The crate's migrations of `database` numbered below `version`, as a migrator (a database as
/// an older server left it).
async fn migrations_before(database: &str, version: u32) -> sqlx::migrate::Migrator {
    let dir = tempfile::tempdir().unwrap();
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(database);
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name[..4].parse::<u32>().unwrap() < version {
            std::fs::copy(&path, dir.path().join(&name)).unwrap();
        }
    }
    // Read at once: the folder may go.
    sqlx::migrate::Migrator::new(dir.path()).await.unwrap()
}

/// Votes as servers before the flag bits stored them: flags as codes joined by commas.
const FLAG_TEXT_VOTES: [&str; 4] = [
    "INSERT INTO models (id, name) VALUES ('m1', 'M1'), ('m2', 'M2')",
    "INSERT INTO prompts (id, category, text) VALUES ('p1', 'c', '?')",
    "INSERT INTO answers (prompt_id, model_id, text) VALUES ('p1', 'm1', '1'), ('p1', 'm2', '2')",
    "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                        issued_at_ms, voted_at_ms, elapsed_ms, flags) VALUES \
     ('v1', 'p1', 'c', 'm1', 'm2', 'a', 'x', 0, 1, 1, ''), \
     ('v2', 'p1', 'c', 'm1', 'm2', 'a', 'x', 0, 2, 2, 'too_fast'), \
     ('v3', 'p1', 'c', 'm1', 'm2', 'b', 'y', 0, 3, 3, 'model_campaign,one_sided'), \
     ('v4', 'p1', 'c', 'm2', 'm1', 'a', 'z', 0, 4, 4, 'voter_daily_cap,address_daily_cap')",
];

/// After the upgrade, the votes of [`FLAG_TEXT_VOTES`] hold their flags as bits, are counted
/// and left out as before (each under its first flag), and the store goes on flagging them.
async fn flags_became_bits(store: &DynStore, stored: Vec<(String, String)>) {
    let bits = |flags: &[Flag]| {
        flags
            .iter()
            .copied()
            .collect::<arena_core::Flags>()
            .bits()
            .to_string()
    };
    assert_eq!(
        stored,
        [
            ("v1".into(), "0".into()),
            ("v2".into(), bits(&[Flag::TooFast])),
            ("v3".into(), bits(&[Flag::OneSided, Flag::ModelCampaign])),
            (
                "v4".into(),
                bits(&[Flag::VoterDailyCap, Flag::AddressDailyCap])
            ),
        ]
    );
    let excluded = || async {
        store
            .excluded_counts()
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.reason, e.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        excluded().await,
        [
            ("one_sided".into(), 1),
            ("too_fast".into(), 1),
            ("voter_daily_cap".into(), 1)
        ]
    );
    let counted = store.vote_counts().await.unwrap();
    assert_eq!(counted.iter().map(|c| c.count).sum::<u64>(), 1);
    assert_eq!(
        store
            .flag_votes(&["v1".into()], Flag::Campaign)
            .await
            .unwrap(),
        1
    );
    assert!(
        store
            .vote_counts()
            .await
            .unwrap()
            .iter()
            .all(|c| c.count == 0)
    );
    assert_eq!(excluded().await[0], ("campaign".into(), 1));
}

/// A SQLite database whose votes were stored with flags as text is upgraded to flag bits.
#[tokio::test]
async fn an_upgraded_sqlite_database_keeps_every_vote_s_flags() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("arena.db").display());
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("arena.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    migrations_before("sqlite", 12)
        .await
        .run(&pool)
        .await
        .unwrap();
    for statement in FLAG_TEXT_VOTES {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let store = SqliteStore::connect(&url).await.unwrap();
    let flags: Vec<(String, String)> =
        sqlx::query_as("SELECT battle_id, CAST(flags AS TEXT) FROM votes ORDER BY battle_id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let store: DynStore = Arc::new(store);
    flags_became_bits(&store, flags).await;
}

/// Every flag an operator may review brings its voter to the review list, `model_campaign`
/// (the audit's hold of a model's campaign) among them; a flag for the sender's own conduct
/// does not.
async fn every_reviewable_flag_is_listed_for_review(s: Subject) {
    import(&s.store, SET).await;
    let t = 1_000_000;
    let flags = arena_core::Flag::ALL;
    for (i, flag) in flags.iter().enumerate() {
        let mut v = vote(&format!("b{i}"), "p1", Choice::A, &[], t + i as i64);
        v.voter_id = format!("voter-{}", flag.code());
        s.store.record_vote(&v, None).await.unwrap();
        let flagged = s
            .store
            .flag_votes(&[v.battle_id.clone()], *flag)
            .await
            .unwrap();
        assert_eq!(flagged, 1, "{flag:?}");
    }
    let listed: Vec<(String, String)> = s
        .store
        .flagged_voters()
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.voter, f.reason))
        .collect();
    let mut expected: Vec<(String, String)> = arena_core::Flag::REVIEWABLE
        .iter()
        .map(|f| (format!("voter-{}", f.code()), f.code().to_owned()))
        .collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    expected.sort();
    assert_eq!(listed_sorted, expected);
}

/// A draft round seals the prompts two of its models answered and those answers (hashes anyone
/// can recompute from the texts); it moves one step at a time; once open, the database itself
/// refuses any change to its models, prompts, answers or settings, and keeps it.
async fn a_round_seals_what_it_draws_and_only_moves_forward(s: Subject) {
    use arena_core::round::{Audience, RevealPolicy, RoundDraft, RoundState, seal, text_sha256};
    use arena_server::store::RoundRefused;
    import(&s.store, SET).await;
    let audit = |action: &str| arena_server::store::NewAudit {
        at_ms: 5,
        operator: "op".into(),
        action: action.into(),
        subject: String::new(),
        detail: serde_json::Value::Null,
    };
    let mut draft = RoundDraft {
        name: " 2026년 12월 1차 ".into(),
        models: vec!["m-b".into(), "m-a".into()],
        categories: vec![],
        opens_at_ms: 1_000,
        closes_at_ms: 2_000,
        audience: Audience::Both,
        votes_per_person: 30,
        reveal: RevealPolicy::AfterClose,
        declared: Default::default(),
    };
    draft.models.push("m-x".into());
    assert_eq!(
        s.store
            .create_round(&draft, 5, audit("round.create"))
            .await
            .unwrap(),
        Err(RoundRefused::UnknownModels(vec!["m-x".into()]))
    );
    draft.models.pop();
    draft.categories = vec!["생활".into()];
    assert_eq!(
        s.store
            .create_round(&draft, 5, audit("round.create"))
            .await
            .unwrap(),
        Err(RoundRefused::NoPrompts),
        "생활's one prompt was answered by m-a and m-c"
    );
    draft.categories = vec![];
    // m-b's team declares what produced its answers; it is sealed with the round.
    let declared = arena_core::round::Declaration {
        endpoint: "https://api.team-b.example/v1".into(),
        model_id: "team-b-ko-32b".into(),
        checkpoint: Some(format!("sha256:{}", "0f".repeat(32))),
    };
    draft.declared.insert("m-b".into(), declared.clone());
    let round = s
        .store
        .create_round(&draft, 5, audit("round.create"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(round.name, "2026년 12월 1차");
    assert_eq!(round.state, RoundState::Draft);
    assert_eq!(round.prompts, 1, "p2 lacks m-b's answer");
    assert_eq!(
        round.prompts_sha256,
        seal([("p1", text_sha256("훈민정음은 언제?").as_str())])
    );
    assert_eq!(round.models[0].declared, None);
    assert_eq!(round.models[1].declared.as_ref(), Some(&declared));
    let sealed: Vec<(String, u64, String)> = round
        .models
        .iter()
        .map(|m| (m.id.clone(), m.answers, m.answers_sha256.clone()))
        .collect();
    assert_eq!(
        sealed,
        [
            (
                "m-a".into(),
                1,
                seal([("p1", text_sha256("1446년").as_str())])
            ),
            (
                "m-b".into(),
                1,
                seal([("p1", text_sha256("1443년 창제, 1446년 반포").as_str())])
            ),
        ]
    );
    let id: i64 = round.id.parse().unwrap();
    assert_eq!(
        s.store.rounds(false).await.unwrap(),
        vec![],
        "drafts are not public"
    );
    assert_eq!(s.store.rounds(true).await.unwrap(), vec![round.clone()]);
    // A draft may still change; a step may not be skipped.
    s.try_execute(&format!("UPDATE rounds SET name = 'again' WHERE id = {id}"))
        .await
        .unwrap();
    assert_eq!(
        s.store
            .move_round(id, RoundState::Closed, audit("round.closed"))
            .await
            .unwrap(),
        Err(RoundRefused::Moved {
            from: RoundState::Draft
        })
    );
    let open = s
        .store
        .move_round(id, RoundState::Open, audit("round.open"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(open.state, RoundState::Open);
    for refused in [
        format!("UPDATE rounds SET name = 'later' WHERE id = {id}"),
        format!("UPDATE rounds SET closes_at_ms = 9999 WHERE id = {id}"),
        format!("UPDATE rounds SET state = 'draft' WHERE id = {id}"),
        format!("UPDATE rounds SET state = 'published' WHERE id = {id}"),
        format!("DELETE FROM rounds WHERE id = {id}"),
        format!("UPDATE round_models SET answers_sha256 = 'x' WHERE round_id = {id}"),
        format!("UPDATE round_models SET declared = NULL WHERE round_id = {id}"),
        format!("DELETE FROM round_models WHERE round_id = {id}"),
        format!(
            "INSERT INTO round_models (round_id, model_id, answers_sha256) VALUES ({id}, 'm-c', 'x')"
        ),
        format!("INSERT INTO round_prompts (round_id, prompt_id, sha256) VALUES ({id}, 'p2', 'x')"),
        format!("UPDATE round_prompts SET sha256 = 'x' WHERE round_id = {id}"),
        format!("DELETE FROM round_answers WHERE round_id = {id}"),
        format!(
            "INSERT INTO round_answers (round_id, prompt_id, model_id, sha256) VALUES ({id}, 'p2', 'm-a', 'x')"
        ),
    ] {
        assert!(
            s.try_execute(&refused).await.is_err(),
            "the database let through: {refused}"
        );
    }
    assert_eq!(
        s.store.round(id).await.unwrap().unwrap().models,
        round.models
    );
    for (to, action) in [
        (RoundState::Closed, "round.closed"),
        (RoundState::Published, "round.published"),
    ] {
        assert_eq!(
            s.store
                .move_round(id, to, audit(action))
                .await
                .unwrap()
                .unwrap()
                .state,
            to
        );
    }
    for to in RoundState::ALL {
        assert_eq!(
            s.store
                .move_round(id, to, audit("round.again"))
                .await
                .unwrap(),
            Err(RoundRefused::Moved {
                from: RoundState::Published
            })
        );
    }
    assert_eq!(
        s.store
            .move_round(id + 1, RoundState::Open, audit("round.open"))
            .await
            .unwrap(),
        Err(RoundRefused::NotFound)
    );
    let public = s.store.rounds(false).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].name, "again");
    let log: Vec<String> = s
        .store
        .audit_log(None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        log[..4],
        [
            "round.published",
            "round.closed",
            "round.open",
            "round.create"
        ],
        "each change logged, nothing logged for what was refused"
    );
}

async fn a_round_s_votes_are_tabulated_apart_and_held_to_its_cap(s: Subject) {
    use arena_core::round::{Audience, RevealPolicy, RoundDraft, RoundState};
    use arena_server::store::InRound;
    import(&s.store, SET).await;
    let audit = |action: &str| arena_server::store::NewAudit {
        at_ms: 5,
        operator: "op".into(),
        action: action.into(),
        subject: String::new(),
        detail: serde_json::Value::Null,
    };
    let draft = RoundDraft {
        name: "cap".into(),
        models: vec!["m-a".into(), "m-b".into()],
        categories: vec![],
        opens_at_ms: 1_000,
        closes_at_ms: 2_000_000_000_000,
        audience: Audience::Public,
        votes_per_person: 2,
        reveal: RevealPolicy::AfterClose,
        declared: Default::default(),
    };
    let round = s
        .store
        .create_round(&draft, 5, audit("round.create"))
        .await
        .unwrap()
        .unwrap();
    let id: i64 = round.id.parse().unwrap();
    s.store
        .move_round(id, RoundState::Open, audit("round.open"))
        .await
        .unwrap()
        .unwrap();
    // It draws only what it sealed: p1 between m-a and m-b (p2 has no answer of m-b).
    for _ in 0..10 {
        let drawn = s.store.draw_in_round(id).await.unwrap().unwrap();
        assert_eq!(drawn.prompt.id, "p1");
        let mut pair = [drawn.model_a, drawn.model_b];
        pair.sort();
        assert_eq!(pair, ["m-a".to_string(), "m-b".to_string()]);
    }
    // Six votes of one voter at once: exactly the cap's two count, whatever the interleaving.
    let in_round = |n: usize| NewVote {
        round: Some(InRound {
            id,
            cap: 2,
            panel: false,
        }),
        ..vote(&format!("r{n}"), "p1", Choice::A, &[], 10_000 + n as i64)
    };
    let results = futures_util::future::join_all((0..6).map(|n| {
        let store = s.store.clone();
        let v = in_round(n);
        async move { store.record_vote(&v, None).await.unwrap() }
    }))
    .await;
    let mut counted = 0;
    for r in results {
        match r {
            Recorded::Stored { not_counted, .. } if not_counted.is_empty() => counted += 1,
            Recorded::Stored { not_counted, .. } => {
                assert_eq!(not_counted, Flags::from(Flag::RoundCap))
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(counted, 2);
    assert_eq!(s.store.round_votes_of(id, "voter-1").await.unwrap(), 2);
    assert_eq!(s.store.round_votes_of(id, "voter-2").await.unwrap(), 0);
    let cells = s.store.round_vote_counts(id, false).await.unwrap();
    assert_eq!(cells.iter().map(|c| c.count).sum::<u64>(), 2);
    assert!(
        cells
            .iter()
            .all(|c| c.model_a == "m-a" && c.choice == Choice::A)
    );
    // None of it is in the open arena's cells or its excluded counts.
    assert!(s.store.vote_counts().await.unwrap().is_empty());
    assert!(s.store.excluded_counts().await.unwrap().is_empty());
    // The same voter's vote outside the round counts there, and not in the round.
    s.store
        .record_vote(&vote("open-1", "p1", Choice::B, &[], 20_000), None)
        .await
        .unwrap();
    let open: u64 = s
        .store
        .vote_counts()
        .await
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    assert_eq!(open, 1);
    assert_eq!(
        s.store.round_vote_counts(id, false).await.unwrap(),
        cells,
        "the round's table is its own"
    );
}
