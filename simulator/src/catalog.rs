//! The fixed product catalogues: v2 packages (API.md §4.3) and v3 offerings (API.md §5.2).

/// One v2 package as `reseller.packages` lists it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Package {
    pub name: &'static str,
    /// Monthly price in cents; integer money keeps proration exact.
    pub price_cents: i64,
    pub description: &'static str,
    pub credits: i64,
    /// Price of one email over the allowance, in dollars.
    pub overage: f64,
    pub has_reseller: bool,
    pub has_ip: bool,
    /// Present on some packages only, as in the docs' sample (API.md §4.3, §8 item 7).
    pub distributor_price: Option<i64>,
}

/// Name of the package a close reverts to (API.md §2.3).
pub const FREE_PACKAGE: &str = "Free Package";

/// Ordered from cheapest to dearest; upgrade and downgrade compare `price_cents`.
pub const PACKAGES: [Package; 5] = [
    Package {
        name: FREE_PACKAGE,
        price_cents: 0,
        description: "Up to 12,000 emails per month on shared IPs",
        credits: 12_000,
        overage: 0.0,
        has_reseller: false,
        has_ip: false,
        distributor_price: None,
    },
    Package {
        name: "Basic Package",
        price_cents: 995,
        description: "40,000 emails per month on shared IPs",
        credits: 40_000,
        overage: 0.001,
        has_reseller: false,
        has_ip: false,
        distributor_price: Some(50),
    },
    Package {
        name: "Silver Package",
        price_cents: 7995,
        description: "100,000 emails per month with a dedicated IP",
        credits: 100_000,
        overage: 0.001,
        has_reseller: false,
        has_ip: true,
        distributor_price: None,
    },
    Package {
        name: "Gold Package",
        price_cents: 19_995,
        description: "300,000 emails per month with a dedicated IP",
        credits: 300_000,
        overage: 0.0008,
        has_reseller: true,
        has_ip: true,
        distributor_price: Some(150),
    },
    Package {
        name: "Platinum Package",
        price_cents: 39_995,
        description: "700,000 emails per month with a dedicated IP",
        credits: 700_000,
        overage: 0.0006,
        has_reseller: true,
        has_ip: true,
        distributor_price: None,
    },
];

/// The package called `name`, compared exactly as the docs pass names around.
pub fn package(name: &str) -> Option<&'static Package> {
    PACKAGES.iter().find(|p| p.name == name)
}

/// Whether a v3 offering is the account's one package or an add-on (API.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferingType {
    Package,
    Addon,
}

/// One entry of `GET /v3/partners/offerings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offering {
    pub name: &'static str,
    pub kind: OfferingType,
    pub email_sends_max_monthly: i64,
    pub ip_count: i64,
    pub teammates_max_total: i64,
    pub users_max_total: i64,
}

const fn offering(
    name: &'static str,
    kind: OfferingType,
    sends: i64,
    ips: i64,
    team: i64,
    users: i64,
) -> Offering {
    Offering {
        name,
        kind,
        email_sends_max_monthly: sends,
        ip_count: ips,
        teammates_max_total: team,
        users_max_total: users,
    }
}

/// Packages first (cheapest first), then add-ons; `seed` maps v2 packages onto the same order.
pub const OFFERINGS: [Offering; 8] = [
    offering("org.ei.free.v1", OfferingType::Package, 10_000, 0, 0, 0),
    offering(
        "org.ei.essentials40k.v1",
        OfferingType::Package,
        40_000,
        0,
        1,
        0,
    ),
    offering(
        "org.ei.pro100k.v1",
        OfferingType::Package,
        100_000,
        1,
        1000,
        15,
    ),
    offering(
        "org.ei.pro300k.v1",
        OfferingType::Package,
        300_000,
        1,
        1000,
        15,
    ),
    offering(
        "org.ei.premier700k.v1",
        OfferingType::Package,
        700_000,
        1,
        1000,
        30,
    ),
    offering("org.mc.basic.v1", OfferingType::Addon, 0, 0, 0, 0),
    offering("org.ip.dedicated.v1", OfferingType::Addon, 0, 1, 0, 0),
    offering("org.ease.v1", OfferingType::Addon, 0, 0, 0, 0),
];

/// The catalogue entry called `name`.
pub fn offering_named(name: &str) -> Option<&'static Offering> {
    OFFERINGS.iter().find(|o| o.name == name)
}

/// The v3 package offerings, cheapest first.
pub fn v3_packages() -> impl Iterator<Item = &'static Offering> {
    OFFERINGS.iter().filter(|o| o.kind == OfferingType::Package)
}

/// The v3 add-on offerings.
pub fn v3_addons() -> impl Iterator<Item = &'static Offering> {
    OFFERINGS.iter().filter(|o| o.kind == OfferingType::Addon)
}
