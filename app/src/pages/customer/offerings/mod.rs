//! The Offerings tab (v3 accounts, API.md §5): account state, changes held for later, what
//! the account holds with the catalog, and one form for the whole set of offerings with a
//! review step showing the diff before anything is sent.
//!
//! Without JavaScript the steps are URLs: the form is a GET to `?review=1&...&key=`, a state
//! change starts at `?state=…&key=`, and each confirmation posts to its server function,
//! whose redirect back shows the outcome recorded under the form's key.

mod catalog;
mod form;
mod review;
mod state;
mod timing;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use super::outcome::{history_href, tab_href, ChangeOutcome, Ended};
use super::CustomerContext;
use crate::api::offerings::{
    get_offerings, CancelScheduledChange, ChangeAccountState, OfferingsView, RefreshCatalog,
    UpdateOfferings,
};
use crate::domain::change::group_thousands;
use crate::domain::change::{ChangeError, FieldError};
use crate::domain::offerings::{
    check_catalog, diff, DiffChange, Entitlements, OfferingField, OfferingSet, OfferingsForm,
    WritableState,
};
use crate::domain::schedule::{due_date, ChangeTiming};

use super::held_jobs::ScheduledChanges;
use catalog::{CatalogTable, CurrentOfferings};
use form::OfferingsEditForm;
use review::OfferingsReview;
use state::StateSection;

/// "10,000 sends a month · 1 dedicated IP · 5 teammates · 15 subusers".
pub fn entitlements(e: &Entitlements) -> String {
    let parts: Vec<String> = [
        (e.email_sends_max_monthly, "sends a month"),
        (e.ip_count, "dedicated IPs"),
        (e.teammates_max_total, "teammates"),
        (e.users_max_total, "subusers"),
    ]
    .into_iter()
    .filter_map(|(value, what)| value.map(|v| format!("{} {what}", group_thousands(v))))
    .collect();
    parts.join(" · ")
}

/// Bumps the customer context after any answer that may have changed the account.
fn bump_after<S>(action: ServerAction<S>, changed: impl Fn(&S::Output) -> bool + 'static)
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let context = CustomerContext::get();
    Effect::new(move |_| {
        let asked = action.value().with_untracked(|value| match value {
            Some(Ok(output)) => changed(output),
            Some(Err(_)) => true,
            None => false,
        });
        if action.version().get() > 0 && asked {
            context.bump();
        }
    });
}

