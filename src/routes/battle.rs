//! The battle page, the heart of the arena: a prompt, two anonymous answers, four vote
//! buttons; after the vote, who answered and a way to the next battle.
//!
//! The flow is a small state machine ([`Status`]); the battle itself is kept apart so the
//! answers are not re-rendered (and the reader's place not lost) when the status changes.
//! A new battle first gives its reader time: the vote buttons sleep for the battle's
//! `min_read_ms` (a vote sooner than that would not count), then wake up. Keys 1–4 vote like the
//! buttons. A vote the network loses waits in the browser's outbox (`outbox.rs`) and is sent again.

use std::time::Duration;

use arena_core::Choice;
use arena_core::api::{BattleResponse, RevealedModels, VoteResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::address::query_param;
use crate::api::{self, ApiError, Draw};
use crate::components::answer_card::{AnswerCard, Side};
use crate::components::reason_picker::ReasonPicker;
use crate::components::vote_bar::{VoteBar, label};
use crate::format;
use crate::i18n::{Lang, tr, use_lang};
use crate::outbox::use_outbox;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// A live battle's prompt is being written (`/live`; see `routes/live.rs`).
    Asking,
    Loading,
    /// The server asked this browser for proof of work; it is solving it (a fraction of a second).
    Checking,
    LoadFailed(ApiError),
    /// The battle is shown; the vote buttons sleep until its reading time has passed.
    Reading {
        wait_ms: u64,
    },
    /// Votes are taken. `after_reading`: the buttons just woke up from [`Status::Reading`].
    Ready {
        after_reading: bool,
    },
    Voting(Choice),
    /// The vote could not be sent (offline, timeout, server error): it is kept in this browser
    /// and sent again ([`crate::outbox`]); the reveal follows when it arrives.
    Pending(Choice),
    VoteFailed {
        error: ApiError,
        needs_new_battle: bool,
    },
    /// The server has the vote. `models`: who wrote A and B, when it counts; a vote kept but
    /// not counted names no model, and `not_counted` says why (vote flag codes). A counted vote
    /// in an evaluation round that names its models when it closes: `sealed_until_ms`.
    Voted {
        choice: Choice,
        models: Option<RevealedModels>,
        not_counted: Vec<String>,
        sealed_until_ms: Option<i64>,
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
            Status::Voted { models, .. } => models.as_ref(),
            _ => None,
        }
    }

    fn choice(&self) -> Option<Choice> {
        match self {
            Status::Voting(c) | Status::Pending(c) | Status::Voted { choice: c, .. } => Some(*c),
            _ => None,
        }
    }

    /// What the live region announces to screen readers.
    fn announcement(&self, lang: Lang) -> String {
        let t = |ko: &str, en: &str| lang.pick(ko, en).to_owned();
        match self {
            Status::Asking => String::new(),
            // Checking is quick and needs nothing from anyone: it stays a quiet "loading".
            Status::Loading | Status::Checking => {
                t("새 대결을 불러오는 중입니다.", "Loading a new battle.")
            }
            Status::LoadFailed(e) | Status::VoteFailed { error: e, .. } => e.user_message(lang),
            Status::Reading { wait_ms } => {
                let wait = format::wait(wait_ms.div_ceil(1000), lang);
                lang.pick(
                    format!("새 대결이 준비되었습니다. 두 답변을 읽어 주세요. {wait} 뒤에 투표할 수 있습니다."),
                    format!("A new battle is ready. Please read both answers. You can vote in {wait}."),
                )
            }
            Status::Ready {
                after_reading: true,
            } => t("이제 투표할 수 있습니다.", "You can vote now."),
            Status::Ready {
                after_reading: false,
            } => t(
                "새 대결이 준비되었습니다. 두 답변을 읽고 투표해 주세요.",
                "A new battle is ready. Please read both answers and vote.",
            ),
            Status::Voting(_) => t("투표를 저장하는 중입니다.", "Saving your vote."),
            Status::Pending(_) => t(PENDING_KO, PENDING_EN),
            Status::Voted {
                choice,
                models: Some(models),
                ..
            } => {
                let choice = label(*choice, lang);
                let (a, b) = (&models.a.name, &models.b.name);
                lang.pick(
                    format!("투표가 저장되었습니다. 선택: {choice}. 답변 A는 {a}, 답변 B는 {b}입니다."),
                    format!("Your vote is saved. Your choice: {choice}. Answer A was {a}, answer B was {b}."),
                )
            }
            Status::Voted {
                models: None,
                sealed_until_ms: Some(until),
                ..
            } => sealed_message(*until, lang),
            Status::Voted {
                models: None,
                not_counted,
                ..
            } => not_counted_message(not_counted, lang),
        }
    }
}

