//! Live battles (`/live`): the citizen writes a Korean prompt, two anonymous models answer it at
//! once, streamed in as they write; once both are done it is an ordinary battle of the battle
//! page ([`super::battle::BattlePage`] with `live`): same votes, reasons and reveal.
//!
//! The prompt field is safe with an input method: Enter sends (Shift+Enter is a new line), but
//! never while a syllable is being composed, so Korean typing neither sends half a word nor
//! doubles the last syllable.

use arena_core::api::{BattleResponse, LIVE_PROMPT_MAX_CHARS, LiveEvent, Side as WireSide, codes};
use arena_core::personal_data::PersonalData;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::answer_card::{AnswerCard, Side};
use crate::i18n::{Lang, tr, use_lang};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Writing the prompt.
    Writing,
    /// Proof of work before the prompt may go (a fraction of a second).
    Checking,
    /// Sent; the answers come in.
    Streaming,
    /// The server refused the prompt or could not be reached.
    Refused(ApiError),
    /// A model did not answer, or the battle could not be kept: no vote.
    Ended { code: String },
}

/// The live battle page: the battle page asking with [`LivePanel`].
#[component]
pub fn LivePage() -> impl IntoView {
    let asker: super::battle::Asker = Callback::new(|(on_ready, focus)| {
        view! { <LivePanel on_ready=on_ready focus=focus/> }.into_any()
    });
    view! { <super::battle::BattlePage asker=asker/> }
}

