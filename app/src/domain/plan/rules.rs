//! Which plan changes are valid. Each refusal carries the sentence the operator sees.

use serde::{Deserialize, Serialize};

use super::{PackageInfo, PlanAction, PlanField, PlanFieldError, PlanForm, PlanState, PlanTiming};

/// Longest IP group name `reseller.add` accepts (API.md §4.7); the same bound is used here.
pub const MAX_IP_GROUP_LEN: usize = 255;

/// Why `action` cannot be offered to this customer at all, if it cannot. Only what the
/// documents state refuses here; where they are silent, [`warnings`] says what SendGrid may
/// refuse and SendGrid's answer decides.
pub fn action_unavailable(state: &PlanState, action: PlanAction) -> Option<String> {
    match action {
        // "Free customers cannot be downgraded" (API.md §2.2).
        PlanAction::Downgrade if state.current().is_some_and(PackageInfo::is_free) => {
            Some("Free customers cannot be downgraded.".to_string())
        }
        PlanAction::Upgrade | PlanAction::Downgrade if targets(state, action).is_empty() => Some(
            format!("SendGrid lists no package other than {}.", state.package),
        ),
        _ => None,
    }
}

/// Why `target` is not a valid target of `action`, if it is not. Moving to the package the
/// account is on changes nothing, and a close takes no package (API.md §2.3). Prices do not
/// decide: the documents never say that an upgrade must cost more, so a move against the
/// price is a [`warnings`] item, not a refusal.
pub fn target_unavailable(
    state: &PlanState,
    action: PlanAction,
    target: &PackageInfo,
) -> Option<String> {
    if action == PlanAction::Close {
        return Some("A close takes no package.".to_string());
    }
    (target.name == state.package).then(|| format!("{} is the current package.", target.name))
}

/// Whether moving to `target` goes the way `action` says by price: `None` when it does (or
/// when the current price is unknown), else the words "not pricier"/"not cheaper".
pub fn against_price(
    state: &PlanState,
    action: PlanAction,
    target: &PackageInfo,
) -> Option<&'static str> {
    let current = state.current()?;
    match action {
        PlanAction::Upgrade if target.price <= current.price => Some("not pricier"),
        PlanAction::Downgrade if target.price >= current.price => Some("not cheaper"),
        _ => None,
    }
}

/// The packages `action` may move the customer to: those that go the way the action says
/// by price first, each group cheapest first.
pub fn targets(state: &PlanState, action: PlanAction) -> Vec<&PackageInfo> {
    if action == PlanAction::Close {
        return Vec::new();
    }
    let mut list: Vec<&PackageInfo> = state
        .packages
        .iter()
        .filter(|p| target_unavailable(state, action, p).is_none())
        .collect();
    list.sort_by_key(|p| (against_price(state, action, p).is_some(), p.price));
    list
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacementKind {
    /// A free dedicated IP (`ip[]`).
    Ip,
    /// An IP group name (`ip_group[]`).
    IpGroup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    Required,
    Optional,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementRule {
    pub kind: PlacementKind,
    pub need: Need,
}

/// Which IP field a change takes (API.md §2.1, §2.2, §2.4 and §8 item 1): exactly one of
/// `ip[]`/`ip_group[]` is meaningful, chosen by whether the target package has a dedicated IP.
/// An upgrade, now or scheduled, needs it ("you must assign a free IP" / "the user must be
/// placed in an IP group", §2.1); so does a scheduled downgrade, whose fields the documents
/// mark "Maybe Yes", read as conditionally required (§8 item 1); an immediate downgrade may
/// take either (§2.2); a close may take an IP group (§2.3). `None` until a target is known.
pub fn placement_rule(
    action: PlanAction,
    timing: PlanTiming,
    target: Option<&PackageInfo>,
) -> Option<PlacementRule> {
    let kind = |target: &PackageInfo| {
        if target.has_ip {
            PlacementKind::Ip
        } else {
            PlacementKind::IpGroup
        }
    };
    let rule = |kind, need| Some(PlacementRule { kind, need });
    match (action, timing, target) {
        (PlanAction::Close, _, _) => rule(PlacementKind::IpGroup, Need::Optional),
        (_, _, None) => None,
        (PlanAction::Downgrade, PlanTiming::Now, Some(target)) => {
            rule(kind(target), Need::Optional)
        }
        (_, _, Some(target)) => rule(kind(target), Need::Required),
    }
}

/// Where the customer's mail goes out after the change: `ip[]` or `ip_group[]`, each one or
/// more values (API.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    Unchanged,
    Ips(Vec<String>),
    IpGroups(Vec<String>),
}

/// More IPs or IP groups than any package uses; a bound on what a form may post, so a list is
/// reviewed by a person rather than pasted by a script.
pub const MAX_PLACEMENTS: usize = 20;

/// A change that passed every rule, ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidPlanChange {
    pub action: PlanAction,
    pub timing: PlanTiming,
    /// `None` for a close.
    pub target: Option<PackageInfo>,
    pub placement: Placement,
}

