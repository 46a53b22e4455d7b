//! The audit log's write path: credit-limit changes through the console (each one an
//! `attempt` committed before the call and a `result` after, hash-chained, `synchronous=FULL`)
//! at concurrency 16 against the simulator without latency, beside the disk's floor: the
//! same two durable single-row commits per change on a scratch SQLite file.

use std::str::FromStr;
use std::time::Instant;

use futures::stream::{self, StreamExt, TryStreamExt};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use super::World;
use crate::report::Report;
use crate::BenchError;

const CHANGES: usize = 400;
const CONCURRENCY: usize = 16;

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let users: Vec<String> = world
        .sim_customers
        .iter()
        .filter(|c| c["v2"]["active"] == true)
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .take(CHANGES)
        .collect();
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_events")
        .fetch_one(&world.direct)
        .await?;
    let started = Instant::now();
    stream::iter(users.iter().enumerate())
        .map(|(i, user)| async move {
            let key = format!("bench-limit-{i}");
            world
                .manager
                .call(
                    "set_credit_limit",
                    &[
                        ("user", user.as_str()),
                        ("task", "total"),
                        ("credits", "5000"),
                        ("idempotency_key", key.as_str()),
                    ],
                )
                .await
                .map(drop)
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    let took = started.elapsed().as_secs_f64();
    let written: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE id > ? AND kind IN ('attempt', 'result')",
    )
    .bind(last)
    .fetch_one(&world.direct)
    .await?;
    if written < 2 * users.len() as i64 {
        return Err(BenchError::Console(format!(
            "{} changes wrote {written} attempt and result rows",
            users.len()
        )));
    }
    let floor = durable_pairs_per_second(world).await?;
    report.add(
        "audit attempt+result pairs written, c=16",
        users.len() as f64 / took,
        "pairs/s",
        "two durable 1-row SQLite commits per pair, same disk",
        floor,
    );
    Ok(())
}

async fn durable_pairs_per_second(world: &World) -> Result<f64, BenchError> {
    let path = world.paths.work.join("floor.db");
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&mut conn)
        .await?;
    let pairs = 200;
    let started = Instant::now();
    for _ in 0..pairs * 2 {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await?;
        sqlx::query("INSERT INTO t (body) VALUES ('{\"kind\":\"attempt\"}')")
            .execute(&mut conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut conn).await?;
    }
    let took = started.elapsed().as_secs_f64();
    conn.close().await?;
    Ok(pairs as f64 / took)
}
