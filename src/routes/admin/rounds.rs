//! Evaluation rounds: make a draft (its prompts and answers sealed by the server), then move it
//! one step at a time: open, close, publish.

use leptos::prelude::*;

use super::{Saving, listing, message, refused, use_operator};
use crate::api;
use crate::format;
use crate::i18n::{tr, use_lang};
use arena_core::round::{Audience, RevealPolicy, Round, RoundDraft, RoundState};

/// The words of a state: (Korean, English).
fn state_words(state: RoundState) -> (&'static str, &'static str) {
    match state {
        RoundState::Draft => ("초안", "Draft"),
        RoundState::Open => ("진행 중", "Open"),
        RoundState::Closed => ("마감", "Closed"),
        RoundState::Published => ("결과 발행", "Published"),
    }
}

/// The button that moves a round on from `state`: (Korean, English).
fn step_words(state: RoundState) -> Option<(&'static str, &'static str)> {
    match state {
        RoundState::Draft => Some((
            "열기 (이후 모델·질문 변경 불가)",
            "Open (models and prompts sealed from then on)",
        )),
        RoundState::Open => Some(("마감하기", "Close")),
        RoundState::Closed => Some(("결과 발행하기", "Publish the results")),
        RoundState::Published => None,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-12-08T09:00` (a `datetime-local` field) read as Seoul time (UTC+9, no daylight
/// saving): milliseconds since the epoch.
fn kst_ms(value: &str) -> Option<i64> {
    let (date, time) = value.trim().split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || mi > 59 {
        return None;
    }
    let seconds = days_from_civil(y, m, day) * 86_400 + h * 3_600 + mi * 60 - 9 * 3_600;
    Some(seconds * 1000)
}

#[component]
pub(super) fn RoundsSection() -> impl IntoView {
    let list = use_operator().list(|token| async move { api::admin::rounds(&token).await });
    // Keyed by id and state: a round whose state did not change keeps its part of the page
    // (what an operator is typing in its invitation or quota form) when any save reloads the list.
    let rounds = RwSignal::new(Vec::<Round>::new());
    Effect::new(move || {
        if let Some(Ok(listed)) = list.get() {
            rounds.set(listed);
        }
    });
    view! {
        <section id="admin-rounds" class="admin-section" aria-labelledby="admin-rounds-heading">
            <h2 id="admin-rounds-heading">{tr("평가 라운드", "Evaluation rounds")}</h2>
            <p class="muted">{tr(
                "라운드는 정해진 모델과 질문으로 정해진 기간에 치르는 평가입니다. 초안을 만들면 서버가 질문과 답변마다 SHA-256을 기록해 봉인하고, 연 뒤에는 모델과 질문을 바꿀 수 없습니다(데이터베이스가 거부). 열기, 마감, 결과 발행은 한 단계씩만 가능하며 모두 감사 기록에 남습니다.",
                "A round is an evaluation of fixed models and prompts in a fixed window. Making a draft seals it: the server records the SHA-256 of every prompt and answer, and once the round is open its models and prompts cannot change (the database refuses). It opens, closes and is published one step at a time, each step logged.",
            )}</p>
            <NewRound/>
            <h3 class="admin-subheading">{tr("라운드 목록", "Rounds")}</h3>
            {listing(list, ("아직 라운드가 없습니다.", "No rounds yet."), |_| ())}
            <ul class="round-list" data-testid="rounds">
                <For each=move || rounds.get() key=|r| (r.id.clone(), r.state) let:round>
                    <RoundItem round=round/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn RoundItem(round: Round) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let saving = RwSignal::new(Saving::Idle);
    let (state, id) = (round.state, round.id.clone());
    let step = move |_| {
        let Some(next) = state.next() else { return };
        let (token, id) = (operator.token.get_value(), id.clone());
        operator.save(move |s| saving.set(s), async move {
            api::admin::step_round(&token, &id, next).await
        });
    };
    let (opens, closes) = (round.opens_at_ms, round.closes_at_ms);
    let audience = match round.audience {
        Audience::Panel => ("초대 패널", "invited panel"),
        Audience::Public => ("일반 시민", "the public"),
        Audience::Both => (
            "패널과 일반 시민(따로 집계)",
            "panel and public (tabulated apart)",
        ),
    };
    let reveal = match round.reveal {
        RevealPolicy::AfterVote => ("투표 직후 모델 공개", "models named after each vote"),
        RevealPolicy::AfterClose => (
            "마감 뒤에야 모델 공개",
            "models named only after the round closes",
        ),
    };
    let (votes, prompts) = (round.votes_per_person, round.prompts);
    let short = |sha: &str| sha.chars().take(12).collect::<String>();
    let prompts_seal = short(&round.prompts_sha256);
    view! {
        <li class="round-item" data-testid=format!("round-{}", round.id)>
            <h4>
                {round.name.clone()}
                " "
                <span class="round-state" data-state=state.code()>
                    {move || lang.get().pick(state_words(state).0, state_words(state).1)}
                </span>
            </h4>
            <p class="muted">
                {move || {
                    let l = lang.get();
                    format!(
                        "{} – {} · {} · {} · {}",
                        format::date_time(opens, l),
                        format::date_time(closes, l),
                        l.pick(audience.0, audience.1),
                        l.pick(reveal.0, reveal.1),
                        l.pick(format!("1인당 {votes}표"), format!("{votes} votes a person")),
                    )
                }}
            </p>
            <p>
                {move || lang.get().pick(format!("질문 {prompts}개, 봉인 "), format!("{prompts} prompts, sealed "))}
                <code title=round.prompts_sha256.clone()>{prompts_seal}</code>
            </p>
            <ul class="round-models">
                {round.models.iter().map(|m| {
                    let (answers, seal, full) = (m.answers, short(&m.answers_sha256), m.answers_sha256.clone());
                    view! {
                        <li>
                            {m.name.clone()} " " <code>{m.id.clone()}</code> " · "
                            {move || lang.get().pick(format!("답변 {answers}개, 봉인 "), format!("{answers} answers, sealed "))}
                            <code title=full>{seal}</code>
                            {m.declared.clone().map(|d| {
                                let checkpoint = d.checkpoint.clone().map(|c| c.chars().take(19).collect::<String>());
                                view! {
                                    <br/>
                                    <span class="round-declared">
                                        {tr("팀이 밝힌 출처: ", "Declared by its team: ")}
                                        <code>{d.endpoint.clone()}</code> " · " <code>{d.model_id.clone()}</code>
                                        {checkpoint.map(|c| view! { " · " <code title=d.checkpoint.clone().unwrap_or_default()>{c}</code> })}
                                    </span>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(state == RoundState::Open).then(|| {
                let link = match round.audience {
                    Audience::Panel => String::from("/join"),
                    _ => format!("/?round={}", round.id),
                };
                view! {
                    <p data-testid=format!("round-link-{}", round.id)>
                        {tr("참여 주소: ", "Where citizens take part: ")}
                        <a href=link.clone() rel="external">{link.clone()}</a>
                    </p>
                }
            })}
            {(round.audience != Audience::Public && matches!(state, RoundState::Draft | RoundState::Open))
                .then(|| view! {
                    <super::invitations::Invitations round=round.id.clone()/>
                    <super::quotas::QuotaPanel round=round.id.clone()/>
                })}
            {step_words(state).map(|(ko, en)| view! {
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" on:click=step
                        disabled=move || saving.get() == Saving::Busy
                        data-testid=format!("round-step-{}", round.id)>
                        {tr(ko, en)}
                    </button>
                    <p class="form-status" role="status">{move || saving.get().said(lang.get())}</p>
                </div>
            })}
        </li>
    }
}

#[component]
fn NewRound() -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let models = operator.list(|token| async move { api::admin::models(&token).await });
    let categories = operator.list(|token| async move { api::admin::categories(&token).await });
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let in_categories = RwSignal::new(Vec::<String>::new());
    let opens = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    let audience = RwSignal::new("both".to_owned());
    let reveal = RwSignal::new("after_close".to_owned());
    let votes = RwSignal::new("30".to_owned());
    let saving = RwSignal::new(Saving::Idle);
    let toggle = |list: RwSignal<Vec<String>>, item: String| {
        list.update(|l| match l.iter().position(|x| *x == item) {
            Some(i) => {
                l.remove(i);
            }
            None => l.push(item),
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(opens_at_ms), Some(closes_at_ms)) = (
            kst_ms(&opens.get_untracked()),
            kst_ms(&closes.get_untracked()),
        ) else {
            saving.set(refused("opens and closes must be dates and times (KST)"));
            return;
        };
        let Ok(votes_per_person) = votes.get_untracked().trim().parse::<u32>() else {
            saving.set(refused("votes_per_person must be a whole number"));
            return;
        };
        let draft = RoundDraft {
            name: name.get_untracked(),
            models: chosen.get_untracked(),
            categories: in_categories.get_untracked(),
            opens_at_ms,
            closes_at_ms,
            audience: audience.get_untracked().parse().unwrap_or(Audience::Both),
            votes_per_person,
            reveal: reveal
                .get_untracked()
                .parse()
                .unwrap_or(RevealPolicy::AfterClose),
            // Declarations are made through the API (README: running a round).
            declared: Default::default(),
        };
        if let Some(problem) = draft.problem() {
            saving.set(refused(&problem));
            return;
        }
        let token = operator.token.get_value();
        operator.save(move |s| saving.set(s), async move {
            api::admin::create_round(&token, &draft).await
        });
    };
    view! {
        <form class="round-form" novalidate on:submit=submit data-testid="round-form">
            <h3 class="admin-subheading">{tr("새 라운드 초안", "New draft round")}</h3>
            <div class="form-field">
                <label for="round-name">{tr("이름 (예: 2026년 12월 1차 시민 평가)", "Name (e.g. December 2026, citizens' round 1)")}</label>
                <input id="round-name" type="text" required maxlength="120"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <fieldset class="form-field">
                <legend>{tr("모델 (두 개 이상)", "Models (two or more)")}</legend>
                {move || models.get().and_then(Result::ok).map(|list| list.into_iter().map(|m| {
                    let id = m.id.clone();
                    let field = format!("round-model-{}", m.id);
                    view! {
                        <label class="check">
                            <input data-testid=field type="checkbox" on:change=move |_| toggle(chosen, id.clone())/>
                            {m.name.clone()} " " <code>{m.id.clone()}</code>
                        </label>
                    }
                }).collect_view())}
            </fieldset>
            <fieldset class="form-field">
                <legend>{tr("분야 (고르지 않으면 모든 분야)", "Categories (none chosen: every category)")}</legend>
                {move || categories.get().and_then(Result::ok).map(|list| list.into_iter().map(|c| {
                    let category = c.category.clone();
                    let field = format!("round-category-{}", c.category);
                    view! {
                        <label class="check">
                            <input data-testid=field type="checkbox" on:change=move |_| toggle(in_categories, category.clone())/>
                            {c.category.clone()}
                        </label>
                    }
                }).collect_view())}
            </fieldset>
            <div class="form-field">
                <label for="round-opens">{tr("시작 (한국 시간)", "Opens (Korea time)")}</label>
                <input id="round-opens" type="datetime-local" required
                    prop:value=move || opens.get() on:input=move |ev| opens.set(event_target_value(&ev))/>
            </div>
            <div class="form-field">
                <label for="round-closes">{tr("마감 (한국 시간)", "Closes (Korea time)")}</label>
                <input id="round-closes" type="datetime-local" required
                    prop:value=move || closes.get() on:input=move |ev| closes.set(event_target_value(&ev))/>
            </div>
            <div class="form-field">
                <label for="round-audience">{tr("투표하는 사람", "Who votes")}</label>
                <select id="round-audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                    <option value="both" selected>{tr("패널과 일반 시민(따로 집계)", "Panel and public (tabulated apart)")}</option>
                    <option value="panel">{tr("초대 패널만", "Invited panel only")}</option>
                    <option value="public">{tr("일반 시민만", "The public only")}</option>
                </select>
            </div>
            <div class="form-field">
                <label for="round-reveal">{tr("모델 공개", "Naming the models")}</label>
                <select id="round-reveal" on:change=move |ev| reveal.set(event_target_value(&ev))>
                    <option value="after_close" selected>{tr("마감 뒤에야 공개", "Only after the round closes")}</option>
                    <option value="after_vote">{tr("투표 직후 공개", "Right after each vote")}</option>
                </select>
            </div>
            <div class="form-field">
                <label for="round-votes">{tr("1인당 최대 투표 수", "Most votes a person")}</label>
                <input id="round-votes" type="number" min="1" max="10000" inputmode="numeric"
                    prop:value=move || votes.get() on:input=move |ev| votes.set(event_target_value(&ev))/>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="round-create"
                    disabled=move || saving.get() == Saving::Busy>
                    {tr("초안 만들기 (질문·답변 봉인)", "Make the draft (seals prompts and answers)")}
                </button>
                <p class="form-status" role="status" data-testid="round-status">
                    {move || match saving.get() {
                        Saving::Failed(e) => message(&e, lang.get()),
                        other => other.said(lang.get()),
                    }}
                </p>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_date_and_time_is_read_as_seoul_time() {
        // 2026-12-08 09:00 KST is 00:00 UTC.
        assert_eq!(kst_ms("2026-12-08T09:00"), Some(1_796_688_000_000));
        assert_eq!(kst_ms("1970-01-01T09:00"), Some(0));
        assert_eq!(kst_ms("2024-02-29T00:00"), Some(1_709_132_400_000));
        assert_eq!(kst_ms(""), None);
        assert_eq!(kst_ms("2026-13-01T00:00"), None);
        assert_eq!(kst_ms("2026-12-08"), None);
    }

    #[test]
    fn every_state_but_the_last_has_a_next_step_button() {
        for state in RoundState::ALL {
            assert_eq!(step_words(state).is_some(), state.next().is_some());
            let (ko, en) = state_words(state);
            assert!(!ko.is_empty() && !en.is_empty());
        }
    }
}
