//! The admins' policy: which kinds of change a manager's hand alone does not make.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::approvals::SetApprovalPolicy;
use crate::domain::approval::{ApprovalKind, ApprovalPolicy, PolicyField};
use crate::pages::customer::outcome::{invalid, FieldMessage};

#[component]
pub fn PolicySection(
    policy: ApprovalPolicy,
    can_set: bool,
    set_policy: ServerAction<SetApprovalPolicy>,
) -> impl IntoView {
    let pending = set_policy.pending();
    let saved = move || {
        set_policy.value().get().map(|result| match result {
            Ok(_) => view! { <p class="notice notice-ok" role="status">"The approval policy was saved; it applies to changes submitted from now on."</p> }.into_any(),
            Err(error) => match error.general_message() {
                Some(message) => view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any(),
                None => ().into_any(),
            },
        })
    };
    let error_for = move |field: PolicyField| {
        set_policy
            .value()
            .get()
            .and_then(|result| result.err())
            .and_then(|error| error.message_for(&field))
    };
    let threshold = policy
        .credits_threshold
        .map(|n| n.to_string())
        .unwrap_or_default();
    let boxes = [
        ApprovalKind::Close,
        ApprovalKind::Downgrade,
        ApprovalKind::Deactivate,
        ApprovalKind::OfferingsRemoval,
    ]
    .into_iter()
    .map(|kind| {
        let id = format!("policy-{}", kind.as_str());
        view! {
            <div class="choice">
                <input type="checkbox" id=id.clone() name=kind.as_str() value="on"
                    checked=policy.holds(kind) disabled=!can_set />
                <label for=id>{kind.label()}</label>
            </div>
        }
    })
    .collect_view();
    view! {
        <section class="card" aria-labelledby="policy-title">
            <h2 id="policy-title">"What needs a second person"</h2>
            <p class="hint">{if can_set {
                "A manager's change of a ticked kind waits here for a different manager or an admin. Admins' own changes are never held."
            } else {
                "Set by admins. A manager's change of a ticked kind waits here for a different manager or an admin."
            }}</p>
            {saved}
            <ActionForm action=set_policy attr:class="policy-form">
                <fieldset disabled=!can_set>
                    <legend>"Kinds of change"</legend>
                    {boxes}
                    <div class="field">
                        <label for="policy-credits">"Credit limit changes of at least (credits; blank = never)"</label>
                        <input id="policy-credits" name="credits_threshold" type="text" inputmode="numeric"
                            value=threshold
                            aria-invalid=move || invalid(&error_for(PolicyField::CreditsThreshold))
                            aria-describedby="policy-credits-hint policy-credits-error" />
                        <p class="hint" id="policy-credits-hint">"Removing a limit (no cap at all) always counts once a threshold is set."</p>
                        {move || view! { <FieldMessage id="policy-credits-error" message=error_for(PolicyField::CreditsThreshold) /> }}
                    </div>
                    <div class="field">
                        <label for="policy-bulk">"Bulk changes for more customers than (blank = never)"</label>
                        <input id="policy-bulk" name="bulk_threshold" type="text" inputmode="numeric"
                            value=policy.bulk_threshold.map(|n| n.to_string()).unwrap_or_default()
                            aria-invalid=move || invalid(&error_for(PolicyField::BulkThreshold))
                            aria-describedby="policy-bulk-error" />
                        {move || view! { <FieldMessage id="policy-bulk-error" message=error_for(PolicyField::BulkThreshold) /> }}
                    </div>
                    <div class="field">
                        <label for="policy-expiry">"A request expires after (hours)"</label>
                        <input id="policy-expiry" name="expiry_hours" type="number" min="1"
                            max=ApprovalPolicy::MAX_EXPIRY_HOURS.to_string() required
                            value=policy.expiry_hours.to_string()
                            aria-invalid=move || invalid(&error_for(PolicyField::ExpiryHours))
                            aria-describedby="policy-expiry-error" />
                        {move || view! { <FieldMessage id="policy-expiry-error" message=error_for(PolicyField::ExpiryHours) /> }}
                    </div>
                    {can_set.then(|| view! {
                        <button type="submit" class="button" disabled=move || pending.get()>
                            {move || if pending.get() { "Saving…" } else { "Save policy" }}
                        </button>
                    })}
                </fieldset>
            </ActionForm>
        </section>
    }
}
