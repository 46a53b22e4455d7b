//! `reseller.account` / `distributor.account` (API.md §2): the six account-change tasks and
//! `task=overview`.

use chrono::Days;
use serde_json::json;

use super::envelope::{settle, Answer, Reply, Xml};
use super::{Params, INVALID_TASK};
use crate::billing::{self, package_of, PlanRequest};
use crate::sim::Sim;
use crate::state::ChangeKind;

/// A `scheduled_*` task, which the 2017 API no longer has (API.md §2.6).
pub fn is_scheduled(params: &Params) -> bool {
    params
        .get("task")
        .is_some_and(|task| task.starts_with("scheduled_"))
}

pub fn handle(sim: &Sim, params: &Params) -> Reply {
    settle(run(sim, params))
}

fn run(sim: &Sim, params: &Params) -> Answer {
    let task = params.value("task")?;
    let (kind, scheduled) = match task {
        "immediate_upgrade" => (ChangeKind::Upgrade, false),
        "immediate_downgrade" => (ChangeKind::Downgrade, false),
        "immediate_close" => (ChangeKind::Close, false),
        "scheduled_upgrade" => (ChangeKind::Upgrade, true),
        "scheduled_downgrade" => (ChangeKind::Downgrade, true),
        "scheduled_close" => (ChangeKind::Close, true),
        "overview" => return overview(sim, params),
        _ => return Err(Reply::error(INVALID_TASK)),
    };
    if kind == ChangeKind::Close {
        params.require(&["user"])?;
    } else {
        params.require(&["user", "package"])?;
    }
    let request = PlanRequest {
        user: params.value("user")?.to_owned(),
        package: params.get("package").map(str::to_owned),
        // A close takes only `ip_group[]` (API.md §2.3, §2.5).
        ips: if kind == ChangeKind::Close {
            Vec::new()
        } else {
            params.all("ip[]")
        },
        ip_groups: params.all("ip_group[]"),
    };
    let mut world = sim.world();
    if scheduled {
        billing::schedule(&mut world, kind, &request)?;
    } else {
        billing::change_now(&mut world, kind, &request)?;
    }
    world.count_change(&request.user);
    Ok(Reply::Success)
}

/// The documented mix of strings and one number, `credits_remain` (API.md §2.7, §8 item 8).
fn overview(sim: &Sim, params: &Params) -> Answer {
    let user = params.value("user")?;
    let world = sim.world();
    let customer = world.customer(user)?;
    let package = package_of(customer);
    let remain = (package.credits - customer.credits_used).max(0);
    let overage = (customer.credits_used - package.credits).max(0);
    let process = customer.billing_end_date + Days::new(1);
    let fields: [(&str, String); 10] = [
        ("reputation", customer.reputation.to_string()),
        ("requests", customer.requests.to_string()),
        ("package", package.name.to_owned()),
        ("credits_allowed", package.credits.to_string()),
        ("credits_used", customer.credits_used.to_string()),
        ("credits_remain", remain.to_string()),
        ("credits_overage", overage.to_string()),
        (
            "billing_start_date",
            customer.billing_start_date.to_string(),
        ),
        ("billing_end_date", customer.billing_end_date.to_string()),
        ("billing_process_date", process.to_string()),
    ];
    let mut json = serde_json::Map::new();
    for (name, value) in &fields {
        json.insert((*name).to_owned(), json!(value));
    }
    json.insert("credits_remain".to_owned(), json!(remain));
    let xml = Xml::node(
        "result",
        vec![Xml::node(
            "overview",
            fields.iter().map(|(n, v)| Xml::text(n, v)).collect(),
        )],
    );
    Ok(Reply::Data {
        json: json.into(),
        xml,
    })
}
