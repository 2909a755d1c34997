//! One anonymous answer: "답변 A" or "답변 B", its Markdown as the server rendered it, and after
//! the vote the model that wrote it.

use arena_core::api::ModelRef;
use leptos::prelude::*;

use crate::i18n::tr;

/// Which side of the battle a card shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl Side {
    pub fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// `verdict` is shown after the vote: `Some(true)` for the chosen answer.
#[component]
pub fn AnswerCard(
    side: Side,
    /// The answer as safe HTML (the server rendered its Markdown: `BattleResponse::answers_html`).
    html: String,
    #[prop(into)] model: Signal<Option<ModelRef>>,
    #[prop(into)] chosen: Signal<bool>,
) -> impl IntoView {
    let key = side.key();
    let title_id = format!("answer-{key}-title");
    let labelled_by = title_id.clone();
    view! {
        <article
            class="answer-card"
            class:chosen=move || chosen.get()
            aria-labelledby=labelled_by
        >
            <header class="answer-head">
                <h2 id=title_id class="answer-title">{tr("답변 ", "Answer ")}{side.letter()}</h2>
                {move || model.get().map(|m| view! {
                    <p class="model-name">
                        <span class="visually-hidden">{tr("답변한 모델: ", "Model: ")}</span>
                        <span data-testid=format!("model-{key}")>{m.name}</span>
                    </p>
                })}
                {move || chosen.get().then(|| view! {
                    <span class="badge badge-chosen">{tr("내가 고른 답변", "Your choice")}</span>
                })}
            </header>
            <div class="markdown" data-testid=format!("answer-{key}") inner_html=html></div>
        </article>
    }
}