#[component]
pub fn OfferingsTab() -> impl IntoView {
    let context = CustomerContext::get();
    let query = use_query_map();
    // Created above the data they change, so their results survive the reload below.
    let update = ServerAction::<UpdateOfferings>::new();
    let change_state = ServerAction::<ChangeAccountState>::new();
    let cancel = ServerAction::<CancelScheduledChange>::new();
    let refresh = ServerAction::<RefreshCatalog>::new();
    bump_after(update, |_| true);
    bump_after(change_state, |_| true);
    bump_after(cancel, |_| true);
    bump_after(refresh, |_| true);
    // A new step: the last submission's refusal no longer applies.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some() {
            update.value().set(None);
            change_state.value().set(None);
        }
    });
    let offerings = context.tab_data("offerings", move || {
        Resource::new_blocking(context.tab_source("offerings"), |source| async move {
            match source {
                Some((user, key, _)) => Some(get_offerings(user, key).await),
                None => None,
            }
        })
    });

    view! {
        <section class="tab-panel" aria-labelledby="offerings-title">
            <h2 id="offerings-title">"Offerings"</h2>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading offerings from SendGrid…"</p> }>
                {move || offerings.get().flatten().map(|loaded| match loaded {
                    Ok(view) => view! { <OfferingsBody view update change_state cancel refresh /> }.into_any(),
                    Err(ChangeError::NotFound(message)) => view! { <p class="empty-inline">{message}</p> }.into_any(),
                    Err(error) => view! {
                        <div class="notice notice-error" role="alert">
                            <p>{error.to_string()}</p>
                            <p><a href=tab_href(&context.key.get(), "offerings", &[])>"Try again"</a></p>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The offerings form's values from the query string.
fn form_from_query(query: &ParamsMap) -> (OfferingsForm, ChangeTiming, String) {
    let mut form = OfferingsForm {
        package: query.get("package").unwrap_or_default(),
        addons: query.get_all("addon").unwrap_or_default(),
        quantities: Vec::new(),
    };
    form.quantities = form
        .addons
        .iter()
        .filter_map(|name| {
            query
                .get(&OfferingsForm::quantity_param(name))
                .map(|q| (name.clone(), q))
        })
        .collect();
    let timing =
        ChangeTiming::parse(&query.get("timing").unwrap_or_default()).unwrap_or(ChangeTiming::Now);
    (form, timing, query.get("apply_on").unwrap_or_default())
}

#[component]
fn OfferingsBody(
    view: OfferingsView,
    update: ServerAction<UpdateOfferings>,
    change_state: ServerAction<ChangeAccountState>,
    cancel: ServerAction<CancelScheduledChange>,
    refresh: ServerAction<RefreshCatalog>,
) -> impl IntoView {
    let query = use_query_map();
    let notes = view
        .notes
        .iter()
        .map(|note| view! { <p class="notice notice-warn" role="status">{note.clone()}</p> })
        .collect_view();
    if view.account_id.is_none() {
        return view! {
            {notes}
            <p class="empty-inline">
                "Offerings and the account state belong to SendGrid's v3 Account Provisioning API. \
                 This customer has no v3 account in the directory (v2 only), so there is nothing to \
                 show or change here. If it has one, refresh the directory or link them by hand."
            </p>
        }
        .into_any();
    }
    let (step, step_key) = query.with_untracked(|q| {
        (
            q.get("state").as_deref().and_then(WritableState::parse),
            q.get("key").unwrap_or_default(),
        )
    });
    let stored = StoredValue::new(view.clone());
    let change_section = move || {
        let view = stored.get_value();
        let (reviewing, (form, timing, apply_on), key, stepping) = query.with(|q| {
            (
                q.get("review").as_deref() == Some("1"),
                form_from_query(q),
                q.get("key").unwrap_or_default(),
                q.get("state").is_some(),
            )
        });
        if !view.can_change {
            return view! { <p class="empty-inline">"Your role can read the offerings but not change them."</p> }.into_any();
        }
        if let (Some(earlier), false) = (view.earlier.clone(), stepping) {
            let mut pairs = form.query_pairs();
            pairs.push(("timing".into(), timing.as_str().into()));
            let edit = tab_href(&view.key, "offerings", &pairs);
            return view! {
                <ChangeOutcome ended=Ended::of(earlier) again=tab_href(&view.key, "offerings", &[]) edit
                    history=history_href(&view.key) test_id="offerings-outcome" />
            }
            .into_any();
        }
        if !reviewing {
            let initial = OfferingsForm::from_current(&view.current);
            return view! { <OfferingsEditForm view initial timing=ChangeTiming::Now apply_on=String::new() errors=Vec::new() /> }.into_any();
        }
        match review_of(&view, &form, timing, &apply_on) {
            Ok((set, lines, due)) => {
                let key = if key.trim().is_empty() {
                    view.change_key.clone()
                } else {
                    key
                };
                view! { <OfferingsReview view set lines form timing due key update /> }.into_any()
            }
            Err(errors) => {
                view! { <OfferingsEditForm view initial=form timing apply_on errors /> }.into_any()
            }
        }
    };

    view! {
        {notes}
        <StateSection view=view.clone() step key=step_key change=change_state />
        <ScheduledChanges key=view.key.clone() jobs=view.jobs.clone() can_change=view.can_change cancel />
        <section class="card offerings-now" aria-labelledby="offerings-now-title">
            <h3 id="offerings-now-title">"On this account"</h3>
            <CurrentOfferings current=view.current.clone() />
        </section>
        <section class="card offerings-change" aria-labelledby="offerings-change-title">
            <h3 id="offerings-change-title">"Change the offerings"</h3>
            {change_section}
        </section>
        <CatalogTable view refresh />
    }
    .into_any()
}

/// The review step's checks, the same the server runs: the whole set is valid, in the
/// catalog, changes something, and a later change has a day to run.
#[allow(clippy::type_complexity)]
fn review_of(
    view: &OfferingsView,
    form: &OfferingsForm,
    timing: ChangeTiming,
    apply_on: &str,
) -> Result<
    (
        OfferingSet,
        Vec<crate::domain::offerings::DiffLine>,
        Option<crate::domain::IsoDate>,
    ),
    Vec<FieldError<OfferingField>>,
> {
    let lines = form.lines()?;
    let set = OfferingSet::parse(&lines)?;
    check_catalog(&set.lines(), &view.catalog)?;
    let due = match timing {
        ChangeTiming::Now => None,
        ChangeTiming::Later => Some(
            due_date(None, view.end_of_cycle, apply_on, view.today)
                .map_err(|message| vec![FieldError::new(OfferingField::ApplyOn, message)])?,
        ),
    };
    let lines = diff(&view.current, &set);
    if lines.iter().all(|line| line.change == DiffChange::Kept) {
        return Err(vec![FieldError::new(
            OfferingField::Offerings,
            "Nothing would change: the account already holds exactly these offerings.",
        )]);
    }
    Ok((set, lines, due))
}
