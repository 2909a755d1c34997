//! `/join`: a citizen invited to an evaluation round's panel types (or scans, `?code=`) the code
//! on their card, reads what is stored and why, may say a little about themselves (each question
//! optional, each with "prefer not to say"), and joins. The credential the server answers with is
//! kept in this browser (`panelist.rs`); the round's battles then count in its panel's table.
//! A code is checked here first (its check characters catch a typo before the server is asked).
//! Inside another site's frame (`/embed/join`, `embed.js`'s `data-join`) it does the same, and the
//! round's battles then follow in the frame.

use arena_core::panel::{AgeBand, AiUse, JoinResponse, Profile, REGIONS, Sex, parse_code};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::address::query_param;
use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::{tr, use_lang};
use crate::routes::battle::focus_later;

#[derive(Clone, Debug)]
enum Phase {
    Editing,
    Sending,
    Joined(Box<JoinResponse>),
    Refused(ApiError),
}

/// One optional question as a group of radio buttons: `None` is "prefer not to say".
#[component]
fn Question<T: Copy + PartialEq + Send + Sync + 'static>(
    name: &'static str,
    legend: (&'static str, &'static str),
    options: Vec<(T, (&'static str, &'static str))>,
    value: RwSignal<Option<T>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="join-question" data-testid=format!("join-{name}")>
            <legend>{move || lang.get().pick(legend.0, legend.1)}</legend>
            <div class="join-options">
                {options.into_iter().enumerate().map(|(i, (option, label))| {
                    let id = format!("join-{name}-{i}");
                    view! {
                        <label class="join-option">
                            <input
                                type="radio"
                                id=id
                                name=name
                                prop:checked=move || value.get() == Some(option)
                                on:change=move |_| value.set(Some(option))
                            />
                            {move || lang.get().pick(label.0, label.1)}
                        </label>
                    }
                }).collect_view()}
                <label class="join-option">
                    <input
                        type="radio"
                        id=format!("join-{name}-none")
                        name=name
                        prop:checked=move || value.get().is_none()
                        on:change=move |_| value.set(None)
                    />
                    {tr("응답하지 않음", "Prefer not to say")}
                </label>
            </div>
        </fieldset>
    }
}

