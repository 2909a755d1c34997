//! The four vote buttons. Nothing is sent until a button is pressed (click, Enter or Space);
//! the buttons are disabled while a vote is on its way and after it is stored.

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
    on_vote: Callback<Choice>,
) -> impl IntoView {
    view! {
        <div class="vote-bar" role="group" aria-labelledby="vote-question">
            <h2 id="vote-question" class="vote-question">"어느 답변이 더 좋은가요?"</h2>
            <div class="vote-buttons">
                {Choice::ALL.into_iter().map(|choice| view! {
                    <button
                        type="button"
                        class="btn vote-btn"
                        class:btn-primary=matches!(choice, Choice::A | Choice::B)
                        class:btn-secondary=matches!(choice, Choice::Tie | Choice::BothBad)
                        data-testid=test_id(choice)
                        aria-pressed=move || (selected.get() == Some(choice)).to_string()
                        disabled=move || disabled.get()
                        on:click=move |_| on_vote.run(choice)
                    >
                        {label(choice)}
                    </button>
                }).collect_view()}
            </div>
        </div>
    }
}