/// Checks the form against the customer's state; every problem is reported, each next to
/// its field.
pub fn check(form: &PlanForm, state: &PlanState) -> Result<ValidPlanChange, Vec<PlanFieldError>> {
    let mut errors = Vec::new();
    let action = match PlanAction::parse(&form.action) {
        Some(action) => match action_unavailable(state, action) {
            Some(reason) => {
                errors.push(PlanFieldError::new(PlanField::Action, reason));
                None
            }
            None => Some(action),
        },
        None => {
            errors.push(PlanFieldError::new(
                PlanField::Action,
                "Choose an action: upgrade, downgrade or close.",
            ));
            None
        }
    };
    let timing = PlanTiming::parse(&form.timing);
    if timing.is_none() {
        errors.push(PlanFieldError::new(
            PlanField::Timing,
            "Choose when: now, or at the end of the billing cycle.",
        ));
    }
    let target = action.and_then(|action| check_target(form, state, action, &mut errors));
    let placement = action
        .map(|action| {
            let rule = placement_rule(action, timing.unwrap_or(PlanTiming::Now), target.as_ref());
            check_placement(form, state, action, rule, target.as_ref(), &mut errors)
        })
        .unwrap_or(Placement::Unchanged);
    match (action, timing) {
        (Some(action), Some(timing)) if errors.is_empty() => Ok(ValidPlanChange {
            action,
            timing,
            target,
            placement,
        }),
        _ => Err(errors),
    }
}

fn check_target(
    form: &PlanForm,
    state: &PlanState,
    action: PlanAction,
    errors: &mut Vec<PlanFieldError>,
) -> Option<PackageInfo> {
    let name = form.package.trim();
    if action == PlanAction::Close {
        if !name.is_empty() {
            errors.push(PlanFieldError::new(
                PlanField::Package,
                "A close takes no package; leave the target package empty.",
            ));
        }
        return None;
    }
    if name.is_empty() {
        errors.push(PlanFieldError::new(
            PlanField::Package,
            "Choose a target package.",
        ));
        return None;
    }
    let Some(target) = state.package_named(name) else {
        errors.push(PlanFieldError::new(
            PlanField::Package,
            format!("SendGrid has no package named {name:?}."),
        ));
        return None;
    };
    if let Some(reason) = target_unavailable(state, action, target) {
        errors.push(PlanFieldError::new(PlanField::Package, reason));
        return None;
    }
    Some(target.clone())
}

