//! Server-side rendering under load: `/customers` (pages of 50 of the whole directory),
//! `/audit` (50 rows of the seeded log, filtered), the dashboard `/` over that log and a
//! customer's plan tab (read live from SendGrid's stand-in) at concurrency 16, beside the bare
//! axum ceiling answering a static page of `/customers`' size; the console's memory after.
//! The load generator is `wrk` (Debian), for the console and the ceiling alike.

use std::time::{Duration, Instant};

use super::audit::{filters, query_string};
use super::World;
use crate::procs::{free_port, spawn, wait_ok};
use crate::report::Report;
use crate::wrk::{self, WrkResult};
use crate::BenchError;

const CONCURRENCY: usize = 16;

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let customers: Vec<String> = (1..=20)
        .map(|page| format!("/customers?page={page}"))
        .collect();
    let audit: Vec<String> = filters(world)
        .iter()
        .map(|filter| format!("/audit?{}", query_string(filter)))
        .collect();
    let dashboard = vec!["/".to_string()];
    let plan_tabs: Vec<String> = world
        .sim_customers
        .iter()
        .filter_map(|c| c["username"].as_str())
        .take(20)
        .map(|user| format!("/customers/{user}/plan"))
        .collect();
    let size = world.admin.get(&customers[0]).await?.len();
    for path in audit.iter().chain(&dashboard).chain(&plan_tabs) {
        world.admin.get(path).await?;
    }

    let port = free_port()?;
    let exe = std::env::current_exe()?;
    let ceiling = spawn(
        &exe,
        &["ceiling", &port.to_string(), &size.to_string()],
        &[],
        port,
        &world.paths.work.join("ceiling.log"),
    )?;
    wait_ok(
        &format!("{}/healthz", ceiling.url),
        Instant::now(),
        Duration::from_secs(30),
    )
    .await?;

    let duration = Duration::from_secs(world.scale.load_seconds);
    let work = &world.paths.work;
    let bare = wrk::run(
        work,
        &ceiling.url,
        &["/".to_string()],
        None,
        CONCURRENCY,
        duration,
    )?;
    drop(ceiling);
    let cookie = Some(world.admin.cookie.as_str());
    let console = &world.console.url;
    let pages = wrk::run(work, console, &customers, cookie, CONCURRENCY, duration)?;
    let log = wrk::run(work, console, &audit, cookie, CONCURRENCY, duration)?;
    let home = wrk::run(work, console, &dashboard, cookie, CONCURRENCY, duration)?;
    let plan = wrk::run(work, console, &plan_tabs, cookie, CONCURRENCY, duration)?;
    let after = world.console.rss_mib();

    eprintln!("  page size: {size} B (the ceiling serves as many)");
    add_load(report, "SSR /customers (10k directory)", &pages, &bare)?;
    add_load(report, "SSR /audit (filtered, 1M log)", &log, &bare)?;
    add_load(report, "SSR / (dashboard, 1M log)", &home, &bare)?;
    add_load(report, "SSR plan tab (live from SendGrid)", &plan, &bare)?;
    report.add(
        "server RSS after the load test",
        after,
        "MiB",
        "server idle RSS",
        world.idle_rss,
    );
    Ok(())
}

fn add_load(
    report: &mut Report,
    name: &str,
    ours: &WrkResult,
    bare: &WrkResult,
) -> Result<(), BenchError> {
    if ours.errors > 0 {
        return Err(BenchError::Console(format!(
            "{name}: {} failed requests under load",
            ours.errors
        )));
    }
    let reference = "bare axum, static page of the same size, c=16 (wrk)";
    report.add(
        &format!("{name} req/s, c=16"),
        ours.requests_per_second,
        "req/s",
        reference,
        bare.requests_per_second,
    );
    report.add(
        &format!("{name} p50, c=16"),
        ours.p50_ms,
        "ms",
        reference,
        bare.p50_ms,
    );
    report.add(
        &format!("{name} p99, c=16"),
        ours.p99_ms,
        "ms",
        reference,
        bare.p99_ms,
    );
    Ok(())
}
