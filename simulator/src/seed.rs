//! The deterministic starting world: the same (customers, seed, today) always gives the same
//! customers, accounts, IPs and limits, so tests can name what they expect.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::billing::cycle_end;
use crate::catalog::{self, OfferingType, PACKAGES};
use crate::state::{
    Account, AccountOffering, AccountState, ChangeKind, Customer, IpAddress, Limit, Period,
    Profile, Recurring, ScheduledChange, Subuser, World,
};

const FIRST: [(&str, &str); 12] = [
    ("Anna", "anna"),
    ("Zoë", "zoe"),
    ("José", "jose"),
    ("Björn", "bjorn"),
    ("Yuki", "yuki"),
    ("Łukasz", "lukasz"),
    ("Grace", "grace"),
    ("Omar", "omar"),
    ("Priya", "priya"),
    ("Liam", "liam"),
    ("Chloé", "chloe"),
    ("Mateo", "mateo"),
];
const LAST: [(&str, &str); 10] = [
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Tanaka", "tanaka"),
    ("García", "garcia"),
    ("Smith", "smith"),
    ("Nowak", "nowak"),
    ("Okafor", "okafor"),
    ("Dubois", "dubois"),
    ("Rossi", "rossi"),
    ("Chen", "chen"),
];
/// Names a dashboard must render escaped and in full Unicode.
const NON_ASCII: [&str; 5] = [
    "Müller GmbH",
    "日本商事",
    "Åkesson & Söner AB",
    "Café Ünïcødé SARL",
    "Ωmega Λtd",
];
const HTML_LIKE: [&str; 3] = [
    "<b>Acme</b> & \"Sons\"",
    "Smith & Wesson <Ltd>",
    "O'Reilly's 'Quotes' & Co",
];
/// Exactly one customer carries this company name.
const SCRIPT: &str = "<script>alert(1)</script>";
const ADJ: [&str; 6] = [
    "Northwind",
    "Blue Harbor",
    "Redwood",
    "Summit",
    "Brightline",
    "Copperleaf",
];
const NOUN: [&str; 5] = ["Traders", "Analytics", "Outfitters", "Media", "Logistics"];
const SUFFIX: [&str; 4] = ["Inc.", "LLC", "Ltd", "Co."];
const DOMAINS: [&str; 4] = [
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
];
const CITIES: [(&str, &str, &str); 5] = [
    ("Denver", "CO", "US"),
    ("Berlin", "BE", "DE"),
    ("Osaka", "27", "JP"),
    ("Lyon", "ARA", "FR"),
    ("Toronto", "ON", "CA"),
];
const IP_GROUPS: [&str; 4] = [
    "Reseller Group",
    "Transactional",
    "Marketing Pool",
    "EU Senders",
];
const TIMEZONES: [&str; 4] = [
    "America/Denver",
    "Europe/Berlin",
    "Asia/Tokyo",
    "America/Toronto",
];

/// Builds the world for `customers` v2 customers; about one in twenty more are v3-only accounts.
pub fn seed(customers: usize, seed: u64, today: NaiveDate) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut world = World {
        today,
        customers: BTreeMap::new(),
        accounts: Vec::new(),
        ips: Vec::new(),
        ip_groups: IP_GROUPS.iter().map(|g| (*g).to_owned()).collect(),
        rng: StdRng::seed_from_u64(seed ^ 0x5eed),
        changes: BTreeMap::new(),
    };
    for i in 0..customers {
        let customer = customer(&mut rng, &mut world, i, today);
        if rng.gen_bool(0.85) {
            let account = account_for(&mut rng, &customer, today);
            world.customers.insert(
                customer.username.clone(),
                Customer {
                    account_id: Some(account.id.clone()),
                    ..customer
                },
            );
            world.accounts.push(account);
        } else {
            world.customers.insert(customer.username.clone(), customer);
        }
    }
    for n in 1..=customers / 20 + 2 {
        let account = v3_only(&mut rng, n, today);
        world.accounts.push(account);
    }
    world
        .accounts
        .sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    spare_ips(&mut world);
    world
}

/// 32 hex digits after `sg`, the documented shape of an account id (API.md §5.1).
pub fn account_id(rng: &mut StdRng) -> String {
    let mut id = String::from("sg");
    for _ in 0..16 {
        id.push_str(&format!("{:02x}", rng.gen::<u8>()));
    }
    id
}

