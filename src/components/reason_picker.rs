//! After the vote: why? Five one-tap reasons, all optional. Each tap toggles a reason and sends
//! the whole set at once (the server replaces what it had), so the last tap wins even when taps
//! come faster than the network; the set may change for ten minutes. Skipping is simply going on
//! to the next battle.

use std::collections::BTreeSet;

use arena_core::Choice;
use arena_core::reason::Reason;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{Lang, tr, use_lang};

pub fn reason_label(reason: Reason, lang: Lang) -> &'static str {
    match reason {
        Reason::Accuracy => lang.pick("정확성", "Accuracy"),
        Reason::KoreanContext => lang.pick("한국 맥락 이해", "Understands Korean context"),
        Reason::NaturalKorean => lang.pick("자연스러운 한국어", "Natural Korean"),
        Reason::Usefulness => lang.pick("유용성", "Usefulness"),
        Reason::Safety => lang.pick("안전성", "Safety"),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Saving {
    Idle,
    Busy,
    Saved(usize),
    Failed(ApiError),
}

/// Asked for A, B and tie; "both bad" praises neither, so it asks nothing.
#[component]
pub fn ReasonPicker(token: String, choice: Choice) -> impl IntoView {
    let lang = use_lang();
    let chosen = RwSignal::new(BTreeSet::<Reason>::new());
    let saving = RwSignal::new(Saving::Idle);
    let in_flight = StoredValue::new(false);
    let again = StoredValue::new(false);
    let token = StoredValue::new(token);

    let send = move || {
        if in_flight.get_value() {
            again.set_value(true);
            return;
        }
        in_flight.set_value(true);
        saving.set(Saving::Busy);
        spawn_local(async move {
            loop {
                let set: Vec<Reason> = chosen.get_untracked().into_iter().collect();
                let count = set.len();
                let result = api::reasons(&token.get_value(), set).await;
                if again.try_get_value() == Some(true) {
                    again.set_value(false);
                    continue;
                }
                in_flight.try_set_value(false);
                saving.try_set(match result {
                    Ok(_) => Saving::Saved(count),
                    Err(e) => Saving::Failed(e),
                });
                break;
            }
        });
    };
    let question = match choice {
        Choice::Tie => tr(
            "두 답변의 어떤 점이 좋았나요? (선택)",
            "What was good about both answers? (optional)",
        ),
        _ => tr(
            "왜 이 답변을 골랐나요? (선택)",
            "Why did you choose it? (optional)",
        ),
    };
    view! {
        <div class="reasons" role="group" aria-labelledby="reasons-question" data-testid="reasons">
            <p id="reasons-question" class="reasons-question">{question}</p>
            <div class="reason-buttons">
                {Reason::ALL.into_iter().map(|reason| view! {
                    <button
                        type="button"
                        class="chip reason-chip"
                        data-reason=reason.code()
                        aria-pressed=move || chosen.with(|c| c.contains(&reason)).to_string()
                        on:click=move |_| {
                            chosen.update(|c| {
                                if !c.remove(&reason) {
                                    c.insert(reason);
                                }
                            });
                            send();
                        }
                    >
                        {move || reason_label(reason, lang.get())}
                    </button>
                }).collect_view()}
            </div>
            <p class="reasons-status" role="status" data-testid="reasons-status">
                {move || {
                    let lang = lang.get();
                    match saving.get() {
                        Saving::Idle => String::new(),
                        Saving::Busy => lang.pick("저장하는 중…", "Saving…").to_owned(),
                        Saving::Saved(0) => lang.pick("이유를 지웠습니다.", "Reasons cleared.").to_owned(),
                        Saving::Saved(_) => lang
                            .pick(
                                "이유를 저장했습니다. 10분 동안 바꿀 수 있습니다.",
                                "Reasons saved. You can change them for 10 minutes.",
                            )
                            .to_owned(),
                        Saving::Failed(e) => e.user_message(lang),
                    }
                }}
            </p>
        </div>
    }
}
