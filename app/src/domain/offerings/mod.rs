//! v3 offerings (API.md §5.1, §5.6, §5.7): what an account may hold, the form that edits it,
//! and the diff the review step shows. The PUT overwrites, so the console always sends the
//! whole desired set; [`OfferingSet`] is the only way to build one.

mod diff;
mod form;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::change::{ChangeError, FieldError};

mod delta;

pub use delta::apply_delta;
pub use diff::{diff, needs_confirmation, DiffChange, DiffLine};
pub use form::{check_catalog, OfferingsForm};
pub use state::{AccountStateName, StateMeaning, WritableState, STATE_TABLE};

pub type OfferingFieldError = FieldError<OfferingField>;
pub type OfferingsError = ChangeError<OfferingField>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OfferingKind {
    /// Email infrastructure; an account has exactly one, with quantity 1.
    Package,
    /// Marketing Campaigns, dedicated IPs, expert services...
    Addon,
}

impl OfferingKind {
    pub fn parse(value: &str) -> Option<OfferingKind> {
        match value.trim() {
            "package" => Some(OfferingKind::Package),
            "addon" => Some(OfferingKind::Addon),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OfferingKind::Package => "package",
            OfferingKind::Addon => "addon",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OfferingKind::Package => "Package",
            OfferingKind::Addon => "Add-on",
        }
    }
}

/// One offering as SendGrid lists it or as a form names it; not yet checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingLine {
    pub name: String,
    pub kind: OfferingKind,
    pub quantity: i64,
}

/// What an offering comes with (API.md §5.2); absent when the catalog leaves one out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    pub email_sends_max_monthly: Option<i64>,
    pub ip_count: Option<i64>,
    pub teammates_max_total: Option<i64>,
    pub users_max_total: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub name: String,
    pub kind: OfferingKind,
    pub entitlements: Entitlements,
}

/// A field of the offerings or account state forms.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OfferingField {
    /// The package radio group.
    Package,
    /// The quantity input of one add-on.
    Quantity(String),
    /// The set as a whole (an unknown or duplicated offering).
    Offerings,
    Timing,
    ApplyOn,
    Confirm,
    /// The account state to set.
    State,
}

impl OfferingField {
    /// From the field a v3 error names (`offerings`, `offerings[2].quantity`, ...; API.md
    /// §5.1), given the lines that were sent.
    pub fn from_upstream(field: &str, sent: &[OfferingLine]) -> Option<OfferingField> {
        match field {
            "offerings" => return Some(OfferingField::Offerings),
            "state" => return Some(OfferingField::State),
            _ => {}
        }
        let index = field
            .strip_prefix("offerings[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())?;
        let line = sent.get(index)?;
        Some(match line.kind {
            OfferingKind::Package => OfferingField::Package,
            OfferingKind::Addon if field.ends_with("quantity") => {
                OfferingField::Quantity(line.name.clone())
            }
            OfferingKind::Addon => OfferingField::Offerings,
        })
    }
}

/// One package with quantity 1 plus add-ons with quantities of at least 1, each named once
/// (API.md §5.1, §5.7): what an account may hold, checked before SendGrid sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingSet {
    package: String,
    addons: BTreeMap<String, u32>,
}

