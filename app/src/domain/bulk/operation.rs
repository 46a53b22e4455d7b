//! The one operation a bulk change applies to every chosen customer, and the form it comes from.

use serde::{Deserialize, Serialize};

use crate::domain::change::{group_thousands, FieldError};
use crate::domain::limits::LimitTask;
use crate::domain::offerings::{OfferingKind, OfferingLine, OfferingSet, WritableState};
use crate::domain::plan::{
    PlanAction, PlanForm, PlanTiming, MAX_IP_GROUP_LEN, MAX_PLACEMENTS as MAX_IP_GROUPS,
};
use crate::domain::AuditAction;

/// The largest credit amount a bulk limit change takes (the v2 API's credits are 32-bit).
pub const MAX_CREDITS: u64 = 2_147_483_647;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkOperation {
    AddAddon {
        name: String,
        quantity: u32,
    },
    RemoveAddon {
        name: String,
    },
    SetPackage {
        name: String,
    },
    LimitTotal {
        credits: u64,
    },
    LimitIncrement {
        credits: u64,
    },
    LimitNone,
    State {
        state: WritableState,
    },
    /// Upgrade, downgrade or close (API.md §2.1–2.5), each customer checked by the same rules
    /// as the Plan tab. Only IP groups are taken: a free IP is one customer's, not a batch's.
    Plan {
        action: PlanAction,
        timing: PlanTiming,
        /// `None` for a close.
        package: Option<String>,
        ip_groups: Vec<String>,
    },
}

/// Which API a customer must have for the operation to apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// A v3 account id (offerings, state).
    Account,
    /// A v2 username (credit limits).
    Username,
}

impl BulkOperation {
    pub fn needs(&self) -> Needs {
        match self {
            BulkOperation::LimitTotal { .. }
            | BulkOperation::LimitIncrement { .. }
            | BulkOperation::LimitNone
            | BulkOperation::Plan { .. } => Needs::Username,
            _ => Needs::Account,
        }
    }

    /// Takes something away from customers: the start needs a typed confirmation.
    pub fn removes(&self) -> bool {
        matches!(
            self,
            BulkOperation::RemoveAddon { .. }
                | BulkOperation::LimitNone
                | BulkOperation::State {
                    state: WritableState::Deactivated
                }
        ) || matches!(self, BulkOperation::Plan { action, .. } if action.is_destructive())
    }

    /// The plan form one customer's change is checked as, the Plan tab's own.
    pub fn plan_form(&self) -> Option<PlanForm> {
        match self {
            BulkOperation::Plan {
                action,
                timing,
                package,
                ip_groups,
            } => Some(PlanForm {
                action: action.as_str().to_string(),
                timing: timing.as_str().to_string(),
                package: package.clone().unwrap_or_default(),
                ip: Vec::new(),
                ip_group: ip_groups.clone(),
            }),
            _ => None,
        }
    }

    /// The audit log's action, the same one a single change records.
    pub fn action(&self) -> AuditAction {
        match self {
            BulkOperation::AddAddon { .. }
            | BulkOperation::RemoveAddon { .. }
            | BulkOperation::SetPackage { .. } => AuditAction::OfferingsUpdate,
            BulkOperation::LimitTotal { .. } => AuditAction::Limits(LimitTask::Total),
            BulkOperation::LimitIncrement { .. } => AuditAction::Limits(LimitTask::Increment),
            BulkOperation::LimitNone => AuditAction::Limits(LimitTask::Remove),
            BulkOperation::State { .. } => AuditAction::StateUpdate,
            BulkOperation::Plan { action, timing, .. } => AuditAction::Plan(*action, *timing),
        }
    }

    /// "Add the add-on ip_addon (quantity 2)".
    pub fn summary(&self) -> String {
        match self {
            BulkOperation::AddAddon { name, quantity } => {
                format!("Add the add-on {name} (quantity {quantity})")
            }
            BulkOperation::RemoveAddon { name } => format!("Remove the add-on {name}"),
            BulkOperation::SetPackage { name } => format!("Set the package to {name}"),
            BulkOperation::LimitTotal { credits } => format!(
                "Set the credit limit to {} credits",
                group_thousands(*credits as i64)
            ),
            BulkOperation::LimitIncrement { credits } => format!(
                "Add {} credits to the credit limit",
                group_thousands(*credits as i64)
            ),
            BulkOperation::LimitNone => "Remove the credit limit".to_string(),
            BulkOperation::State { state } => match state {
                WritableState::Activated => "Activate the account".to_string(),
                WritableState::Deactivated => "Deactivate the account".to_string(),
            },
            BulkOperation::Plan {
                action,
                timing,
                package,
                ip_groups,
            } => {
                let what = match (action, package) {
                    (PlanAction::Close, _) | (_, None) => "Close the account".to_string(),
                    (PlanAction::Upgrade, Some(p)) => format!("Upgrade to {p}"),
                    (PlanAction::Downgrade, Some(p)) => format!("Downgrade to {p}"),
                };
                let when = match timing {
                    PlanTiming::Now => "now",
                    PlanTiming::EndOfCycle => "at the end of each customer's billing cycle",
                };
                let groups = match ip_groups.as_slice() {
                    [] => String::new(),
                    groups => format!(", in the IP groups {}", groups.join(", ")),
                };
                format!("{what} {when}{groups}")
            }
        }
    }

