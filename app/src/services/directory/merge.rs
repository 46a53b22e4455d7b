//! Joins v2 customers and v3 accounts into one directory. Pure: the sync and the link
//! actions feed it what they read and store what it returns.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::directory::Linkage;

/// A v2 customer profile (API.md §4.1) with its package from `task=overview` (§2.7).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct V2Entry {
    pub username: String,
    pub email: String,
    pub name: String,
    pub company: String,
    pub active: bool,
    pub package: Option<String>,
}

/// A v3 account (§5.3) with its state (§5.8) and package offering (§5.6).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct V3Entry {
    pub account_id: String,
    pub email: String,
    pub created_at: String,
    pub state: Option<String>,
    pub package: Option<String>,
}

/// An admin's decision about one pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub username: String,
    pub account_id: String,
    /// `true` joins the pair; `false` keeps it apart.
    pub link: bool,
}

/// One directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub key: String,
    pub username: Option<String>,
    pub account_id: Option<String>,
    pub linkage: Linkage,
    pub name: String,
    pub company: String,
    pub email: String,
    pub package: Option<String>,
    pub state: Option<String>,
}

/// Emails compare case-insensitively and without surrounding spaces: v3 accounts sometimes
/// carry the v2 email in another case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Joins the lists. An admin's link wins; otherwise a v2 customer and a v3 account are joined
/// when their email matches and is unambiguous (exactly one of each has it) and no admin
/// said to keep them apart. Everything else is listed alone ("v2 only" / "v3 only").
pub fn merge(v2: &[V2Entry], v3: &[V3Entry], decisions: &[Decision]) -> Vec<Merged> {
    let accounts: HashMap<&str, &V3Entry> = v3.iter().map(|a| (a.account_id.as_str(), a)).collect();
    let separate: HashSet<(&str, &str)> = decisions
        .iter()
        .filter(|d| !d.link)
        .map(|d| (d.username.as_str(), d.account_id.as_str()))
        .collect();
    let manual: HashMap<&str, &str> = decisions
        .iter()
        .filter(|d| d.link && accounts.contains_key(d.account_id.as_str()))
        .map(|d| (d.username.as_str(), d.account_id.as_str()))
        .collect();
    let manually_taken: HashSet<&str> = v2
        .iter()
        .filter_map(|c| manual.get(c.username.as_str()).copied())
        .collect();

    // Email -> the customers and accounts not joined by hand.
    let mut by_email: BTreeMap<String, (Vec<&V2Entry>, Vec<&V3Entry>)> = BTreeMap::new();
    for customer in v2
        .iter()
        .filter(|c| !manual.contains_key(c.username.as_str()))
    {
        by_email
            .entry(email_key(&customer.email))
            .or_default()
            .0
            .push(customer);
    }
    for account in v3
        .iter()
        .filter(|a| !manually_taken.contains(a.account_id.as_str()))
    {
        by_email
            .entry(email_key(&account.email))
            .or_default()
            .1
            .push(account);
    }
    let mut email_pairs: HashMap<&str, &V3Entry> = HashMap::new();
    let mut email_taken: HashSet<&str> = HashSet::new();
    for (email, (customers, accounts)) in &by_email {
        if let ([customer], [account]) = (customers.as_slice(), accounts.as_slice()) {
            let kept_apart =
                separate.contains(&(customer.username.as_str(), account.account_id.as_str()));
            if !email.is_empty() && !kept_apart {
                email_pairs.insert(customer.username.as_str(), account);
                email_taken.insert(account.account_id.as_str());
            }
        }
    }

    let mut out = Vec::with_capacity(v2.len() + v3.len());
    for customer in v2 {
        let joined = match manual.get(customer.username.as_str()) {
            Some(id) => accounts.get(id).map(|a| (*a, Linkage::Manual)),
            None => email_pairs
                .get(customer.username.as_str())
                .map(|a| (*a, Linkage::Email)),
        };
        out.push(entry(Some(customer), joined));
    }
    for account in v3 {
        let id = account.account_id.as_str();
        if !manually_taken.contains(id) && !email_taken.contains(id) {
            out.push(entry(None, Some((account, Linkage::V3Only))));
        }
    }
    out
}

fn entry(customer: Option<&V2Entry>, account: Option<(&V3Entry, Linkage)>) -> Merged {
    let linkage = match (customer, account) {
        (Some(_), Some((_, linkage))) => linkage,
        (Some(_), None) => Linkage::V2Only,
        (None, _) => Linkage::V3Only,
    };
    let account = account.map(|(a, _)| a);
    let username = customer.map(|c| c.username.clone());
    let account_id = account.map(|a| a.account_id.clone());
    let key = username
        .clone()
        .or_else(|| account_id.clone())
        .unwrap_or_default();
    // The v2 side knows names, company and package names operators use; v3 knows the state.
    let state = account
        .and_then(|a| a.state.clone())
        .or_else(|| customer.map(|c| if c.active { "active" } else { "inactive" }.to_string()));
    Merged {
        key,
        username,
        account_id,
        linkage,
        name: customer.map(|c| c.name.clone()).unwrap_or_default(),
        company: customer.map(|c| c.company.clone()).unwrap_or_default(),
        email: customer
            .map(|c| c.email.clone())
            .or_else(|| account.map(|a| a.email.clone()))
            .unwrap_or_default(),
        package: customer
            .and_then(|c| c.package.clone())
            .or_else(|| account.and_then(|a| a.package.clone())),
        state,
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
