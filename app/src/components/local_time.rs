use leptos::prelude::*;

use crate::domain::audit::utc_display;

/// A time stored in UTC. The server renders it in UTC; once the page has hydrated it is shown
/// in the viewer's own zone, with the UTC time kept in the tooltip.
#[component]
pub fn LocalTime(utc: String) -> impl IntoView {
    let in_utc = utc_display(&utc);
    let shown = RwSignal::new(in_utc.clone());
    #[cfg(feature = "hydrate")]
    {
        let utc = utc.clone();
        Effect::new(move |_| {
            if let Some(local) = in_local_zone(&utc) {
                shown.set(local);
            }
        });
    }
    view! { <time datetime=utc title=in_utc>{move || shown.get()}</time> }
}

/// `2026-11-23 14:00:05 UTC+01:00` in the browser's zone; `None` if the text is not a time.
#[cfg(feature = "hydrate")]
fn in_local_zone(utc: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(utc));
    if date.get_time().is_nan() {
        return None;
    }
    // getTimezoneOffset() is minutes *behind* UTC.
    let east = -(date.get_timezone_offset() as i64);
    let sign = if east < 0 { '-' } else { '+' };
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC{sign}{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        east.abs() / 60,
        east.abs() % 60
    ))
}
