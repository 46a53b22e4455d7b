//! `reseller.manage` / `distributor.manage` (API.md §4.1, §3 "Related limit APIs"):
//! `method=profile task=get` to list and search customers, `method=limit` for a customer's
//! own credit limit.

use serde_json::Value;

use super::envelope::{settle, Answer, Reply, Xml};
use super::{limits, Params, INVALID_METHOD, INVALID_TASK};
use crate::sim::Sim;
use crate::state::Customer;

/// Filters matched as case-insensitive substrings; `id` alone must match exactly.
const TEXT_FILTERS: [&str; 11] = [
    "username",
    "email",
    "first_name",
    "last_name",
    "address",
    "city",
    "state",
    "country",
    "zip",
    "phone",
    "website",
];

pub fn handle(sim: &Sim, params: &Params) -> Reply {
    settle(run(sim, params))
}

fn run(sim: &Sim, params: &Params) -> Answer {
    match params.value("method")? {
        "profile" => match params.value("task")? {
            "get" => profiles(sim, params),
            _ => Err(Reply::error(INVALID_TASK)),
        },
        "limit" => Ok(limits::run_for_customer(sim, params)),
        _ => Err(Reply::error(INVALID_METHOD)),
    }
}

fn number(params: &Params, name: &str) -> Result<Option<usize>, Reply> {
    params
        .get(name)
        .map(|v| {
            v.parse::<usize>()
                .map_err(|_| Reply::error(format!("{name} must be a non-negative integer")))
        })
        .transpose()
}

/// Every value a string, `active` as "true"/"false" (API.md §4.1). `offset` is a 0-based row
/// offset into the list ordered by id; with no `limit` every remaining row is returned.
fn profiles(sim: &Sim, params: &Params) -> Answer {
    let limit = number(params, "limit")?;
    let offset = number(params, "offset")?.unwrap_or(0);
    let world = sim.world();
    let mut rows: Vec<&Customer> = world
        .customers
        .values()
        .filter(|c| matches(c, params))
        .collect();
    rows.sort_by_key(|c| c.id);
    let rows: Vec<Vec<(&str, String)>> = rows
        .into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .map(fields)
        .collect();
    let json: Vec<Value> = rows
        .iter()
        .map(|f| {
            f.iter()
                .map(|(k, v)| ((*k).to_owned(), Value::from(v.as_str())))
                .collect()
        })
        .collect();
    let xml = rows
        .iter()
        .map(|f| Xml::node("user", f.iter().map(|(k, v)| Xml::text(k, v)).collect()))
        .collect();
    Ok(Reply::Data {
        json: json.into(),
        xml: Xml::node("users", xml),
    })
}

fn matches(customer: &Customer, params: &Params) -> bool {
    if params
        .get("id")
        .is_some_and(|id| id != customer.id.to_string())
    {
        return false;
    }
    let fields = fields(customer);
    TEXT_FILTERS.iter().all(|name| {
        let Some(wanted) = params.get(name) else {
            return true;
        };
        let value = fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_lowercase());
        value.is_some_and(|v| v.contains(&wanted.to_lowercase()))
    })
}

/// The documented profile fields plus `company`, which `reseller.add` sets (API.md §4.7).
fn fields(c: &Customer) -> Vec<(&'static str, String)> {
    vec![
        ("id", c.id.to_string()),
        ("username", c.username.clone()),
        ("email", c.email.clone()),
        ("active", c.active.to_string()),
        ("first_name", c.first_name.clone()),
        ("last_name", c.last_name.clone()),
        ("company", c.company.clone()),
        ("address", c.address.clone()),
        ("city", c.city.clone()),
        ("state", c.state.clone()),
        ("zip", c.zip.clone()),
        ("country", c.country.clone()),
        ("phone", c.phone.clone()),
        ("website", c.website.clone()),
    ]
}
