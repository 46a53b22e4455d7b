use leptos::prelude::*;

use super::display_name;
use crate::domain::directory::{format_utc, Linkage};
use crate::domain::{state_tone, CustomerSummary};

/// Name, company, username, email, account id, package, state, billing period and any
/// scheduled change. Every value is customer-supplied text, rendered as text.
#[component]
pub fn CustomerHeader(summary: CustomerSummary) -> impl IntoView {
    let name = display_name(&summary);
    let dash = || "—".to_string();
    let state = summary.state.clone().map(|state| {
        let class = format!("badge {}", state_tone(&state));
        view! { <span class=class data-testid="customer-state">{state}</span> }
    });
    let linkage = match summary.linkage {
        Linkage::V2Only => Some("v2 only"),
        Linkage::V3Only => Some("v3 only"),
        Linkage::Manual => Some("linked by hand"),
        Linkage::Email => None,
    };
    let period = summary
        .cycle
        .map(|cycle| format!("{} to {}", cycle.start, cycle.end))
        .unwrap_or_else(dash);
    let pending = summary
        .pending
        .as_ref()
        .map(|p| p.summary())
        .unwrap_or_else(|| "None".to_string());
    let source = match &summary.synced_at {
        Some(at) if !at.is_empty() => format!("Directory entry as of {}.", format_utc(at)),
        _ => "Not in the directory yet; found in SendGrid's customer list.".to_string(),
    };

    view! {
        <header class="customer-header">
            <div class="customer-title">
                <h1>{name}</h1>
                {state}
                {linkage.map(|text| view! { <span class="badge badge-warn">{text}</span> })}
            </div>
            <dl class="facts">
                <div><dt>"Company"</dt><dd>{if summary.company.is_empty() { dash() } else { summary.company.clone() }}</dd></div>
                <div><dt>"Username"</dt><dd>{summary.username.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Email"</dt><dd>{if summary.email.is_empty() { dash() } else { summary.email.clone() }}</dd></div>
                <div><dt>"Account ID"</dt><dd>{summary.account_id.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Package"</dt><dd data-testid="customer-package">{summary.package.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Billing period"</dt><dd>{period}</dd></div>
                <div><dt>"Pending change"</dt><dd data-testid="customer-pending">{pending}</dd></div>
            </dl>
            <p class="hint">{source}</p>
            {summary.live_note.clone().map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> })}
        </header>
    }
}