/// The prompt form and the answers as they stream in; hands the finished battle to `on_ready`.
#[component]
pub fn LivePanel(
    on_ready: Callback<BattleResponse>,
    /// Put the focus on the prompt field when shown (after "ask another question").
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    let lang = use_lang();
    let status = LocalResource::new(api::live_status);
    let prompt = RwSignal::new(String::new());
    let sent = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Writing);
    let html_a = RwSignal::new(String::new());
    let html_b = RwSignal::new(String::new());
    let failed_a = RwSignal::new(false);
    let failed_b = RwSignal::new(false);
    let field = NodeRef::<leptos::html::Textarea>::new();
    let problem = NodeRef::<leptos::html::Div>::new();
    // The battle on its way, stopped when the page is left (the server then stops both models).
    let in_flight = StoredValue::new_local(None::<web_sys::AbortController>);
    on_cleanup(move || {
        if let Some(Some(controller)) = in_flight.try_update_value(Option::take) {
            controller.abort();
        }
    });
    if focus {
        request_animation_frame(move || {
            if let Some(f) = field.get_untracked() {
                let _ = f.focus();
            }
        });
    }

    let send = move || {
        let text = prompt.get_untracked().trim().to_owned();
        if text.is_empty() || matches!(phase.get_untracked(), Phase::Checking | Phase::Streaming) {
            return;
        }
        html_a.set(String::new());
        html_b.set(String::new());
        failed_a.set(false);
        failed_b.set(false);
        sent.set(text.clone());
        phase.set(Phase::Streaming);
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        in_flight.set_value(Some(controller));
        spawn_local(async move {
            let checking = move || {
                phase.try_set(Phase::Checking);
            };
            let mut ready = None;
            let on_event = |event: LiveEvent| match event {
                LiveEvent::Answer { side, html } => {
                    phase.try_set(Phase::Streaming);
                    match side {
                        WireSide::A => html_a.try_set(html),
                        WireSide::B => html_b.try_set(html),
                    };
                }
                LiveEvent::Failed { side } => {
                    match side {
                        WireSide::A => failed_a.try_set(true),
                        WireSide::B => failed_b.try_set(true),
                    };
                }
                LiveEvent::Ready { battle } => ready = Some(*battle),
                LiveEvent::Ended { code } => {
                    phase.try_set(Phase::Ended { code });
                }
            };
            let result = api::live_battle(&text, &signal, checking, on_event).await;
            // The page may have been left meanwhile: then nothing here may be touched.
            if phase.try_get_untracked().is_none() || signal.aborted() {
                return;
            }
            in_flight.try_set_value(None);
            match (result, ready) {
                (_, Some(battle)) => on_ready.run(battle),
                (Err(e), None) => {
                    phase.try_set(Phase::Refused(e));
                }
                // The stream ended with neither a battle nor a reason (the connection dropped).
                (Ok(()), None) => {
                    if phase.try_get_untracked() == Some(Phase::Streaming) {
                        phase.try_set(Phase::Refused(ApiError::Network("the stream ended".into())));
                    }
                }
            }
            if matches!(
                phase.try_get_untracked(),
                Some(Phase::Refused(_) | Phase::Ended { .. })
            ) {
                request_animation_frame(move || {
                    if let Some(p) = problem.get_untracked() {
                        let _ = p.focus();
                    }
                });
            }
        });
    };

    // Enter sends, Shift+Enter is a new line; never while an input method composes (Hangul).
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        if event.key() != "Enter"
            || event.shift_key()
            || event.is_composing()
            || event.key_code() == 229
        {
            return;
        }
        event.prevent_default();
        send();
    };
    let busy = move || matches!(phase.get(), Phase::Checking | Phase::Streaming);
    let chars = move || prompt.with(|p| p.chars().count());
    let too_long = move || chars() > LIVE_PROMPT_MAX_CHARS;
    let shown = move || !matches!(phase.get(), Phase::Writing | Phase::Refused(_));
    let card_html = move |html: RwSignal<String>, failed: RwSignal<bool>| {
        Signal::derive(move || {
            if failed.get() {
                let text = lang
                    .get()
                    .pick("이 모델이 답하지 못했습니다.", "This model did not answer.");
                format!("<p class=\"answer-failed\">{text}</p>")
            } else {
                html.get()
            }
        })
    };
    let no_model = Signal::derive(|| None);
    let not_chosen = Signal::derive(|| false);

    view! {
        <Suspense fallback=|| ()>
            {move || status.get().map(|s| match s {
                Ok(s) if !s.enabled => view! {
                    <div class="notice notice-info" data-testid="live-off">
                        <p>{tr(
                            "이 아레나는 지금 직접 질문을 받지 않습니다. 준비된 질문으로 대결해 주세요.",
                            "This arena does not take your own questions right now. Please try a prepared battle.",
                        )}</p>
                        <a class="btn btn-secondary" href="/">{tr("대결하기", "Battle")}</a>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            })}
        </Suspense>
        <form class="live-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <label for="live-prompt" class="live-label">{tr("질문", "Your question")}</label>
            <p id="live-hint" class="live-hint">
                {tr(
                    "한국어로 궁금한 것을 물어보세요. 주민등록번호, 전화번호, 이메일, 계좌번호 같은 개인정보는 적지 마세요. \
                     질문과 답변은 투표와 함께 공개 데이터로 저장됩니다(개인정보는 지우고).",
                    "Ask anything, in Korean. Do not write personal data such as resident registration, phone, \
                     e-mail or account numbers. The question and answers are kept with your vote as open data \
                     (with personal data removed).",
                )}
                <span class="visually-hidden">{tr(" Enter로 보내고, Shift+Enter로 줄을 바꿉니다.", " Enter sends; Shift+Enter starts a new line.")}</span>
            </p>
            <textarea
                id="live-prompt"
                class="live-prompt"
                data-testid="live-prompt"
                rows="3"
                aria-describedby="live-hint live-count"
                aria-invalid=move || too_long().then_some("true")
                node_ref=field
                prop:value=move || prompt.get()
                on:input=move |ev| prompt.set(event_target_value(&ev))
                on:keydown=on_keydown
                prop:readonly=busy
            ></textarea>
            <div class="live-actions">
                <span id="live-count" class="live-count" class:over=too_long>
                    {move || format!("{} / {LIVE_PROMPT_MAX_CHARS}", chars())}
                </span>
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="live-send"
                    disabled=move || busy() || too_long() || prompt.with(|p| p.trim().is_empty())
                >
                    {move || if busy() { tr("답변을 받는 중…", "Answering…").into_any() } else { tr("보내기", "Send").into_any() }}
                </button>
            </div>
        </form>
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="live-announcement">
            {move || announcement(&phase.get(), lang.get())}
        </p>
        {move || match phase.get() {
            Phase::Refused(error) => view! {
                <div class="notice notice-danger" tabindex="-1" node_ref=problem data-testid="live-problem">
                    <p>{move || refusal_message(&error, lang.get())}</p>
                </div>
            }.into_any(),
            Phase::Ended { code } => view! {
                <div class="notice notice-warning" tabindex="-1" node_ref=problem data-testid="live-problem">
                    <p>{move || ended_message(&code, lang.get())}</p>
                    <button type="button" class="btn btn-secondary" on:click=move |_| send()>
                        {tr("같은 질문 다시 보내기", "Send the same question again")}
                    </button>
                </div>
            }.into_any(),
            _ => ().into_any(),
        }}
        <Show when=shown>
            <div class="prompt-box">
                <p class="prompt-meta"><span class="badge badge-category">{tr("직접 질문", "Your question")}</span></p>
                <p class="prompt-text" data-testid="prompt">{move || sent.get()}</p>
            </div>
            <div class="answers" aria-busy=move || busy().to_string()>
                <AnswerCard side=Side::A html=card_html(html_a, failed_a) model=no_model chosen=not_chosen/>
                <AnswerCard side=Side::B html=card_html(html_b, failed_b) model=no_model chosen=not_chosen/>
            </div>
        </Show>
    }
}

