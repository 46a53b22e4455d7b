//! What the console adds to an upstream call: an immediate upgrade through `change_plan`
//! beside the same SendGrid calls sent straight to the simulator, every call delayed 20 ms.
//! The console reads the plan before the change (five reads at once) and the state after it
//! (two reads at once, for the audit log's `after`), so "the same calls" are those three
//! rounds, not the change alone; the change alone is reported too.

use sendgrid::{IpPlacement, IpQuery, PendingQuery, PlanChange, Timing};
use serde_json::json;

use super::{World, SIM_KEY};
use crate::console::upstream;
use crate::load::sequential;
use crate::report::Report;
use crate::BenchError;

pub const LATENCY_MS: u64 = 20;
const CHANGES: usize = 30;

/// Active v2 customers on the free package with nothing scheduled: each can be upgraded once.
fn free_customers(world: &World) -> Vec<String> {
    world
        .sim_customers
        .iter()
        .filter(|c| {
            let v2 = &c["v2"];
            v2["package"] == "Free Package"
                && v2["active"] == true
                && v2["scheduled_change"].is_null()
        })
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .collect()
}

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let users = free_customers(world);
    // One warm-up call each, then CHANGES measured, for three ways of changing.
    let need = 3 * (CHANGES + 1);
    if users.len() < need {
        return Err(BenchError::Setup(format!(
            "{} free customers; {need} needed",
            users.len()
        )));
    }
    let (console_users, rest) = users.split_at(CHANGES + 1);
    let (sequence_users, single_users) = rest.split_at(CHANGES + 1);

    world
        .sim_post(
            "/_sim/faults",
            json!({"path_prefix": "/", "latency_ms": LATENCY_MS}),
        )
        .await?;
    let calls_before = world.sim_call_count().await?;
    let console = sequential(CHANGES, |i| {
        let user = console_users[i].clone();
        let key = format!("bench-plan-{i}");
        async move {
            world
                .manager
                .call(
                    "change_plan",
                    &[
                        ("user", user.as_str()),
                        ("action", "upgrade"),
                        ("timing", "now"),
                        ("package", "Basic Package"),
                        ("ip", ""),
                        ("ip_group", "Reseller Group"),
                        ("confirm", ""),
                        ("idempotency_key", key.as_str()),
                    ],
                )
                .await
                .map(drop)
        }
    })
    .await?;
    let calls = (world.sim_call_count().await? - calls_before) as f64 / (CHANGES + 1) as f64;

    let client = upstream(&world.sim.url, SIM_KEY)?;
    let client = &client;
    let sequence = sequential(CHANGES, |i| {
        let user = sequence_users[i].clone();
        async move {
            let pending = PendingQuery {
                username: Some(user.clone()),
                kind: None,
            };
            // As `services::plan::read_upstream`: the reseller's own IPs too (API.md §2.2).
            let all_ips = IpQuery::default();
            let (overview, packages, ips, _, _) = tokio::join!(
                client.overview(&user),
                client.list_packages(),
                client.list_free_ips(),
                client.list_ips(&all_ips),
                client.list_pending(&pending),
            );
            overview?;
            packages?;
            ips?;
            client.change_plan(&upgrade(&user)).await?;
            let (overview, pending) =
                tokio::join!(client.overview(&user), client.list_pending(&pending));
            overview?;
            pending?;
            Ok(())
        }
    })
    .await?;
    let single = sequential(CHANGES, |i| {
        let user = single_users[i].clone();
        async move { Ok(client.change_plan(&upgrade(&user)).await?) }
    })
    .await?;
    world.clear_faults().await?;

    report.add(
        "plan change via console p50, 20 ms upstream",
        console.ms(50.0),
        "ms",
        "same upstream calls straight to the simulator (target ratio <= 1.1)",
        sequence.ms(50.0),
    );
    report.add(
        "plan change via console p99, 20 ms upstream",
        console.ms(99.0),
        "ms",
        "same upstream calls straight to the simulator",
        sequence.ms(99.0),
    );
    report.add(
        "plan change via console p50 vs the change call alone",
        console.ms(50.0),
        "ms",
        "the one upgrade call straight to the simulator",
        single.ms(50.0),
    );
    report.note(
        "plan change, upstream calls per change",
        calls,
        "calls",
        "(5 reads at once, the change, 2 reads at once for the audit log)",
    );
    Ok(())
}

fn upgrade(user: &str) -> PlanChange {
    PlanChange::Upgrade {
        timing: Timing::Immediate,
        user: user.to_string(),
        package: "Basic Package".to_string(),
        placement: IpPlacement::IpGroups(vec!["Reseller Group".to_string()]),
    }
}