impl OfferingSet {
    pub fn parse(lines: &[OfferingLine]) -> Result<OfferingSet, Vec<OfferingFieldError>> {
        let mut errors = Vec::new();
        let packages: Vec<&OfferingLine> = lines
            .iter()
            .filter(|l| l.kind == OfferingKind::Package)
            .collect();
        match packages.as_slice() {
            [] => errors.push(FieldError::new(OfferingField::Package, "Choose a package.")),
            [one] if one.quantity != 1 => errors.push(FieldError::new(
                OfferingField::Package,
                format!(
                    "A package is held once: the quantity of {} must be 1, not {}.",
                    one.name, one.quantity
                ),
            )),
            [_] => {}
            several => errors.push(FieldError::new(
                OfferingField::Package,
                format!(
                    "An account has exactly one package, not {} ({}).",
                    several.len(),
                    several
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
        let mut addons = BTreeMap::new();
        for line in lines.iter().filter(|l| l.kind == OfferingKind::Addon) {
            match u32::try_from(line.quantity).ok().filter(|q| *q >= 1) {
                Some(quantity) => {
                    addons.insert(line.name.trim().to_string(), quantity);
                }
                None => errors.push(FieldError::new(
                    OfferingField::Quantity(line.name.clone()),
                    format!("Enter a quantity of at least 1 for {}.", line.name),
                )),
            }
        }
        let mut seen = BTreeSet::new();
        for line in lines {
            let name = line.name.trim();
            if name.is_empty() {
                errors.push(FieldError::new(
                    OfferingField::Offerings,
                    "Every offering needs a name.",
                ));
            } else if !seen.insert(name) {
                errors.push(FieldError::new(
                    OfferingField::Offerings,
                    format!("{name} is listed more than once."),
                ));
            }
        }
        match packages.first() {
            Some(package) if errors.is_empty() => Ok(OfferingSet {
                package: package.name.trim().to_string(),
                addons,
            }),
            _ => Err(errors),
        }
    }

    pub fn package(&self) -> &str {
        &self.package
    }

    pub fn addons(&self) -> &BTreeMap<String, u32> {
        &self.addons
    }

    /// The package, then the add-ons by name.
    pub fn lines(&self) -> Vec<OfferingLine> {
        let mut lines = vec![OfferingLine {
            name: self.package.clone(),
            kind: OfferingKind::Package,
            quantity: 1,
        }];
        lines.extend(self.addons.iter().map(|(name, q)| OfferingLine {
            name: name.clone(),
            kind: OfferingKind::Addon,
            quantity: i64::from(*q),
        }));
        lines
    }

    /// `package:NAME:1,addon:NAME:2`: the set in one form field, for the review step.
    pub fn encode(&self) -> String {
        encode_lines(&self.lines())
    }
}

/// Whether two lists hold the same offerings in the same quantities, in any order.
pub fn same_holdings(a: &[OfferingLine], b: &[OfferingLine]) -> bool {
    let key = |lines: &[OfferingLine]| {
        let mut keys: Vec<(&'static str, String, i64)> = lines
            .iter()
            .map(|l| (l.kind.as_str(), l.name.trim().to_string(), l.quantity))
            .collect();
        keys.sort();
        keys
    };
    key(a) == key(b)
}

/// `type:name:quantity` items joined by commas; a comma in a name is written `%2C` (and `%`
/// as `%25`), and a colon needs nothing, as the name runs from the first colon to the last.
pub fn encode_lines(lines: &[OfferingLine]) -> String {
    lines
        .iter()
        .map(|l| {
            let name = l.name.replace('%', "%25").replace(',', "%2C");
            format!("{}:{name}:{}", l.kind.as_str(), l.quantity)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Undoes [`encode_lines`]'s escapes in one pass (other `%` sequences are kept as written).
fn unescape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail
            .strip_prefix("%2C")
            .or_else(|| tail.strip_prefix("%2c"))
        {
            out.push(',');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("%25") {
            out.push('%');
            rest = after;
        } else {
            out.push('%');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Reads [`OfferingSet::encode`]'s text back into lines, without judging them.
pub fn decode_lines(text: &str) -> Result<Vec<OfferingLine>, Vec<OfferingFieldError>> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (kind, rest) = item.split_once(':').unzip();
            let (name, quantity) = rest.and_then(|rest| rest.rsplit_once(':')).unzip();
            let name = name.map(|name| unescape_name(name.trim()));
            match (
                kind.and_then(OfferingKind::parse),
                name.as_deref(),
                quantity,
            ) {
                (Some(kind), Some(name), Some(quantity)) => Ok(OfferingLine {
                    name: name.to_string(),
                    kind,
                    quantity: quantity.trim().parse().map_err(|_| {
                        vec![FieldError::new(
                            OfferingField::Quantity(name.trim().to_string()),
                            format!("{quantity:?} is not a whole number."),
                        )]
                    })?,
                }),
                _ => Err(vec![FieldError::new(
                    OfferingField::Offerings,
                    format!("{item:?} is not an offering (type:name:quantity)."),
                )]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
