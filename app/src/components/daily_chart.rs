//! Events (or changes) per day for the last 30 days, stacked by outcome: an SVG drawn on the server (no
//! chart library, no script). Colours come from classes in `style/main.css`, since the CSP
//! allows no inline styles.

use leptos::prelude::*;

use crate::domain::audit::{DayCount, Outcome};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The smallest of 1, 2, 5, 10, 20, 50... at or above `value`: a round top for the axis.
fn nice_ceiling(value: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate >= value {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

fn class_of(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "bar bar-success",
        Outcome::Failure => "bar bar-failure",
        Outcome::Unknown => "bar bar-unknown",
        Outcome::Refused => "bar bar-refused",
    }
}

#[component]
pub fn DailyChart(
    days: Vec<DayCount>,
    /// What is counted, plural: "events" (the audit log) or "changes" (the home page).
    #[prop(default = "events")]
    noun: &'static str,
) -> impl IntoView {
    let total: u32 = days.iter().map(DayCount::total).sum();
    let mut title = noun.to_string();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let caption = format!("{title} per day by outcome, last {} days (UTC)", days.len());
    if total == 0 {
        return view! {
            <figure class="card chart">
                <figcaption>{caption}</figcaption>
                <p class="empty-inline">{format!("No {noun} with an outcome in these days.")}</p>
            </figure>
        }
        .into_any();
    }
    let summary = Outcome::ALL
        .into_iter()
        .map(|o| {
            let n: u32 = days.iter().map(|d| d.get(o)).sum();
            format!("{n} {}", o.label().to_lowercase())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let top = nice_ceiling(days.iter().map(DayCount::total).max().unwrap_or(1).max(1));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_height;
    let slot = plot_width / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let scale = move |n: u32| f64::from(n) / f64::from(top) * plot_height;
    let ticks: Vec<u32> = if top >= 2 {
        vec![0, top / 2, top]
    } else {
        vec![0, top]
    };
    let last = days.len().saturating_sub(1);

    let grid = ticks
        .into_iter()
        .map(|tick| {
            let y = format!("{:.1}", base - scale(tick));
            view! {
                <line class="chart-grid" x1=LEFT.to_string() x2=(WIDTH - RIGHT).to_string() y1=y.clone() y2=y.clone()></line>
                <text class="chart-label chart-label-y" x=(LEFT - 6.0).to_string() y=y>{tick.to_string()}</text>
            }
        })
        .collect_view();
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
            let mut stacked = 0.0;
            let segments = Outcome::ALL
                .into_iter()
                .filter(|o| day.get(*o) > 0)
                .map(|o| {
                    let count = day.get(o);
                    let height = scale(count);
                    stacked += height;
                    let label = format!("{}: {count} {}", day.day, o.label().to_lowercase());
                    view! {
                        <rect class=class_of(o) x=format!("{x:.1}") y=format!("{:.1}", base - stacked)
                            width=format!("{bar:.1}") height=format!("{height:.1}")>
                            <title>{label}</title>
                        </rect>
                    }
                })
                .collect_view();
            let label = (i % 5 == 0 || i == last).then(|| {
                view! {
                    <text class="chart-label chart-label-x" x=format!("{:.1}", x + bar / 2.0) y=(HEIGHT - 8.0).to_string()>
                        {day.day.get(5..).unwrap_or(&day.day).to_string()}
                    </text>
                }
            });
            view! { <g>{segments}{label}</g> }
        })
        .collect_view();

    view! {
        <figure class="card chart">
            <figcaption id="chart-caption">{caption.clone()}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="chart-caption chart-desc">
                <desc id="chart-desc">{format!("{total} {noun}: {summary}.")}</desc>
                {grid}
                {bars}
            </svg>
            <ul class="chart-legend">
                {Outcome::ALL.into_iter().map(|o| view! {
                    <li><span class=format!("swatch swatch-{}", o.as_str()) aria-hidden="true"></span>{o.label()}</li>
                }).collect_view()}
            </ul>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(480), 500);
        assert_eq!(nice_ceiling(501), 1000);
    }
}
