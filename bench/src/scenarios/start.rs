//! The world the figures are taken in: the simulator with its customers, a console database
//! holding the seeded audit log and two operators, and the console itself, whose start-up
//! and idle memory are the first server figures.

use std::io::Write;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use super::{direct_pool, Scale, World, ADMIN, MANAGER, SIM_KEY};
use crate::console::{Session, PASSWORD};
use crate::procs::{free_port, spawn, wait_ok, Paths, Proc};
use crate::report::Report;
use crate::{seed, BenchError};

pub async fn world(paths: Paths, scale: Scale, report: &mut Report) -> Result<World, BenchError> {
    let sim = simulator(&paths, scale.customers).await?;
    let listed: Value = reqwest::get(format!("{}/_sim/customers", sim.url))
        .await?
        .json()
        .await?;
    let sim_customers = listed["customers"].as_array().cloned().unwrap_or_default();
    let usernames: Vec<String> = sim_customers
        .iter()
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .collect();

    let db = paths.work.join("console.db");
    let url = format!("sqlite://{}", db.display());
    let seeded = Instant::now();
    seed_database(&url, usernames, scale.audit_events).await?;
    eprintln!(
        "  seeded {} audit events in {:.1} s",
        scale.audit_events,
        seeded.elapsed().as_secs_f64()
    );
    for (email, role) in [(ADMIN, "admin"), (MANAGER, "manager")] {
        add_operator(&paths, &url, email, role)?;
    }
    verify_log(&paths, &url)?;

    let port = free_port()?;
    let env = vec![
        ("DATABASE_URL", url.clone()),
        ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
        ("LEPTOS_SITE_ROOT", paths.site.display().to_string()),
        ("SENDGRID_API_BASE", sim.url.clone()),
        ("SENDGRID_API_KEY", SIM_KEY.to_string()),
        // Syncs are started by the benchmark, so one is timed alone.
        ("DIRECTORY_SYNC_MINUTES", "0".to_string()),
        // The per-operator rate limit protects SendGrid from one runaway operator; the load
        // generator is one operator on purpose, so the limit is off (0) to measure the console.
        ("API_RATE_PER_MINUTE", "0".to_string()),
    ];
    let started = Instant::now();
    let console = spawn(
        &paths.binary,
        &["serve"],
        &env,
        port,
        &paths.work.join("console.log"),
    )?;
    let startup = wait_ok(
        &format!("{}/healthz", console.url),
        started,
        Duration::from_secs(60),
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = console.rss_mib();

    let (ceiling_startup, ceiling_idle) = ceiling_start(&paths).await?;
    report.add(
        "server start-up to first 200 on /healthz",
        ms(startup),
        "ms",
        "bare axum process, same probe",
        ms(ceiling_startup),
    );
    report.add(
        "server idle RSS",
        idle,
        "MiB",
        "bare axum process idle RSS",
        ceiling_idle,
    );

    let admin = Session::sign_in(&console.url, ADMIN).await?;
    let manager = Session::sign_in(&console.url, MANAGER).await?;
    let direct = direct_pool(&db).await?;
    Ok(World {
        paths,
        scale,
        sim,
        console,
        admin,
        manager,
        sim_customers,
        idle_rss: idle,
        direct,
    })
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn simulator(paths: &Paths, customers: usize) -> Result<Proc, BenchError> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let count = customers.to_string();
    let sim = spawn(
        &paths.binary,
        &[
            "simulator",
            "--addr",
            &addr,
            "--customers",
            &count,
            "--seed",
            "7",
        ],
        &[("SIMULATOR_API_KEY", SIM_KEY.to_string())],
        port,
        &paths.work.join("simulator.log"),
    )?;
    wait_ok(
        &format!("{}/_sim/clock", sim.url),
        Instant::now(),
        Duration::from_secs(60),
    )
    .await?;
    Ok(sim)
}

/// Migrates the file as the console would and writes the audit log into it, signed with a
/// new key in the key file the console will find beside the database.
async fn seed_database(url: &str, usernames: Vec<String>, events: usize) -> Result<(), BenchError> {
    use app::services::audit::key::{default_path, KeyRing};
    let options = SqliteConnectOptions::from_str(url)?;
    let ring = KeyRing::new(0);
    ring.create(&default_path(options.get_filename()))
        .map_err(|e| BenchError::Setup(format!("audit key: {e}")))?;
    let mut conn = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // Bench data: a power cut here costs a re-run, not an audit record.
        .synchronous(SqliteSynchronous::Off)
        .connect()
        .await?;
    sqlx::migrate!("../migrations")
        .run(&mut conn)
        .await
        .map_err(|e| BenchError::Setup(format!("migrations: {e}")))?;
    seed::audit_log(&mut conn, ring.current().clone(), usernames, events, 365).await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// The seeded log, and the operators' events the console appended to it, pass the console's
/// own verification: the figures are of a log the console accepts.
fn verify_log(paths: &Paths, url: &str) -> Result<(), BenchError> {
    let output = Command::new(&paths.binary)
        .args(["audit", "verify"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()?;
    if !output.status.success() {
        return Err(BenchError::Setup(format!(
            "the seeded audit log does not verify: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}

fn add_operator(paths: &Paths, url: &str, email: &str, role: &str) -> Result<(), BenchError> {
    let mut child = Command::new(&paths.binary)
        .args([
            "operator",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(PASSWORD.as_bytes())?;
    let status = child.wait()?;
    if !status.success() {
        return Err(BenchError::Setup(format!("operator add {email} failed")));
    }
    Ok(())
}

/// Start-up time and idle RSS of the bare axum ceiling, the reference for the console's.
async fn ceiling_start(paths: &Paths) -> Result<(Duration, f64), BenchError> {
    let port = free_port()?;
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let ceiling = spawn(
        &exe,
        &["ceiling", &port.to_string(), "1000"],
        &[],
        port,
        &paths.work.join("ceiling-start.log"),
    )?;
    let startup = wait_ok(
        &format!("{}/healthz", ceiling.url),
        started,
        Duration::from_secs(30),
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok((startup, ceiling.rss_mib()))
}
