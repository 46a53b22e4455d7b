//! The one operation a bulk change applies to every chosen customer, and the form it comes from.

use serde::{Deserialize, Serialize};

use crate::domain::change::{group_thousands, FieldError};
use crate::domain::offerings::{OfferingKind, OfferingLine, OfferingSet, WritableState};

/// The largest credit amount a bulk limit change takes (the v2 API's credits are 32-bit).
pub const MAX_CREDITS: u64 = 2_147_483_647;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkOperation {
    AddAddon { name: String, quantity: u32 },
    RemoveAddon { name: String },
    SetPackage { name: String },
    LimitTotal { credits: u64 },
    LimitIncrement { credits: u64 },
    LimitNone,
    State { state: WritableState },
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
            | BulkOperation::LimitNone => Needs::Username,
            _ => Needs::Account,
        }
    }

    /// Sending it twice leaves the customer as sending it once did. Only such operations are
    /// tried again by themselves after a server error; an increment never is.
    pub fn idempotent(&self) -> bool {
        !matches!(self, BulkOperation::LimitIncrement { .. })
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
        )
    }

    /// The audit log's action, the same one a single change records.
    pub fn action(&self) -> &'static str {
        match self {
            BulkOperation::AddAddon { .. }
            | BulkOperation::RemoveAddon { .. }
            | BulkOperation::SetPackage { .. } => "offerings.update",
            BulkOperation::LimitTotal { .. } => "limits.total",
            BulkOperation::LimitIncrement { .. } => "limits.increment",
            BulkOperation::LimitNone => "limits.none",
            BulkOperation::State { .. } => "state.update",
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
    Concurrency,
    Confirm,
}

/// The operation part of the bulk form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationForm {
    /// add_addon, remove_addon, set_package, limit_total, limit_increment, limit_none, state
    pub op: String,
    /// Add-on or package name.
    pub name: String,
    pub quantity: String,
    pub credits: String,
    pub state: String,
}

pub const OPERATIONS: [(&str, &str); 7] = [
    ("add_addon", "Offerings: add an add-on"),
    ("remove_addon", "Offerings: remove an add-on"),
    ("set_package", "Offerings: set the package"),
    ("limit_total", "Credit limit: set a total"),
    ("limit_increment", "Credit limit: add credits"),
    ("limit_none", "Credit limit: remove it"),
    ("state", "Account state: activate or deactivate"),
];

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

    /// The query-string pairs that carry this form from step to step.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        [
            ("op", &self.op),
            ("name", &self.name),
            ("quantity", &self.quantity),
            ("credits", &self.credits),
            ("state", &self.state),
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
