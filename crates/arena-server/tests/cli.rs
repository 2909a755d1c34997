//! The operator's command line, run as a real process: `arena-server import`.
#![allow(clippy::unwrap_used)]

use std::process::Output;

#[path = "support/process.rs"]
mod process;

use process::arena_server;

/// A folder of its own and the URL of a (not yet created) SQLite database in it.
fn temp_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("arena.db").display());
    (dir, db)
}

/// `arena-server import [flags] PATH` against `db`.
fn import(db: &str, path: impl AsRef<std::ffi::OsStr>, flags: &[&str]) -> Output {
    arena_server()
        .args(["import", "--database-url", db])
        .args(flags)
        .arg(path)
        .output()
        .unwrap()
}

const GOOD: &str = r#"{"models": [{"id": "m1", "name": "모델 1"}, {"id": "m2", "name": "모델 2"}]}
{"id": "q1", "category": "역사", "prompt": "질문", "answers": [{"model": "m1", "text": "답 1"}, {"model": "m2", "text": "답 2"}]}
"#;

#[test]
fn import_reports_bad_lines_by_number_and_stores_nothing() {
    let (dir, db) = temp_db();
    let file = dir.path().join("set.jsonl");
    std::fs::write(
        &file,
        format!("{GOOD}{{\"id\": \"q2\", \"category\": \"역사\"}}\nnot json\n"),
    )
    .unwrap();

    let out = import(&db, &file, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("set.jsonl:3: bad prompt line: missing field"),
        "{stderr}"
    );
    assert!(stderr.contains("set.jsonl:4: not valid JSON"), "{stderr}");
    assert!(stderr.contains("nothing stored"), "{stderr}");

    // The good part alone imports; a second time nothing changes.
    std::fs::write(&file, GOOD).unwrap();
    let first = import(&db, &file, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("2 models added") && stdout.contains("1 prompts added"),
        "{stdout}"
    );
    let second = import(&db, &file, &[]);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("(nothing new)"));
}

#[test]
fn import_of_a_missing_file_is_a_clear_error() {
    let (_dir, db) = temp_db();
    let out = import(&db, "/nonexistent/set.jsonl", &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/set.jsonl"),
        "{stderr}"
    );
}

