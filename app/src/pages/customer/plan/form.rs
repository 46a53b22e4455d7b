//! The change form: action x timing, target package, and the IP field the target needs. Only
//! valid choices are offered, and what is not offered says why. "Review change" is a GET to
//! the review step, carrying the idempotency key minted when this form was rendered.

use leptos::prelude::*;

use super::super::revert::{RevertField, RevertNotice};
use leptos_router::components::Form;

use super::super::outcome::FieldMessage;
use super::plan_href;
use crate::api::plan::PlanView;
use crate::components::adopt_controls;
use crate::domain::change::message_for;
use crate::domain::money::group_thousands;
use crate::domain::plan::{
    action_unavailable, against_price, placement_rule, targets, Need, PlacementKind, PlanAction,
    PlanField, PlanFieldError, PlanForm, PlanTiming,
};

#[component]
pub fn ChangeForm(
    view: PlanView,
    initial: PlanForm,
    errors: Vec<PlanFieldError>,
    page_key: String,
) -> impl IntoView {
    let state = StoredValue::new(view.state.clone());
    let available: Vec<(PlanAction, Option<String>)> = PlanAction::ALL
        .into_iter()
        .map(|action| (action, action_unavailable(&view.state, action)))
        .collect();
    if available.iter().all(|(_, reason)| reason.is_some()) {
        let reason = available[0].1.clone().unwrap_or_default();
        return view! { <p class="empty-inline">{format!("No change can be made now. {reason}")}</p> }
            .into_any();
    }
    let first_available = available
        .iter()
        .find(|(_, reason)| reason.is_none())
        .map(|(action, _)| *action);
    let offered: Vec<PlanAction> = available
        .iter()
        .filter(|(_, reason)| reason.is_none())
        .map(|(action, _)| *action)
        .collect();
    let action = RwSignal::new(PlanAction::parse(&initial.action).or(first_available));
    let package = RwSignal::new(initial.package.trim().to_string());
    let timing = RwSignal::new(PlanTiming::parse(&initial.timing).unwrap_or(PlanTiming::Now));
    // The package list follows the action only where a script can change it, and only once
    // both follow what their selects show (either may have been changed before the code
    // arrived; a package the chosen action does not offer is dropped, as on a change).
    let scripted = RwSignal::new(false);
    let (action_select, timing_select, package_select) = (
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Select>::new(),
    );
    adopt_controls(move || {
        let (shown_action, shown_package) = (action_select.get()?, package_select.get()?);
        if let Some(shown) = timing_select
            .get()
            .and_then(|t| PlanTiming::parse(&t.value()))
        {
            timing.set(shown);
        }
        let chosen = PlanAction::parse(&shown_action.value()).or(first_available);
        let shown_package = shown_package.value();
        let offered = chosen.is_some_and(|a| {
            state.with_value(|s| targets(s, a).iter().any(|p| p.name == shown_package))
        });
        action.set(chosen);
        package.set(if offered {
            shown_package
        } else {
            String::new()
        });
        scripted.set(true);
        Some(())
    });
    let target = Memo::new(move |_| {
        let name = package.get();
        state.with_value(|s| s.package_named(&name).cloned())
    });
    let rule = Memo::new(move |_| {
        action
            .get()
            .and_then(|a| placement_rule(a, timing.get(), target.get().as_ref()))
    });
    // Without JavaScript the fields cannot follow the choices: all of them show.
    let show_ip = move || {
        !scripted.get()
            || (action.get() != Some(PlanAction::Close)
                && rule.get().is_none_or(|r| r.kind == PlacementKind::Ip))
    };
    let show_group =
        move || !scripted.get() || rule.get().is_none_or(|r| r.kind == PlacementKind::IpGroup);
    let cycle_end = view
        .state
        .cycle
        .map(|c| format!(" ({})", c.end))
        .unwrap_or_default();
    let unavailable: Vec<String> = available
        .iter()
        .filter_map(|(action, reason)| reason.as_ref().map(|r| format!("{}: {r}", action.label())))
        .collect();
    let error = |field: PlanField| message_for(&errors, &field);
    let (action_error, timing_error, package_error, ip_error, group_error) = (
        error(PlanField::Action),
        error(PlanField::Timing),
        error(PlanField::Package),
        error(PlanField::Ip),
        error(PlanField::IpGroup),
    );
    let invalid = |message: &Option<String>| message.is_some().then_some("true");
    let free_ips = view.state.free_ips.clone();
    // A downgrade may also take one of the reseller's own IPs (API.md §2.2).
    let assigned_only: Vec<String> = view
        .state
        .assigned_ips
        .iter()
        .filter(|ip| !free_ips.contains(ip))
        .cloned()
        .collect();
    let no_ips = free_ips.is_empty() && assigned_only.is_empty();
    let chosen_ips = initial.ips();
    // The checkboxes, in SendGrid's order: every chosen IP (a choice is never hidden), then
    // free IPs, then the reseller's own, IPS_LISTED in all; any other is typed in the box.
    let listed_free = listed(&free_ips, &chosen_ips, super::IPS_LISTED);
    let listed_assigned = listed(
        &assigned_only,
        &chosen_ips,
        super::IPS_LISTED.saturating_sub(listed_free.len()),
    );
    let more_ips = unlisted_label(
        free_ips.len() - listed_free.len(),
        assigned_only.len() - listed_assigned.len(),
    );
    let typed_ips = chosen_ips
        .iter()
        .filter(|ip| !listed_free.contains(ip) && !listed_assigned.contains(ip))
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let known_groups = view.known_groups.clone();
    let downgrade_only = move || scripted.get() && action.get() != Some(PlanAction::Downgrade);
    let chosen_groups = initial.ip_groups().join("\n");
    let holds_ip = view.state.current().is_some_and(|c| c.has_ip);

    view! {
        <Form method="get" action=plan_href(&page_key) attr:class="plan-form" attr:novalidate=true>
            <input type="hidden" name="key" value=view.change_key.clone() />
            <RevertField />
            <RevertNotice />
            <div class="form-grid">
                <div class="field">
                    <label for="plan-action">"Action"</label>
                    <select id="plan-action" name="action" node_ref=action_select aria-invalid=invalid(&action_error)
                        aria-describedby=action_error.as_ref().map(|_| "plan-action-error")
                        on:change=move |ev| {
                            let chosen = PlanAction::parse(&event_target_value(&ev));
                            action.set(chosen);
                            // A package valid for the old action may not be one for the new.
                            let still_valid = chosen.is_some_and(|a| state.with_value(|s| {
                                targets(s, a).iter().any(|p| p.name == package.get_untracked())
                            }));
                            if !still_valid {
                                package.set(String::new());
                            }
                        }>
                        {available.iter().map(|(choice, reason)| {
                            let choice = *choice;
                            view! {
                                <option value=choice.as_str() disabled=reason.is_some()
                                    selected=move || action.get() == Some(choice)>
                                    {choice.label()}{reason.is_some().then_some(" (unavailable)")}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    <FieldMessage id="plan-action-error" message=action_error.clone() />
                </div>
                <div class="field">
                    <label for="plan-timing">"Timing"</label>
                    <select id="plan-timing" name="timing" node_ref=timing_select aria-invalid=invalid(&timing_error)
                        on:change=move |ev| {
                            if let Some(chosen) = PlanTiming::parse(&event_target_value(&ev)) {
                                timing.set(chosen);
                            }
                        }>
                        <option value=PlanTiming::Now.as_str() selected=move || timing.get_untracked() == PlanTiming::Now>"Now"</option>
                        <option value=PlanTiming::EndOfCycle.as_str() selected=move || timing.get_untracked() == PlanTiming::EndOfCycle>
                            {format!("At the end of the billing cycle{cycle_end}")}
                        </option>
                    </select>
                    <FieldMessage id="plan-timing-error" message=timing_error />
                </div>
                <div class="field">
                    <label for="plan-package">"Target package"</label>
                    <select id="plan-package" name="package" node_ref=package_select
                        aria-invalid=invalid(&package_error)
                        aria-describedby=move || if action.get() == Some(PlanAction::Close) { Some("plan-package-hint") } else { None }
                        on:change=move |ev| package.set(event_target_value(&ev))>
                        <option value="">"Choose a package"</option>
                        {move || {
                            let chosen = package.get_untracked();
                            let options = move |a: PlanAction| state.with_value(|s| {
                                targets(s, a).into_iter().map(|p| {
                                    let selected = p.name == chosen;
                                    // Shown, not refused: the review says SendGrid may refuse it.
                                    let against = against_price(s, a, p)
                                        .map(|words| format!(" ({words})"))
                                        .unwrap_or_default();
                                    let label = format!(
                                        "{} — {}{}{against}",
                                        p.name,
                                        p.price,
                                        if p.has_ip { ", dedicated IP" } else { "" }
                                    );
                                    view! { <option value=p.name.to_string() selected=selected>{label}</option> }
                                }).collect_view()
                            });
                            if scripted.get() {
                                return action.get().map(options).into_any();
                            }
                            // Without JavaScript the list cannot follow the action: offer the
                            // targets of every action, grouped; the review step checks the pair.
                            [PlanAction::Upgrade, PlanAction::Downgrade]
                                .into_iter()
                                .filter(|a| offered.contains(a))
                                .map(|a| view! { <optgroup label=format!("{} to", a.label())>{options(a)}</optgroup> })
                                .collect_view()
                                .into_any()
                        }}
                    </select>
                    {move || (action.get() == Some(PlanAction::Close)).then(|| view! {
                        <p class="hint" id="plan-package-hint">"A close needs no package: the account reverts to free."</p>
                    })}
                    <FieldMessage id="plan-package-error" message=package_error />
                </div>
                // `ip[]` is a list (API.md §2.1): each free IP a checkbox of its own.
                <fieldset class="field ip-choices" class:is-hidden=move || !show_ip()
                    disabled=move || !show_ip()>
                    <legend>"IP addresses"</legend>
                    {if no_ips {
                        view! { <p class="hint">"SendGrid lists no free IP address."</p> }.into_any()
                    } else {
                        view! {
                            <div class="ip-list">
                                {listed_free.into_iter().map(|ip| {
                                    let checked = chosen_ips.contains(&ip);
                                    view! {
                                        <label class="check">
                                            <input type="checkbox" name="ip[]" value=ip.clone() checked=checked />
                                            <span>{ip.clone()}</span>
                                        </label>
                                    }
                                }).collect_view()}
                                {listed_assigned.into_iter().map(|ip| {
                                    let checked = chosen_ips.contains(&ip);
                                    view! {
                                        <label class="check check-assigned" class:is-hidden=downgrade_only>
                                            <input type="checkbox" name="ip[]" value=ip.clone() checked=checked disabled=downgrade_only />
                                            <span>{ip.clone()}<small>" (yours; downgrades only)"</small></span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                            {(more_ips.is_some() || !typed_ips.is_empty()).then(|| view! {
                                <label for="plan-ip-more">{more_ips.clone().unwrap_or_else(|| "Other IP addresses, one per line".to_string())}</label>
                                <textarea id="plan-ip-more" name="ip[]" rows="2" autocomplete="off" spellcheck="false"
                                    aria-invalid=invalid(&ip_error) aria-describedby="plan-ip-error">{typed_ips.clone()}</textarea>
                            })}
                        }.into_any()
                    }}
                    <p class="hint">
                        {move || match rule.get() {
                            Some(r) if r.kind == PlacementKind::Ip && r.need == Need::Required => "Required: the target package has a dedicated IP; tick one or more free IP addresses.",
                            _ if holds_ip => "Optional: leave all unticked to keep the current dedicated IP.",
                            _ => "For packages with a dedicated IP: one or more of the free IP addresses.",
                        }}
                    </p>
                    <FieldMessage id="plan-ip-error" message=ip_error />
                </fieldset>
                <div class="field" class:is-hidden=move || !show_group()>
                    <label for="plan-ip-group">"IP groups"</label>
                    <textarea id="plan-ip-group" name="ip_group" rows="2" autocomplete="off" spellcheck="false"
                        aria-invalid=invalid(&group_error) aria-describedby="plan-ip-group-hint"
                        disabled=move || !show_group()>{chosen_groups}</textarea>
                    <p class="hint" id="plan-ip-group-hint">
                        {move || match rule.get() {
                            Some(r) if r.need == Need::Required => "Required: the target package has no dedicated IP, so the customer joins your IP groups, one per line, e.g. Reseller Group.",
                            _ => "Optional: the IP groups to place the customer in, one per line, e.g. Reseller Group.",
                        }}
                    </p>
                    {(!known_groups.is_empty()).then(|| view! {
                        <p class="hint" data-testid="known-groups">
                            "Used before: " {known_groups.join(", ")}
                        </p>
                    })}
                    <FieldMessage id="plan-ip-group-error" message=group_error />
                </div>
            </div>
            {(!unavailable.is_empty()).then(|| view! {
                <div class="unavailable">
                    <p>"Not offered:"</p>
                    <ul>{unavailable.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}</ul>
                </div>
            })}
            // The button names the step, so the GET carries `review=1` with or without JavaScript.
            <button type="submit" class="button" name="review" value="1">"Review change"</button>
        </Form>
    }
    .into_any()
}

/// Of `ips`, those to show as checkboxes, in their order: every chosen one, and as many
/// others as fit in `room` beside them.
fn listed(ips: &[String], chosen: &[String], room: usize) -> Vec<String> {
    let chosen_here = ips.iter().filter(|ip| chosen.contains(ip)).count();
    let mut others = room.saturating_sub(chosen_here);
    ips.iter()
        .filter(|ip| {
            if chosen.contains(ip) {
                return true;
            }
            let fits = others > 0;
            others = others.saturating_sub(1);
            fits
        })
        .cloned()
        .collect()
}

/// The label of the box for IPs the form does not list, saying which kind they are: for an
/// upgrade only free ones count, a downgrade may also take the reseller's own (API.md §2.2).
fn unlisted_label(free: usize, own: usize) -> Option<String> {
    let (free_n, own_n) = (group_thousands(free as u64), group_thousands(own as u64));
    match (free, own) {
        (0, 0) => None,
        (_, 0) => Some(format!(
            "Other IP addresses, one per line ({free_n} more free ones are not listed)"
        )),
        (0, _) => Some(format!(
            "Other IP addresses, one per line ({own_n} of your own are not listed; downgrades only)"
        )),
        _ => Some(format!(
            "Other IP addresses, one per line ({free_n} free and {own_n} of your own, downgrades only, are not listed)"
        )),
    }
}
