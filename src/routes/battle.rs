//! The battle page, the heart of the arena: a prompt, two anonymous answers, four vote
//! buttons; after the vote, who answered and a way to the next battle.
//!
//! The flow is a small state machine ([`Status`]); the battle itself is kept apart so the
//! answers are not re-rendered (and the reader's place not lost) when the status changes.
//! A new battle first gives its reader time: the vote buttons sleep for the battle's
//! `min_read_ms` (a vote sooner than that would not count), then wake up.

use std::time::Duration;

use arena_core::Choice;
use arena_core::api::{BattleResponse, RevealedModels};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::answer_card::{AnswerCard, Side};
use crate::components::vote_bar::{VoteBar, label};
use crate::format;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Loading,
    /// The server asked this browser for proof of work; it is solving it (a fraction of a second).
    Checking,
    LoadFailed(String),
    /// The battle is shown; the vote buttons sleep until its reading time has passed.
    Reading {
        wait_ms: u64,
    },
    /// Votes are taken. `after_reading`: the buttons just woke up from [`Status::Reading`].
    Ready {
        after_reading: bool,
    },
    Voting(Choice),
    VoteFailed {
        message: String,
        needs_new_battle: bool,
    },
    Voted {
        choice: Choice,
        models: RevealedModels,
    },
}

impl Status {
    /// A battle has just been drawn with this reading time.
    fn drawn(min_read_ms: u64) -> Self {
        match min_read_ms {
            0 => Status::Ready {
                after_reading: false,
            },
            wait_ms => Status::Reading { wait_ms },
        }
    }

    fn can_vote(&self) -> bool {
        matches!(
            self,
            Status::Ready { .. }
                | Status::VoteFailed {
                    needs_new_battle: false,
                    ..
                }
        )
    }

    /// The buttons are `disabled` while a vote is on its way, once it is stored, and when this
    /// battle cannot be voted any more; while the answers are read they only sleep.
    fn locked(&self) -> bool {
        !self.can_vote() && !matches!(self, Status::Reading { .. })
    }

    fn reading_ms(&self) -> Option<u64> {
        match self {
            Status::Reading { wait_ms } => Some(*wait_ms),
            _ => None,
        }
    }

    fn revealed(&self) -> Option<&RevealedModels> {
        match self {
            Status::Voted { models, .. } => Some(models),
            _ => None,
        }
    }

    fn choice(&self) -> Option<Choice> {
        match self {
            Status::Voting(c) | Status::Voted { choice: c, .. } => Some(*c),
            _ => None,
        }
    }

    /// What the live region announces to screen readers.
    fn announcement(&self) -> String {
        match self {
            // Checking is quick and needs nothing from anyone: it stays a quiet "loading".
            Status::Loading | Status::Checking => "새 대결을 불러오는 중입니다.".into(),
            Status::LoadFailed(m) | Status::VoteFailed { message: m, .. } => m.clone(),
            Status::Reading { wait_ms } => format!(
                "새 대결이 준비되었습니다. 두 답변을 읽어 주세요. {} 뒤에 투표할 수 있습니다.",
                format::wait(wait_ms.div_ceil(1000))
            ),
            Status::Ready {
                after_reading: true,
            } => "이제 투표할 수 있습니다.".into(),
            Status::Ready {
                after_reading: false,
            } => "새 대결이 준비되었습니다. 두 답변을 읽고 투표해 주세요.".into(),
            Status::Voting(_) => "투표를 저장하는 중입니다.".into(),
            Status::Voted { choice, models } => format!(
                "투표가 저장되었습니다. 선택: {}. 답변 A는 {}, 답변 B는 {}입니다.",
                label(*choice),
                models.a.name,
                models.b.name
            ),
        }
    }
}