#[test]
fn import_reads_the_fastchat_layout_of_ko_arena_hard() {
    let data =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ko-arena-hard");
    if !data.join("question.jsonl").exists() {
        println!("skipped: {} is absent", data.display());
        return;
    }
    let (_dir, db) = temp_db();
    // One real answer runs past the arena's 100,000-character limit: refused, nothing stored...
    let strict = import(&db, &data, &[]);
    assert!(!strict.status.success());
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(
        stderr.contains("gemma-3-27b-it.jsonl:") && stderr.contains("longer than 100000"),
        "{stderr}"
    );
    // ...or, on request, left out and listed while the rest is imported.
    let out = import(
        &db,
        &data,
        &["--category", "코딩·추론", "--skip-bad-answers"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("left out: ").count(), 1, "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("6 models added")
            && stdout.contains("500 prompts added")
            && stdout.contains("2999 answers added"),
        "{stdout}"
    );
}

/// A real file of 65 models' answers had 6 empty ones: the whole file was refused. On request the
/// battle-set format, like the FastChat layout, leaves such answers out and lists them by line.
#[test]
fn a_battle_set_with_empty_answers_is_refused_or_imported_without_them() {
    let (dir, db) = temp_db();
    let file = dir.path().join("set.jsonl");
    std::fs::write(
        &file,
        "{\"models\": [{\"id\": \"m1\", \"name\": \"하나\"}, {\"id\": \"m2\", \"name\": \"둘\"}, {\"id\": \"m3\", \"name\": \"셋\"}]}\n\
         {\"id\": \"p1\", \"category\": \"역사\", \"prompt\": \"질문\", \"answers\": [{\"model\": \"m1\", \"text\": \"답\"}, {\"model\": \"m2\", \"text\": \"\"}, {\"model\": \"m3\", \"text\": \"답\"}]}\n",
    )
    .unwrap();
    let strict = import(&db, &file, &[]);
    assert!(!strict.status.success());
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.contains("set.jsonl:2:"), "{stderr}");

    let out = import(&db, &file, &["--skip-bad-answers"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("left out: ").count(), 1, "{stderr}");
    assert!(
        stderr.contains("set.jsonl:2:") && stderr.contains("\"m2\""),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 prompts added") && stdout.contains("2 answers added"),
        "{stdout}"
    );
}

#[test]
fn a_fastchat_folder_with_a_bad_answer_line_stores_nothing() {
    let (dir, db) = temp_db();
    let set = dir.path().join("set");
    std::fs::create_dir_all(set.join("model_answer")).unwrap();
    std::fs::write(
        set.join("question.jsonl"),
        "{\"question_id\": 1, \"category\": \"역사\", \"turns\": [\"질문\"]}\n",
    )
    .unwrap();
    std::fs::write(
        set.join("model_answer/a.jsonl"),
        "{\"question_id\": 1, \"choices\": [{\"turns\": [\"답\"]}]}\n",
    )
    .unwrap();
    std::fs::write(
        set.join("model_answer/b.jsonl"),
        "{\"question_id\": 1, \"choices\": [{\"turns\": [\"답\"]}]}\n{\"question_id\": 2}\n",
    )
    .unwrap();
    let out = import(&db, &set, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("model_answer/b.jsonl:2: needs choices[0].turns"),
        "{stderr}"
    );
    let out = import(&db, dir.path().join("set/model_answer/a.jsonl"), &[]);
    assert!(!out.status.success(), "an answer file is not a battle set");
}

/// `make run`'s path: `serve --import-if-empty` imports the sample set on the first start only,
/// prints where it listens, and answers on that address.
#[test]
fn serve_imports_the_sample_set_on_first_start_only() {
    use std::io::{Read, Write};

    let (_dir, db) = temp_db();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample/battle-set.jsonl");
    let start = || {
        let mut child = arena_server()
            .args([
                "serve",
                "--database-url",
                &db,
                "--addr",
                "127.0.0.1:0",
                "--dist",
                "/nonexistent",
                "--import-if-empty",
            ])
            .arg(&sample)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let (address, printed) = process::printed_address(&mut child);
        (child, address, printed)
    };
    let get = |address: &str, path: &str| -> String {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };

    let (mut first, address, printed) = start();
    assert!(
        printed
            .iter()
            .any(|l| l.contains("imported") && l.contains("48 prompts")),
        "{printed:?}"
    );
    assert!(
        printed
            .last()
            .unwrap()
            .contains("48 prompts ready for battle"),
        "{printed:?}"
    );
    assert!(get(&address, "/healthz").starts_with("HTTP/1.1 200"));
    let battle = get(&address, "/api/v1/battle");
    assert!(
        battle.starts_with("HTTP/1.1 200") && battle.contains("\"token\""),
        "{battle}"
    );
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, _, printed) = start();
    assert!(
        !printed.iter().any(|l| l.contains("imported")),
        "no second import: {printed:?}"
    );
    second.kill().unwrap();
    second.wait().unwrap();
}