#[component]
pub fn JoinPage(
    /// Inside another site's frame: the round's battles follow in the frame; links to the rest
    /// of the arena open in a new tab.
    #[prop(optional)]
    embedded: bool,
    /// Inside a frame: what "start evaluating" does with the round's id (the frame shows its
    /// battles without loading a page, so a credential kept only in memory, where the browser
    /// gives a frame no storage, is not lost).
    #[prop(optional)]
    on_start: Option<Callback<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let new_tab = embedded.then_some("_blank");
    let code = RwSignal::new(query_param("code").unwrap_or_default());
    let age = RwSignal::new(None::<AgeBand>);
    let sex = RwSignal::new(None::<Sex>);
    let region = RwSignal::new(None::<usize>);
    let ai_use = RwSignal::new(None::<AiUse>);
    let phase = RwSignal::new(Phase::Editing);
    let tried = RwSignal::new(false);
    let problem = NodeRef::<leptos::html::Div>::new();
    let done = NodeRef::<leptos::html::H2>::new();

    // What is wrong with the typed code, checked here before anything is sent.
    let code_problem = move || {
        let typed = code.get();
        (tried.get() || !typed.trim().is_empty())
            .then(|| parse_code(&typed).err())
            .flatten()
    };
    let send = move || {
        tried.set(true);
        if matches!(phase.get_untracked(), Phase::Sending) || code_problem().is_some() {
            return;
        }
        let profile = Profile {
            age: age.get_untracked(),
            sex: sex.get_untracked(),
            region: region.get_untracked().map(|i| REGIONS[i].0.to_owned()),
            ai_use: ai_use.get_untracked(),
        };
        let typed = code.get_untracked();
        phase.set(Phase::Sending);
        spawn_local(async move {
            match api::join(&typed, profile).await {
                Ok(joined) => {
                    phase.try_set(Phase::Joined(Box::new(joined)));
                    focus_later(move || done.try_get_untracked().flatten().map(|h| h.into()));
                }
                Err(e) => {
                    phase.try_set(Phase::Refused(e));
                    focus_later(move || problem.try_get_untracked().flatten().map(|p| p.into()));
                }
            }
        });
    };

    view! {
        <section class="join-page" aria-labelledby="join-heading">
            <h1 id="join-heading" class="page-title">{tr("시민 평가단 참여", "Join the citizens' panel")}</h1>
            <p class="lead">
                {tr(
                    "초대장에 적힌 코드를 입력하면 평가 라운드의 시민 평가단으로 참여합니다. \
                     두 AI의 답변을 비교해 더 나은 쪽을 고르는 방식이며, 어떤 모델인지 모르는 상태로 평가합니다.",
                    "Enter the code on your invitation to join an evaluation round's citizens' panel. \
                     You compare two AI answers and choose the better one, without knowing which models wrote them.",
                )}
            </p>
            {move || match phase.get() {
                Phase::Joined(joined) => {
                    let round = joined.round.clone();
                    let recovered = joined.recovered;
                    let href = format!("/?round={}", round.id);
                    let round_id = round.id.clone();
                    view! {
                        <div class="result-box" data-testid="joined">
                            <h2 class="result-title" tabindex="-1" node_ref=done>
                                {move || if recovered {
                                    lang.get().pick("평가단 참여를 다시 연결했습니다", "Your panel membership is back")
                                } else {
                                    lang.get().pick("평가단에 참여했습니다", "You have joined the panel")
                                }}
                            </h2>
                            {recovered.then(|| view! {
                                <p data-testid="recovered">{tr(
                                    "처음 참여할 때의 정보와 지금까지 한 투표가 그대로 이어집니다.",
                                    "Your profile and the votes you cast so far carry on as they were.",
                                )}</p>
                            })}
                            <p>
                                <strong>{round.name.clone()}</strong>
                                {move || {
                                    let lang = lang.get();
                                    let when = format::date_time(round.closes_at_ms, lang);
                                    let cap = round.votes_per_person;
                                    lang.pick(
                                        format!(" · {when} 마감 · 한 사람당 {cap}표"),
                                        format!(" · closes {when} · {cap} votes per person"),
                                    )
                                }}
                            </p>
                            <p>{tr(
                                "이 브라우저에 평가단 참여 정보가 저장되었습니다. 같은 브라우저로 투표해 주세요.",
                                "This browser now holds your panel membership. Please vote from this browser.",
                            )}</p>
                            <div class="result-actions">
                                {match on_start {
                                    Some(start) => view! {
                                        <button type="button" class="btn btn-primary btn-large" data-testid="start-voting"
                                            on:click=move |_| start.run(round_id.clone())>
                                            {tr("평가 시작하기", "Start evaluating")}
                                        </button>
                                    }.into_any(),
                                    // A whole page load: the battle app reads the round from the address as it starts.
                                    None => view! {
                                        <a class="btn btn-primary btn-large" href=href rel="external" data-testid="start-voting">
                                            {tr("평가 시작하기", "Start evaluating")}
                                        </a>
                                    }.into_any(),
                                }}
                            </div>
                        </div>
                    }.into_any()
                }
                _ => view! {
                    <form class="join-form" novalidate on:submit=move |ev| { ev.prevent_default(); send(); }>
                        <div class="join-code">
                            <label for="join-code-input" class="live-label">{tr("초대 코드", "Invitation code")}</label>
                            <p id="join-code-hint" class="live-hint">
                                {tr(
                                    "4자씩 7묶음(예: 7KQ2-M9XD-…). 대소문자와 빈칸, 줄표는 구분하지 않습니다.",
                                    "7 groups of 4 (e.g. 7KQ2-M9XD-…). Case, spaces and dashes do not matter.",
                                )}
                            </p>
                            <input
                                id="join-code-input"
                                class="join-code-input"
                                data-testid="join-code"
                                type="text"
                                autocomplete="off"
                                autocapitalize="characters"
                                spellcheck="false"
                                aria-describedby="join-code-hint join-code-problem"
                                aria-invalid=move || code_problem().is_some().then_some("true")
                                prop:value=move || code.get()
                                on:input=move |ev| code.set(event_target_value(&ev))
                            />
                            <p id="join-code-problem" class="field-problem" data-testid="join-code-problem">
                                {move || code_problem().filter(|_| tried.get()).map(|p| {
                                    let (ko, en) = p.message();
                                    lang.get().pick(ko, en)
                                })}
                            </p>
                        </div>

                        <div class="join-stored" data-testid="join-stored">
                            <h2>{tr("저장하는 정보와 이유", "What is stored, and why")}</h2>
                            <ul>
                                <li>{tr(
                                    "무작위 가명 하나: 한 사람의 투표를 한 번만 세고, 라운드의 1인 투표 수를 지키기 위해서입니다.",
                                    "One random pseudonym: to count each person once and keep to the round's votes per person.",
                                )}</li>
                                <li>{tr(
                                    "아래 네 가지 답(모두 선택): 평가단의 구성을 인구 비율에 맞춰 결과를 보정하기 위해서입니다.",
                                    "Your answers below (all optional): to weight the results to the population's make-up.",
                                )}</li>
                                <li>{tr(
                                    "투표와 그 이유: 평가 결과를 계산하고, 누구나 다시 계산해 볼 수 있게 공개하기 위해서입니다.",
                                    "Your votes and their reasons: to compute the results and publish them so anyone can recompute them.",
                                )}</li>
                            </ul>
                            <p>{tr(
                                "이름, 전화번호, 이메일, 주소는 묻지 않습니다. 초대 코드는 가명이나 답, 투표와 연결해 저장하지 않습니다 \
                                 (초대장에 ‘분실하면 이 코드로 다시 참여’라고 적힌 경우만 예외: 개인정보 처리방침을 보세요).",
                                "No name, phone number, e-mail or address is asked. The code is not stored with your pseudonym, answers or votes \
                                 (unless your card says you can join again with it after a loss: see the privacy policy).",
                            )} " " <a href="/privacy" target=new_tab rel=new_tab.map(|_| "noopener")>
                                {tr("개인정보 처리방침", "Privacy policy")}
                                {embedded.then(|| view! { <span class="visually-hidden">{tr(" (새 창)", " (opens in a new tab)")}</span> })}
                            </a></p>
                        </div>

                        <h2 class="join-profile-heading">{tr("나에 대해(선택)", "About you (optional)")}</h2>
                        <Question
                            name="age"
                            legend=("나이", "Age")
                            options=AgeBand::ALL.iter().map(|a| (*a, a.label())).collect()
                            value=age
                        />
                        <Question
                            name="sex"
                            legend=("성별", "Sex")
                            options=Sex::ALL.iter().map(|s| (*s, s.label())).collect()
                            value=sex
                        />
                        <div class="join-question">
                            <label for="join-region" class="join-select-label">{tr("사는 곳(시도)", "Where you live (province or city)")}</label>
                            <select
                                id="join-region"
                                data-testid="join-region"
                                on:change=move |ev| region.set(event_target_value(&ev).parse::<usize>().ok())
                            >
                                <option value="" selected=move || region.get().is_none()>{tr("응답하지 않음", "Prefer not to say")}</option>
                                {REGIONS.iter().enumerate().map(|(i, (_, ko, en))| view! {
                                    <option value=i.to_string() selected=move || region.get() == Some(i)>
                                        {move || lang.get().pick(*ko, *en)}
                                    </option>
                                }).collect_view()}
                            </select>
                        </div>
                        <Question
                            name="ai-use"
                            legend=("AI를 얼마나 자주 쓰나요?", "How often do you use AI?")
                            options=AiUse::ALL.iter().map(|a| (*a, a.label())).collect()
                            value=ai_use
                        />
                        <div class="join-actions">
                            <button
                                type="submit"
                                class="btn btn-primary btn-large"
                                data-testid="join-submit"
                                disabled=move || matches!(phase.get(), Phase::Sending)
                            >
                                {move || if matches!(phase.get(), Phase::Sending) {
                                    tr("확인하는 중…", "Checking…").into_any()
                                } else {
                                    tr("참여하기", "Join").into_any()
                                }}
                            </button>
                        </div>
                        {move || match phase.get() {
                            Phase::Refused(error) => view! {
                                <div class="notice notice-danger" tabindex="-1" node_ref=problem data-testid="join-problem">
                                    <p>{move || error.user_message(lang.get())}</p>
                                </div>
                            }.into_any(),
                            _ => ().into_any(),
                        }}
                    </form>
                }.into_any(),
            }}
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || match phase.get() {
                    Phase::Sending => lang.get().pick("확인하는 중입니다.", "Checking.").to_owned(),
                    Phase::Joined(_) => lang.get().pick("평가단에 참여했습니다.", "You have joined the panel.").to_owned(),
                    _ => String::new(),
                }}
            </p>
        </section>
    }
}

/// Puts `round` in this page's address (`?round=`, the frame's language and host kept), without
/// loading a page: where the battle page that follows reads it.
pub fn show_round_in_address(round: &str) {
    let mut query = format!("?round={round}");
    for name in ["lang", "parent"] {
        if let Some(value) = query_param(name) {
            let value = String::from(js_sys::encode_uri_component(&value));
            query.push_str(&format!("&{name}={value}"));
        }
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
    }
}
