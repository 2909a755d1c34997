//! The win-rate matrix as a heatmap: a real table (readable by screen readers, every number
//! shown), with cells coloured from red (the row model mostly lost) to blue (mostly won).

use leptos::prelude::*;

use crate::i18n::{tr, use_lang};

/// Light enough behind dark text for ≥ 4.5:1 contrast at both ends.
fn cell_colour(rate: f64) -> String {
    let r = rate.clamp(0.0, 1.0);
    // Interpolate between KRDS danger-light and primary-light through white.
    let (from, to) = if r < 0.5 {
        ((250.0, 205.0, 195.0), (255.0, 255.0, 255.0))
    } else {
        ((255.0, 255.0, 255.0), (190.0, 212.0, 252.0))
    };
    let t = if r < 0.5 { r * 2.0 } else { (r - 0.5) * 2.0 };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "background-color: rgb({}, {}, {})",
        mix(from.0, to.0),
        mix(from.1, to.1),
        mix(from.2, to.2)
    )
}

#[component]
pub fn WinRateHeatmap(
    names: Vec<String>,
    win_rate: Vec<Vec<Option<f64>>>,
    battle_count: Vec<Vec<u64>>,
) -> impl IntoView {
    let lang = use_lang();
    let header = names
        .iter()
        .map(|n| view! { <th scope="col">{n.clone()}</th> })
        .collect_view();
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = (0..names.len())
                .map(|j| {
                    let rate = win_rate.get(i).and_then(|r| r.get(j)).copied().flatten();
                    let n = battle_count
                        .get(i)
                        .and_then(|r| r.get(j))
                        .copied()
                        .unwrap_or(0);
                    match (i == j, rate) {
                        (true, _) => {
                            view! { <td class="heat-self" aria-label=tr("자기 자신", "Same model")>"—"</td> }
                                .into_any()
                        }
                        (false, Some(rate)) => view! {
                            <td style=cell_colour(rate) title=move || {
                                lang.get().pick(
                                    format!("{n}전"),
                                    format!("{n} {}", if n == 1 { "battle" } else { "battles" }),
                                )
                            }>
                                {format!("{:.0}%", rate * 100.0)}
                                <span class="heat-n">{format!(" ({n})")}</span>
                            </td>
                        }
                        .into_any(),
                        (false, None) => {
                            view! { <td class="heat-none">{tr("없음", "None")}</td> }.into_any()
                        }
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{name.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="heatmap-caption">
            <table class="data-table heatmap" data-testid="win-rate-heatmap">
                <caption id="heatmap-caption">
                    {tr(
                        "승률표: 행의 모델이 열의 모델을 이긴 비율(비김 제외)과 대결 수",
                        "Win rates: how often the row's model beat the column's model (ties left out), \
                         and the number of battles",
                    )}
                </caption>
                <thead><tr><th scope="col">{tr("모델", "Model")}</th>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::cell_colour;

    #[test]
    fn colours_run_from_red_through_white_to_blue() {
        assert_eq!(cell_colour(0.0), "background-color: rgb(250, 205, 195)");
        assert_eq!(cell_colour(0.5), "background-color: rgb(255, 255, 255)");
        assert_eq!(cell_colour(1.0), "background-color: rgb(190, 212, 252)");
    }
}
