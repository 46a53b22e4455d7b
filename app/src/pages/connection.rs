//! `/connection` (admins): the SendGrid connection. For each API family, the base URL and the
//! credential in use (never the secret), a harmless read tried on it, SendGrid's answer in its
//! own words, and the rate-limit headers it sent. The first thing to look at when pointing the
//! console at the real SendGrid; `reseller-console check-upstream` is the same check for scripts.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::connection::check_connection;
use crate::components::{Guarded, LocalTime};
use crate::domain::connection::{CheckOutcome, ConnectionReport, FamilyCheck};
use crate::domain::Permission;

#[component]
pub fn ConnectionPage() -> impl IntoView {
    view! {
        <Title text="SendGrid connection" />
        <Guarded permission=Permission::ManageSettings>
            <ConnectionCheck />
        </Guarded>
    }
}

#[component]
fn ConnectionCheck() -> impl IntoView {
    // "Check again" counts up; the check runs on the server at each count.
    let round = RwSignal::new(0u32);
    let report = Resource::new_blocking(move || round.get(), |_| check_connection());
    // Pending while the Transition waits; it is "Checking…" only for a check asked again, so
    // the page as first served (the check already answered) offers the button.
    let pending = RwSignal::new(false);
    let checking = move || pending.get() && round.get() > 0;
    view! {
        <div class="page-head">
            <h1>"SendGrid connection"</h1>
            <p class="hint">"Where the console sends its calls and whether SendGrid accepts them. Each check is one harmless read per API family; nothing is changed."</p>
        </div>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Asking SendGrid…"</p> }
            set_pending=pending.write_only()>
            {move || report.get().map(|answer| match answer {
                Ok(report) => view! { <Report report /> }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <form method="get" action="/connection" class="form-actions">
            <button class="button button-secondary" type="submit"
                on:click=move |ev| { ev.prevent_default(); round.update(|n| *n += 1); }
                disabled=checking aria-busy=move || checking().to_string()>
                {move || if checking() { "Checking…" } else { "Check again" }}
            </button>
        </form>
    }
}

#[component]
fn Report(report: ConnectionReport) -> impl IntoView {
    let summary = if report.all_work() {
        view! { <p class="notice notice-ok" role="status" data-testid="connection-summary">"Both API families answer with these credentials."</p> }.into_any()
    } else {
        view! { <p class="notice notice-error" role="alert" data-testid="connection-summary">"SendGrid did not accept every check: see below what it answered."</p> }.into_any()
    };
    let embedded = report.embedded.then(|| view! {
        <p class="notice notice-warn" role="status">"The console talks to its embedded SendGrid simulator (make run's default): nothing here reaches the real SendGrid. Set SENDGRID_API_BASE and a key to use it."</p>
    });
    view! {
        {summary}
        {embedded}
        <div class="card-grid connection-families">
            {report.families.into_iter().map(|family| view! { <Family family /> }).collect_view()}
        </div>
        <p class="hint">"Checked at " <LocalTime utc=report.checked_at.clone() /></p>
    }
}

#[component]
fn Family(family: FamilyCheck) -> impl IntoView {
    let (badge, badge_class) = match &family.outcome {
        CheckOutcome::Works(_) => ("Works", "badge badge-ok"),
        CheckOutcome::Refused { .. } => ("Refused", "badge badge-danger"),
        CheckOutcome::Failed(_) => ("Failed", "badge badge-warn"),
    };
    let answer = match family.outcome.clone() {
        CheckOutcome::Works(what) => view! { <dd>{what}</dd> }.into_any(),
        CheckOutcome::Refused {
            status,
            words,
            meaning,
        } => view! {
            <dd>
                <p>{format!("HTTP {status}: SendGrid said \u{201c}{words}\u{201d}")}</p>
                <p class="hint">{meaning}</p>
            </dd>
        }
        .into_any(),
        CheckOutcome::Failed(why) => view! { <dd>{why}</dd> }.into_any(),
    };
    let rate_limit = family
        .rate_limit
        .as_ref()
        .map(|r| r.describe())
        .unwrap_or_else(|| "SendGrid sent no rate-limit headers".to_string());
    view! {
        <section class="card" aria-label=family.family.clone() data-testid="connection-family">
            <h2>{family.family.clone()} " " <span class=badge_class>{badge}</span></h2>
            <dl class="facts">
                <div><dt>"Base URL"</dt><dd><code>{family.base_url.clone()}</code></dd></div>
                <div><dt>"Credential"</dt><dd>{family.credential.clone()}</dd></div>
                <div><dt>"Read tried"</dt><dd>{family.probe.clone()}</dd></div>
                <div><dt>"Answer"</dt>{answer}</div>
                <div><dt>"Rate limit"</dt><dd>{rate_limit}</dd></div>
            </dl>
        </section>
    }
}
