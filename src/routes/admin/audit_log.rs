//! The audit log: every change, when, by which token.

use leptos::prelude::*;

use super::{listing, use_operator};
use crate::api::{self};
use crate::format;
use crate::i18n::{Lang, tr, use_lang};
use arena_core::admin::{AuditEntry, ImportReport};

/// A change as one line: the fields that changed (`status: active → paused`), or an import's
/// counts.
fn describe(entry: &AuditEntry, lang: Lang) -> String {
    let detail = &entry.detail;
    if let (Some(before), Some(after)) = (
        detail.get("before").and_then(|b| b.as_object()),
        detail.get("after").and_then(|a| a.as_object()),
    ) {
        let shown = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => "—".to_owned(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let changes: Vec<String> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}: {} → {}", shown(before.get(k)), shown(Some(v))))
            .collect();
        return if changes.is_empty() {
            lang.pick("바뀐 것 없음", "nothing changed").to_owned()
        } else {
            changes.join(", ")
        };
    }
    if let Some(report) = detail
        .get("report")
        .and_then(|r| serde_json::from_value::<ImportReport>(r.clone()).ok())
    {
        return lang.pick(
            format!(
                "질문 {} 추가·{} 변경, 답변 {} 추가·{} 변경, 모델 {} 추가",
                report.prompts_added,
                report.prompts_changed,
                report.answers_added,
                report.answers_changed,
                report.models_added
            ),
            format!(
                "prompts {} added, {} changed; answers {} added, {} changed; models {} added",
                report.prompts_added,
                report.prompts_changed,
                report.answers_added,
                report.answers_changed,
                report.models_added
            ),
        );
    }
    detail.to_string()
}

#[component]
pub(super) fn AuditSection() -> impl IntoView {
    let lang = use_lang();
    let log = use_operator().list(|token| async move { api::admin::audit(&token).await });
    view! {
        <section id="admin-audit" class="admin-section" aria-labelledby="admin-audit-heading">
            <h2 id="admin-audit-heading">{tr("감사 기록", "Audit log")}</h2>
            <p class="muted">{tr(
                "운영자가 바꾼 모든 것이 시각과 토큰 이름과 함께 남습니다. 기록은 고치거나 지울 수 없습니다. 최근 100건.",
                "Every change an operator made, with its time and token label. Entries cannot be edited or deleted. The latest 100.",
            )}</p>
            {listing(log, ("아직 기록이 없습니다.", "Nothing yet."), move |entries| view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="audit-caption">
                            <table class="data-table audit-table" data-testid="audit-log">
                                <caption id="audit-caption">{tr("감사 기록, 최신순", "Audit log, newest first")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("시각", "Time")}</th>
                                        <th scope="col">{tr("운영자", "Operator")}</th>
                                        <th scope="col">{tr("작업", "Action")}</th>
                                        <th scope="col">{tr("대상", "Subject")}</th>
                                        <th scope="col">{tr("내용", "Change")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {entries.into_iter().map(|e| {
                                        let when = format::date_time(e.at_ms, lang.get());
                                        let what = describe(&e, lang.get());
                                        view! {
                                            <tr>
                                                <td>{when}</td>
                                                <td>{e.operator.clone()}</td>
                                                <td><code>{e.action.clone()}</code></td>
                                                <td>{e.subject.clone()}</td>
                                                <td class="wrap">{what}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })}
        </section>
    }
}
