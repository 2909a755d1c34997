//! A round's invited panel: make batches of invitation codes (optionally for one quota cell),
//! see how many of each were redeemed or revoked, and download a batch as CSV or as printable
//! PDF cards with QR codes (the agency mails or hands them out).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Saving, listing, refused, use_operator};
use crate::api::{self, ApiError};
use crate::i18n::{tr, use_lang};
use arena_core::panel::{Batch, BatchRequest, MAX_BATCH};

#[component]
pub(super) fn Invitations(round: String) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let for_list = round.clone();
    let list = operator.list(move |token| {
        let round = for_list.clone();
        async move { api::admin::batches(&token, &round).await }
    });
    let count = RwSignal::new(String::from("40"));
    let cell = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let saving = RwSignal::new(Saving::Idle);
    let for_create = round.clone();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(n) = count
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_BATCH).contains(n))
        else {
            saving.set(refused(&format!("count must be 1 to {MAX_BATCH}")));
            return;
        };
        let request = BatchRequest {
            count: n,
            cell: cell.get_untracked().trim().to_owned(),
            recovery: recovery.get_untracked(),
        };
        let (token, round) = (operator.token.get_value(), for_create.clone());
        operator.save(move |s| saving.set(s), async move {
            api::admin::create_batch(&token, &round, &request).await
        });
    };
    let (count_id, cell_id, recovery_id, recovery_help) = (
        format!("invite-count-{round}"),
        format!("invite-cell-{round}"),
        format!("invite-recovery-{round}"),
        format!("invite-recovery-help-{round}"),
    );
    let for_items = round.clone();
    view! {
        <div class="invitations" data-testid=format!("invitations-{round}")>
            <h5>{tr("시민 평가단 초대 코드", "Invitation codes for the citizens' panel")}</h5>
            <form class="invite-form" on:submit=create>
                <div class="invite-field">
                    <label for=count_id.clone()>{tr("코드 수", "Codes")}</label>
                    <input id=count_id type="number" min="1" max=MAX_BATCH.to_string() inputmode="numeric"
                        data-testid="invite-count"
                        prop:value=move || count.get()
                        on:input=move |ev| count.set(event_target_value(&ev))/>
                </div>
                <div class="invite-field">
                    <label for=cell_id.clone()>{tr("할당 셀(선택, 예: 서울 30대)", "Quota cell (optional, e.g. Seoul 30s)")}</label>
                    <input id=cell_id type="text" maxlength="80"
                        data-testid="invite-cell"
                        prop:value=move || cell.get()
                        on:input=move |ev| cell.set(event_target_value(&ev))/>
                </div>
                <div class="invite-field invite-check">
                    <input id=recovery_id.clone() type="checkbox" data-testid="invite-recovery"
                        aria-describedby=recovery_help.clone()
                        prop:checked=move || recovery.get()
                        on:change=move |ev| recovery.set(event_target_checked(&ev))/>
                    <label for=recovery_id>{tr("분실 시 복구 허용", "Allow recovery")}</label>
                    <p class="field-help" id=recovery_help>{tr(
                        "참여 정보를 잃은 사람이 같은 코드를 같은 종류의 기기에 다시 입력하면 같은 평가단원으로 돌아옵니다. 코드를 가진 사람은 누구나 그 평가단원으로 투표할 수 있게 되므로 필요할 때만 켜십시오.",
                        "Someone who lost their membership comes back as the same panelist by typing the same code on the same kind of device. Whoever holds the code can then vote as that panelist, so turn it on only when needed.",
                    )}</p>
                </div>
                <button type="submit" class="btn btn-secondary" data-testid="invite-create"
                    disabled=move || saving.get() == Saving::Busy>
                    {tr("코드 만들기", "Make codes")}
                </button>
                <p class="form-status" role="status">{move || saving.get().said(lang.get())}</p>
            </form>
            {listing(list, ("아직 만든 초대 코드가 없습니다.", "No invitation codes yet."), move |batches| {
                let round = for_items.clone();
                view! {
                    <ul class="batch-list" data-testid="batches">
                        {batches.into_iter().map(|b| view! { <BatchItem round=round.clone() batch=b/> }).collect_view()}
                    </ul>
                }
            })}
        </div>
    }
}

#[component]
fn BatchItem(round: String, batch: Batch) -> impl IntoView {
    let operator = use_operator();
    let lang = use_lang();
    let status = RwSignal::new(None::<ApiError>);
    let closing = RwSignal::new(Saving::Idle);
    let round_for_close = round.clone();
    let batch_id = batch.id.clone();
    let download = move |file: &'static str| {
        let (token, round, id) = (operator.token.get_value(), round.clone(), batch_id.clone());
        move |_| {
            let (token, round, id) = (token.clone(), round.clone(), id.clone());
            status.set(None);
            spawn_local(async move {
                if let Err(e) = api::admin::download_batch(&token, &round, &id, file).await {
                    status.try_set(Some(e));
                }
            });
        }
    };
    let (size, redeemed, revoked) = (batch.size, batch.redeemed, batch.revoked);
    let (recovery, recovered) = (batch.recovery, batch.recovered);
    let cell = batch.cell.clone();
    view! {
        <li class="batch-item" data-testid=format!("batch-{}", batch.id)>
            <span>
                {move || {
                    let l = lang.get();
                    let cell = if cell.is_empty() { l.pick("셀 없음", "no cell").to_owned() } else { cell.clone() };
                    let (ko, en) = if recovery {
                        (format!(" · 복구 허용(복구 {recovered}회)"), format!(" · recovery allowed ({recovered} recovered)"))
                    } else {
                        (String::new(), String::new())
                    };
                    l.pick(
                        format!("{cell} · {size}장 · 참여 {redeemed} · 중지 {revoked}{ko}"),
                        format!("{cell} · {size} codes · {redeemed} redeemed · {revoked} revoked{en}"),
                    )
                }}
            </span>
            <span class="batch-actions">
                {(!batch.cell.is_empty()).then(|| {
                    let (round, cell) = (round_for_close.clone(), batch.cell.clone());
                    view! {
                        <button type="button" class="btn btn-tertiary" data-testid="batch-close"
                            on:click=move |_| {
                                let (token, round, cell) = (operator.token.get_value(), round.clone(), cell.clone());
                                operator.save(move |s| closing.set(s), async move {
                                    api::admin::close_cell(&token, &round, &cell).await
                                });
                            }>
                            {tr("셀 마감(남은 코드 중지)", "Close the cell (revoke unused codes)")}
                        </button>
                    }
                })}
                <button type="button" class="btn btn-tertiary" on:click=download("codes.csv")
                    data-testid="batch-csv">{tr("CSV 받기", "Download CSV")}</button>
                <button type="button" class="btn btn-tertiary" on:click=download("cards.pdf")
                    data-testid="batch-pdf">{tr("인쇄용 카드(PDF)", "Printable cards (PDF)")}</button>
            </span>
            {move || status.get().map(|e| view! { <p class="form-error" role="alert">{e.user_message(lang.get())}</p> })}
            <p class="form-status" role="status">{move || closing.get().said(lang.get())}</p>
        </li>
    }
}
