//! `/`: what needs the operator, by role (outcomes unknown, changes due this week, bulk jobs
//! running or ended with failures, the directory and SendGrid), a chart of changes per day,
//! and where each kind of work starts. Every item links to its filtered screen; an empty one
//! says what is fine.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::home::{home_daily_changes, home_due_soon, home_summary};
use crate::api::saved_views::pinned_views;
use crate::components::{DailyChart, LocalTime, Me, UnresolvedPanel};
use crate::domain::bulk::JobSummary;
use crate::domain::encode_component;
use crate::domain::home::{DueSoon, WhatNeedsYou, BULK_RECENT_DAYS, DUE_WITHIN_DAYS};
use crate::domain::saved_view::{PinnedView, ViewCount, ViewScreen};
use crate::domain::Permission;

/// Where each kind of work starts: a card per area, each only for roles that may open it.
const CARDS: [(&str, &str, &str, Permission); 6] = [
    (
        "/customers",
        "Customers",
        "Find a customer; read its plan, limits and offerings; change them.",
        Permission::ReadCustomers,
    ),
    (
        "/audit",
        "Audit",
        "Who changed what for which customer, when, and with what result.",
        Permission::ReadAudit,
    ),
    (
        "/bulk",
        "Bulk changes",
        "Apply one change to many customers, with live progress.",
        Permission::ChangeAccounts,
    ),
    (
        "/operators",
        "Operators",
        "Who can sign in, and what each role may do.",
        Permission::ManageOperators,
    ),
    (
        "/connection",
        "SendGrid connection",
        "Where the console's calls go, with which credential, and whether SendGrid accepts them.",
        Permission::ManageSettings,
    ),
    (
        "/notifications",
        "Notifications",
        "The webhook that hears what needs a person, and what was sent to it.",
        Permission::ManageSettings,
    ),
];

