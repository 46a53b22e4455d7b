//! Whose limit: the customer or one of its subusers. SendGrid cannot list a customer's
//! subusers (API.md §3), so the field offers those already changed from this page and takes
//! any other name, which the server checks (another customer's subuser is refused, then
//! `task=retrieve`) before showing or changing anything.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::super::outcome::{invalid, tab_href, FieldMessage};
use super::super::CustomerContext;
use crate::api::limits::LimitsView;

#[component]
pub fn TargetPicker(view: LimitsView) -> impl IntoView {
    let context = CustomerContext::get();
    let page_key = context.key.get_untracked();
    let error = view.target_error.clone();
    let described = if error.is_some() {
        "limit-target-hint limit-target-error"
    } else {
        "limit-target-hint"
    };
    let links = view
        .targets
        .iter()
        .map(|name| {
            let href = tab_href(&page_key, "limits", &[("target".into(), name.clone())]);
            let current = (*name == view.target).then_some("page");
            let label = if *name == view.username {
                format!("{name} (the customer)")
            } else {
                name.clone()
            };
            view! { <li><a href=href aria-current=current>{label}</a></li> }
        })
        .collect_view();

    view! {
        <section class="card limit-target" aria-labelledby="limit-target-title">
            <h3 id="limit-target-title">"Whose limit"</h3>
            <Form method="get" action=tab_href(&page_key, "limits", &[]) attr:class="target-form" attr:novalidate=true>
                <div class="field">
                    <label for="limit-target">"Subuser"</label>
                    <input id="limit-target" name="target" type="text" list="limit-targets"
                        value=view.target.clone() maxlength="255" autocomplete="off" spellcheck="false"
                        aria-invalid=invalid(&error) aria-describedby=described />
                    <datalist id="limit-targets">
                        {view.targets.iter().map(|name| view! { <option value=name.clone()></option> }).collect_view()}
                    </datalist>
                    <p class="hint" id="limit-target-hint">
                        "The customer itself or one of its subusers. SendGrid cannot list a customer's \
                         subusers, so pick one already changed from this page or type a username: it \
                         is checked with SendGrid first, and becomes this customer's with its first \
                         change here."
                    </p>
                    <FieldMessage id="limit-target-error".to_string() message=error />
                </div>
                <button type="submit" class="button button-secondary">"Show limit"</button>
            </Form>
            <ul class="target-list" aria-label="Known users">{links}</ul>
        </section>
    }
}
