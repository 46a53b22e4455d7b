use leptos::prelude::*;

use super::data_table::{headings, Column, DataTable};
use super::local_time::LocalTime;
use super::reconcile::{ReconcileButton, ReconcileResult};
use super::Me;
use crate::api::audit::{list_unresolved, ReconcileAttempt};
use crate::domain::audit::{UnresolvedAttempt, UnresolvedList};
use crate::domain::Permission;

/// The changes of unknown outcome a panel lists.
pub type UnresolvedResource = Resource<Result<UnresolvedList, crate::api::ApiError>>;

/// "Changes with unknown outcome": changes sent to SendGrid that may or may not have been
/// applied (no answer came, or the console stopped before recording it), each with a Reconcile
/// button for operators who may change accounts. All customers on the dashboard, or one (`customer`).
/// `action` shares the reconcile with a surrounding view that refreshes on it.
/// `list` is the list already being read, when the surrounding view keeps it (a customer's
/// History tab); the panel reads its own otherwise.
#[component]
pub fn UnresolvedPanel(
    #[prop(optional, into)] customer: Option<String>,
    #[prop(optional)] hide_when_empty: bool,
    #[prop(optional)] action: Option<ServerAction<ReconcileAttempt>>,
    #[prop(optional)] list: Option<UnresolvedResource>,
) -> impl IntoView {
    let action = action.unwrap_or_default();
    let list = list.unwrap_or_else(|| {
        Resource::new_blocking(
            move || action.version().get(),
            move |_| list_unresolved(customer.clone()),
        )
    });
    let me = Me::get();
    let can_reconcile = move || me.allows(Permission::ChangeAccounts);

    view! {
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading changes with unknown outcome…"</p> }>
            {move || list.get().map(|loaded| match loaded {
                Ok(list) if list.attempts.is_empty() && hide_when_empty => view! { <ReconcileResult action /> }.into_any(),
                Ok(UnresolvedList { attempts: rows, total }) => view! {
                    <section class="card unresolved" aria-labelledby="unresolved-title">
                        <h2 id="unresolved-title">"Changes with unknown outcome"</h2>
                        <ReconcileResult action />
                        {if rows.is_empty() {
                            view! {
                                <div class="empty-inline">
                                    <p><strong>"Nothing to reconcile."</strong></p>
                                    <p>"Every change sent to SendGrid has a recorded result."</p>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <p class="hint">
                                    "These changes were sent to SendGrid, but no answer came back or none was recorded, so they may or may not have been applied. "
                                    "Reconcile reads the customer's current state at SendGrid and records it."
                                </p>
                                {(total > rows.len()).then(|| view! {
                                    <p class="hint">
                                        {format!("Showing the newest {} of {total}. ", rows.len())}
                                        <a href="/audit?outcome=unknown">"All changes of unknown outcome"</a>
                                    </p>
                                })}
                                <UnresolvedTable rows action can_reconcile=can_reconcile() />
                            }.into_any()
                        }}
                    </section>
                }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn UnresolvedTable(
    rows: Vec<UnresolvedAttempt>,
    action: ServerAction<ReconcileAttempt>,
    can_reconcile: bool,
) -> impl IntoView {
    view! {
        <DataTable caption="Changes with unknown outcome"
            head=headings(&[
                Column::new("Sent"),
                Column::new("Operator"),
                Column::new("Customer"),
                Column::new("Action"),
                Column::new("Reconcile").unseen(),
            ])>
                    {rows.into_iter().map(|row| view! {
                        <tr data-attempt=row.id.to_string()>
                            <td><LocalTime utc=row.occurred_at /></td>
                            <td>{row.operator.unwrap_or_default()}</td>
                            <td>{row.customer.unwrap_or_default()}</td>
                            <td><code>{row.action}</code></td>
                            <td>
                                {if can_reconcile {
                                    view! { <ReconcileButton action attempt_id=row.id key=row.reconcile_key /> }.into_any()
                                } else {
                                    view! { <span class="hint">"A manager or admin can reconcile this."</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
}
