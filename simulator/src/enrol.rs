//! `POST /_sim/customers`: adds one customer (and, when asked, its v3 account) to the running
//! world, so a test can start from a known plan and a name of its choosing (an HTML-looking
//! one included) without depending on what the seed happened to produce. SendGrid's reseller
//! API has no such call a test could use instead; this is control plane only.

use chrono::{Days, Utc};
use serde::Deserialize;

use crate::billing::cycle_end;
use crate::catalog::{self, OfferingType};
use crate::seed::account_id;
use crate::state::{Account, AccountOffering, AccountState, Customer, Profile, World};

/// The fields a test cares about; everything else gets a plain default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub username: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub company: String,
    /// `<username>@example.com` when absent.
    pub email: Option<String>,
    /// `Free Package` when absent. A package with a dedicated IP takes the first free IP.
    pub package: Option<String>,
    /// The first IP group when absent and the package is paid without a dedicated IP.
    pub ip_groups: Option<Vec<String>>,
    /// Days since the current billing cycle started (0 when absent, at most 27).
    #[serde(default)]
    pub cycle_day: u64,
    /// A linked v3 account with these offerings, when present.
    pub v3: Option<NewAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub offerings: Vec<AccountOffering>,
    /// `activated` when absent.
    pub state: Option<AccountState>,
}

/// Why the customer was not added: the HTTP status and a message for the test's log.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Invalid(String),
    Taken(String),
}

/// Adds the customer; answers its username.
pub fn add(world: &mut World, mut new: NewCustomer) -> Result<String, Refusal> {
    let username = new.username.trim().to_owned();
    if username.is_empty() || username.contains('/') {
        return Err(Refusal::Invalid(
            "username must be non-empty and have no '/'".into(),
        ));
    }
    if world.customers.contains_key(&username) {
        return Err(Refusal::Taken(format!("customer {username} exists")));
    }
    let package_name = new.package.as_deref().unwrap_or(catalog::FREE_PACKAGE);
    let package = catalog::package(package_name)
        .ok_or_else(|| Refusal::Invalid(format!("no package {package_name}")))?;
    if new.cycle_day > 27 {
        return Err(Refusal::Invalid("cycle_day must be at most 27".into()));
    }
    let ip_groups = match new.ip_groups.take() {
        Some(groups) => groups,
        None if !package.has_ip && package.price_cents > 0 => {
            world.ip_groups.first().cloned().into_iter().collect()
        }
        None => Vec::new(),
    };
    if let Some(group) = ip_groups.iter().find(|g| !world.ip_group_exists(g)) {
        return Err(Refusal::Invalid(format!("no IP group {group}")));
    }
    let ip = if package.has_ip {
        let free = world.free_ips().first().map(|e| e.ip.clone());
        Some(free.ok_or_else(|| Refusal::Invalid("no free IP left".into()))?)
    } else {
        None
    };
    let account = new
        .v3
        .take()
        .map(|v3| account(world, &new, &username, v3))
        .transpose()?;

    let start = world.today - Days::new(new.cycle_day);
    let id = world.customers.values().map(|c| c.id).max().unwrap_or(999) + 1;
    let email = new
        .email
        .clone()
        .unwrap_or_else(|| format!("{username}@example.com"));
    world.customers.insert(
        username.clone(),
        Customer {
            id,
            username: username.clone(),
            email,
            first_name: new.first_name,
            last_name: new.last_name,
            company: new.company,
            address: String::new(),
            city: String::new(),
            state: String::new(),
            country: String::new(),
            zip: String::new(),
            phone: String::new(),
            website: String::new(),
            active: true,
            package: package.name,
            billing_start_date: start,
            billing_end_date: cycle_end(start),
            reputation: 100,
            requests: 0,
            credits_used: 0,
            ips: Vec::new(),
            ip_groups,
            limit: None,
            subusers: Vec::new(),
            scheduled_change: None,
            invoices: Vec::new(),
            account_id: account.as_ref().map(|a| a.id.clone()),
        },
    );
    if let Some(ip) = ip {
        world.assign_ips(&username, &[ip], false);
    }
    world.accounts.extend(account);
    Ok(username)
}

/// The v3 side, checked the way `PUT .../offerings` checks a body: known names of the right
/// type, exactly one package of quantity 1, add-ons of at least 1, no name twice.
fn account(
    world: &mut World,
    new: &NewCustomer,
    username: &str,
    v3: NewAccount,
) -> Result<Account, Refusal> {
    let mut seen = Vec::new();
    for offering in &v3.offerings {
        let known = catalog::offering_named(&offering.name)
            .ok_or_else(|| Refusal::Invalid(format!("no offering {}", offering.name)))?;
        if known.kind != offering.kind {
            return Err(Refusal::Invalid(format!(
                "{} is not of that type",
                offering.name
            )));
        }
        let quantity_ok = match offering.kind {
            OfferingType::Package => offering.quantity == 1,
            OfferingType::Addon => offering.quantity >= 1,
        };
        if !quantity_ok || seen.contains(&offering.name) {
            return Err(Refusal::Invalid(format!(
                "bad quantity or repeated {}",
                offering.name
            )));
        }
        seen.push(offering.name.clone());
    }
    let packages = v3
        .offerings
        .iter()
        .filter(|o| o.kind == OfferingType::Package)
        .count();
    if packages != 1 {
        return Err(Refusal::Invalid(
            "exactly one package offering is required".into(),
        ));
    }
    let email = new
        .email
        .clone()
        .unwrap_or_else(|| format!("{username}@example.com"));
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let now = Utc::now();
    Ok(Account {
        id: account_id(&mut world.rng),
        email: email.clone(),
        created_at: now,
        updated_at: now,
        state: v3.state.unwrap_or(AccountState::Activated),
        offerings: v3.offerings,
        profile: Profile {
            first_name: text(&new.first_name),
            last_name: text(&new.last_name),
            company_name: text(&new.company),
            email: Some(email),
            ..Profile::default()
        },
        username: Some(username.to_owned()),
        deleted: false,
    })
}