#[component]
pub fn BattlePage() -> impl IntoView {
    let query = use_query_map();
    let category = move || {
        query
            .read_untracked()
            .get("category")
            .filter(|c| !c.trim().is_empty())
    };
    let battle: RwSignal<Option<BattleResponse>> = RwSignal::new(None);
    let status = RwSignal::new(Status::Loading);
    let next_button = NodeRef::<leptos::html::Button>::new();
    let heading = NodeRef::<leptos::html::H1>::new();
    let problem = NodeRef::<leptos::html::Div>::new();
    let wake = StoredValue::new(None::<TimeoutHandle>);
    let stop_waking = move || {
        if let Some(Some(handle)) = wake.try_update_value(Option::take) {
            handle.clear();
        }
    };
    on_cleanup(stop_waking);

    let load = move |focus_heading: bool| {
        stop_waking();
        battle.set(None);
        status.set(Status::Loading);
        spawn_local(async move {
            // The person may have left the page meanwhile: `try_` calls do nothing then.
            let checking = move || {
                status.try_set(Status::Checking);
            };
            match api::battle(category().as_deref(), checking).await {
                Ok(b) => {
                    // The status first: the vote bar drawn with the battle starts asleep or not.
                    status.try_set(Status::drawn(b.min_read_ms));
                    stop_waking();
                    if b.min_read_ms > 0 {
                        wake.try_set_value(wake_after(status, b.min_read_ms));
                    }
                    battle.try_set(Some(b));
                    if focus_heading {
                        focus_later(move || {
                            heading.try_get_untracked().flatten().map(|h| h.into())
                        });
                    }
                }
                Err(e) => {
                    status.try_set(Status::LoadFailed(e.user_message()));
                }
            }
        });
    };
    load(false);

    let on_vote = Callback::new(move |choice: Choice| {
        if !status.with_untracked(Status::can_vote) {
            return;
        }
        let Some(token) = battle.with_untracked(|b| b.as_ref().map(|b| b.token.clone())) else {
            return;
        };
        status.set(Status::Voting(choice));
        spawn_local(async move {
            match api::vote(&token, choice).await {
                Ok(response) => {
                    status.try_set(Status::Voted {
                        choice,
                        models: response.models,
                    });
                    focus_later(move || {
                        next_button.try_get_untracked().flatten().map(|b| b.into())
                    });
                }
                Err(e) => {
                    status.try_set(Status::VoteFailed {
                        message: e.user_message(),
                        needs_new_battle: e.needs_new_battle(),
                    });
                    // The pressed button was disabled while sending; put focus on the message.
                    focus_later(move || problem.try_get_untracked().flatten().map(|p| p.into()));
                }
            }
        });
    });

    let model = move |side: Side| {
        Signal::derive(move || {
            status.with(|s| {
                s.revealed().map(|m| match side {
                    Side::A => m.a.clone(),
                    Side::B => m.b.clone(),
                })
            })
        })
    };
    let chosen = move |side: Side| {
        Signal::derive(move || {
            status.with(|s| {
                matches!(
                    (s, side),
                    (
                        Status::Voted {
                            choice: Choice::A,
                            ..
                        },
                        Side::A
                    ) | (
                        Status::Voted {
                            choice: Choice::B,
                            ..
                        },
                        Side::B
                    )
                )
            })
        })
    };
    let selected = Signal::derive(move || status.with(Status::choice));
    let disabled = Signal::derive(move || status.with(Status::locked));
    let reading_ms = Signal::derive(move || status.with(Status::reading_ms));

    view! {
        <section class="battle-page" aria-labelledby="battle-heading">
            <h1 id="battle-heading" class="page-title" tabindex="-1" node_ref=heading>
                "어느 AI가 더 잘 답했을까요?"
            </h1>
            <p class="lead">
                "질문과 두 답변을 읽고 더 나은 쪽에 투표해 주세요. "
                "어떤 모델이 답했는지는 투표한 뒤에 공개됩니다."
            </p>
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
                {move || status.with(Status::announcement)}
            </p>
            {move || match status.get() {
                Status::Loading => view! {
                    <div class="notice notice-info loading" aria-hidden="true">
                        <span class="spinner"></span>"대결을 불러오는 중입니다…"
                    </div>
                }.into_any(),
                Status::Checking => view! {
                    <div class="notice notice-info loading" aria-hidden="true" data-testid="checking">
                        <span class="spinner"></span>"잠시 확인하는 중입니다…"
                    </div>
                }.into_any(),
                Status::LoadFailed(message) => view! {
                    <div class="notice notice-danger">
                        <p>{message}</p>
                        <button type="button" class="btn btn-secondary" on:click=move |_| load(true)>
                            "다시 시도"
                        </button>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || battle.get().map(|b| view! {
                <div class="prompt-box">
                    <p class="prompt-meta">
                        <span class="badge badge-category">{b.prompt.category.clone()}</span>
                        <span class="visually-hidden">" 분야의 질문"</span>
                    </p>
                    <p class="prompt-text" data-testid="prompt">{b.prompt.text.clone()}</p>
                </div>
                <div class="answers">
                    <AnswerCard side=Side::A markdown=b.answers.a.clone() model=model(Side::A) chosen=chosen(Side::A)/>
                    <AnswerCard side=Side::B markdown=b.answers.b.clone() model=model(Side::B) chosen=chosen(Side::B)/>
                </div>
                <VoteBar selected=selected disabled=disabled reading_ms=reading_ms on_vote=on_vote/>
            })}
            {move || match status.get() {
                Status::Voting(_) => view! {
                    <p class="notice notice-info" aria-hidden="true">"투표를 저장하는 중입니다…"</p>
                }.into_any(),
                Status::VoteFailed { message, needs_new_battle } => view! {
                    <div class="notice notice-danger" tabindex="-1" node_ref=problem>
                        <p>{message}</p>
                        {needs_new_battle.then(|| view! {
                            <button type="button" class="btn btn-primary" on:click=move |_| load(true)>
                                "새 대결 불러오기"
                            </button>
                        })}
                    </div>
                }.into_any(),
                Status::Voted { choice, models } => view! {
                    <div class="result-box">
                        <p class="result-title">"투표해 주셔서 감사합니다!"</p>
                        <p>
                            "선택: "<strong>{label(choice)}</strong>" · 답변 A: "
                            <strong>{models.a.name.clone()}</strong>" · 답변 B: "
                            <strong>{models.b.name.clone()}</strong>
                        </p>
                        <div class="result-actions">
                            <button
                                type="button"
                                class="btn btn-primary btn-large"
                                data-testid="next-battle"
                                node_ref=next_button
                                on:click=move |_| load(true)
                            >
                                "다음 대결"
                            </button>
                            <a class="btn btn-tertiary" href="/leaderboard">"리더보드 보기"</a>
                        </div>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}

/// Wakes the vote buttons once the reading time has passed, unless the page has moved on.
/// The server counts the reading time from when it drew the battle, which is before the battle
/// is shown here, so a vote after waking is never too fast.
fn wake_after(status: RwSignal<Status>, wait_ms: u64) -> Option<TimeoutHandle> {
    let wake = move || {
        status.try_update(|s| {
            if matches!(s, Status::Reading { .. }) {
                *s = Status::Ready {
                    after_reading: true,
                };
            }
        });
    };
    set_timeout_with_handle(wake, Duration::from_millis(wait_ms)).ok()
}

/// Moves keyboard focus once the element exists (after the next paint).
fn focus_later(target: impl FnOnce() -> Option<web_sys::HtmlElement> + 'static) {
    request_animation_frame(move || {
        if let Some(el) = target() {
            let _ = el.focus();
        }
    });
}