/// Shown changes due this week; the link has them all.
const DUE_SHOWN: usize = 5;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = Me::get();
    let summary = Resource::new_blocking(|| (), |_| home_summary());
    let due = Resource::new(|| (), |_| home_due_soon());
    let reads_audit = move || me.allows(Permission::ReadAudit);
    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <section aria-labelledby="needs-title">
            <h2 id="needs-title" class="visually-hidden">"What needs you"</h2>
            <div class="card-grid needs">
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                    {move || summary.get().map(|loaded| match loaded {
                        Ok(summary) => view! { <SummaryCards summary reads_audit=reads_audit() decides=me.allows(Permission::ChangeAccounts) admin=me.allows(Permission::ManageSettings) /> }.into_any(),
                        Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                    })}
                </Transition>
                <Suspense fallback=|| view! {
                    <section class="card need" aria-busy="true"><h3>"Due this week"</h3><p class="loading">"Asking SendGrid…"</p></section>
                }>
                    {move || due.get().map(|loaded| match loaded {
                        Ok(due) => view! { <DueCard due /> }.into_any(),
                        Err(error) => view! {
                            <section class="card need" data-testid="need-due"><h3>"Due this week"</h3>
                                <p class="notice notice-error" role="alert">{error.to_string()}</p></section>
                        }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
        <PinnedViews />
        {move || reads_audit().then(|| view! { <ChangesChart /> })}
        <Suspense fallback=|| ()>
            {move || me.operator().map(|op| view! {
                <div class="card-grid">
                    {CARDS.into_iter().filter(|card| op.role.allows(card.3)).map(|(href, title, text, _)| view! {
                        <a class="card card-link" href=href>
                            <h2>{title}</h2>
                            <p>{text}</p>
                        </a>
                    }).collect_view()}
                </div>
            })}
        </Suspense>
        // Listed with their Reconcile buttons when there are any; the card above says so when not.
        <UnresolvedPanel hide_when_empty=true />
    }
}

#[component]
fn SummaryCards(
    summary: WhatNeedsYou,
    reads_audit: bool,
    /// May approve or decline (managers and admins); the others read the requests.
    decides: bool,
    admin: bool,
) -> impl IntoView {
    let unknown = summary.unknown_outcomes;
    let attention = unknown > 0;
    let unknown_link = if reads_audit {
        "/audit?outcome=unknown"
    } else {
        "#unresolved-title"
    };
    view! {
        <section class="card need" class:need-attention=attention data-testid="need-unknown">
            <h3>"Outcomes unknown"</h3>
            {if unknown == 0 {
                view! { <p>"None: every change sent to SendGrid has a recorded result."</p> }.into_any()
            } else {
                view! {
                    <p class="need-count">{unknown}</p>
                    <p>{format!("{} sent to SendGrid without a recorded answer; reconcile before trying again.", if unknown == 1 { "change" } else { "changes" })}</p>
                    <a href=unknown_link>"See them"</a>
                }.into_any()
            }}
        </section>
        <ApprovalsCard waiting=summary.approvals_waiting decides />
        {summary.bulk.clone().map(|jobs| view! { <BulkCard jobs /> })}
        <DirectoryCard summary admin />
    }
}

#[component]
fn ApprovalsCard(waiting: i64, decides: bool) -> impl IntoView {
    let attention = waiting > 0;
    view! {
        <section class="card need" class:need-attention=attention data-testid="need-approvals">
            <h3>"Approvals waiting"</h3>
            {if waiting == 0 {
                view! { <p>"None: no change waits for a second person."</p> }.into_any()
            } else {
                view! {
                    <p class="need-count">{waiting}</p>
                    <p>{format!("{} waiting for a different manager or an admin; a request not decided in time expires.", if waiting == 1 { "change is" } else { "changes are" })}</p>
                    <a href="/approvals">{if decides { "Decide on them" } else { "See them" }}</a>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn BulkCard(jobs: Vec<JobSummary>) -> impl IntoView {
    let attention = !jobs.is_empty();
    view! {
        <section class="card need" class:need-attention=attention data-testid="need-bulk">
            <h3>"Bulk changes"</h3>
            {if jobs.is_empty() {
                view! { <p>{format!("None running, and none from the last {BULK_RECENT_DAYS} days ended with failures.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="need-list">
                        {jobs.into_iter().map(|job| {
                            let problems = match (job.counts.failed, job.counts.unknown) {
                                (0, 0) => job.status.label().to_string(),
                                (failed, 0) => format!("{failed} failed"),
                                (0, unknown) => format!("{unknown} of unknown outcome"),
                                (failed, unknown) => format!("{failed} failed, {unknown} of unknown outcome"),
                            };
                            view! {
                                <li>
                                    <a href=format!("/bulk/{}", job.id)>{job.summary.clone()}</a>
                                    <span class="hint">{format!(" · {problems}")}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DirectoryCard(summary: WhatNeedsYou, admin: bool) -> impl IntoView {
    let directory = summary.directory;
    let failed = directory.failed_last();
    let attention = failed || !summary.sendgrid_ok;
    let synced = match (&directory.running, &directory.last_success_at) {
        (Some(_), _) => view! { <p>"Refreshing from SendGrid now."</p> }.into_any(),
        (None, Some(at)) => view! {
            <p>{format!("{} customers, last refreshed ", directory.customers)}<LocalTime utc=at.clone() />"."</p>
        }
        .into_any(),
        (None, None) => view! { <p>"Not refreshed from SendGrid yet."</p> }.into_any(),
    };
    let failure = failed.then(|| {
        view! {
            <p class="notice notice-warn">{format!(
                "The last refresh failed: {}",
                directory.last_failure.clone().unwrap_or_default()
            )}</p>
        }
    });
    let health = if summary.sendgrid_ok {
        view! { <p>"SendGrid answers."</p> }.into_any()
    } else {
        view! {
            <p class="notice notice-warn">
                "SendGrid did not answer the last check. "
                {admin.then(|| view! { <a href="/connection">"Check the connection"</a> })}
            </p>
        }
        .into_any()
    };
    view! {
        <section class="card need" class:need-attention=attention data-testid="need-directory">
            <h3>"Directory and SendGrid"</h3>
            {synced}
            {failure}
            {health}
            <a href="/customers">"Customers"</a>
        </section>
    }
}

#[component]
fn DueCard(due: DueSoon) -> impl IntoView {
    let count = due.changes.len();
    let href = format!("/scheduled?due_by={}", due.due_by);
    view! {
        <section class="card need" data-testid="need-due">
            <h3>"Due this week"</h3>
            {due.note.clone().map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> })}
            {if count == 0 && due.note.is_some() {
                // SendGrid's list was not read: only the console's own changes were counted.
                view! { <p>{format!("None of the changes the console holds falls due in the next {DUE_WITHIN_DAYS} days; SendGrid's could not be checked.")}</p> }.into_any()
            } else if count == 0 {
                view! { <p>{format!("Nothing falls due in the next {DUE_WITHIN_DAYS} days.")}</p> }.into_any()
            } else {
                view! {
                    <p class="need-count">{count}</p>
                    <ul class="need-list">
                        {due.changes.iter().take(DUE_SHOWN).map(|change| view! {
                            <li>
                                <a href=format!("/customers/{}", encode_component(&change.customer))>{change.customer.clone()}</a>
                                {format!(": {}", change.summary)}
                                // Most summaries name their day already.
                                <span class="hint">{change.due.filter(|d| !change.summary.contains(&d.to_string())).map(|d| format!(" · {d}")).unwrap_or_default()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <a href=href>{format!("All {count} due by {}", due.due_by)}</a>
                }.into_any()
            }}
            {due.sendgrid_read_at.map(|utc| view! {
                <p class="hint" data-testid="due-read-at">"SendGrid's list as read at " <LocalTime utc /></p>
            })}
        </section>
    }
}

/// The operator's pinned views of Customers and the Audit log, each with what it lists now.
#[component]
fn PinnedViews() -> impl IntoView {
    let pinned = Resource::new(|| (), |_| pinned_views());
    view! {
        <section aria-labelledby="pinned-title" class="pinned-views">
            <h2 id="pinned-title">"Your pinned views"</h2>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Counting…"</p> }>
                {move || pinned.get().map(|loaded| match loaded {
                    Ok(views) if views.is_empty() => view! {
                        <p class="hint">"None pinned. On Customers or the Audit log, filter the list, then “Save this view…” with “Pin to the dashboard” to count it here."</p>
                    }.into_any(),
                    Ok(views) => view! {
                        <div class="card-grid needs">
                            {views.into_iter().map(|pinned| view! { <PinnedCard pinned /> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PinnedCard(pinned: PinnedView) -> impl IntoView {
    let PinnedView { view, count } = pinned;
    let noun = |n: u64| match (view.screen, n) {
        (ViewScreen::Customers, 1) => "customer",
        (ViewScreen::Customers, _) => "customers",
        (ViewScreen::Audit, 1) => "event",
        (ViewScreen::Audit, _) => "events",
    };
    let detail = match &count {
        ViewCount::Unreadable(why) => why.clone(),
        ViewCount::MoreThan(n) => format!("More than {n} {}, on {}", noun(*n), view.screen.label()),
        ViewCount::Exactly(n) => format!("{n} {}, on {}", noun(*n), view.screen.label()),
    };
    view! {
        <a class="card need card-link" href=view.href() data-testid="pinned-view">
            <h3>{view.name.clone()}</h3>
            <p class="need-count" aria-hidden="true">{count.text()}</p>
            <p class="hint">{detail}</p>
        </a>
    }
}

#[component]
fn ChangesChart() -> impl IntoView {
    let days = Resource::new(|| (), |_| home_daily_changes());
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading the chart…"</p> }>
            {move || days.get().map(|loaded| match loaded {
                Ok(days) => view! { <DailyChart days noun="changes" /> }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}
