//! A graceful stop ends the console's background work (schedule worker, directory sync,
//! session clean-up, checkpoints, bulk jobs): nothing it spawned runs afterwards, so another
//! console may start on the same database without two sets of workers writing to it.

use std::time::Duration;

use app::services::db;
use app::services::schedule::{self, timestamp, NewJob};
use serde_json::json;
use sqlx::types::chrono::Utc;

use crate::support::TestConsole;

#[tokio::test]
async fn a_stopped_console_runs_no_scheduled_change_any_more() {
    let console = TestConsole::start_with(|args| args.scheduled_jobs_poll_seconds = 1).await;
    let dir = console.stop_keeping_files().await;
    let pool = db::open(&format!("sqlite://{}/console.db", dir.display()))
        .await
        .expect("the database opens");
    let job = NewJob {
        due_at: timestamp(Utc::now() - chrono::Duration::minutes(1)),
        customer: "acme".to_string(),
        action: app::domain::AuditAction::StateUpdate,
        payload: json!({}),
        summary: "Deactivate acme.".to_string(),
        idempotency_key: "after-the-stop".to_string(),
        created_by: "admin@example.com".to_string(),
    };
    let (job, _) = schedule::schedule(&pool, job, None)
        .await
        .expect("the job is stored");
    // Three of the stopped worker's polls: had it kept running, it would have claimed the job.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let status: String = sqlx::query_scalar("SELECT status FROM scheduled_jobs WHERE id = ?")
        .bind(job.id)
        .fetch_one(&pool)
        .await
        .expect("the job is read");
    assert_eq!(status, "pending", "nothing ran the job after the stop");
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
