//! Server-side rendering under load: `/customers` (pages of 50 of the whole directory) and
//! `/audit` (50 rows of the seeded log, filtered) at concurrency 16, beside the bare axum
//! ceiling answering a static page of the same size; the console's memory after the load.

use std::time::{Duration, Instant};

use super::audit::{filters, query_string};
use super::World;
use crate::load::{self, LoadResult};
use crate::procs::{free_port, spawn, wait_ok};
use crate::report::Report;
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
    let size = world.admin.get(&customers[0]).await?.len();
    for path in &audit {
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

    let warm_up = Duration::from_secs(1);
    let duration = Duration::from_secs(world.scale.load_seconds);
    let bare = load::run(
        &ceiling.url,
        &["/".to_string()],
        None,
        CONCURRENCY,
        warm_up,
        duration,
    )
    .await?;
    drop(ceiling);
    let cookie = Some(world.admin.cookie.as_str());
    let console = &world.console.url;
    let pages = load::run(console, &customers, cookie, CONCURRENCY, warm_up, duration).await?;
    let log = load::run(console, &audit, cookie, CONCURRENCY, warm_up, duration).await?;
    let after = world.console.rss_mib();

    eprintln!(
        "  page sizes: ceiling {} B, /customers {} B, /audit {} B",
        bare.bytes, pages.bytes, log.bytes
    );
    add_load(report, "SSR /customers (10k directory)", &pages, &bare)?;
    add_load(report, "SSR /audit (filtered, 1M log)", &log, &bare)?;
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
    ours: &LoadResult,
    bare: &LoadResult,
) -> Result<(), BenchError> {
    if ours.errors > 0 || ours.latencies.len() == 0 {
        return Err(BenchError::Console(format!(
            "{name}: {} failed requests, {} answered",
            ours.errors,
            ours.latencies.len()
        )));
    }
    let reference = "bare axum, static page of the same size, c=16";
    report.add(
        &format!("{name} req/s, c=16"),
        ours.requests_per_second,
        "req/s",
        reference,
        bare.requests_per_second,
    );
    for p in [50.0, 99.0] {
        report.add(
            &format!("{name} p{p:.0}, c=16"),
            ours.latencies.ms(p),
            "ms",
            reference,
            bare.latencies.ms(p),
        );
    }
    Ok(())
}
