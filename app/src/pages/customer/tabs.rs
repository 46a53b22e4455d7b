//! The History tab (Limits and Offerings have modules of their own).

use leptos::prelude::*;

use super::CustomerContext;
use crate::components::{CustomerHistory, HistoryData};

/// The audit log's timeline of this customer: changes under its key (the username, or the
/// account id of a v3-only account).
#[component]
pub fn HistoryTab() -> impl IntoView {
    let context = CustomerContext::get();
    let data = context.tab_data("history", move || {
        HistoryData::new(context.key, CustomerContext::showing("history"))
    });
    view! { <CustomerHistory data /> }
}
