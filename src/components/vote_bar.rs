//! The four vote buttons, each with its shortcut key (1–4) shown. Nothing is sent until a button
//! or its key is pressed (click, Enter, Space or the digit);
//! the buttons are disabled while a vote is on its way and after it is stored.
//!
//! Before that they may sleep for the battle's reading time (a vote sooner than that is kept but
//! not counted). Asleep they are `aria-disabled`, not `disabled`: a keyboard user can still Tab
//! to them and a screen reader reads them with the reason, but a press does nothing. A thin bar
//! fills over the reading time (it just stands still when motion is reduced). When they wake, the
//! bar and its line are hidden but keep their place: the page does not get shorter, so a page
//! scrolled to its end does not jump and move the buttons under a finger about to press one.

use arena_core::Choice;
use leptos::prelude::*;

use crate::i18n::{Lang, tr, use_lang};

/// The button text for each choice.
pub fn label(choice: Choice, lang: Lang) -> &'static str {
    match choice {
        Choice::A => lang.pick("A가 더 좋아요", "A is better"),
        Choice::B => lang.pick("B가 더 좋아요", "B is better"),
        Choice::Tie => lang.pick("비슷해요", "About the same"),
        Choice::BothBad => lang.pick("둘 다 별로예요", "Both are bad"),
    }
}

/// The shortcut key of each choice (`routes/battle.rs` listens for it).
pub fn key(choice: Choice) -> &'static str {
    match choice {
        Choice::A => "1",
        Choice::B => "2",
        Choice::Tie => "3",
        Choice::BothBad => "4",
    }
}

fn test_id(choice: Choice) -> &'static str {
    match choice {
        Choice::A => "vote-a",
        Choice::B => "vote-b",
        Choice::Tie => "vote-tie",
        Choice::BothBad => "vote-both-bad",
    }
}

#[component]
pub fn VoteBar(
    /// The choice already made, if any (shown as pressed).
    #[prop(into)]
    selected: Signal<Option<Choice>>,
    #[prop(into)] disabled: Signal<bool>,
    /// While the answers are being read: the whole reading time in milliseconds (the bar fills
    /// over it). `None`: awake. A bar is made per battle: asleep or not when it is created
    /// decides whether it has a reading time at all.
    #[prop(into, optional)]
    reading_ms: Signal<Option<u64>>,
    on_vote: Callback<Choice>,
) -> impl IntoView {
    let lang = use_lang();
    let asleep = Memo::new(move |_| reading_ms.with(Option::is_some));
    let reading_time = reading_ms.get_untracked();
    view! {
        <div class="vote-bar" role="group" aria-labelledby="vote-question">
            <h2 id="vote-question" class="vote-question">{tr("어느 답변이 더 좋은가요?", "Which answer is better?")}</h2>
            <div class="vote-buttons">
                {Choice::ALL.into_iter().map(|choice| view! {
                    <button
                        type="button"
                        class="btn vote-btn"
                        class:btn-primary=matches!(choice, Choice::A | Choice::B)
                        class:btn-secondary=matches!(choice, Choice::Tie | Choice::BothBad)
                        data-testid=test_id(choice)
                        aria-pressed=move || (selected.get() == Some(choice)).to_string()
                        aria-disabled=move || asleep.get().to_string()
                        aria-describedby=move || asleep.get().then_some("vote-wait")
                        aria-keyshortcuts=key(choice)
                        disabled=move || disabled.get()
                        on:click=move |_| {
                            if !asleep.get_untracked() {
                                on_vote.run(choice);
                            }
                        }
                    >
                        <kbd class="shortcut" aria-hidden="true">{key(choice)}</kbd>
                        <span>{move || label(choice, lang.get())}</span>
                    </button>
                }).collect_view()}
            </div>
            <p class="shortcut-hint" aria-hidden="true">
                {tr("키보드: 1–4 키로도 투표할 수 있습니다.", "Keyboard: keys 1–4 vote too.")}
            </p>
            {reading_time.map(|ms| view! {
                <div
                    class="reading-time"
                    data-testid="reading-time"
                    style:visibility=move || if asleep.get() { "visible" } else { "hidden" }
                >
                    <div class="reading-track" aria-hidden="true">
                        <div class="reading-fill" style:animation-duration=format!("{ms}ms")></div>
                    </div>
                    <p id="vote-wait" class="reading-text">
                        {tr("두 답변을 읽어 주세요. 잠시 후 투표할 수 있습니다.", "Please read both answers. You can vote in a moment.")}
                    </p>
                </div>
            })}
        </div>
    }
}
