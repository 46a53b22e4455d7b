//! `reseller.pending` / `distributor.pending` (API.md §2.6): the scheduled changes waiting for
//! the end of a billing cycle, listed or deleted.

use serde_json::{json, Value};

use super::envelope::{settle, Answer, Reply, Xml};
use super::{Params, INVALID_TASK};
use crate::billing::package_of;
use crate::sim::Sim;
use crate::state::{ChangeKind, Customer, ScheduledChange};

pub const NO_PENDING: &str = "User has no pending account change";
pub const BAD_TYPE: &str = "type must be one of upgrade, downgrade, close";

pub fn handle(sim: &Sim, params: &Params) -> Reply {
    settle(run(sim, params))
}

fn run(sim: &Sim, params: &Params) -> Answer {
    match params.value("task")? {
        "list" => list(sim, params),
        "delete" => {
            let user = params.value("user")?;
            let mut world = sim.world();
            let customer = world.customer_mut(user)?;
            customer
                .scheduled_change
                .take()
                .ok_or_else(|| Reply::error(NO_PENDING))?;
            world.count_change(user);
            Ok(Reply::Success)
        }
        _ => Err(Reply::error(INVALID_TASK)),
    }
}

fn list(sim: &Sim, params: &Params) -> Answer {
    let kind = match params.get("type") {
        None => None,
        Some("upgrade") => Some(ChangeKind::Upgrade),
        Some("downgrade") => Some(ChangeKind::Downgrade),
        Some("close") => Some(ChangeKind::Close),
        Some(_) => return Err(Reply::error(BAD_TYPE)),
    };
    let username = params.get("username");
    let world = sim.world();
    let rows: Vec<(&Customer, &ScheduledChange)> = world
        .customers
        .values()
        .filter(|c| username.is_none_or(|u| c.username == u))
        .filter_map(|c| Some((c, c.scheduled_change.as_ref()?)))
        .filter(|(_, s)| kind.is_none_or(|k| s.kind == k))
        .collect();
    let json: Vec<Value> = rows
        .iter()
        .map(|(c, s)| {
            json!({
                "username": c.username,
                "type": label(s.kind),
                "current": package_of(c).name,
                "update": s.package,
                "ip_groups": s.ip_groups,
                "ips": s.ips,
                "date": s.effective_on.to_string(),
            })
        })
        .collect();
    let users = rows
        .iter()
        .map(|(c, s)| {
            Xml::node(
                "user",
                vec![
                    Xml::text("username", &c.username),
                    Xml::text("type", label(s.kind)),
                    Xml::text("current", package_of(c).name),
                    Xml::text("update", s.package),
                    Xml::list("ips", "ip", &s.ips),
                    Xml::list("ip_groups", "ip_group", &s.ip_groups),
                    Xml::text("date", s.effective_on),
                ],
            )
        })
        .collect();
    Ok(Reply::Data {
        json: json.into(),
        xml: Xml::node("result", vec![Xml::node("pending", users)]),
    })
}

/// The `type` strings of the historical list answer (API.md §2.6).
fn label(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Upgrade => "Account Upgrade",
        ChangeKind::Downgrade => "Account Downgrade",
        ChangeKind::Close => "Account Close",
    }
}
