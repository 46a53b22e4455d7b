//! `reseller.ip` (API.md §4.6): which IPs exist, which are free for `ip[]`, and who uses them.

use serde_json::{json, Value};

use super::envelope::{settle, Answer, Reply, Xml};
use super::{Params, INVALID_TASK};
use crate::sim::Sim;
use crate::state::{IpAddress, World};

pub fn handle(sim: &Sim, params: &Params) -> Reply {
    settle(run(sim, params))
}

fn run(sim: &Sim, params: &Params) -> Answer {
    let task = params.value("task")?;
    let world = sim.world();
    let system = params.get("system") == Some("true");
    let ip_filter = params.get("ip").unwrap_or("");
    let visible = |e: &&IpAddress| (system || !e.system) && e.ip.contains(ip_filter);
    let free = world.free_ips();
    let is_free = |e: &IpAddress| free.iter().any(|f| f.ip == e.ip);
    let selected: Vec<&IpAddress> = match task {
        "all" => world.ips.iter().filter(visible).collect(),
        "free" => free.clone(),
        "taken" => world
            .ips
            .iter()
            .filter(|e| !e.system && !is_free(e))
            .collect(),
        // Taken literally from the docs: free, or used by an inactive user, or not in a group.
        "available" => world
            .ips
            .iter()
            .filter(|e| !e.system)
            .filter(|e| is_free(e) || inactive_user(&world, e) || e.group.is_none())
            .collect(),
        "usage" => return Ok(usage(&world, params, system)),
        _ => return Err(Reply::error(INVALID_TASK)),
    };
    let json: Vec<Value> = selected.iter().map(|e| json!({"ip": e.ip})).collect();
    let xml = Xml::node(
        "ips",
        selected.iter().map(|e| Xml::text("ip", &e.ip)).collect(),
    );
    Ok(Reply::Data {
        json: json.into(),
        xml,
    })
}

fn inactive_user(world: &World, entry: &IpAddress) -> bool {
    let user = entry.user.as_deref().and_then(|u| world.customers.get(u));
    user.is_some_and(|c| !c.active)
}

/// `task=usage`: IPs in use, with optional partial `ip`, `user` and `group` filters.
fn usage(world: &World, params: &Params, system: bool) -> Reply {
    let contains = |value: Option<&str>, name: &str| {
        params
            .get(name)
            .is_none_or(|f| value.unwrap_or("").contains(f))
    };
    let rows: Vec<(&str, &str)> = world
        .ips
        .iter()
        .filter(|e| (system || !e.system) && (e.user.is_some() || e.group.is_some()))
        .filter(|e| contains(Some(&e.ip), "ip") && contains(e.user.as_deref(), "user"))
        .filter(|e| contains(e.group.as_deref(), "group"))
        .map(|e| (e.ip.as_str(), e.user.as_deref().unwrap_or("")))
        .collect();
    let json: Vec<Value> = rows
        .iter()
        .map(|(ip, user)| json!({"ip": ip, "user": user}))
        .collect();
    let entries = rows
        .iter()
        .map(|(ip, user)| Xml::node("entry", vec![Xml::text("ip", ip), Xml::text("user", user)]))
        .collect();
    Reply::Data {
        json: json.into(),
        xml: Xml::node("ips", entries),
    }
}
