use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::directory_link::DirectoryLink;
use super::display_name;
use crate::components::Me;
use crate::domain::directory::{format_utc, Linkage};
use crate::domain::encode_component;
use crate::domain::{state_tone, CustomerSummary, Permission};

/// Name, company, username, email, account id, package, state, billing period and any
/// scheduled change. Every value is customer-supplied text, rendered as text.
#[component]
pub fn CustomerHeader(summary: CustomerSummary) -> impl IntoView {
    let name = display_name(&summary);
    let dash = || "—".to_string();
    let state = summary.customer.state.clone().map(|state| {
        let class = format!("badge {}", state_tone(&state));
        view! { <span class=class data-testid="customer-state">{state}</span> }
    });
    let linkage = match summary.customer.linkage {
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
                <div><dt>"Company"</dt><dd>{if summary.customer.company.is_empty() { dash() } else { summary.customer.company.clone() }}</dd></div>
                <div><dt>"Username"</dt><dd>{summary.customer.username.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Email"</dt><dd>{if summary.customer.email.is_empty() { dash() } else { summary.customer.email.clone() }}</dd></div>
                <div><dt>"Account ID"</dt><dd>{summary.customer.account_id.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Package"</dt><dd data-testid="customer-package">{summary.customer.package.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Billing period"</dt><dd>{period}</dd></div>
                <div><dt>"Pending change"</dt><dd data-testid="customer-pending">{pending}</dd></div>
            </dl>
            <p class="hint">{source}</p>
            {summary.live_note.clone().map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> })}
            <OpenInSendGrid summary=summary.clone() />
            <DirectoryLink summary=summary.clone() />
        </header>
    }
}

/// A plain form posted into a new tab (`target=_blank` on a form implies `noopener`): the server answers with SendGrid's one-time sign-in URL
/// (API.md §5.10), so it works the same with or without JavaScript, and the URL never passes
/// through this page. Managers and admins only; v3 accounts only.
#[component]
fn OpenInSendGrid(summary: CustomerSummary) -> impl IntoView {
    let me = Me::get();
    let query = use_query_map();
    let history = format!(
        "/customers/{}/history",
        encode_component(&summary.customer.key)
    );
    let key = summary.customer.key.clone();
    let problem = move || {
        let text = match query.read().get("sendgrid")?.as_str() {
            "refused" => "SendGrid did not open the account; its answer is recorded in History.",
            "no-account" => "This customer has no v3 account; SendGrid's single sign-on opens v3 accounts only.",
            "not-recorded" => "The sign-in could not be recorded in the audit log, so it was not opened; try again.",
            "unavailable" => "SendGrid could not be reached to find the account; try again.",
            _ => return None,
        };
        Some(text)
    };
    let allowed =
        move || me.allows(Permission::ChangeAccounts) && summary.customer.account_id.is_some();
    view! {
        {move || problem().map(|text| view! {
            <div class="notice notice-error" role="alert" data-testid="sendgrid-problem">
                <p>{text}" "<a href=history.clone()>"Open History"</a></p>
            </div>
        })}
        {move || allowed().then(|| view! {
            <form method="post" action="/api/open_in_sendgrid" target="_blank" class="sso-form">
                <input type="hidden" name="user" value=key.clone() />
                <button type="submit" class="button button-secondary" aria-describedby="sendgrid-sign-in-hint">
                    "Open in SendGrid"
                </button>
                <span class="hint" id="sendgrid-sign-in-hint">
                    "Opens the account in a new tab, signed in as its admin teammate; recorded in the audit log."
                </span>
            </form>
        })}
    }
}
