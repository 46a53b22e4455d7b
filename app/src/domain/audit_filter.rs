//! The `/audit` filters (DESIGN.md: operator, customer, action, outcome, from, to), parsed
//! the same way in the browser, in server functions and in the CSV export route.

use serde::{Deserialize, Serialize};

use super::audit::Outcome;
use super::encode_component;

/// What the auditor asked for; `None` is "any". Dates are whole UTC days, both inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    pub from: Option<IsoDay>,
    pub to: Option<IsoDay>,
}

/// A calendar day written `YYYY-MM-DD` (what `<input type="date">` submits).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IsoDay(String);

impl IsoDay {
    pub fn parse(value: &str) -> Option<IsoDay> {
        let value = value.trim();
        let bytes = value.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return None;
        }
        let month: u32 = value[5..7].parse().ok()?;
        let day: u32 = value[8..10].parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| IsoDay(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The names of the query parameters, in the order the form shows them.
pub const FILTER_FIELDS: [&str; 6] = ["operator", "customer", "action", "outcome", "from", "to"];

impl AuditFilter {
    /// Reads the filter from query values (`get("customer")` ...); blank values mean "any".
    /// The error is a sentence naming the field to fix.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<AuditFilter, String> {
        let text = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        for name in FILTER_FIELDS {
            if text(name).is_some_and(|v| v.chars().count() > 200) {
                return Err(format!("The {name} filter is too long."));
            }
        }
        let outcome = match text("outcome") {
            None => None,
            Some(value) => Some(Outcome::parse(&value).ok_or_else(|| {
                "Choose an outcome: success, failure, unknown or refused.".to_string()
            })?),
        };
        let day = |name: &str, label: &str| match text(name) {
            None => Ok(None),
            Some(value) => IsoDay::parse(&value)
                .map(Some)
                .ok_or_else(|| format!("Enter the {label} date as YYYY-MM-DD.")),
        };
        let filter = AuditFilter {
            operator: text("operator").map(|v| v.to_lowercase()),
            customer: text("customer"),
            action: text("action"),
            outcome,
            from: day("from", "From")?,
            to: day("to", "To")?,
        };
        if let (Some(from), Some(to)) = (&filter.from, &filter.to) {
            if from > to {
                return Err("The From date must be on or before the To date.".to_string());
            }
        }
        Ok(filter)
    }

    /// The filter's non-empty values as `(name, value)` pairs, in form order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.operator.clone(),
            self.customer.clone(),
            self.action.clone(),
            self.outcome.map(|o| o.as_str().to_string()),
            self.from.as_ref().map(|d| d.as_str().to_string()),
            self.to.as_ref().map(|d| d.as_str().to_string()),
        ];
        FILTER_FIELDS
            .into_iter()
            .zip(values)
            .filter_map(|(name, value)| value.map(|v| (name, v)))
            .collect()
    }

    /// `customer=acme&outcome=failure`: for pager and download links.
    pub fn query_string(&self) -> String {
        self.pairs()
            .into_iter()
            .map(|(name, value)| format!("{name}={}", encode_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }
}

/// The `/audit` query as the page sends it: the raw filter values (validated where they are
/// used) and the page cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl AuditQuery {
    /// From query parameters (`get("customer")` ...).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> AuditQuery {
        let id = |name: &str| get(name).and_then(|v| v.trim().parse::<i64>().ok());
        AuditQuery {
            operator: get("operator"),
            customer: get("customer"),
            action: get("action"),
            outcome: get("outcome"),
            from: get("from"),
            to: get("to"),
            before: id("before"),
            after: id("after"),
        }
    }

    pub fn value(&self, name: &str) -> Option<String> {
        match name {
            "operator" => self.operator.clone(),
            "customer" => self.customer.clone(),
            "action" => self.action.clone(),
            "outcome" => self.outcome.clone(),
            "from" => self.from.clone(),
            "to" => self.to.clone(),
            _ => None,
        }
    }

    pub fn filter(&self) -> Result<AuditFilter, String> {
        AuditFilter::parse(|name| self.value(name))
    }

    pub fn cursor(&self) -> Cursor {
        match (self.before, self.after) {
            (Some(id), _) => Cursor::Before(id),
            (None, Some(id)) => Cursor::After(id),
            (None, None) => Cursor::Latest,
        }
    }
}

/// Which page of the keyset-paginated table: the newest, rows older than an id, or rows
/// newer than one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    Latest,
    Before(i64),
    After(i64),
}

impl Cursor {
    /// From `?before=` / `?after=`; `before` wins when both are given, junk means the newest.
    pub fn parse(before: Option<&str>, after: Option<&str>) -> Cursor {
        let id = |value: Option<&str>| value.and_then(|v| v.trim().parse::<i64>().ok());
        match (id(before), id(after)) {
            (Some(before), _) => Cursor::Before(before),
            (None, Some(after)) => Cursor::After(after),
            (None, None) => Cursor::Latest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditFilter, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AuditFilter::parse(|name| map.get(name).cloned())
    }

    #[test]
    fn blank_values_mean_any() {
        let filter = parse(&[("customer", "  "), ("outcome", "")]).unwrap();
        assert!(filter.is_empty());
    }

    #[test]
    fn values_are_trimmed_and_operators_lower_cased() {
        let filter = parse(&[
            ("operator", " Ann@Example.com "),
            ("customer", " acme "),
            ("outcome", "failure"),
            ("from", "2026-11-01"),
            ("to", "2026-11-23"),
        ])
        .unwrap();
        assert_eq!(filter.operator.as_deref(), Some("ann@example.com"));
        assert_eq!(filter.customer.as_deref(), Some("acme"));
        assert_eq!(filter.outcome, Some(Outcome::Failure));
        assert_eq!(
            filter.query_string(),
            "operator=ann%40example.com&customer=acme&outcome=failure&from=2026-11-01&to=2026-11-23"
        );
    }

    #[test]
    fn bad_values_are_named() {
        assert!(parse(&[("outcome", "maybe")])
            .unwrap_err()
            .contains("outcome"));
        assert!(parse(&[("from", "23/11/2026")])
            .unwrap_err()
            .contains("From"));
        assert!(parse(&[("to", "2026-13-01")]).unwrap_err().contains("To"));
        assert!(parse(&[("from", "2026-11-02"), ("to", "2026-11-01")])
            .unwrap_err()
            .contains("on or before"));
    }

    #[test]
    fn cursors_parse_leniently() {
        assert_eq!(Cursor::parse(Some("42"), None), Cursor::Before(42));
        assert_eq!(Cursor::parse(None, Some("7")), Cursor::After(7));
        assert_eq!(Cursor::parse(Some("x"), None), Cursor::Latest);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_component("a b&c=d,\"e\""), "a%20b%26c%3Dd%2C%22e%22");
    }
}
