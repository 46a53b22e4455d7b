//! The review step: every chosen customer with what it holds now and what it would hold, then
//! the start form (with the number of customers typed when the change takes something away).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::bulk_href;
use crate::api::bulk::{review_bulk, StartBulk};
use crate::components::TypedConfirmation;
use crate::domain::bulk::{BulkField, BulkForm, BulkReview, PlanEffect};
use crate::domain::change::group_thousands;

#[component]
pub fn BulkReviewStep(form: BulkForm) -> impl IntoView {
    let asked = form.clone();
    let review = Resource::new_blocking(move || asked.clone(), review_bulk);
    let edit = bulk_href(&form.query_pairs());
    let form = StoredValue::new(form);
    view! {
        <section class="card bulk-review" aria-labelledby="bulk-review-title">
            <h2 id="bulk-review-title">"Review the change"</h2>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Reading every chosen customer from SendGrid…"</p> }>
                {
                    let edit = edit.clone();
                    move || review.get().map(|answer| match answer {
                        Ok(review) => view! { <ReviewBody review form=form.get_value() edit=edit.clone() /> }.into_any(),
                        Err(error) => {
                            let field_messages = [BulkField::Customers, BulkField::Operation, BulkField::Name, BulkField::Credits]
                                .iter()
                                .filter_map(|f| error.message_for(f))
                                .collect::<Vec<_>>();
                            let message = error.general_message().unwrap_or_else(|| field_messages.join(" "));
                            view! {
                                <div class="notice notice-error" role="alert">
                                    <p>{message}</p>
                                    <p><a href=edit.clone()>"Back to the form"</a></p>
                                </div>
                            }.into_any()
                        }
                    })
                }
            </Suspense>
        </section>
    }
}

fn effect_badge(effect: PlanEffect) -> impl IntoView {
    let (class, text) = match effect {
        PlanEffect::Change => ("badge badge-info", "Changes"),
        PlanEffect::NoChange => ("badge", "Already as asked"),
        PlanEffect::NotApplicable => ("badge badge-warn", "Skipped"),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
fn ReviewBody(review: BulkReview, form: BulkForm, edit: String) -> impl IntoView {
    let query = use_query_map();
    let start = ServerAction::<StartBulk>::new();
    // With JavaScript the answer says where to go: the job's progress, or the request
    // waiting for a second person.
    Effect::new(move |_| {
        if let Some(Ok(started)) = start.value().get() {
            use_navigate()(&started.href(), Default::default());
        }
    });
    let total = review.items.len();
    let unchanged = review
        .items
        .iter()
        .filter(|i| i.effect == PlanEffect::NoChange)
        .count();
    let skipped = review
        .items
        .iter()
        .filter(|i| i.effect == PlanEffect::NotApplicable)
        .count();
    let needs_confirmation = review.needs_confirmation;
    // Without JavaScript a refused start comes back with its message in the URL.
    let returned_error = query.with_untracked(|q| q.get("error"));
    let error = Signal::derive(move || {
        start
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| {
                e.message_for(&BulkField::Confirm)
                    .unwrap_or_else(|| e.to_string())
            })
            .or_else(|| returned_error.clone())
    });
    let confirm_error = Signal::derive(move || error.get().filter(|_| needs_confirmation));
    let general_error = move || error.get().filter(|_| !needs_confirmation);
    let hidden: Vec<(String, String)> = form.query_pairs();
    let pending = start.pending();

    view! {
        <p class="review-statement">
            <strong>{review.summary.clone()}</strong>
            {format!(
                " for {} customers: {} change, {} already as asked, {} skipped. {} at a time.",
                group_thousands(total as i64),
                group_thousands(review.changes as i64),
                unchanged,
                skipped,
                review.concurrency
            )}
        </p>
        {(!review.unknown.is_empty()).then(|| view! {
            <p class="notice notice-warn" role="status">{format!(
                "Not in the directory, so left out: {}.", review.unknown.join(", ")
            )}</p>
        })}
        <div class="table-wrap">
            <table class="bulk-review-table">
                <caption class="visually-hidden">"What changes for each customer"</caption>
                <thead><tr><th scope="col">"Customer"</th><th scope="col">"Now"</th><th scope="col">"After"</th><th scope="col">"Effect"</th></tr></thead>
                <tbody>
                    {review.items.iter().map(|item| view! {
                        <tr>
                            <td><a href=format!("/customers/{}", item.customer)>{item.name.clone()}</a></td>
                            <td>{item.before.clone()}</td>
                            <td>{item.after.clone()}</td>
                            <td>{effect_badge(item.effect)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <ActionForm action=start attr:class="confirm-form bulk-start">
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <input type="hidden" name="idempotency_key" value=review.key.clone() />
            {needs_confirmation.then(|| view! {
                <TypedConfirmation id="bulk-confirm" numeric=true
                    label=format!("This takes something away from {total} customers. Type {total} to confirm.")
                    error=confirm_error />
            })}
            {move || general_error().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <div class="form-actions">
                <button class="button" type="submit" disabled=move || pending.get() || review.changes == 0
                    aria-busy=move || pending.get().then_some("true")>
                    {move || if pending.get() { "Starting…".to_string() } else { format!("Start the bulk change ({total} customers)") }}
                </button>
                <a class="button button-ghost" href=edit.clone()>"Edit the change"</a>
            </div>
            {(review.changes == 0).then(|| view! { <p class="hint">"Nothing would change for any of these customers."</p> })}
        </ActionForm>
    }
}
