//! Bulk offerings changes: an add-on added to 1,000 v3 accounts with every upstream call
//! delayed 20 ms, at concurrency 4 and 16; wall time beside the ideal (1,000 x 20 ms /
//! concurrency), beside the same calls sent straight to the simulator at the same
//! concurrency, and the console's peak memory during the job.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::upstream::LATENCY_MS;
use super::{poll, World, SIM_KEY};
use crate::console::upstream;
use crate::report::Report;
use crate::BenchError;

/// Activated accounts without `addon`, not in `taken`.
fn accounts_without(world: &World, addon: &str, taken: &HashSet<String>, n: usize) -> Vec<String> {
    world
        .sim_customers
        .iter()
        .map(|c| &c["v3"])
        .filter(|v3| v3["state"] == "activated" && v3["deleted"] != true)
        .filter(|v3| {
            !v3["offerings"]
                .as_array()
                .is_some_and(|all| all.iter().any(|o| o["name"] == addon))
        })
        .filter_map(|v3| v3["id"].as_str().map(str::to_string))
        .filter(|id| !taken.contains(id))
        .take(n)
        .collect()
}

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let n = world.scale.bulk_customers;
    let mut taken = HashSet::new();
    world
        .sim_post(
            "/_sim/faults",
            json!({"path_prefix": "/", "latency_ms": LATENCY_MS}),
        )
        .await?;
    for (concurrency, addon) in [(4, "org.ease.v1"), (16, "org.mc.basic.v1")] {
        let accounts = accounts_without(world, addon, &taken, n);
        if accounts.len() < n {
            return Err(BenchError::Setup(format!(
                "{} activated accounts without {addon}; {n} needed",
                accounts.len()
            )));
        }
        taken.extend(accounts.iter().cloned());
        run(world, report, &accounts, addon, concurrency).await?;
    }
    world.clear_faults().await
}

async fn run(
    world: &World,
    report: &mut Report,
    accounts: &[String],
    addon: &str,
    concurrency: usize,
) -> Result<(), BenchError> {
    let direct = same_calls_directly(world, accounts, concurrency).await?;
    let pasted = accounts.join("\n");
    let key = format!("bench-bulk-{concurrency}");
    let level = concurrency.to_string();
    let calls_before = world.sim_call_count().await?;
    world.console.reset_peak();
    let started = Instant::now();
    let id = world
        .manager
        .call(
            "start_bulk",
            &[
                ("by", "paste"),
                ("pasted", pasted.as_str()),
                ("op", "add_addon"),
                ("name", addon),
                ("quantity", "1"),
                ("concurrency", level.as_str()),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await?;
    let id = id["Job"]
        .as_i64()
        .ok_or_else(|| BenchError::Console(format!("start_bulk answered {id}")))?
        .to_string();
    let job: Value = poll(Duration::from_secs(900), || async {
        let job = world
            .manager
            .call("get_bulk_job", &[("id", id.as_str())])
            .await?;
        let status = job["progress"]["status"].as_str().unwrap_or_default();
        Ok((!matches!(status, "Running" | "Cancelling")).then_some(job))
    })
    .await?;
    let took = started.elapsed().as_secs_f64();
    let peak = world.console.peak_mib();
    let done = job["progress"]["counts"]["done"].as_u64().unwrap_or(0) as usize;
    if done != accounts.len() {
        return Err(BenchError::Console(format!(
            "bulk job {id} finished {done} of {}: {}",
            accounts.len(),
            job["progress"]
        )));
    }
    let calls = world.sim_call_count().await? - calls_before;
    let ideal = accounts.len() as f64 * LATENCY_MS as f64 / 1000.0 / concurrency as f64;
    let per_customer = calls as f64 / accounts.len() as f64;
    let name = format!("bulk add-on, {} accounts, c={concurrency}", accounts.len());
    report.add(
        &format!("{name}, wall time"),
        took,
        "s",
        "ideal: accounts x 20 ms / concurrency",
        ideal,
    );
    report.add(
        &format!("{name}, wall time vs its calls"),
        took,
        "s",
        &format!("ideal for the {per_customer:.1} calls per account it made"),
        ideal * per_customer,
    );
    report.add(
        &format!("{name}, wall time vs the same calls directly"),
        took,
        "s",
        "each account's offerings read and written back straight to the simulator, as many at \
         a time (what 20 ms calls cost on this machine)",
        direct,
    );
    report.add(
        &format!("{name}, server peak RSS"),
        peak,
        "MiB",
        "server idle RSS",
        world.idle_rss,
    );
    Ok(())
}

/// The calls the job makes per account (its offerings read, then written with the add-on;
/// API.md §5.6, §5.7), sent straight to the simulator with the `sendgrid` client at the job's
/// concurrency; answers the seconds taken. The offerings are written back unchanged, so the
/// job still finds every account without its add-on.
async fn same_calls_directly(
    world: &World,
    accounts: &[String],
    concurrency: usize,
) -> Result<f64, BenchError> {
    let client = upstream(&world.sim.url, SIM_KEY)?;
    let client = &client;
    let started = Instant::now();
    stream::iter(accounts)
        .map(|id| async move {
            let offerings = client.get_account_offerings(id).await?;
            client.update_account_offerings(id, &offerings).await?;
            Ok::<(), BenchError>(())
        })
        .buffer_unordered(concurrency)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(started.elapsed().as_secs_f64())
}