#[test]
fn export_writes_public_battles_only() {
    let (_dir, db) = temp_db();
    let out = arena_server()
        .args(["export", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "no votes, no lines");
    assert!(String::from_utf8_lossy(&out.stderr).contains("exported 0 battles"));
}

/// Answers that name their model are reported at import, never drawn, and an operator who has
/// read one can allow it.
#[test]
fn answers_that_name_their_model_are_reported_and_held_back_until_allowed() {
    let (dir, db) = temp_db();
    let file = dir.path().join("leaky.jsonl");
    std::fs::write(
        &file,
        r#"{"models": [{"id": "m1", "name": "모델 1"}, {"id": "m2", "name": "모델 2"}]}
{"id": "q1", "category": "생활", "prompt": "자기소개를 해 주세요", "answers": [{"model": "m1", "text": "저는 OpenAI가 개발한 ChatGPT입니다."}, {"model": "m2", "text": "안녕하세요, 무엇이든 물어보세요."}]}
"#,
    )
    .unwrap();
    let out = import(&db, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not drawn: the answer of m1 to q1 names"),
        "{stderr}"
    );

    let answers = |args: &[&str]| {
        arena_server()
            .args(["answers", "--database-url", &db])
            .args(args)
            .output()
            .unwrap()
    };
    let leaks = answers(&["held"]);
    let listed = String::from_utf8_lossy(&leaks.stdout);
    assert!(listed.starts_with("q1\tm1\t"), "{listed}");
    assert!(listed.trim_end().ends_with("not drawn"), "{listed}");

    let missing = answers(&["allow", "q1", "m2"]);
    assert!(!missing.status.success(), "m2's answer was never flagged");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no flagged answer of m2 to q1"));

    let allowed = answers(&["allow", "q1", "m1"]);
    assert!(allowed.status.success());
    // The subcommand's old name still works.
    let listed = String::from_utf8_lossy(&answers(&["leaks"]).stdout).into_owned();
    assert!(listed.trim_end().ends_with("allowed"), "{listed}");
}

/// A database URL the arena cannot use is a clear error, and no file appears for it.
#[test]
fn an_unsupported_database_url_is_an_error_not_a_surprise_file() {
    let dir = tempfile::tempdir().unwrap();
    for (url, says) in [
        // Nothing listens there: the error names the database without its password.
        (
            "postgres://user:password@127.0.0.1:1/db",
            "cannot open postgres://user:***@",
        ),
        ("mysql://user:password@localhost/db", "must be sqlite://"),
        ("data/arena.db", "must be sqlite://"),
    ] {
        let out = arena_server()
            .current_dir(dir.path())
            .args(["export", "--database-url", url])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{url}: {stderr}");
        assert!(
            !stderr.contains("password@"),
            "the password is not printed: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file was created"
    );
}

#[test]
fn a_dry_run_checks_and_counts_but_stores_nothing_and_progress_is_shown() {
    let (dir, db) = temp_db();
    let file = dir.path().join("set.jsonl");
    std::fs::write(&file, GOOD).unwrap();
    let dry = import(&db, &file, &["--dry-run"]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(
        stdout.contains("dry run, nothing stored") && stdout.contains("1 prompts added"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert!(
        stderr.contains("storing: 100% (5 of 5 models, prompts and answers)"),
        "{stderr}"
    );
    // Nothing was stored: the real import adds the same.
    let real = import(&db, &file, &[]);
    let stdout = String::from_utf8_lossy(&real.stdout);
    assert!(
        stdout.starts_with("imported") && stdout.contains("1 prompts added"),
        "{stdout}"
    );
}

#[test]
fn an_operator_token_made_by_the_cli_opens_the_operator_api() {
    use std::io::{Read, Write};

    let out = arena_server()
        .args(["operator-token", "--label", "평가팀"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout
        .lines()
        .find_map(|l| l.split("shown once): ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let entry = stdout
        .lines()
        .find_map(|l| l.split("ARENA_OPERATOR_TOKEN_SHA256: ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    assert!(entry.starts_with("평가팀:") && !entry.contains(&token));
    // A bad label is refused before any token is made.
    let bad = arena_server()
        .args(["operator-token", "--label", ""])
        .output()
        .unwrap();
    assert!(!bad.status.success());

    let (_dir, db) = temp_db();
    let mut child = arena_server()
        .args(["serve", "--database-url", &db, "--addr", "127.0.0.1:0"])
        .args(["--dist", "/nonexistent"])
        .env("ARENA_OPERATOR_TOKEN_SHA256", &entry)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (address, _) = process::printed_address(&mut child);
    let get = |authorization: &str| -> String {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET /api/v1/admin/models HTTP/1.1\r\nHost: {address}\r\n{authorization}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    assert!(get(&format!("Authorization: Bearer {token}\r\n")).starts_with("HTTP/1.1 200"));
    assert!(get("").starts_with("HTTP/1.1 401"));
    assert!(get("Authorization: Bearer kaiop_x\r\n").starts_with("HTTP/1.1 401"));
    child.kill().unwrap();
    child.wait().unwrap();
}