    /// The offerings an account would hold after the operation, or `None` when it already
    /// holds them (nothing to send). Only for offerings operations.
    pub fn offerings_after(&self, current: &[OfferingLine]) -> Result<Option<OfferingSet>, String> {
        let mut lines: Vec<OfferingLine> = current.to_vec();
        match self {
            BulkOperation::AddAddon { name, quantity } => {
                let quantity = i64::from(*quantity);
                match lines
                    .iter_mut()
                    .find(|l| l.kind == OfferingKind::Addon && &l.name == name)
                {
                    Some(line) if line.quantity == quantity => return Ok(None),
                    Some(line) => line.quantity = quantity,
                    None => lines.push(OfferingLine {
                        name: name.clone(),
                        kind: OfferingKind::Addon,
                        quantity,
                    }),
                }
            }
            BulkOperation::RemoveAddon { name } => {
                let before = lines.len();
                lines.retain(|l| !(l.kind == OfferingKind::Addon && &l.name == name));
                if lines.len() == before {
                    return Ok(None);
                }
            }
            BulkOperation::SetPackage { name } => {
                let has = lines
                    .iter()
                    .any(|l| l.kind == OfferingKind::Package && &l.name == name);
                let only = lines
                    .iter()
                    .filter(|l| l.kind == OfferingKind::Package)
                    .count()
                    == 1;
                if has && only {
                    return Ok(None);
                }
                lines.retain(|l| l.kind != OfferingKind::Package);
                lines.insert(
                    0,
                    OfferingLine {
                        name: name.clone(),
                        kind: OfferingKind::Package,
                        quantity: 1,
                    },
                );
            }
            _ => return Err("This operation does not change offerings.".to_string()),
        }
        OfferingSet::parse(&lines).map(Some).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BulkField {
    Customers,
    Operation,
    Name,
    Quantity,
    Credits,
    State,
    /// The plan change's target package.
    PlanPackage,
    Timing,
    IpGroup,
    Concurrency,
    Confirm,
}

/// The operation part of the bulk form, as typed.
/// Fields a form leaves out read as empty: each operation posts only its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperationForm {
    /// add_addon, remove_addon, set_package, limit_total, limit_increment, limit_none, state
    pub op: String,
    /// Add-on or package name.
    pub name: String,
    pub quantity: String,
    pub credits: String,
    pub state: String,
    /// A plan change's target package (`package` is the directory filter's).
    pub plan_package: String,
    /// now or end_of_cycle.
    pub timing: String,
    /// IP groups, one per line.
    pub ip_group: String,
}

pub const OPERATIONS: [(&str, &str); 10] = [
    ("add_addon", "Offerings: add an add-on"),
    ("remove_addon", "Offerings: remove an add-on"),
    ("set_package", "Offerings: set the package"),
    ("limit_total", "Credit limit: set a total"),
    ("limit_increment", "Credit limit: add credits"),
    ("limit_none", "Credit limit: remove it"),
    ("state", "Account state: activate or deactivate"),
    ("plan_upgrade", "Plan: upgrade"),
    ("plan_downgrade", "Plan: downgrade"),
    ("plan_close", "Plan: close the account"),
];

/// The plan action an operation's value names (`plan_upgrade` is an upgrade).
pub fn plan_action_of(op: &str) -> Option<PlanAction> {
    PlanAction::parse(op.trim().strip_prefix("plan_")?)
}

impl OperationForm {
    /// The same checks in the browser and on the server.
    pub fn parse(&self) -> Result<BulkOperation, Vec<FieldError<BulkField>>> {
        let name = || -> Result<String, Vec<FieldError<BulkField>>> {
            let name = self.name.trim();
            if name.is_empty() {
                return Err(vec![FieldError::new(
                    BulkField::Name,
                    "Choose the offering by name.",
                )]);
            }
            if name.len() > 100 || name.chars().any(char::is_control) {
                return Err(vec![FieldError::new(
                    BulkField::Name,
                    "An offering name is at most 100 characters, without control characters.",
                )]);
            }
            Ok(name.to_string())
        };
        let credits = || -> Result<u64, Vec<FieldError<BulkField>>> {
            let text = self.credits.trim().replace([',', '_'], "");
            match text.parse::<u64>() {
                Ok(n) if (1..=MAX_CREDITS).contains(&n) => Ok(n),
                _ => Err(vec![FieldError::new(
                    BulkField::Credits,
                    format!(
                        "Enter a whole number of credits from 1 to {}.",
                        group_thousands(MAX_CREDITS as i64)
                    ),
                )]),
            }
        };
        match self.op.trim() {
            "add_addon" => {
                let name = name()?;
                let quantity = match self.quantity.trim() {
                    "" => 1,
                    text => text
                        .parse::<u32>()
                        .ok()
                        .filter(|q| (1..=1000).contains(q))
                        .ok_or_else(|| {
                            vec![FieldError::new(
                                BulkField::Quantity,
                                "Enter a quantity from 1 to 1,000.",
                            )]
                        })?,
                };
                Ok(BulkOperation::AddAddon { name, quantity })
            }
            "remove_addon" => Ok(BulkOperation::RemoveAddon { name: name()? }),
            "set_package" => Ok(BulkOperation::SetPackage { name: name()? }),
            "limit_total" => Ok(BulkOperation::LimitTotal {
                credits: credits()?,
            }),
            "limit_increment" => Ok(BulkOperation::LimitIncrement {
                credits: credits()?,
            }),
            "limit_none" => Ok(BulkOperation::LimitNone),
            "state" => WritableState::parse(&self.state)
                .map(|state| BulkOperation::State { state })
                .ok_or_else(|| {
                    vec![FieldError::new(
                        BulkField::State,
                        "Choose activated or deactivated.",
                    )]
                }),
            op if plan_action_of(op).is_some() => self.parse_plan(plan_action_of(op)),
            "" => Err(vec![FieldError::new(
                BulkField::Operation,
                "Choose what to change.",
            )]),
            _ => Err(vec![FieldError::new(
                BulkField::Operation,
                "That operation is not one the console offers.",
            )]),
        }
    }

