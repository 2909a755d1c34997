//! Importing battle sets: all or nothing, line-numbered errors, idempotent.

use arena_core::battle_set;
use arena_server::import::{ImportError, import_file};

use crate::helpers::{BATTLE_SET, spawn_app};

async fn counts(app: &crate::helpers::TestApp) -> (i64, i64, i64) {
    let row = app
        .rows(
            "SELECT CAST((SELECT COUNT(*) FROM models) AS TEXT), \
                    CAST((SELECT COUNT(*) FROM prompts) AS TEXT), \
                    CAST((SELECT COUNT(*) FROM answers) AS TEXT)",
        )
        .await
        .remove(0);
    let n = |i: usize| row[i].as_deref().unwrap().parse().unwrap();
    (n(0), n(1), n(2))
}

#[tokio::test]
async fn importing_the_same_set_twice_changes_nothing() {
    let app = spawn_app().await;
    let before = counts(&app).await;
    assert_eq!(before, (3, 3, 7));
    let report = app
        .store
        .import(&battle_set::parse(BATTLE_SET).unwrap())
        .await
        .unwrap();
    assert!(!report.changed_anything(), "{report:?}");
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn changed_answers_and_names_are_updated_and_reported() {
    let app = spawn_app().await;
    let changed = BATTLE_SET
        .replace("평범한 모델", "보통 모델")
        .replace("1446년입니다.", "1446년(세종 28년)입니다.");
    let report = app
        .store
        .import(&battle_set::parse(&changed).unwrap())
        .await
        .unwrap();
    assert_eq!(report.models_renamed, 1);
    assert_eq!(report.answers_changed, 1);
    assert_eq!(
        report.prompts_added + report.answers_added + report.models_added,
        0
    );
    // An undeclared model keeps the name it has.
    let names = app.store.models().await.unwrap();
    assert!(
        names
            .iter()
            .any(|m| m.id == "m-plain" && m.name == "보통 모델")
    );
}

#[tokio::test]
async fn a_file_with_a_bad_line_stores_nothing_and_names_the_line() {
    let app = spawn_app().await;
    let before = counts(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"new-1\", \"category\": \"역사\", \"prompt\": \"새 질문\", \"answers\": [{\"model\": \"m-good\", \"text\": \"답\"}, {\"model\": \"m-new\", \"text\": \"답2\"}]}\n\n{\"id\": \"new-2\", \"category\": \"역사\", \"prompt\": \"q\", \"answers\": [{\"model\": \"m-good\"}]}\n",
    )
    .unwrap();
    match import_file(app.store.as_ref(), &path).await {
        Err(ImportError::Bad(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].line, 3);
            assert!(errors[0].message.contains("text"), "{}", errors[0].message);
        }
        other => panic!("expected bad lines, got {other:?}"),
    }
    assert_eq!(
        counts(&app).await,
        before,
        "nothing of a failed import is stored"
    );
}

#[tokio::test]
async fn the_project_sample_set_imports_cleanly() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample/battle-set.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let set = battle_set::parse(&text).unwrap();
    assert!(set.prompts.len() >= 40, "at least 40 prompts");
    let categories: std::collections::BTreeSet<_> =
        set.prompts.iter().map(|p| p.category.as_str()).collect();
    assert!(categories.len() >= 8, "{categories:?}");
    assert!(set.models.len() >= 4);
    assert!(
        set.models.iter().all(|m| m.name.contains("샘플")),
        "sample models say so"
    );
    assert!(set.prompts.iter().all(|p| p.answers.len() >= 4));
    let app = spawn_app().await;
    let report = import_file(app.store.as_ref(), &path).await.unwrap();
    assert_eq!(report.prompts_added as usize, set.prompts.len());
    let again = import_file(app.store.as_ref(), &path).await.unwrap();
    assert!(!again.changed_anything());
}
