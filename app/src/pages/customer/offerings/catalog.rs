//! What the account holds, and the reseller's catalog with each offering's entitlements
//! (API.md §5.2), cached as SendGrid recommends and refreshed on request.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::offerings::{OfferingsView, RefreshCatalog};
use crate::components::LocalTime;
use crate::domain::change::group_thousands;
use crate::domain::offerings::{OfferingKind, OfferingLine};

fn count(value: Option<i64>) -> String {
    value
        .map(group_thousands)
        .unwrap_or_else(|| "—".to_string())
}

fn held(current: &[OfferingLine], name: &str) -> String {
    current
        .iter()
        .find(|line| line.name == name)
        .map(|line| match line.kind {
            OfferingKind::Package => "Yes".to_string(),
            OfferingKind::Addon => format!("×{}", line.quantity),
        })
        .unwrap_or_default()
}

/// The package and add-ons the account holds now.
#[component]
pub fn CurrentOfferings(current: Vec<OfferingLine>) -> impl IntoView {
    let package = current
        .iter()
        .find(|line| line.kind == OfferingKind::Package)
        .map(|line| line.name.clone())
        .unwrap_or_else(|| "None".to_string());
    let addons: Vec<String> = current
        .iter()
        .filter(|line| line.kind == OfferingKind::Addon)
        .map(|line| format!("{} ×{}", line.name, line.quantity))
        .collect();
    view! {
        <dl class="facts" data-testid="current-offerings">
            <div><dt>"Package"</dt><dd>{package}</dd></div>
            <div><dt>"Add-ons"</dt><dd>{if addons.is_empty() { "None".to_string() } else { addons.join(", ") }}</dd></div>
        </dl>
    }
}

#[component]
pub fn CatalogTable(view: OfferingsView, refresh: ServerAction<RefreshCatalog>) -> impl IntoView {
    let pending = refresh.pending();
    let refresh_error = move || {
        refresh
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> })
    };
    let rows = view
        .catalog
        .iter()
        .map(|item| {
            let e = &item.entitlements;
            view! {
                <tr>
                    <th scope="row">{item.name.clone()}</th>
                    <td>{item.kind.label()}</td>
                    <td class="num">{count(e.email_sends_max_monthly)}</td>
                    <td class="num">{count(e.ip_count)}</td>
                    <td class="num">{count(e.teammates_max_total)}</td>
                    <td class="num">{count(e.users_max_total)}</td>
                    <td>{held(&view.current, &item.name)}</td>
                </tr>
            }
        })
        .collect_view();
    let fetched = (!view.catalog_fetched_at.is_empty()).then(|| {
        view! {
            <p class="hint">
                "Catalog as fetched from SendGrid at " <LocalTime utc=view.catalog_fetched_at.clone() />
                ". It changes rarely, so the console keeps a copy for a day."
            </p>
        }
    });
    view! {
        <section class="card catalog" aria-labelledby="catalog-title">
            <h3 id="catalog-title">"Catalog"</h3>
            {fetched}
            {refresh_error}
            <ActionForm action=refresh attr:class="inline-form">
                <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                    {move || if pending.get() { "Refreshing…" } else { "Refresh catalog" }}
                </button>
            </ActionForm>
            <div class="table-wrap">
                <table class="catalog-table">
                    <thead>
                        <tr>
                            <th scope="col">"Offering"</th><th scope="col">"Type"</th>
                            <th scope="col">"Monthly sends"</th><th scope="col">"Dedicated IPs"</th>
                            <th scope="col">"Teammates"</th><th scope="col">"Subusers"</th>
                            <th scope="col">"On this account"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
