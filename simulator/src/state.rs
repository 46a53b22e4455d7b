//! The simulated world: v2 customers, v3 accounts and the IP pool, with the lookups every
//! endpoint shares. Behaviour lives in `billing`, `limits`, `clock` and the API modules.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use serde::Serialize;

use crate::catalog::OfferingType;

/// Everything the APIs read and change; cloned whole for `/_sim/reset`.
#[derive(Debug, Clone)]
pub struct World {
    pub today: NaiveDate,
    /// v2 customers by username; the map order is the order of `reseller.manage` listings.
    pub customers: BTreeMap<String, Customer>,
    /// v3 accounts in creation order. Deleted ones stay as tombstones so a paging cursor that
    /// names a deleted account still resolves (API.md §5.3, §9 Q6).
    pub accounts: Vec<Account>,
    pub ips: Vec<IpAddress>,
    pub ip_groups: Vec<String>,
    /// Source of new account ids and SSO codes, seeded so runs repeat.
    pub rng: StdRng,
    /// Changes applied per v2 username or v3 account id, so tests can tell a change made once
    /// from one made twice (`GET /_sim/customers/{key}` shows it as `changes`).
    pub changes: BTreeMap<String, u64>,
}

/// Why a domain operation refused; the API layers turn it into their own error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    UserNotFound,
    Invalid(String),
}

impl Rejection {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: u64,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub zip: String,
    pub phone: String,
    pub website: String,
    pub active: bool,
    pub package: &'static str,
    pub billing_start_date: NaiveDate,
    pub billing_end_date: NaiveDate,
    pub reputation: u32,
    pub requests: u64,
    pub credits_used: i64,
    pub ips: Vec<String>,
    pub ip_groups: Vec<String>,
    pub limit: Option<Limit>,
    pub subusers: Vec<Subuser>,
    pub scheduled_change: Option<ScheduledChange>,
    pub invoices: Vec<Invoice>,
    /// The v3 account of the same customer, when it has one.
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Subuser {
    pub username: String,
    pub limit: Option<Limit>,
}

/// A credit limit (API.md §3): `credit` is the allowance, `credit_remain` what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub credit: i64,
    pub credit_remain: i64,
    pub last_reset: NaiveDate,
    pub recurring: Option<Recurring>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recurring {
    pub credits: i64,
    pub period: Period,
    pub startdate: NaiveDate,
    pub enddate: Option<NaiveDate>,
    /// The next day credits go back to `credits`; `None` once past `enddate`.
    pub next_reset: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Upgrade,
    Downgrade,
    Close,
}

/// A `scheduled_*` change waiting for the end of the billing cycle (API.md §2.4-2.6).
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledChange {
    pub kind: ChangeKind,
    pub package: &'static str,
    pub ips: Vec<String>,
    pub ip_groups: Vec<String>,
    pub requested_on: NaiveDate,
    pub effective_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Invoice {
    pub date: NaiveDate,
    /// The task that caused it, or `renewal` at a plain cycle end.
    pub kind: String,
    pub package: &'static str,
    pub amount_cents: i64,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpAddress {
    pub ip: String,
    pub user: Option<String>,
    pub group: Option<String>,
    /// SendGrid-assigned; listed only with `system=true` (API.md §4.6).
    pub system: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub state: AccountState,
    pub offerings: Vec<AccountOffering>,
    pub profile: Profile,
    pub username: Option<String>,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AccountOffering {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OfferingType,
    pub quantity: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    Activated,
    Deactivated,
    Suspended,
    Banned,
    Indeterminate,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Profile {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub company_website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub timezone: Option<String>,
}

impl World {
    /// Counts one applied change to `key` (a subuser's counts toward its customer).
    pub fn count_change(&mut self, key: &str) {
        let owner = match key.rsplit_once("-sub") {
            Some((owner, _)) if !self.customers.contains_key(key) => owner,
            _ => key,
        };
        *self.changes.entry(owner.to_owned()).or_default() += 1;
    }

    pub fn changes_of(&self, key: &str) -> u64 {
        self.changes.get(key).copied().unwrap_or(0)
    }

    pub fn customer(&self, username: &str) -> Result<&Customer, Rejection> {
        self.customers.get(username).ok_or(Rejection::UserNotFound)
    }

    pub fn customer_mut(&mut self, username: &str) -> Result<&mut Customer, Rejection> {
        self.customers
            .get_mut(username)
            .ok_or(Rejection::UserNotFound)
    }

    /// The limit of a customer or of one of its subusers (`<customer>-sub<N>`, API.md §3).
    pub fn limit_slot(&mut self, user: &str) -> Result<&mut Option<Limit>, Rejection> {
        if self.customers.contains_key(user) {
            return Ok(&mut self.customer_mut(user)?.limit);
        }
        let (owner, _) = user.rsplit_once("-sub").ok_or(Rejection::UserNotFound)?;
        let customer = self
            .customers
            .get_mut(owner)
            .ok_or(Rejection::UserNotFound)?;
        let subuser = customer.subusers.iter_mut().find(|s| s.username == user);
        subuser.map(|s| &mut s.limit).ok_or(Rejection::UserNotFound)
    }

    /// A live (not deleted) v3 account.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id && !a.deleted)
    }

    pub fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id == id && !a.deleted)
    }

    /// IPs not used by a user, not linked to a group, not SendGrid's, and not promised to a
    /// scheduled change (API.md §4.6 "free"), in pool order.
    pub fn free_ips(&self) -> Vec<&IpAddress> {
        let promised: HashSet<&str> = self
            .customers
            .values()
            .filter_map(|c| c.scheduled_change.as_ref())
            .flat_map(|s| s.ips.iter().map(String::as_str))
            .collect();
        self.ips
            .iter()
            .filter(|e| e.user.is_none() && e.group.is_none() && !e.system)
            .filter(|e| !promised.contains(e.ip.as_str()))
            .collect()
    }

    pub fn ip_is_free(&self, ip: &str) -> bool {
        self.free_ips().iter().any(|e| e.ip == ip)
    }

    pub fn ip_group_exists(&self, group: &str) -> bool {
        self.ip_groups.iter().any(|g| g == group)
    }

    /// Points `ips` at `username`, after releasing whatever it held when `replace` is set.
    pub fn assign_ips(&mut self, username: &str, ips: &[String], replace: bool) {
        for entry in &mut self.ips {
            if replace && entry.user.as_deref() == Some(username) {
                entry.user = None;
            }
            if ips.contains(&entry.ip) {
                entry.user = Some(username.to_owned());
            }
        }
        if let Some(customer) = self.customers.get_mut(username) {
            if replace {
                customer.ips.clear();
            }
            customer.ips.extend(ips.iter().cloned());
        }
    }
}
