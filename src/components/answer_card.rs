//! One anonymous answer: "답변 A" or "답변 B", its Markdown as the server rendered it, and after
//! the vote the model that wrote it.

use arena_core::admin::{Licence, ModelCard};
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
    /// The answer as safe HTML (the server rendered its Markdown: `BattleResponse::answers_html`);
    /// it may grow while a live answer streams in.
    #[prop(into)]
    html: Signal<String>,
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
                    {m.card.map(|card| view! { <ModelCardView card=card key=key/> })}
                })}
                {move || chosen.get().then(|| view! {
                    <span class="badge badge-chosen">{tr("내가 고른 답변", "Your choice")}</span>
                })}
            </header>
            <div class="markdown" data-testid=format!("answer-{key}") inner_html=move || html.get()></div>
        </article>
    }
}

/// What the registry knows of a model (compar:IA shows the same at its reveal): maker, licence,
/// size and a link to the maker's page, each only when known.
#[component]
fn ModelCardView(card: ModelCard, key: &'static str) -> impl IntoView {
    let licence = card.licence.map(|l| match l {
        Licence::Open => tr("공개 (가중치 공개)", "Open weights"),
        Licence::Closed => tr("비공개", "Closed"),
    });
    view! {
        <dl class="model-card" data-testid=format!("card-{key}")>
            {card.organisation.map(|o| view! {
                <div><dt>{tr("개발", "Made by")}</dt><dd>{o}</dd></div>
            })}
            {licence.map(|l| view! {
                <div><dt>{tr("라이선스", "Licence")}</dt><dd>{l}</dd></div>
            })}
            {card.size.map(|s| view! {
                <div><dt>{tr("크기", "Size")}</dt><dd>{s}</dd></div>
            })}
            {card.url.map(|u| view! {
                <div>
                    <dt class="visually-hidden">{tr("자세히", "More")}</dt>
                    <dd>
                        <a href=u target="_blank" rel="noopener noreferrer">
                            {tr("모델 소개", "About the model")}
                            <span class="visually-hidden">{tr(" (새 창)", " (new tab)")}</span>
                        </a>
                    </dd>
                </div>
            })}
        </dl>
    }
}
