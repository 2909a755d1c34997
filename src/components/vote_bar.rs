//! The four vote buttons. Nothing is sent until a button is pressed (click, Enter or Space);
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

/// The button text for each choice.
pub fn label(choice: Choice) -> &'static str {
    match choice {
        Choice::A => "A가 더 좋아요",
        Choice::B => "B가 더 좋아요",
        Choice::Tie => "비슷해요",
        Choice::BothBad => "둘 다 별로예요",
    }
}

const QUESTION: &str = "어느 답변이 더 좋은가요?";
const READ_FIRST: &str = "두 답변을 읽어 주세요. 잠시 후 투표할 수 있습니다.";

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
    let asleep = Memo::new(move |_| reading_ms.with(Option::is_some));
    let reading_time = reading_ms.get_untracked();
    view! {
        <div class="vote-bar" role="group" aria-labelledby="vote-question">
            <h2 id="vote-question" class="vote-question">{QUESTION}</h2>
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
                        disabled=move || disabled.get()
                        on:click=move |_| {
                            if !asleep.get_untracked() {
                                on_vote.run(choice);
                            }
                        }
                    >
                        {label(choice)}
                    </button>
                }).collect_view()}
            </div>
            {reading_time.map(|ms| view! {
                <div
                    class="reading-time"
                    data-testid="reading-time"
                    style:visibility=move || if asleep.get() { "visible" } else { "hidden" }
                >
                    <div class="reading-track" aria-hidden="true">
                        <div class="reading-fill" style:animation-duration=format!("{ms}ms")></div>
                    </div>
                    <p id="vote-wait" class="reading-text">{READ_FIRST}</p>
                </div>
            })}
        </div>
    }
}