const PENDING_KO: &str =
    "연결이 끊겨 투표를 이 브라우저에 저장해 두었습니다. 연결되면 자동으로 보냅니다.";
const PENDING_EN: &str = "The connection failed, so your vote is saved in this browser. It will be sent automatically once you are back online.";

/// Shows the form of a live prompt and hands the battle, once answered, to the callback; the
/// flag asks it to take the focus.
pub type Asker = Callback<(Callback<BattleResponse>, bool), AnyView>;

/// `embedded`: inside another site's frame (`/embed`): links to the rest of the arena open in a
/// new tab, so the host page stays where it is. `asker`: the citizen's own prompt, answered live
/// (`/live`, `routes/live.rs`), instead of a drawn battle; a prop, so the light battle app does
/// not carry the live page's code.
#[component]
pub fn BattlePage(
    #[prop(optional)] embedded: bool,
    #[prop(optional, into)] asker: Option<Asker>,
) -> impl IntoView {
    let live = asker.is_some();
    let lang = use_lang();
    let outbox = use_outbox();
    // Read when a battle is drawn: the page may be reached by the full app's router too.
    let category = move || query_param("category").filter(|c| !c.trim().is_empty());
    // `?round=`: an evaluation round's battles instead of the open arena's.
    let round_id = query_param("round")
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty() && !live);
    let in_round = round_id.is_some();
    let round: RwSignal<Option<arena_core::round::Round>> = RwSignal::new(None);
    let draw_from = StoredValue::new(round_id.clone());
    let draw = move || match draw_from.get_value() {
        Some(id) => Draw::Round(id),
        None => Draw::Arena(category()),
    };
    if let Some(id) = round_id {
        spawn_local(async move {
            if let Ok(r) = api::round(&id).await {
                round.try_set(Some(r));
            }
        });
    }
    let battle: RwSignal<Option<BattleResponse>> = RwSignal::new(None);
    let status = RwSignal::new(if live {
        Status::Asking
    } else {
        Status::Loading
    });
    // After "ask another question" the prompt field takes the focus.
    let ask_focus = RwSignal::new(false);
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
        if live {
            ask_focus.set(focus_heading);
            status.set(Status::Asking);
            return;
        }
        status.set(Status::Loading);
        spawn_local(async move {
            // The person may have left the page meanwhile: `try_` calls do nothing then.
            let checking = move || {
                status.try_set(Status::Checking);
            };
            match api::battle(&draw(), checking).await {
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
                    status.try_set(Status::LoadFailed(e));
                }
            }
        });
    };
    if !live {
        load(false);
    }
    // A live battle both models answered: from here on like a drawn one.
    let live_ready = Callback::new(move |b: BattleResponse| {
        status.set(Status::drawn(b.min_read_ms));
        stop_waking();
        if b.min_read_ms > 0 {
            wake.set_value(wake_after(status, b.min_read_ms));
        }
        battle.set(Some(b));
    });

    let revealed = move |choice: Choice, response: VoteResponse| {
        status.try_set(Status::Voted {
            choice,
            models: response.models,
            not_counted: response.not_counted,
            sealed_until_ms: response.sealed_until_ms,
        });
        focus_later(move || next_button.try_get_untracked().flatten().map(|b| b.into()));
    };

    let on_vote = Callback::new(move |choice: Choice| {
        if !status.with_untracked(Status::can_vote) {
            return;
        }
        let Some(token) = battle.with_untracked(|b| b.as_ref().map(|b| b.token.clone())) else {
            return;
        };
        status.set(Status::Voting(choice));
        spawn_local(async move {
            match outbox.send(token, choice).await {
                Ok(response) => revealed(choice, response),
                Err(e) if e.worth_retrying() => {
                    status.try_set(Status::Pending(choice));
                    focus_later(move || problem.try_get_untracked().flatten().map(|p| p.into()));
                }
                Err(e) => {
                    status.try_set(Status::VoteFailed {
                        needs_new_battle: e.needs_new_battle(),
                        error: e,
                    });
                    // The pressed button was disabled while sending; put focus on the message.
                    focus_later(move || problem.try_get_untracked().flatten().map(|p| p.into()));
                }
            }
        });
    });

    // A pending vote of this battle that the outbox delivered later: show its reveal.
    Effect::new(move |_| {
        let Some(delivered) = outbox.delivered.get() else {
            return;
        };
        let ours =
            battle.with_untracked(|b| b.as_ref().is_some_and(|b| b.token == delivered.token));
        if ours && status.with_untracked(|s| matches!(s, Status::Pending(_))) {
            revealed(delivered.choice, delivered.response);
        }
    });

    // Keys 1–4 vote like the buttons, while the buttons take votes. Not while typing in a field,
    // nor while an input method composes Hangul (its keys are not meant for the page).
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if event.is_composing()
            || event.key_code() == 229
            || event.repeat()
            || event.ctrl_key()
            || event.alt_key()
            || event.meta_key()
            || typing_in_a_field(&event)
        {
            return;
        }
        let Some(choice) = shortcut(&event.key()) else {
            return;
        };
        if status.with_untracked(|s| s.can_vote()) {
            event.prevent_default();
            on_vote.run(choice);
        }
    });
    on_cleanup(move || keys.remove());

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
    let new_tab = embedded.then_some("_blank");

    view! {
        <section class="battle-page" aria-labelledby="battle-heading">
            <h1 id="battle-heading" class="page-title" tabindex="-1" node_ref=heading>
                {if live {
                    tr("직접 물어보세요", "Ask your own question")
                } else {
                    tr("어느 AI가 더 잘 답했을까요?", "Which AI answered better?")
                }}
            </h1>
            <p class="lead">
                {if live {
                    tr(
                        "두 AI가 동시에 답합니다. 다 읽고 더 나은 쪽에 투표해 주세요. 어떤 모델이 답했는지는 투표한 뒤에 공개됩니다.",
                        "Two AIs answer at once. Read both, then vote for the better one. \
                         Which models wrote them is revealed after your vote.",
                    ).into_any()
                } else {
                    let sealed = move || round.with(|r| r.as_ref().is_some_and(|r| r.reveal == arena_core::round::RevealPolicy::AfterClose));
                    (move || if sealed() {
                        tr(
                            "질문과 두 답변을 읽고 더 나은 쪽에 투표해 주세요. 어떤 모델이 답했는지는 평가 라운드가 마감된 뒤에 공개됩니다.",
                            "Read the question and both answers, then vote for the better one. \
                             Which models wrote them is revealed when the evaluation round closes.",
                        )
                    } else {
                        tr(
                            "질문과 두 답변을 읽고 더 나은 쪽에 투표해 주세요. 어떤 모델이 답했는지는 투표한 뒤에 공개됩니다.",
                            "Read the question and both answers, then vote for the better one. \
                             Which models wrote them is revealed after your vote.",
                        )
                    }).into_any()
                }}
            </p>
            {move || round.get().map(|r| view! { <RoundBanner round=r/> })}
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
                {move || status.with(|s| s.announcement(lang.get()))}
            </p>
            {move || asker
                .filter(|_| status.with(|s| *s == Status::Asking))
                .map(|ask| ask.run((live_ready, ask_focus.get_untracked())))}
            {move || match status.get() {
                Status::Loading => view! {
                    <div class="notice notice-info loading" aria-hidden="true">
                        <span class="spinner"></span>{tr("대결을 불러오는 중입니다…", "Loading the battle…")}
                    </div>
                }.into_any(),
                Status::Checking => view! {
                    <div class="notice notice-info loading" aria-hidden="true" data-testid="checking">
                        <span class="spinner"></span>{tr("잠시 확인하는 중입니다…", "Checking for a moment…")}
                    </div>
                }.into_any(),
                Status::LoadFailed(error) => { let round_over = error.ends_round(); view! {
                    <div class="notice notice-danger">
                        <p>{let error = error.clone(); move || error.user_message(lang.get())}</p>
                        {if round_over {
                            // Trying again will not help; the open arena is still there.
                            view! {
                                <a class="btn btn-secondary" href="/">{tr("공개 아레나에서 계속하기", "Go on in the open arena")}</a>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="btn btn-secondary" on:click=move |_| load(true)>
                                    {tr("다시 시도", "Try again")}
                                </button>
                            }.into_any()
                        }}
                    </div>
                }.into_any() }
                _ => ().into_any(),
            }}
            {move || battle.get().map(|b| view! {
                <div class="prompt-box">
                    <p class="prompt-meta">
                        <span class="badge badge-category">
                            {if live && b.prompt.category == "live" {
                                tr("직접 질문", "Your question").into_any()
                            } else {
                                b.prompt.category.clone().into_any()
                            }}
                        </span>
                        <span class="visually-hidden">{tr(" 분야의 질문", " — the question's field")}</span>
                    </p>
                    <p class="prompt-text" data-testid="prompt">{b.prompt.text.clone()}</p>
                </div>
                <div class="answers">
                    <AnswerCard side=Side::A html=b.answers_html.a.clone() model=model(Side::A) chosen=chosen(Side::A)/>
                    <AnswerCard side=Side::B html=b.answers_html.b.clone() model=model(Side::B) chosen=chosen(Side::B)/>
                </div>
                <VoteBar selected=selected disabled=disabled reading_ms=reading_ms on_vote=on_vote/>
            })}
            {move || match status.get() {
                Status::Voting(_) => view! {
                    <p class="notice notice-info" aria-hidden="true">{tr("투표를 저장하는 중입니다…", "Saving your vote…")}</p>
                }.into_any(),
                Status::Pending(_) => view! {
                    <div class="notice notice-warning" tabindex="-1" node_ref=problem data-testid="vote-pending">
                        <p>{tr(PENDING_KO, PENDING_EN)}</p>
                        <button type="button" class="btn btn-secondary" on:click=move |_| outbox.flush()>
                            {tr("지금 다시 보내기", "Send now")}
                        </button>
                    </div>
                }.into_any(),
                Status::VoteFailed { error, needs_new_battle } => view! {
                    <div class="notice notice-danger" tabindex="-1" node_ref=problem>
                        <p>{move || error.user_message(lang.get())}</p>
                        {needs_new_battle.then(|| view! {
                            <button type="button" class="btn btn-primary" on:click=move |_| load(true)>
                                {tr("새 대결 불러오기", "Load a new battle")}
                            </button>
                        })}
                    </div>
                }.into_any(),
                Status::Voted { choice, models, not_counted, sealed_until_ms } => { let withheld = models.is_none() && sealed_until_ms.is_none(); view! {
                    <div class="result-box" class:result-box-withheld=withheld>
                        {match models {
                            Some(models) => view! {
                                <p class="result-title">{tr("투표해 주셔서 감사합니다!", "Thank you for voting!")}</p>
                                <p>
                                    {tr("선택: ", "Your choice: ")}<strong>{move || label(choice, lang.get())}</strong>
                                    {tr(" · 답변 A: ", " · Answer A: ")}<strong>{models.a.name.clone()}</strong>
                                    {tr(" · 답변 B: ", " · Answer B: ")}<strong>{models.b.name.clone()}</strong>
                                </p>
                                {(choice != Choice::BothBad).then(|| battle.with_untracked(|b| b.as_ref().map(|b| b.token.clone())))
                                    .flatten()
                                    .map(|token| view! { <ReasonPicker token=token choice=choice/> })}
                            }.into_any(),
                            None if sealed_until_ms.is_some() => view! {
                                <p class="result-title" data-testid="sealed">
                                    {tr("투표해 주셔서 감사합니다!", "Thank you for voting!")}
                                </p>
                                <p>
                                    {tr("선택: ", "Your choice: ")}<strong>{move || label(choice, lang.get())}</strong>
                                </p>
                                <p>{move || sealed_until_ms.map(|until| sealed_message(until, lang.get()))}</p>
                                {(choice != Choice::BothBad).then(|| battle.with_untracked(|b| b.as_ref().map(|b| b.token.clone())))
                                    .flatten()
                                    .map(|token| view! { <ReasonPicker token=token choice=choice/> })}
                            }.into_any(),
                            None => view! {
                                <p class="result-title" data-testid="not-counted">
                                    {tr("투표가 저장되었지만 집계되지 않습니다", "Your vote is kept but not counted")}
                                </p>
                                <p>{move || not_counted_message(&not_counted, lang.get())}</p>
                            }.into_any(),
                        }}
                        <div class="result-actions">
                            <button
                                type="button"
                                class="btn btn-primary btn-large"
                                data-testid="next-battle"
                                node_ref=next_button
                                on:click=move |_| load(true)
                            >
                                {if live { tr("새 질문하기", "Ask another question") } else { tr("다음 대결", "Next battle") }}
                            </button>
                            // A round is tabulated apart: the open arena's table is not its.
                            {(!in_round).then(|| view! {
                                <a class="btn btn-tertiary" href="/leaderboard" target=new_tab rel=new_tab.map(|_| "noopener")>
                                    {tr("리더보드 보기", "See the leaderboard")}
                                    {embedded.then(|| view! {
                                        <span class="visually-hidden">{tr(" (새 창)", " (opens in a new tab)")}</span>
                                    })}
                                </a>
                            })}
                        </div>
                    </div>
                }.into_any() }
                _ => ().into_any(),
            }}
        </section>
    }
}