fn announcement(phase: &Phase, lang: Lang) -> String {
    let t = |ko: &str, en: &str| lang.pick(ko, en).to_owned();
    match phase {
        Phase::Writing => String::new(),
        Phase::Checking => t("잠시 확인하는 중입니다.", "Checking for a moment."),
        Phase::Streaming => t(
            "두 모델이 답하는 중입니다. 다 쓰면 투표할 수 있습니다.",
            "Two models are answering. You can vote once both are done.",
        ),
        Phase::Refused(e) => refusal_message(e, lang),
        Phase::Ended { code } => ended_message(code, lang),
    }
}

/// Why a prompt was not taken, in the reader's language.
fn refusal_message(error: &ApiError, lang: Lang) -> String {
    let ApiError::Server { code, problems, .. } = error else {
        return error.user_message(lang);
    };
    match code.as_str() {
        codes::PERSONAL_DATA => {
            let kinds: Vec<&str> = problems
                .iter()
                .filter_map(|p| PersonalData::from_code(p))
                .map(|k| {
                    let (ko, en) = k.names();
                    lang.pick(ko, en)
                })
                .collect();
            let kinds = kinds.join(", ");
            lang.pick(
                format!("질문에 개인정보({kinds})가 들어 있어 보내지 않았습니다. 지운 뒤 다시 보내 주세요."),
                format!("Your question contains personal data ({kinds}), so it was not sent. Please remove it and send again."),
            )
        }
        codes::MODERATED => lang
            .pick(
                "이 아레나에서 모델에 보내지 않는 표현이 들어 있습니다. 질문을 고쳐 주세요.",
                "Your question contains words this arena does not send to models. Please rephrase it.",
            )
            .to_owned(),
        codes::BAD_PROMPT => lang
            .pick(
                "질문이 비어 있거나 너무 깁니다.",
                "The question is empty or too long.",
            )
            .to_owned(),
        codes::LIVE_BUSY => lang
            .pick(
                "지금은 모든 모델이 바쁩니다. 몇 초 뒤에 다시 보내 주세요.",
                "Every model is busy right now. Please send again in a few seconds.",
            )
            .to_owned(),
        codes::LIVE_OFF => lang
            .pick(
                "이 아레나는 지금 직접 질문을 받지 않습니다.",
                "This arena does not take your own questions right now.",
            )
            .to_owned(),
        _ => error.user_message(lang),
    }
}

fn ended_message(code: &str, lang: Lang) -> String {
    if code == codes::MODEL_FAILED {
        lang.pick(
            "한 모델이 답하지 못해 이 대결은 투표할 수 없습니다. 같은 질문을 다시 보내 보세요.",
            "A model did not answer, so this battle cannot be voted. Try sending the question again.",
        )
    } else if code == codes::IDENTITY_LEAK {
        lang.pick(
            "한 모델이 답변에서 자기 이름이나 개발사를 밝혀, 익명 비교가 되지 않으므로 이 대결은 투표할 수 없습니다. 다른 질문을 보내 주세요.",
            "A model named itself or its maker in its answer, so the comparison is no longer anonymous and this battle cannot be voted. Please ask another question.",
        )
    } else {
        lang.pick(
            "대결을 저장하지 못했습니다. 잠시 뒤 다시 보내 주세요.",
            "The battle could not be kept. Please send again in a moment.",
        )
    }
    .to_owned()
}
