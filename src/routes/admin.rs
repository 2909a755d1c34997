//! `/admin`: the operators' pages, over the operator API. An operator signs in with a token
//! (kept in this tab's `sessionStorage` only, gone when the tab closes), then:
//! - **models**: display name, maker, licence, size, link and status (paused and retired
//!   models are not drawn);
//! - **import**: a battle-set file or a FastChat set, always checked first (a dry run: every
//!   `file:line` problem, or what would change), then stored with a progress bar;
//! - **answers held back** for naming their model: read each, allow it or hold it back again;
//! - **snapshots**: publish the leaderboard as it stands, frozen, at a stable address;
//! - **audit log**: every change, when, by which token.

use arena_core::admin::{
    AuditEntry, ImportJob, ImportReport, ImportUpload, JobState, Licence, ModelStatus, ModelUpdate,
    RegistryModel, UploadFile,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::{Lang, tr, use_lang};

const TOKEN_KEY: &str = "kai-operator";

/// An error as operators read it: for input the server refused (400), its own reason, which
/// names the field ("url must be an http:// or https:// address").
fn message(e: &ApiError, lang: Lang) -> String {
    match e {
        ApiError::Server {
            status: 400,
            message,
            ..
        } => format!(
            "{} {message}",
            lang.pick("입력한 값을 확인해 주세요:", "Please check the values:")
        ),
        other => other.user_message(lang),
    }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn stored_token() -> Option<String> {
    session()?.get_item(TOKEN_KEY).ok().flatten()
}

/// Waits `ms` milliseconds without holding the page.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let token = RwSignal::new(stored_token());
    let sign_out = move |_| {
        if let Some(s) = session() {
            let _ = s.remove_item(TOKEN_KEY);
        }
        token.set(None);
    };
    view! {
        <article class="admin" aria-labelledby="admin-heading" data-testid="admin-page">
            <div class="admin-top">
                <h1 id="admin-heading" class="page-title">{tr("운영자 화면", "Operators")}</h1>
                {move || token.get().is_some().then(|| view! {
                    <button type="button" class="btn btn-secondary" on:click=sign_out data-testid="operator-sign-out">
                        {tr("나가기", "Sign out")}
                    </button>
                })}
            </div>
            {move || match token.get() {
                None => view! { <SignIn token=token/> }.into_any(),
                Some(t) => view! { <Console token=t/> }.into_any(),
            }}
        </article>
    }
}

#[component]
fn SignIn(token: RwSignal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let input = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = input.get().map(|i| i.value().trim().to_owned()) else {
            return;
        };
        if value.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::admin::models(&value).await {
                Ok(_) => {
                    if let Some(s) = session() {
                        let _ = s.set_item(TOKEN_KEY, &value);
                    }
                    token.set(Some(value));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="admin-sign-in" on:submit=submit>
            <p>{tr(
                "운영 기관이 발급한 운영자 토큰으로 들어갑니다. 토큰은 이 탭에만 보관되고 탭을 닫으면 지워집니다.",
                "Sign in with the operator token your agency issued. It is kept in this tab only and forgotten when the tab closes.",
            )}</p>
            <label for="operator-token">{tr("운영자 토큰", "Operator token")}</label>
            <input id="operator-token" type="password" autocomplete="off" spellcheck="false"
                node_ref=input data-testid="operator-token" required
                aria-describedby="operator-token-error"/>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get() data-testid="operator-sign-in">
                {tr("들어가기", "Sign in")}
            </button>
            <p id="operator-token-error" class="form-error" role="alert">
                {move || error.get().map(|e| e.user_message(lang.get()))}
            </p>
        </form>
    }
}

/// The signed-in pages. `changed` is bumped by every change, so the audit log reloads.
#[component]
fn Console(token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let changed = RwSignal::new(0u32);
    view! {
        <nav class="admin-nav" aria-label=tr("운영자 메뉴", "Operator menu")>
            <a href="#admin-models">{tr("모델", "Models")}</a>
            <a href="#admin-import">{tr("질문 세트 불러오기", "Import prompts")}</a>
            <a href="#admin-categories">{tr("분야와 비중", "Categories and weights")}</a>
            <a href="#admin-leaks">{tr("대결에서 뺀 답변", "Answers held back")}</a>
            <a href="#admin-flagged">{tr("집계에서 뺀 투표", "Votes left out")}</a>
            <a href="#admin-snapshots">{tr("스냅샷 발행", "Publish a snapshot")}</a>
            <a href="#admin-audit">{tr("감사 기록", "Audit log")}</a>
        </nav>
        <ModelsSection token=token changed=changed/>
        <ImportSection token=token changed=changed/>
        <CategoriesSection token=token changed=changed/>
        <LeaksSection token=token changed=changed/>
        <FlaggedSection token=token changed=changed/>
        <SnapshotSection token=token changed=changed/>
        <AuditSection token=token changed=changed/>
    }
}

#[component]
fn ModelsSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let models = LocalResource::new(move || {
        let token = token.get_value();
        async move { api::admin::models(&token).await }
    });
    view! {
        <section id="admin-models" class="admin-section" aria-labelledby="admin-models-heading">
            <h2 id="admin-models-heading">{tr("모델", "Models")}</h2>
            <p class="muted">{tr(
                "대결 뒤 시민에게 보이는 정보입니다. 일시 중지하거나 은퇴한 모델은 대결에 나오지 않지만, 지금까지의 투표는 리더보드에 남습니다.",
                "What citizens see after their vote. Paused and retired models are not drawn; their votes stay on the leaderboard.",
            )}</p>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || models.get().map(|result| match result {
                    Ok(list) => view! {
                        <div class="model-forms">
                            {list.into_iter().map(|m| view! { <ModelForm model=m token=token changed=changed/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

fn non_empty(value: String) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

#[derive(Clone, PartialEq)]
enum Saving {
    Idle,
    Busy,
    Saved,
    Failed(ApiError),
}

#[component]
fn ModelForm(
    model: RegistryModel,
    token: StoredValue<String>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let id = model.id.clone();
    let field = move |name: &str| format!("model-{}-{name}", id);
    let name = RwSignal::new(model.name.clone());
    let organisation = RwSignal::new(model.card.organisation.clone().unwrap_or_default());
    let licence = RwSignal::new(
        model
            .card
            .licence
            .map(Licence::as_str)
            .unwrap_or("")
            .to_owned(),
    );
    let size = RwSignal::new(model.card.size.clone().unwrap_or_default());
    let url = RwSignal::new(model.card.url.clone().unwrap_or_default());
    let status = RwSignal::new(model.status.as_str().to_owned());
    let saving = RwSignal::new(Saving::Idle);
    let model_id = StoredValue::new(model.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = ModelUpdate {
            name: name.get_untracked(),
            organisation: non_empty(organisation.get_untracked()),
            licence: Licence::parse(&licence.get_untracked()),
            size: non_empty(size.get_untracked()),
            url: non_empty(url.get_untracked()),
            status: ModelStatus::parse(&status.get_untracked()).unwrap_or_default(),
        };
        saving.set(Saving::Busy);
        spawn_local(async move {
            let result =
                api::admin::update_model(&token.get_value(), &model_id.get_value(), &update).await;
            saving.try_set(match result {
                Ok(_) => {
                    changed.update(|n| *n += 1);
                    Saving::Saved
                }
                Err(e) => Saving::Failed(e),
            });
        });
    };
    let legend_id = field("legend");
    let status_id = field("status-message");
    let described_by = status_id.clone();
    let answers = model.answers;
    view! {
        <form class="model-form" on:submit=submit data-testid=format!("model-form-{}", model.id)>
            <fieldset aria-describedby=described_by>
                <legend id=legend_id>
                    <span class="model-form-name">{move || name.get()}</span>
                    " "<code>{model.id.clone()}</code>
                </legend>
                <p class="muted model-form-answers">
                    {move || lang.get().pick(
                        format!("답변 {}개", format::count(answers)),
                        format!("{} answers", format::count(answers)),
                    )}
                </p>
                <div class="form-grid">
                    <TextField id=field("name") label=tr("표시 이름", "Display name") value=name required=true/>
                    <TextField id=field("organisation") label=tr("개발 기관", "Made by") value=organisation required=false/>
                    <div class="form-field">
                        <label for=field("licence")>{tr("라이선스", "Licence")}</label>
                        <select id=field("licence") prop:value=move || licence.get()
                            on:change=move |ev| licence.set(event_target_value(&ev))>
                            <option value="">{tr("모름", "Unknown")}</option>
                            <option value="open">{tr("공개 (가중치 공개)", "Open weights")}</option>
                            <option value="closed">{tr("비공개", "Closed")}</option>
                        </select>
                    </div>
                    <TextField id=field("size") label=tr("크기 (예: 32B)", "Size (e.g. 32B)") value=size required=false/>
                    <TextField id=field("url") label=tr("소개 링크 (https://…)", "Link (https://…)") value=url required=false/>
                    <div class="form-field">
                        <label for=field("status")>{tr("상태", "Status")}</label>
                        <select id=field("status") prop:value=move || status.get()
                            on:change=move |ev| status.set(event_target_value(&ev))
                            data-testid=format!("model-status-{}", model.id)>
                            <option value="active">{tr("대결 중", "Active")}</option>
                            <option value="paused">{tr("일시 중지", "Paused")}</option>
                            <option value="retired">{tr("은퇴", "Retired")}</option>
                        </select>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || saving.get() == Saving::Busy>
                        {tr("저장", "Save")}
                    </button>
                    <p id=status_id class="form-status" role="status">
                        {move || match saving.get() {
                            Saving::Idle => String::new(),
                            Saving::Busy => lang.get().pick("저장하는 중…", "Saving…").to_owned(),
                            Saving::Saved => lang.get().pick("저장했습니다.", "Saved.").to_owned(),
                            Saving::Failed(e) => message(&e, lang.get()),
                        }}
                    </p>
                </div>
            </fieldset>
        </form>
    }
}

#[component]
fn TextField(
    id: String,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    value: RwSignal<String>,
    required: bool,
) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" required=required prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

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
fn ImportSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
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

/// A change as one line: the fields that changed (`status: active → paused`), or an import's
/// counts.
fn describe(entry: &AuditEntry, lang: Lang) -> String {
    let detail = &entry.detail;
    if let (Some(before), Some(after)) = (
        detail.get("before").and_then(|b| b.as_object()),
        detail.get("after").and_then(|a| a.as_object()),
    ) {
        let shown = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => "—".to_owned(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let changes: Vec<String> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}: {} → {}", shown(before.get(k)), shown(Some(v))))
            .collect();
        return if changes.is_empty() {
            lang.pick("바뀐 것 없음", "nothing changed").to_owned()
        } else {
            changes.join(", ")
        };
    }
    if let Some(report) = detail
        .get("report")
        .and_then(|r| serde_json::from_value::<ImportReport>(r.clone()).ok())
    {
        return lang.pick(
            format!(
                "질문 {} 추가·{} 변경, 답변 {} 추가·{} 변경, 모델 {} 추가",
                report.prompts_added,
                report.prompts_changed,
                report.answers_added,
                report.answers_changed,
                report.models_added
            ),
            format!(
                "prompts {} added, {} changed; answers {} added, {} changed; models {} added",
                report.prompts_added,
                report.prompts_changed,
                report.answers_added,
                report.answers_changed,
                report.models_added
            ),
        );
    }
    detail.to_string()
}

#[component]
fn AuditSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let log = LocalResource::new(move || {
        changed.track();
        let token = token.get_value();
        async move { api::admin::audit(&token).await }
    });
    view! {
        <section id="admin-audit" class="admin-section" aria-labelledby="admin-audit-heading">
            <h2 id="admin-audit-heading">{tr("감사 기록", "Audit log")}</h2>
            <p class="muted">{tr(
                "운영자가 바꾼 모든 것이 시각과 토큰 이름과 함께 남습니다. 기록은 고치거나 지울 수 없습니다. 최근 100건.",
                "Every change an operator made, with its time and token label. Entries cannot be edited or deleted. The latest 100.",
            )}</p>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || log.get().map(|result| match result {
                    Ok(entries) if entries.is_empty() => view! {
                        <p>{tr("아직 기록이 없습니다.", "Nothing yet.")}</p>
                    }.into_any(),
                    Ok(entries) => view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="audit-caption">
                            <table class="data-table audit-table" data-testid="audit-log">
                                <caption id="audit-caption">{tr("감사 기록, 최신순", "Audit log, newest first")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("시각", "Time")}</th>
                                        <th scope="col">{tr("운영자", "Operator")}</th>
                                        <th scope="col">{tr("작업", "Action")}</th>
                                        <th scope="col">{tr("대상", "Subject")}</th>
                                        <th scope="col">{tr("내용", "Change")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {entries.into_iter().map(|e| {
                                        let when = format::date_time(e.at_ms, lang.get());
                                        let what = describe(&e, lang.get());
                                        view! {
                                            <tr>
                                                <td>{when}</td>
                                                <td>{e.operator.clone()}</td>
                                                <td><code>{e.action.clone()}</code></td>
                                                <td>{e.subject.clone()}</td>
                                                <td class="wrap">{what}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SnapshotSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let title = RwSignal::new(String::new());
    let saving = RwSignal::new(Saving::Idle);
    let published = RwSignal::new(None::<arena_core::api::SnapshotSummary>);
    let list = LocalResource::new(move || {
        changed.track();
        api::snapshots()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = title.get_untracked();
        saving.set(Saving::Busy);
        spawn_local(async move {
            match api::admin::publish_snapshot(&token.get_value(), &wanted).await {
                Ok(summary) => {
                    published.try_set(Some(summary));
                    saving.try_set(Saving::Saved);
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    saving.try_set(Saving::Failed(e));
                }
            }
        });
    };
    view! {
        <section id="admin-snapshots" class="admin-section" aria-labelledby="admin-snapshots-heading">
            <h2 id="admin-snapshots-heading">{tr("스냅샷 발행", "Publish a snapshot")}</h2>
            <p class="muted">{tr(
                "지금의 리더보드를 고정된 결과로 발행합니다. 모든 표와 그 바탕인 집계, 투표 원자료(공공누리 제1유형)가 고정된 주소에 남고, 발행한 뒤에는 아무도 바꿀 수 없습니다.",
                "Publishes the leaderboard as it stands, frozen: every table, the counts behind it and the battles (KOGL Type 1) stay at a stable address, and no one can change them afterwards.",
            )}</p>
            <form class="snapshot-form" on:submit=submit>
                <div class="form-field">
                    <label for="snapshot-title">{tr("제목 (예: 2026년 12월 1차 평가)", "Title (e.g. December 2026, round 1)")}</label>
                    <input id="snapshot-title" type="text" required maxlength="120"
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))
                        data-testid="snapshot-title"/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="snapshot-publish"
                        disabled=move || saving.get() == Saving::Busy>
                        {tr("발행하기", "Publish")}
                    </button>
                    <p class="form-status" role="status" data-testid="snapshot-status">
                        {move || match saving.get() {
                            Saving::Idle => ().into_any(),
                            Saving::Busy => lang.get().pick("발행하는 중…", "Publishing…").into_any(),
                            Saving::Saved => published.get().map(|s| {
                                let href = format!("/leaderboard?snapshot={}", s.id);
                                view! {
                                    {lang.get().pick("발행했습니다: ", "Published: ")}
                                    <a href=href>{s.title}</a>
                                }
                            }).into_any(),
                            Saving::Failed(e) => message(&e, lang.get()).into_any(),
                        }}
                    </p>
                </div>
            </form>
            {move || list.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| view! {
                <h3 class="admin-subheading">{tr("발행된 스냅샷", "Published snapshots")}</h3>
                <ul class="snapshot-list" data-testid="snapshot-list">
                    {l.into_iter().map(|s| {
                        let href = format!("/leaderboard?snapshot={}", s.id);
                        let line = lang.get().pick(
                            format!(" — {} · {}표 · 모델 {}개", format::date_time(s.published_at_ms, Lang::Ko), format::count(s.total_votes), s.models),
                            format!(" — {} · {} votes · {} models", format::date_time(s.published_at_ms, Lang::En), format::count(s.total_votes), s.models),
                        );
                        view! { <li><a href=href>{s.title}</a>{line}</li> }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn LeaksSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let list = LocalResource::new(move || {
        changed.track();
        let token = token.get_value();
        async move { api::admin::leaks(&token).await }
    });
    view! {
        <section id="admin-leaks" class="admin-section" aria-labelledby="admin-leaks-heading">
            <h2 id="admin-leaks-heading">{tr("대결에서 뺀 답변", "Answers held back")}</h2>
            <p class="muted">{tr(
                "모델 이름이나 개발사를 밝힌 답변은 익명성을 지키려고 대결에 내보내지 않습니다. 읽어 보고 괜찮으면 내보낼 수 있고, 이 결정은 감사 기록에 남습니다.",
                "Answers that name their model or maker are not drawn, to keep battles anonymous. Read one and, if it is fine, let it be drawn; the decision is logged.",
            )}</p>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || list.get().map(|result| match result {
                    Ok(held) if held.is_empty() => view! {
                        <p>{tr("뺀 답변이 없습니다.", "No answer is held back.")}</p>
                    }.into_any(),
                    Ok(held) => view! {
                        <ul class="held-list" data-testid="held-answers">
                            {held.into_iter().map(|h| view! { <HeldItem held=h token=token changed=changed/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn HeldItem(
    held: arena_core::admin::HeldAnswer,
    token: StoredValue<String>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let saving = RwSignal::new(Saving::Idle);
    let allowed = held.allowed;
    let (prompt, model) = (
        StoredValue::new(held.prompt_id.clone()),
        StoredValue::new(held.model_id.clone()),
    );
    let toggle = move |_| {
        saving.set(Saving::Busy);
        spawn_local(async move {
            let result = api::admin::set_leak(
                &token.get_value(),
                &prompt.get_value(),
                &model.get_value(),
                !allowed,
            )
            .await;
            match result {
                Ok(_) => {
                    saving.try_set(Saving::Saved);
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    saving.try_set(Saving::Failed(e));
                }
            }
        });
    };
    let term = held.term.clone();
    view! {
        <li class="held-item" data-testid=format!("held-{}-{}", held.prompt_id, held.model_id)>
            <p class="held-head">
                <code>{held.prompt_id.clone()}</code>" · "<code>{held.model_id.clone()}</code>
                " · "
                {move || lang.get().pick(format!("찾은 이름: {term}"), format!("Name found: {term}"))}
                " · "
                <strong>{if allowed { tr("대결에 나감", "Drawn") } else { tr("대결에서 뺌", "Held back") }}</strong>
            </p>
            <pre class="held-text" tabindex="0" aria-label=tr("답변 전문", "The whole answer")>{held.text.clone()}</pre>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=toggle
                    disabled=move || saving.get() == Saving::Busy>
                    {if allowed { tr("다시 빼기", "Hold back again") } else { tr("읽어 보았고 대결에 내보내기", "Read it: let it be drawn") }}
                </button>
                <p class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </p>
            </div>
        </li>
    }
}

/// An audit flag's label and what it means ([`arena_core::Flag`]), for the operator deciding
/// on it; an unknown code as it is.
fn flag_reason(reason: &str, lang: Lang) -> (String, String) {
    match reason.parse::<arena_core::Flag>() {
        Ok(flag) => {
            let ((ko, en), (meaning_ko, meaning_en)) = (flag.label(), flag.meaning());
            (
                lang.pick(ko, en).to_owned(),
                lang.pick(meaning_ko, meaning_en).to_owned(),
            )
        }
        Err(_) => (reason.to_owned(), String::new()),
    }
}

#[component]
fn FlaggedSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let list = LocalResource::new(move || {
        changed.track();
        let token = token.get_value();
        async move { api::admin::flagged(&token).await }
    });
    view! {
        <section id="admin-flagged" class="admin-section" aria-labelledby="admin-flagged-heading">
            <h2 id="admin-flagged-heading">{tr("집계에서 뺀 투표", "Votes left out")}</h2>
            <p class="muted">{tr(
                "부정 투표 점검이 순위 계산에서 뺀 투표자입니다(투표는 지우지 않고 보관). 살펴보고 정상이라면 집계에 넣을 수 있고, 그러면 점검이 같은 이유로 다시 빼지 않습니다. 결정은 감사 기록에 남습니다.",
                "Voters the abuse audit left out of the ratings (their votes are kept, not deleted). If a review finds them genuine, count them; the audit will not leave them out again for that reason. Each decision is logged.",
            )}</p>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || list.get().map(|result| match result {
                    Ok(flagged) if flagged.is_empty() => view! {
                        <p>{tr("검토할 투표자가 없습니다.", "No voter to review.")}</p>
                    }.into_any(),
                    Ok(flagged) => view! {
                        <dl class="flag-legend">
                            {arena_core::Flag::REVIEWABLE.iter().map(|f| {
                                let r = f.code();
                                view! {
                                    <div>
                                        <dt>{move || flag_reason(r, lang.get()).0}</dt>
                                        <dd>{move || flag_reason(r, lang.get()).1}</dd>
                                    </div>
                                }
                            }).collect_view()}
                        </dl>
                        <div class="table-scroll">
                            <table class="data-table flagged-table" data-testid="flagged-voters">
                                <caption class="visually-hidden">{tr("집계에서 뺀 투표자", "Voters left out")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("투표자", "Voter")}</th>
                                        <th scope="col">{tr("이유", "Reason")}</th>
                                        <th scope="col">{tr("투표", "Votes")}</th>
                                        <th scope="col">{tr("기간", "When")}</th>
                                        <th scope="col">{tr("고른 모델", "Models chosen")}</th>
                                        <th scope="col">{tr("결정", "Decision")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {flagged.into_iter().map(|f| view! { <FlaggedRow flagged=f token=token changed=changed/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FlaggedRow(
    flagged: arena_core::admin::FlaggedVoter,
    token: StoredValue<String>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let saving = RwSignal::new(Saving::Idle);
    let counted = flagged.counted;
    let (voter, reason) = (
        StoredValue::new(flagged.voter.clone()),
        StoredValue::new(flagged.reason.clone()),
    );
    let toggle = move |_| {
        saving.set(Saving::Busy);
        spawn_local(async move {
            let result = api::admin::review_flag(
                &token.get_value(),
                &voter.get_value(),
                &reason.get_value(),
                !counted,
            )
            .await;
            match result {
                Ok(_) => {
                    saving.try_set(Saving::Saved);
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    saving.try_set(Saving::Failed(e));
                }
            }
        });
    };
    let short: String = flagged.voter.chars().take(10).collect();
    let reason_code = flagged.reason.clone();
    let (first, last) = (flagged.first_ms, flagged.last_ms);
    let chosen = flagged
        .chosen
        .iter()
        .take(3)
        .map(|t| format!("{} ×{}", t.model, t.count))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-testid=format!("flagged-{}-{}", flagged.voter, flagged.reason)>
            <td><code title=flagged.voter.clone()>{short}"…"</code></td>
            <td>{move || flag_reason(&reason_code, lang.get()).0}</td>
            <td class="num">{flagged.votes}</td>
            <td>{move || match (first, last) {
                (0, _) => String::new(),
                (f, l) if l - f < 60_000 => format::date_time(f, lang.get()),
                (f, l) => format!("{} – {}", format::date_time(f, lang.get()), format::date_time(l, lang.get())),
            }}</td>
            <td>{chosen}</td>
            <td>
                <strong>{if counted { tr("집계에 넣음", "Counted") } else { tr("집계에서 뺌", "Left out") }}</strong>
                " "
                <button type="button" class="btn btn-secondary" on:click=toggle
                    disabled=move || saving.get() == Saving::Busy>
                    {if counted { tr("다시 빼기", "Leave out again") } else { tr("살펴보았고 집계에 넣기", "Reviewed: count them") }}
                </button>
                <span class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </span>
            </td>
        </tr>
    }
}

#[component]
fn CategoriesSection(token: StoredValue<String>, changed: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    // The last save and how it went, kept here: a save reloads the list (and its items).
    let status: RwSignal<Option<(String, Saving)>> = RwSignal::new(None);
    let list = LocalResource::new(move || {
        changed.track();
        let token = token.get_value();
        async move { api::admin::categories(&token).await }
    });
    view! {
        <section id="admin-categories" class="admin-section" aria-labelledby="admin-categories-heading">
            <h2 id="admin-categories-heading">{tr("분야와 비중", "Categories and weights")}</h2>
            <p class="muted">{tr(
                "분야를 고르지 않은 대결에서 각 분야의 질문이 뽑히는 비중입니다. 1이 기본이고, 2면 그 분야의 질문이 두 배 자주, 0이면 그 분야를 골라 대결할 때만 나옵니다. 바꾼 내용은 감사 기록에 남습니다.",
                "How often each category's prompts are drawn in battles that ask for no category. 1 is the default; 2 draws that category's prompts twice as often; 0 only when a battle of that category is asked for. Changes are logged.",
            )}</p>
            <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
                {move || list.get().map(|result| match result {
                    Ok(categories) if categories.is_empty() => view! {
                        <p>{tr("아직 분야가 없습니다.", "No categories yet.")}</p>
                    }.into_any(),
                    Ok(categories) => view! {
                        <ul class="category-weights" data-testid="category-weights">
                            {categories.into_iter().map(|c| view! { <CategoryItem category=c token=token changed=changed status=status/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CategoryItem(
    category: arena_core::admin::CategoryWeight,
    token: StoredValue<String>,
    changed: RwSignal<u32>,
    status: RwSignal<Option<(String, Saving)>>,
) -> impl IntoView {
    let lang = use_lang();
    let weight = RwSignal::new(category.weight.to_string());
    let name = StoredValue::new(category.category.clone());
    let mine = category.category.clone();
    let saving = Signal::derive(move || {
        status.with(|s| match s {
            Some((c, saving)) if *c == mine => saving.clone(),
            _ => Saving::Idle,
        })
    });
    let set = move |saving: Saving| {
        status.try_set(Some((name.get_value(), saving)));
    };
    let field_id = format!("category-weight-{}", category.category);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(value) = weight.get_untracked().trim().parse::<f64>() else {
            set(Saving::Failed(ApiError::Server {
                status: 400,
                code: "bad_request".into(),
                message: "weight must be a number from 0 to 100".into(),
                retry_after: None,
                problems: Vec::new(),
            }));
            return;
        };
        set(Saving::Busy);
        spawn_local(async move {
            match api::admin::set_category_weight(&token.get_value(), &name.get_value(), value)
                .await
            {
                Ok(_) => {
                    set(Saving::Saved);
                    changed.update(|n| *n += 1);
                }
                Err(e) => set(Saving::Failed(e)),
            }
        });
    };
    let prompts = category.prompts;
    view! {
        <li>
            <form class="category-weight" novalidate on:submit=submit data-testid=format!("category-{}", category.category)>
                <label for=field_id.clone()>
                    <strong>{category.category.clone()}</strong>
                    <span class="muted">{move || lang.get().pick(format!(" · 질문 {prompts}개"), format!(" · {prompts} prompts"))}</span>
                </label>
                <input id=field_id type="number" min="0" max="100" step="any" inputmode="decimal"
                    prop:value=move || weight.get()
                    on:input=move |ev| weight.set(event_target_value(&ev))/>
                <button type="submit" class="btn btn-secondary" disabled=move || saving.get() == Saving::Busy>
                    {tr("저장", "Save")}
                </button>
                <span class="form-status" role="status">
                    {move || match saving.get() {
                        Saving::Saved => lang.get().pick("저장했습니다.", "Saved.").to_owned(),
                        Saving::Failed(e) => message(&e, lang.get()),
                        _ => String::new(),
                    }}
                </span>
            </form>
        </li>
    }
}