/// Why a vote was kept but not counted, in words, and why that hides the models: a vote that
/// does not count may not teach anyone which model wrote which answer.
fn not_counted_message(reasons: &[String], lang: Lang) -> String {
    let why: Vec<&str> = reasons
        .iter()
        .map(|code| match code.parse::<arena_core::Flag>() {
            Ok(arena_core::Flag::TooFast) => lang.pick(
                "두 답변을 다 읽기 전에 투표했습니다.",
                "It was sent before both answers could be read.",
            ),
            Ok(arena_core::Flag::VoterMismatch) => lang.pick(
                "이 대결은 다른 브라우저에 배정된 것입니다.",
                "This battle was drawn for another browser.",
            ),
            Ok(arena_core::Flag::VoterDailyCap) => lang.pick(
                "오늘 집계할 수 있는 투표 수를 모두 쓰셨습니다.",
                "You have reached today's number of counted votes.",
            ),
            Ok(arena_core::Flag::RoundCap) => lang.pick(
                "이 평가 라운드에서 한 사람이 할 수 있는 투표를 모두 하셨습니다.",
                "You have cast every vote this evaluation round allows one person.",
            ),
            Ok(arena_core::Flag::AddressDailyCap) => lang.pick(
                "이 네트워크에서 오늘 집계할 수 있는 투표 수가 다 찼습니다.",
                "This network has reached today's number of counted votes.",
            ),
            _ => lang.pick(
                "집계 규칙에 맞지 않는 투표입니다.",
                "It does not meet the counting rules.",
            ),
        })
        .collect();
    let mut out = why.join(" ");
    out.push(' ');
    out.push_str(lang.pick(
        "집계되지 않는 투표에는 어떤 모델이 답했는지 공개하지 않습니다.",
        "A vote that does not count reveals no model.",
    ));
    out
}

