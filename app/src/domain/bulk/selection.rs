//! Which customers a bulk change applies to: everyone a directory filter matches (counted, and
//! chosen as an explicit step), or usernames and account ids pasted in.

use serde::{Deserialize, Serialize};

use super::operation::BulkField;
use crate::domain::change::FieldError;

/// One bulk change covers at most this many customers.
pub const MAX_CUSTOMERS: usize = 1000;

/// The selection part of the bulk form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectionForm {
    /// "filter" or "paste"; blank until the operator has chosen.
    pub by: String,
    /// Directory filter: search text, package and account state (as on /customers).
    pub q: String,
    pub package: String,
    pub account_state: String,
    /// How many customers the filter matched when the operator chose "select all N".
    pub count: String,
    /// Pasted usernames or account ids.
    pub pasted: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every customer the filter matches; `expected` is the count the operator agreed to.
    Filter {
        q: String,
        package: String,
        account_state: String,
        expected: u64,
    },
    Pasted(Vec<String>),
}

impl SelectionForm {
    pub fn parse(&self) -> Result<Selection, FieldError<BulkField>> {
        match self.by.trim() {
            "filter" => {
                let expected = self
                    .count
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        FieldError::new(
                            BulkField::Customers,
                            "Count the customers the filter matches and select them first.",
                        )
                    })?;
                if expected > MAX_CUSTOMERS as u64 {
                    return Err(too_many(expected as usize));
                }
                Ok(Selection::Filter {
                    q: self.q.trim().to_string(),
                    package: self.package.trim().to_string(),
                    account_state: self.account_state.trim().to_string(),
                    expected,
                })
            }
            "paste" => parse_pasted(&self.pasted).map(Selection::Pasted),
            _ => Err(FieldError::new(
                BulkField::Customers,
                "Choose the customers: select everyone a filter matches, or paste usernames.",
            )),
        }
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        [
            ("by", &self.by),
            ("q", &self.q),
            ("package", &self.package),
            ("account_state", &self.account_state),
            ("count", &self.count),
            ("pasted", &self.pasted),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }
}

fn too_many(n: usize) -> FieldError<BulkField> {
    FieldError::new(
        BulkField::Customers,
        format!(
            "{n} customers are more than one bulk change takes ({MAX_CUSTOMERS}); narrow the filter or split the list."
        ),
    )
}

/// Usernames or account ids separated by spaces, commas, semicolons or new lines; each once,
/// in the order given.
pub fn parse_pasted(text: &str) -> Result<Vec<String>, FieldError<BulkField>> {
    let mut entries: Vec<String> = Vec::new();
    for entry in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|e| !e.is_empty())
    {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
        if entry.len() > 100 || !entry.chars().all(allowed) || entry.contains("..") {
            let shown: String = entry.chars().take(40).collect();
            return Err(FieldError::new(
                BulkField::Customers,
                format!(
                    "\"{shown}\" is not a username or account id: use letters, digits and . _ @ + - only."
                ),
            ));
        }
        if !entries.iter().any(|e| e.eq_ignore_ascii_case(entry)) {
            entries.push(entry.to_string());
        }
    }
    if entries.is_empty() {
        return Err(FieldError::new(
            BulkField::Customers,
            "Paste at least one username or account id.",
        ));
    }
    if entries.len() > MAX_CUSTOMERS {
        return Err(too_many(entries.len()));
    }
    Ok(entries)
}
