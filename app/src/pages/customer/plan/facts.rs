//! What SendGrid says about the plan: overview (API.md §2.7), packages (§4.3), free IPs (§4.6).

use leptos::prelude::*;

use crate::api::plan::PlanView;
use crate::domain::money::group_thousands;

fn number(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(value.unsigned_abs()))
}

#[component]
pub fn PlanFacts(view: PlanView) -> impl IntoView {
    let state = view.state;
    let usage = view.usage;
    let current = state.current().cloned();
    let package = current
        .as_ref()
        .map(|p| p.label())
        .unwrap_or_else(|| state.package.to_string());
    let cycle = state.cycle.map(|c| format!("{} to {}", c.start, c.end));
    let renews = state.cycle.and_then(|c| c.process).map(|d| d.to_string());
    let dash = || "—".to_string();
    let mut packages = state.packages.clone();
    packages.sort_by_key(|p| p.price);
    let free_ips = state.free_ips.clone();

    view! {
        <section class="card" aria-labelledby="overview-title">
            <h2 id="overview-title">"Current plan"</h2>
            <dl class="facts">
                <div><dt>"Package"</dt><dd>{package}</dd></div>
                <div><dt>"Billing period"</dt><dd>{cycle.unwrap_or_else(dash)}</dd></div>
                <div><dt>"Next billing"</dt><dd>{renews.unwrap_or_else(dash)}</dd></div>
                <div><dt>"Credits allowed"</dt><dd>{number(usage.credits_allowed)}</dd></div>
                <div><dt>"Credits used"</dt><dd>{number(usage.credits_used)}</dd></div>
                <div><dt>"Credits remaining"</dt><dd>{number(usage.credits_remain)}</dd></div>
                <div><dt>"Overage"</dt><dd>{number(usage.credits_overage)}</dd></div>
                <div><dt>"Reputation"</dt><dd>{format!("{:.0}", usage.reputation)}</dd></div>
            </dl>
        </section>
        <section class="card" aria-labelledby="packages-title">
            <h2 id="packages-title">"Packages"</h2>
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">"Packages SendGrid offers"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Package"</th>
                            <th scope="col" class="num">"Price"</th>
                            <th scope="col" class="num">"Credits"</th>
                            <th scope="col">"Dedicated IP"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {packages.into_iter().map(|p| {
                            let is_current = current.as_ref().is_some_and(|c| c.name == p.name);
                            view! {
                                <tr aria-current=is_current.then_some("true")>
                                    <td>
                                        {p.name.to_string()}
                                        {is_current.then(|| view! { " " <span class="badge badge-ok">"current"</span> })}
                                    </td>
                                    <td class="num">{p.price.to_string()}</td>
                                    <td class="num">{number(p.credits)}</td>
                                    <td>{if p.has_ip { "Yes" } else { "No" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card" aria-labelledby="ips-title">
            <h2 id="ips-title">"Free IP addresses"</h2>
            {if free_ips.is_empty() {
                view! { <p>"No free IP addresses: packages with a dedicated IP cannot be chosen for customers who hold none."</p> }.into_any()
            } else {
                let total = free_ips.len();
                let more = total.saturating_sub(super::IPS_LISTED);
                view! {
                    <p>{format!("{total} free, usable for a package with a dedicated IP:")}</p>
                    <ul class="ip-list">
                        {free_ips.into_iter().take(super::IPS_LISTED).map(|ip| view! { <li><code>{ip}</code></li> }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! {
                        <p class="hint" data-testid="more-free-ips">{format!("…and {more} more; the change form takes any of them.")}</p>
                    })}
                }.into_any()
            }}
        </section>
    }
}
