//! The leaderboard's intervals as a chart: one row per model, a bar from the lower to the upper
//! end of its 95% interval and a dot at its rating. The SVG carries a title and a description
//! that say the same in words; the table above has every number.

use arena_core::api::LeaderboardRow;
use leptos::prelude::*;

use crate::i18n::{Lang, tr, use_lang};

const ROW: f64 = 32.0;
const LABEL: f64 = 170.0;
const WIDTH: f64 = 820.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 12.0;
const AXIS: f64 = 34.0;

/// Round tick values covering `[low, high]`, about five of them.
fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(1.0);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    let mut t = (low / step).ceil() * step;
    let mut out = Vec::new();
    while t <= high + 1e-9 {
        out.push(t);
        t += step;
    }
    out
}

/// The chart in words, one model after another (the SVG's `<desc>`).
fn describe(models: &[LeaderboardRow], lang: Lang) -> String {
    models
        .iter()
        .map(|m| {
            let (rank, name) = (m.rank, &m.name);
            let (rating, low, high) = (m.rating, m.ci_low, m.ci_high);
            lang.pick(
                format!("{rank}위 {name}: {rating:.0}점, 95% 구간 {low:.0}~{high:.0}"),
                format!("#{rank} {name}: rating {rating:.0}, 95% interval {low:.0}–{high:.0}"),
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[component]
pub fn CiChart(models: Vec<LeaderboardRow>) -> impl IntoView {
    let low = models
        .iter()
        .map(|m| m.ci_low)
        .fold(f64::INFINITY, f64::min);
    let high = models
        .iter()
        .map(|m| m.ci_high)
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((high - low) * 0.05).max(5.0);
    let (low, high) = (low - pad, high + pad);
    let plot = WIDTH - LABEL - RIGHT;
    let x = move |v: f64| LABEL + (v - low) / (high - low) * plot;
    let height = TOP + ROW * models.len() as f64 + AXIS;
    let axis_y = TOP + ROW * models.len() as f64;
    let lang = use_lang();
    let description_ko = describe(&models, Lang::Ko);
    let description_en = describe(&models, Lang::En);
    let description = move || lang.get().pick(&description_ko, &description_en).clone();
    let rows = models
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let y = TOP + ROW * i as f64 + ROW / 2.0;
            view! {
                <g class="ci-row">
                    <text x=LABEL - 10.0 y=y + 5.0 text-anchor="end" class="ci-label">{m.name.clone()}</text>
                    <line x1=x(m.ci_low) x2=x(m.ci_high) y1=y y2=y class="ci-bar"/>
                    <circle cx=x(m.rating) cy=y r="6" class="ci-dot"/>
                </g>
            }
        })
        .collect_view();
    let tick_marks = ticks(low, high)
        .into_iter()
        .map(|t| {
            view! {
                <g class="ci-tick">
                    <line x1=x(t) x2=x(t) y1=TOP y2=axis_y class="ci-grid"/>
                    <text x=x(t) y=axis_y + 22.0 text-anchor="middle">{format!("{t:.0}")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            // On a phone the chart keeps a readable size and scrolls sideways in its own box.
            <div class="chart-scroll" tabindex="0" role="region" aria-label=tr("신뢰구간 그래프 (옆으로 스크롤)", "95% interval chart (scrolls sideways)")>
            <svg
                class="ci-chart"
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-labelledby="ci-chart-title ci-chart-desc"
                data-testid="ci-chart"
            >
                <title id="ci-chart-title">{tr("모델별 점수와 95% 신뢰구간", "Rating and 95% interval of each model")}</title>
                <desc id="ci-chart-desc">{description}</desc>
                {tick_marks}
                {rows}
            </svg>
            </div>
            <figcaption>
                {tr(
                    "점은 점수, 막대는 95% 신뢰구간입니다. 막대가 겹치면 두 모델의 차이를 확신할 수 없습니다.",
                    "The dot is the rating, the bar the 95% interval. \
                     When two bars overlap, we cannot be sure which of the two models is better.",
                )}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(912.0, 1090.0), vec![950.0, 1000.0, 1050.0]);
        let t = ticks(0.0, 10.0);
        assert_eq!(t.first(), Some(&0.0));
        assert_eq!(t.last(), Some(&10.0));
    }
}
