//! `/admin`: the operators' pages, over the operator API. An operator signs in with a token
//! (kept in this tab's `sessionStorage` only, gone when the tab closes), then:
//! - **models**: display name, maker, licence, size, link and status (paused and retired
//!   models are not drawn);
//! - **import**: a battle-set file or a FastChat set, always checked first (a dry run: every
//!   `file:line` problem, or what would change), then stored with a progress bar;
//! - **answers held back** for naming their model: read each, allow it or hold it back again;
//! - **evaluation rounds**: a draft sealed by the server, then opened, closed and published;
//! - **snapshots**: publish the leaderboard as it stands, frozen, at a stable address;
//! - **audit log**: every change, when, by which token.
//!
//! One file per section; this one signs in and holds what they share: the [`Operator`] session
//! (in the context, not threaded through every section), one way to list ([`Operator::list`]
//! and [`listing`]) and one way to save ([`Operator::save`]).

mod audit_log;
mod categories;
mod flagged;
mod held;
mod import;
mod invitations;
mod models;
mod quotas;
mod rounds;
mod snapshots;

use audit_log::AuditSection;
use categories::CategoriesSection;
use flagged::FlaggedSection;
use held::HeldSection;
use import::ImportSection;
use models::ModelsSection;
use rounds::RoundsSection;
use snapshots::SnapshotSection;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
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

/// A field's text, trimmed; `None` when nothing is left.
fn non_empty(value: String) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
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

/// The signed-in operator, for every section: the token its requests carry, and a counter
/// every change bumps (so the audit log and the lists reload).
#[derive(Clone, Copy)]
struct Operator {
    token: StoredValue<String>,
    changed: RwSignal<u32>,
}

/// The operator of the console this component is in.
fn use_operator() -> Operator {
    expect_context::<Operator>()
}

/// Where one save stands, for the button it disables and the status line under it.
#[derive(Clone, PartialEq)]
enum Saving {
    Idle,
    Busy,
    Saved,
    Failed(ApiError),
}

/// An error of this page's own, shown like the server's.
fn refused(text: &str) -> Saving {
    Saving::Failed(ApiError::Server {
        status: 400,
        code: "bad_request".into(),
        message: text.into(),
        retry_after: None,
        problems: Vec::new(),
    })
}

impl Saving {
    /// The status line: saving, saved, or why not.
    fn said(&self, lang: Lang) -> String {
        match self {
            Saving::Idle => String::new(),
            Saving::Busy => lang.pick("저장하는 중…", "Saving…").to_owned(),
            Saving::Saved => lang.pick("저장했습니다.", "Saved.").to_owned(),
            Saving::Failed(e) => message(e, lang),
        }
    }
}

impl Operator {
    /// What a section lists, fetched with the session's token, and again after every change.
    fn list<T, F>(
        self,
        fetch: impl Fn(String) -> F + 'static,
    ) -> LocalResource<Result<Vec<T>, ApiError>>
    where
        T: 'static,
        F: std::future::Future<Output = Result<Vec<T>, ApiError>> + 'static,
    {
        let Operator { token, changed } = self;
        LocalResource::new(move || {
            changed.track();
            fetch(token.get_value())
        })
    }

    /// Sends one change: `saving` is busy meanwhile, then saved (and every list reloads) or
    /// failed with the reason.
    fn save<T: 'static>(
        self,
        saving: impl Fn(Saving) + 'static,
        request: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    ) {
        saving(Saving::Busy);
        let changed = self.changed;
        spawn_local(async move {
            match request.await {
                Ok(_) => {
                    saving(Saving::Saved);
                    changed.try_update(|n| *n += 1);
                }
                Err(e) => saving(Saving::Failed(e)),
            }
        });
    }
}

/// A section's list as it stands: loading, `empty` (Korean, English) when there is nothing,
/// why it could not be read, or `show` of what there is.
fn listing<T, V>(
    list: LocalResource<Result<Vec<T>, ApiError>>,
    empty: (&'static str, &'static str),
    show: impl Fn(Vec<T>) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    view! {
        <Suspense fallback=move || view! { <p>{tr("불러오는 중…", "Loading…")}</p> }>
            {move || list.get().map(|result| match result {
                Ok(items) if items.is_empty() => view! { <p>{tr(empty.0, empty.1)}</p> }.into_any(),
                Ok(items) => show(items).into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// The signed-in pages.
#[component]
fn Console(token: String) -> impl IntoView {
    provide_context(Operator {
        token: StoredValue::new(token),
        changed: RwSignal::new(0u32),
    });
    view! {
        <nav class="admin-nav" aria-label=tr("운영자 메뉴", "Operator menu")>
            <a href="#admin-models">{tr("모델", "Models")}</a>
            <a href="#admin-import">{tr("질문 세트 불러오기", "Import prompts")}</a>
            <a href="#admin-categories">{tr("분야와 비중", "Categories and weights")}</a>
            <a href="#admin-held">{tr("대결에서 뺀 답변", "Answers held back")}</a>
            <a href="#admin-flagged">{tr("집계에서 뺀 투표", "Votes left out")}</a>
            <a href="#admin-rounds">{tr("평가 라운드", "Evaluation rounds")}</a>
            <a href="#admin-snapshots">{tr("스냅샷 발행", "Publish a snapshot")}</a>
            <a href="#admin-audit">{tr("감사 기록", "Audit log")}</a>
        </nav>
        <ModelsSection/>
        <ImportSection/>
        <CategoriesSection/>
        <HeldSection/>
        <FlaggedSection/>
        <RoundsSection/>
        <SnapshotSection/>
        <AuditSection/>
    }
}
