use leptos::prelude::*;

use crate::domain::audit::Status;

/// The outcome badge of an audit row or change.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! { <span class=status.badge_class()>{status.label()}</span> }
}
