//! The offerings form: one package (radio) and add-ons (checkbox plus quantity), prefilled
//! with what the account holds. "Review change" is a GET to the review step with the whole
//! desired set and the idempotency key minted when this form was rendered.

use leptos::prelude::*;

use super::super::revert::{RevertField, RevertNotice};
use leptos_router::components::Form;

use super::super::outcome::{invalid, tab_href, FieldMessage};
use super::entitlements;
use super::timing::TimingFields;
use crate::api::offerings::OfferingsView;
use crate::domain::change::message_for;
use crate::domain::offerings::{OfferingField, OfferingFieldError, OfferingKind, OfferingsForm};
use crate::domain::schedule::ChangeTiming;

/// An id fragment for an offering name (names carry dots).
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[component]
pub fn OfferingsEditForm(
    view: OfferingsView,
    initial: OfferingsForm,
    timing: ChangeTiming,
    apply_on: String,
    errors: Vec<OfferingFieldError>,
) -> impl IntoView {
    let package_error = message_for(&errors, &OfferingField::Package);
    let general_error = message_for(&errors, &OfferingField::Offerings);
    let apply_on_error = message_for(&errors, &OfferingField::ApplyOn);
    let packages = view
        .catalog
        .iter()
        .filter(|item| item.kind == OfferingKind::Package)
        .map(|item| {
            let id = format!("package-{}", slug(&item.name));
            let checked = initial.package == item.name;
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name="package" value=item.name.clone() checked=checked
                        aria-describedby=format!("{id}-facts") />
                    <label for=id.clone()>{item.name.clone()}</label>
                    <span class="hint" id=format!("{id}-facts")>{entitlements(&item.entitlements)}</span>
                </div>
            }
        })
        .collect_view();
    let addons = view
        .catalog
        .iter()
        .filter(|item| item.kind == OfferingKind::Addon)
        .map(|item| {
            let id = format!("addon-{}", slug(&item.name));
            let quantity = initial.quantity_of(&item.name).unwrap_or("1").to_string();
            let message = message_for(&errors, &OfferingField::Quantity(item.name.clone()));
            view! {
                <div class="addon-row">
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name="addon" value=item.name.clone()
                            checked=initial.has_addon(&item.name) aria-describedby=format!("{id}-facts") />
                        <label for=id.clone()>{item.name.clone()}</label>
                    </div>
                    <input type="number" class="quantity" name=OfferingsForm::quantity_param(&item.name)
                        min="1" step="1" inputmode="numeric" value=quantity
                        aria-label=format!("Quantity of {}", item.name)
                        aria-invalid=invalid(&message) />
                    <span class="hint" id=format!("{id}-facts")>{entitlements(&item.entitlements)}</span>
                    <FieldMessage id=format!("{id}-error") message />
                </div>
            }
        })
        .collect_view();

    view! {
        <Form method="get" action=tab_href(&view.key, "offerings", &[]) attr:class="offerings-form" attr:novalidate=true>
            <input type="hidden" name="review" value="1" />
            <input type="hidden" name="key" value=view.change_key.clone() />
            <RevertField />
            <RevertNotice />
            <fieldset class="field package-choice">
                <legend>"Package"</legend>
                {packages}
                <FieldMessage id="package-error".to_string() message=package_error.clone() />
            </fieldset>
            <fieldset class="field addon-choice">
                <legend>"Add-ons"</legend>
                <p class="hint">"Tick each add-on the account keeps or gets, with how many."</p>
                {addons}
            </fieldset>
            <FieldMessage id="offerings-error".to_string() message=general_error />
            <TimingFields id="offerings" end_of_cycle=view.end_of_cycle default_apply_on=view.default_apply_on
                today=view.today timing apply_on apply_on_error />
            <p class="hint">
                "SendGrid replaces the account's offerings with exactly this set: anything unticked is removed."
            </p>
            <button type="submit" class="button">"Review change"</button>
        </Form>
    }
}
