//! Import: a battle-set file or a FastChat set, always checked first (a dry run: every
//! `file:line` problem, or what would change), then stored with a progress bar.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Operator, message, non_empty, sleep, use_operator};
use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::{tr, use_lang};
use arena_core::admin::{ImportJob, ImportReport, ImportUpload, JobState, UploadFile};

/// Where an import stands on this page.
#[derive(Clone, PartialEq)]
enum Stage {
    Idle,
    Reading,
    /// A job running on the server (a dry run or the real import).
    Running(ImportJob),
    /// The dry run passed: what importing would change.
    Checked(ImportJob),
    Imported(ImportJob),
    Refused(ApiError),
}

/// The selected files' text (read in the browser; nothing leaves it before the dry run).
async fn read_files(input: &web_sys::HtmlInputElement) -> Result<Vec<UploadFile>, String> {
    let files = input.files().ok_or("no files")?;
    let mut out = Vec::new();
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .map_err(|_| file.name())?
            .as_string()
            .ok_or_else(|| file.name())?;
        out.push(UploadFile {
            name: file.name(),
            text,
        });
    }
    Ok(out)
}

#[component]
pub(super) fn ImportSection() -> impl IntoView {
    let Operator { token, changed } = use_operator();
    let lang = use_lang();
    let files = NodeRef::<leptos::html::Input>::new();
    let skip_bad = RwSignal::new(false);
    let category = RwSignal::new(String::new());
    let stage = RwSignal::new(Stage::Idle);
    let chosen = RwSignal::new(0u32);
    let busy = move || matches!(stage.get(), Stage::Reading | Stage::Running(_));

    let run = move |dry_run: bool| {
        let Some(input) = files.get_untracked() else {
            return;
        };
        stage.set(Stage::Reading);
        spawn_local(async move {
            let files = match read_files(&input).await {
                Ok(f) => f,
                Err(_) => {
                    stage.set(Stage::Refused(ApiError::Decode("unreadable file".into())));
                    return;
                }
            };
            let upload = ImportUpload {
                files,
                dry_run,
                skip_bad_answers: skip_bad.get_untracked(),
                category: non_empty(category.get_untracked()),
            };
            let token = token.get_value();
            let mut job = match api::admin::import(&token, &upload).await {
                Ok(job) => job,
                Err(e) => {
                    stage.set(Stage::Refused(e));
                    return;
                }
            };
            while job.state == JobState::Running {
                stage.try_set(Stage::Running(job.clone()));
                sleep(250).await;
                job = match api::admin::import_job(&token, &job.id).await {
                    Ok(job) => job,
                    Err(e) => {
                        stage.try_set(Stage::Refused(e));
                        return;
                    }
                };
            }
            stage.try_set(match (job.state, dry_run) {
                (JobState::Failed, _) => Stage::Refused(ApiError::Server {
                    status: 500,
                    code: String::new(),
                    message: job.error.unwrap_or_default(),
                    retry_after: None,
                    problems: Vec::new(),
                }),
                (_, true) => Stage::Checked(job),
                (_, false) => {
                    changed.update(|n| *n += 1);
                    Stage::Imported(job)
                }
            });
        });
    };
    let on_files = move |_| {
        chosen.set(
            files
                .get_untracked()
                .and_then(|i| i.files())
                .map(|f| f.length())
                .unwrap_or(0),
        );
        stage.set(Stage::Idle);
    };
    view! {
        <section id="admin-import" class="admin-section" aria-labelledby="admin-import-heading">
            <h2 id="admin-import-heading">{tr("질문 세트 불러오기", "Import prompts")}</h2>
            <p class="muted">{tr(
                "대결 세트 파일(JSON Lines) 하나, 또는 FastChat 세트(question.jsonl과 모델별 답변 파일)를 고르세요. 먼저 점검하여 문제가 있는 줄이나 바뀔 내용을 보여 주고, 그다음에 불러옵니다.",
                "Choose one battle-set file (JSON Lines), or a FastChat set (question.jsonl and one answer file per model). It is checked first, showing every bad line or what would change; then it is imported.",
            )}</p>
            <div class="form-grid">
                <div class="form-field">
                    <label for="import-files">{tr("파일", "Files")}</label>
                    <input id="import-files" type="file" multiple accept=".jsonl,.json,.txt"
                        node_ref=files on:change=on_files data-testid="import-files"/>
                </div>
                <div class="form-field">
                    <label for="import-category">{tr("FastChat 질문의 분야 (선택)", "Field of FastChat prompts (optional)")}</label>
                    <input id="import-category" type="text" prop:value=move || category.get()
                        on:input=move |ev| category.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="form-check">
                <input id="import-skip-bad" type="checkbox" prop:checked=move || skip_bad.get()
                    on:change=move |ev| skip_bad.set(event_target_checked(&ev))/>
                <label for="import-skip-bad">{tr(
                    "규칙에 맞지 않는 답변(빈 답변 등)은 빼고 불러오기",
                    "Leave out answers that break the rules (empty ones, …) instead of refusing the set",
                )}</label>
            </div>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" data-testid="import-check"
                    disabled=move || busy() || chosen.get() == 0 on:click=move |_| run(true)>
                    {tr("점검하기 (저장하지 않음)", "Check (stores nothing)")}
                </button>
                <button type="button" class="btn btn-primary" data-testid="import-run"
                    disabled=move || !matches!(stage.get(), Stage::Checked(_)) on:click=move |_| run(false)>
                    {tr("불러오기", "Import")}
                </button>
            </div>
            <div class="import-result" role="status" data-testid="import-result">
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Reading => view! { <p>{tr("파일을 읽는 중…", "Reading the files…")}</p> }.into_any(),
                    Stage::Running(job) => view! {
                        <label for="import-progress">
                            {if job.dry_run { tr("점검하는 중", "Checking") } else { tr("불러오는 중", "Importing") }}
                            {format!(" {} / {}", format::count(job.done), format::count(job.total))}
                        </label>
                        <progress id="import-progress" max=job.total.max(1).to_string() value=job.done.to_string()></progress>
                    }.into_any(),
                    Stage::Checked(job) => view! {
                        <p class="notice notice-info">{tr(
                            "점검을 마쳤습니다. 아무것도 저장하지 않았습니다. 불러오면 다음이 바뀝니다.",
                            "Checked; nothing was stored. Importing would change this:",
                        )}</p>
                        <ReportTable report=job.report.clone().unwrap_or_default()/>
                        <Skipped lines=job.skipped/>
                    }.into_any(),
                    Stage::Imported(job) => view! {
                        <p class="notice notice-success">{tr("불러왔습니다.", "Imported.")}</p>
                        <ReportTable report=job.report.clone().unwrap_or_default()/>
                        <Skipped lines=job.skipped/>
                    }.into_any(),
                    Stage::Refused(e) => {
                        let problems = match &e {
                            ApiError::Server { problems, .. } => problems.clone(),
                            _ => Vec::new(),
                        };
                        view! {
                            <p class="form-error" role="alert">{message(&e, lang.get())}</p>
                            {(!problems.is_empty()).then(|| view! {
                                <ul class="problems" data-testid="import-problems">
                                    {problems.into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}
                                </ul>
                            })}
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}

#[component]
fn ReportTable(report: ImportReport) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="import-report">
                <thead>
                    <tr>
                        <th scope="col">{tr("항목", "Item")}</th>
                        <th scope="col" class="num">{tr("추가", "Added")}</th>
                        <th scope="col" class="num">{tr("변경", "Changed")}</th>
                    </tr>
                </thead>
                <tbody>
                    <ReportRow label=tr("모델", "Models") added=report.models_added changed=report.models_renamed/>
                    <ReportRow label=tr("질문", "Prompts") added=report.prompts_added changed=report.prompts_changed/>
                    <ReportRow label=tr("답변", "Answers") added=report.answers_added changed=report.answers_changed/>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ReportRow(
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    added: u64,
    changed: u64,
) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{label}</th>
            <td class="num">{format::count(added)}</td>
            <td class="num">{format::count(changed)}</td>
        </tr>
    }
}

/// Answers left out under "leave out answers that break the rules".
#[component]
fn Skipped(lines: Vec<String>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <p>{tr("빼고 불러오는 답변:", "Answers left out:")}</p>
            <ul class="problems">
                {lines.into_iter().map(|l| view! { <li><code>{l}</code></li> }).collect_view()}
            </ul>
        }
    })
}