fn check_placement(
    form: &PlanForm,
    state: &PlanState,
    action: PlanAction,
    rule: Option<PlacementRule>,
    target: Option<&PackageInfo>,
    errors: &mut Vec<PlanFieldError>,
) -> Placement {
    let (ips, groups) = (form.ips(), form.ip_groups());
    let Some(rule) = rule else {
        // No valid target: the package error already says what to fix.
        return Placement::Unchanged;
    };
    let target_name = target.map(|t| t.name.as_str()).unwrap_or("The account");
    match rule.kind {
        PlacementKind::Ip => {
            if !groups.is_empty() {
                errors.push(PlanFieldError::new(
                    PlanField::IpGroup,
                    format!(
                        "{target_name} has a dedicated IP; choose IP addresses, not IP groups."
                    ),
                ));
            }
            if ips.is_empty() {
                if rule.need == Need::Required {
                    errors.push(PlanFieldError::new(
                        PlanField::Ip,
                        format!("{target_name} needs a dedicated IP: choose a free IP address."),
                    ));
                }
                return Placement::Unchanged;
            }
            if ips.len() > MAX_PLACEMENTS {
                errors.push(PlanFieldError::new(
                    PlanField::Ip,
                    format!("Choose at most {MAX_PLACEMENTS} IP addresses."),
                ));
                return Placement::Unchanged;
            }
            let usable = state.ips_for(action);
            let taken: Vec<&str> = ips
                .iter()
                .filter(|ip| !usable.contains(ip))
                .map(String::as_str)
                .collect();
            if !taken.is_empty() {
                // §2.1 assigns a free IP; §2.2 lets a downgrade take one of the reseller's own.
                let (list, verb) = match (taken.as_slice(), action) {
                    ([one], PlanAction::Downgrade) => (
                        one.to_string(),
                        "is neither free nor one of your assigned IPs",
                    ),
                    (several, PlanAction::Downgrade) => (
                        several.join(", "),
                        "are neither free nor among your assigned IPs",
                    ),
                    ([one], _) => (one.to_string(), "is not a free IP address"),
                    (several, _) => (several.join(", "), "are not free IP addresses"),
                };
                errors.push(PlanFieldError::new(
                    PlanField::Ip,
                    format!("{list} {verb}; choose from the list."),
                ));
                return Placement::Unchanged;
            }
            Placement::Ips(ips)
        }
        PlacementKind::IpGroup => {
            if !ips.is_empty() {
                let message = match action {
                    PlanAction::Close => "A close takes no IP address; leave it empty.".to_string(),
                    _ => {
                        format!("{target_name} has no dedicated IP; leave the IP addresses empty.")
                    }
                };
                errors.push(PlanFieldError::new(PlanField::Ip, message));
            }
            if groups.is_empty() {
                if rule.need == Need::Required {
                    errors.push(PlanFieldError::new(
                        PlanField::IpGroup,
                        format!("{target_name} has no dedicated IP: name the IP group to place the customer in."),
                    ));
                }
                return Placement::Unchanged;
            }
            if groups.len() > MAX_PLACEMENTS {
                errors.push(PlanFieldError::new(
                    PlanField::IpGroup,
                    format!("Name at most {MAX_PLACEMENTS} IP groups."),
                ));
                return Placement::Unchanged;
            }
            if groups.iter().any(|g| g.chars().count() > MAX_IP_GROUP_LEN) {
                errors.push(PlanFieldError::new(
                    PlanField::IpGroup,
                    format!("An IP group name has at most {MAX_IP_GROUP_LEN} characters."),
                ));
                return Placement::Unchanged;
            }
            Placement::IpGroups(groups)
        }
    }
}

/// Destructive changes need the username typed exactly.
pub fn check_confirmation(
    action: PlanAction,
    username: &str,
    typed: &str,
) -> Result<(), PlanFieldError> {
    if !action.is_destructive() || typed.trim() == username {
        return Ok(());
    }
    Err(PlanFieldError::new(
        PlanField::Confirm,
        format!("Type the username {username} exactly to confirm."),
    ))
}

#[cfg(test)]
#[path = "rules_tests.rs"]
pub(super) mod tests;