/// A counted vote in a round that names its models only when it closes.
fn sealed_message(until_ms: i64, lang: Lang) -> String {
    let when = format::date_time(until_ms, lang);
    lang.pick(
        format!("투표가 집계되었습니다. 이 평가 라운드는 공정성을 위해 {when}에 마감한 뒤 어떤 모델이 답했는지 공개합니다."),
        format!("Your vote is counted. To keep the round fair, which models answered is revealed when it closes, on {when}."),
    )
}

/// Which evaluation round these battles belong to, and its rules.
#[component]
fn RoundBanner(round: arena_core::round::Round) -> impl IntoView {
    let lang = use_lang();
    let closes = round.closes_at_ms;
    let cap = round.votes_per_person;
    let sealed = round.reveal == arena_core::round::RevealPolicy::AfterClose;
    view! {
        <aside class="round-banner" aria-label=move || lang.get().pick("평가 라운드", "Evaluation round") data-testid="round-banner">
            <p class="round-banner-name">
                <span class="badge badge-round">{tr("평가 라운드", "Evaluation round")}</span>
                " "<strong>{round.name.clone()}</strong>
            </p>
            <p class="round-banner-rules">
                {move || {
                    let lang = lang.get();
                    let when = format::date_time(closes, lang);
                    let reveal = match (sealed, lang) {
                        (true, Lang::Ko) => "모델 이름은 마감 뒤에 공개",
                        (true, Lang::En) => "models named after the close",
                        (false, Lang::Ko) => "모델 이름은 투표 뒤에 공개",
                        (false, Lang::En) => "models named after each vote",
                    };
                    lang.pick(
                        format!("{when} 마감 · 한 사람당 {cap}표 · {reveal}"),
                        format!("Closes {when} · {cap} votes per person · {reveal}"),
                    )
                }}
            </p>
        </aside>
    }
}

/// The vote of a shortcut key: 1 A, 2 B, 3 tie, 4 both bad (also on the number pad).
pub fn shortcut(key: &str) -> Option<Choice> {
    match key {
        "1" => Some(Choice::A),
        "2" => Some(Choice::B),
        "3" => Some(Choice::Tie),
        "4" => Some(Choice::BothBad),
        _ => None,
    }
}

/// Whether the key went to something that takes text (a field, an editable region).
fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.is_content_editable()
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
pub(crate) fn focus_later(target: impl FnOnce() -> Option<web_sys::HtmlElement> + 'static) {
    request_animation_frame(move || {
        if let Some(el) = target() {
            let _ = el.focus();
        }
    });
}
