//! The audit log's chain over a real SQLite file: append-only triggers, tamper detection by the
//! real `audit verify` binary, and one chain under concurrent writers.

use crate::audit_support;

use app::services::audit::{self, Outcome, StoredEvent, Verification};
use audit_support::{bulk_append, console_cli, event, temp_db};

async fn row(pool: &sqlx::SqlitePool, id: i64) -> StoredEvent {
    sqlx::query_as("SELECT * FROM audit_events WHERE id = ?")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn update_and_delete_are_refused_and_the_row_is_unchanged() {
    let db = temp_db().await;
    let id = audit::append(&db.pool, event("acme", "auth.sign_in", Outcome::Success))
        .await
        .unwrap();
    let before = row(&db.pool, id).await;

    let update = sqlx::query("UPDATE audit_events SET params = '{\"n\":2}' WHERE id = ?")
        .bind(id)
        .execute(&db.pool)
        .await;
    let error = update.expect_err("UPDATE is refused").to_string();
    assert!(error.contains("append-only"), "{error}");

    let delete = sqlx::query("DELETE FROM audit_events WHERE id = ?")
        .bind(id)
        .execute(&db.pool)
        .await;
    let error = delete.expect_err("DELETE is refused").to_string();
    assert!(error.contains("append-only"), "{error}");

    let after = row(&db.pool, id).await;
    assert_eq!(after.params, before.params);
    assert_eq!(after.hash, before.hash);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..25).map(|i| event(&format!("c{i}"), "auth.sign_in", Outcome::Success)),
    )
    .await;
    db.pool.close().await;

    let output = console_cli(&db.url, &["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout.trim(), "ok 25 events");
}

#[tokio::test]
async fn a_changed_row_is_named_by_verify() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..10).map(|i| event(&format!("c{i}"), "operator.add", Outcome::Success)),
    )
    .await;
    // What someone with write access to the file can do: drop the guard and edit a row.
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET params = '{\"n\":999}' WHERE id = 7")
        .execute(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;

    let output = console_cli(&db.url, &["audit", "verify"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "verify must fail: {output:?}");
    assert!(stderr.contains("event 7"), "{stderr}");
    assert!(output.stdout.is_empty(), "{output:?}");
}

#[tokio::test]
async fn a_deleted_row_breaks_the_chain_at_its_successor() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..5).map(|i| event(&format!("c{i}"), "operator.add", Outcome::Success)),
    )
    .await;
    sqlx::query("DROP TRIGGER audit_events_no_delete")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = 3")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Broken {
            id: 4,
            reason: "its prev_hash does not match the hash of the event before it".to_string()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_one_chain() {
    let db = temp_db().await;
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..8 {
        let pool = db.pool.clone();
        tasks.spawn(async move {
            for n in 0..200 {
                audit::append(
                    &pool,
                    event(&format!("task{task}-{n}"), "auth.sign_in", Outcome::Success),
                )
                .await
                .expect("append under contention");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Ok { events: 1600 }
    );
    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT prev_hash) FROM audit_events")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((rows, distinct), (1600, 1600));
}