/// The `n`-th address of the pool: TEST-NET-2, then TEST-NET-3, then the benchmark range.
fn ip_at(n: usize) -> String {
    match n {
        0..=253 => format!("198.51.100.{}", n + 1),
        254..=507 => format!("203.0.113.{}", n - 253),
        _ => format!("198.18.{}.{}", (n - 508) / 254, (n - 508) % 254 + 1),
    }
}

fn company(rng: &mut StdRng, i: usize) -> String {
    match i {
        5 => SCRIPT.to_owned(),
        _ if i % 40 == 3 => HTML_LIKE[(i / 40) % HTML_LIKE.len()].to_owned(),
        _ if i % 10 == 1 => NON_ASCII[(i / 10) % NON_ASCII.len()].to_owned(),
        _ => format!(
            "{} {} {}",
            ADJ.choose(rng).unwrap_or(&ADJ[0]),
            NOUN.choose(rng).unwrap_or(&NOUN[0]),
            SUFFIX.choose(rng).unwrap_or(&SUFFIX[0])
        ),
    }
}

fn customer(rng: &mut StdRng, world: &mut World, i: usize, today: NaiveDate) -> Customer {
    let (first, first_slug) = FIRST[rng.gen_range(0..FIRST.len())];
    let (last, last_slug) = LAST[rng.gen_range(0..LAST.len())];
    let username = format!("{first_slug}-{last_slug}-{}", i + 1);
    let company = company(rng, i);
    let (city, state, country) = CITIES[rng.gen_range(0..CITIES.len())];
    let package_index = pick_package(rng);
    let package = &PACKAGES[package_index];
    let start = today - Days::new(rng.gen_range(0..28));
    let used = rng.gen_range(0..=package.credits * 6 / 5);
    let mut ips = Vec::new();
    if package.has_ip {
        let ip = ip_at(world.ips.len());
        world.ips.push(IpAddress {
            ip: ip.clone(),
            user: Some(username.clone()),
            group: None,
            system: false,
        });
        ips.push(ip);
    }
    let ip_groups = if !package.has_ip && package.price_cents > 0 {
        vec![IP_GROUPS[rng.gen_range(0..IP_GROUPS.len())].to_owned()]
    } else {
        Vec::new()
    };
    let subusers = (1..=rng.gen_range(0..=3))
        .map(|n| Subuser {
            username: format!("{username}-sub{n}"),
            limit: rng.gen_bool(0.4).then(|| limit(rng, today)),
        })
        .collect();
    // A few paid customers wait for a close, or for a downgrade by one package.
    let close = rng.gen_bool(0.5);
    let scheduled_change = (package_index > 0 && rng.gen_bool(0.05)).then(|| ScheduledChange {
        kind: if close {
            ChangeKind::Close
        } else {
            ChangeKind::Downgrade
        },
        package: PACKAGES[if close { 0 } else { package_index - 1 }].name,
        ips: Vec::new(),
        ip_groups: Vec::new(),
        requested_on: today,
        effective_on: cycle_end(start) + Days::new(1),
    });
    Customer {
        id: 1000 + i as u64,
        email: format!("{username}@{}", DOMAINS[rng.gen_range(0..DOMAINS.len())]),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        address: format!("{} Market Street", rng.gen_range(1..999)),
        city: city.to_owned(),
        state: state.to_owned(),
        country: country.to_owned(),
        zip: format!("{:05}", rng.gen_range(10_000..99_999)),
        phone: format!("+1303555{:04}", rng.gen_range(0..10_000)),
        website: format!("https://{username}.example.com"),
        active: rng.gen_bool(0.95),
        package: package.name,
        billing_start_date: start,
        billing_end_date: cycle_end(start),
        reputation: rng.gen_range(85..=100),
        requests: u64::try_from(used).unwrap_or(0) + rng.gen_range(0..1000),
        credits_used: used,
        ips,
        ip_groups,
        limit: rng.gen_bool(0.3).then(|| limit(rng, today)),
        subusers,
        scheduled_change,
        invoices: Vec::new(),
        account_id: None,
        username,
        company,
    }
}

/// Free 20 %, Basic 30 %, Silver 25 %, Gold 15 %, Platinum 10 %.
fn pick_package(rng: &mut StdRng) -> usize {
    match rng.gen_range(0..100) {
        0..=19 => 0,
        20..=49 => 1,
        50..=74 => 2,
        75..=89 => 3,
        _ => 4,
    }
}