    /// A plan change: when, which package (none for a close) and IP groups. Which customers
    /// it suits is each one's own check (`domain::plan::check`), made on the review step.
    fn parse_plan(
        &self,
        action: Option<PlanAction>,
    ) -> Result<BulkOperation, Vec<FieldError<BulkField>>> {
        let Some(action) = action else {
            return Err(vec![FieldError::new(
                BulkField::Operation,
                "That operation is not one the console offers.",
            )]);
        };
        let mut errors = Vec::new();
        let timing = PlanTiming::parse(&self.timing);
        if timing.is_none() {
            errors.push(FieldError::new(
                BulkField::Timing,
                "Choose when: now, or at the end of each customer's billing cycle.",
            ));
        }
        let package = self.plan_package.trim();
        let package = match action {
            PlanAction::Close if !package.is_empty() => {
                errors.push(FieldError::new(
                    BulkField::PlanPackage,
                    "A close takes no package; leave the target package empty.",
                ));
                None
            }
            PlanAction::Close => None,
            _ if package.is_empty() => {
                errors.push(FieldError::new(
                    BulkField::PlanPackage,
                    "Choose the target package by name.",
                ));
                None
            }
            _ if package.len() > 100 || package.chars().any(char::is_control) => {
                errors.push(FieldError::new(
                    BulkField::PlanPackage,
                    "A package name is at most 100 characters, without control characters.",
                ));
                None
            }
            _ => Some(package.to_string()),
        };
        let form = PlanForm {
            ip_group: vec![self.ip_group.clone()],
            ..PlanForm::default()
        };
        let ip_groups = form.ip_groups();
        if ip_groups.len() > MAX_IP_GROUPS
            || ip_groups
                .iter()
                .any(|g| g.chars().count() > MAX_IP_GROUP_LEN)
        {
            errors.push(FieldError::new(
                BulkField::IpGroup,
                format!(
                    "Name at most {MAX_IP_GROUPS} IP groups, each at most {MAX_IP_GROUP_LEN} \
                     characters."
                ),
            ));
        }
        match timing {
            Some(timing) if errors.is_empty() => Ok(BulkOperation::Plan {
                action,
                timing,
                package,
                ip_groups,
            }),
            _ => Err(errors),
        }
    }

    /// The query-string pairs that carry this form from step to step.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        [
            ("op", &self.op),
            ("name", &self.name),
            ("quantity", &self.quantity),
            ("credits", &self.credits),
            ("state", &self.state),
            ("plan_package", &self.plan_package),
            ("timing", &self.timing),
            ("ip_group", &self.ip_group),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }
}

/// Concurrency as typed: blank means the default of 4; 1 to 16.
pub fn parse_concurrency(text: &str) -> Result<u32, FieldError<BulkField>> {
    match text.trim() {
        "" => Ok(DEFAULT_CONCURRENCY),
        text => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=16).contains(n))
            .ok_or_else(|| {
                FieldError::new(
                    BulkField::Concurrency,
                    "Run from 1 to 16 customers at a time.",
                )
            }),
    }
}

pub const DEFAULT_CONCURRENCY: u32 = 4;