/// A one-off or a recurring limit that started in the past.
fn limit(rng: &mut StdRng, today: NaiveDate) -> Limit {
    let credit = rng.gen_range(1..=50) * 1000;
    let remain = rng.gen_range(0..=credit);
    let last_reset = today - Days::new(rng.gen_range(0..7));
    if rng.gen_bool(0.5) {
        return Limit {
            credit,
            credit_remain: remain,
            last_reset,
            recurring: None,
        };
    }
    let period = [Period::Daily, Period::Weekly, Period::Monthly][rng.gen_range(0..3)];
    let startdate = today - Days::new(rng.gen_range(1..90));
    let enddate = rng
        .gen_bool(0.3)
        .then(|| today + Days::new(rng.gen_range(30..400)));
    Limit {
        credit,
        credit_remain: remain,
        last_reset,
        recurring: Some(Recurring {
            credits: credit,
            period,
            startdate,
            enddate,
            next_reset: crate::limits::next_after(startdate, period, today),
        }),
    }
}

fn account_for(rng: &mut StdRng, customer: &Customer, today: NaiveDate) -> Account {
    let package_index = PACKAGES
        .iter()
        .position(|p| p.name == customer.package)
        .unwrap_or(0);
    // The v3 copy of an address is sometimes cased differently: matching must ignore case.
    let email = match rng.gen_range(0..10) {
        0 => customer.email.to_uppercase(),
        1 => capitalise(&customer.email),
        _ => customer.email.clone(),
    };
    let profile = Profile {
        first_name: Some(customer.first_name.clone()),
        last_name: Some(customer.last_name.clone()),
        company_name: Some(customer.company.clone()),
        company_website: Some(customer.website.clone()),
        email: Some(email.clone()),
        phone: Some(customer.phone.clone()),
        timezone: Some(TIMEZONES[rng.gen_range(0..TIMEZONES.len())].to_owned()),
    };
    let mut account = new_account(rng, email, package_index, today, profile);
    account.username = Some(customer.username.clone());
    account
}

fn v3_only(rng: &mut StdRng, n: usize, today: NaiveDate) -> Account {
    let email = format!("v3-only-{n}@example.io");
    let profile = Profile {
        company_name: Some(format!("Provisioned Co {n}")),
        email: Some(email.clone()),
        ..Profile::default()
    };
    let package = rng.gen_range(0..catalog::v3_packages().count());
    new_account(rng, email, package, today, profile)
}

fn new_account(
    rng: &mut StdRng,
    email: String,
    package: usize,
    today: NaiveDate,
    profile: Profile,
) -> Account {
    let day = today - Days::new(rng.gen_range(30..2000));
    let created_at: DateTime<Utc> = day
        .and_hms_opt(
            rng.gen_range(0..24),
            rng.gen_range(0..60),
            rng.gen_range(0..60),
        )
        .unwrap_or_default()
        .and_utc();
    let updated_at = created_at + chrono::Duration::days(rng.gen_range(0..30));
    let package = catalog::v3_packages()
        .nth(package)
        .unwrap_or(&catalog::OFFERINGS[0]);
    let mut offerings = vec![AccountOffering {
        name: package.name.to_owned(),
        kind: OfferingType::Package,
        quantity: 1,
    }];
    let mut addons: Vec<_> = catalog::v3_addons().collect();
    addons.shuffle(rng);
    for addon in addons.into_iter().take(rng.gen_range(0..=2)) {
        let quantity = if addon.ip_count > 0 {
            rng.gen_range(1..=3)
        } else {
            1
        };
        offerings.push(AccountOffering {
            name: addon.name.to_owned(),
            kind: OfferingType::Addon,
            quantity,
        });
    }
    let state = match rng.gen_range(0..100) {
        0..=84 => AccountState::Activated,
        85..=93 => AccountState::Deactivated,
        94..=98 => AccountState::Suspended,
        _ => AccountState::Banned,
    };
    Account {
        id: account_id(rng),
        email,
        created_at,
        updated_at,
        state,
        offerings,
        profile,
        username: None,
        deleted: false,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Free IPs to assign, a few linked to groups (taken), and two SendGrid system IPs.
fn spare_ips(world: &mut World) {
    for n in 0..30 {
        let group = (n % 8 == 0).then(|| IP_GROUPS[n / 8 % IP_GROUPS.len()].to_owned());
        world.ips.push(IpAddress {
            ip: ip_at(world.ips.len()),
            user: None,
            group,
            system: n >= 28,
        });
    }
}
