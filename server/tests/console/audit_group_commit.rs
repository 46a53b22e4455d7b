//! Audit rows that arrive together are written together (`services::audit::group_commit`):
//! one transaction for the rows queued while another write held the file, each caller still
//! answered only once its row is committed, and one row's error that row's alone.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::audit_support;

use app::domain::IdempotencyKey;
use app::services::audit::{
    self, Kind, Mutation, MutationOutcome, NewEvent, Outcome, Verification,
};
use app::services::writer::{begin_write, write_shared};
use audit_support::{event, temp_db, TempDb};
use serde_json::json;
use sqlx::SqlitePool;

/// The bytes of the database's write-ahead log (each commit adds its pages to it).
fn wal_bytes(db: &TempDb) -> u64 {
    std::fs::metadata(db.dir.path().join("audit.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

async fn empty_wal(db: &TempDb) {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(wal_bytes(db), 0);
}

/// Starts `count` tasks made by `make` (from their number and a pool on the file) one after
/// another while this test holds the file's write turn, so they queue behind it in that
/// order; then lets them go.
async fn queued_behind_a_held_turn<F, Fut, T>(db: &TempDb, count: usize, make: F) -> Vec<T>
where
    F: Fn(usize, SqlitePool) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let held = begin_write(&db.pool).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..count {
        tasks.push(tokio::spawn(make(n, db.pool.clone())));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for task in &tasks {
        assert!(
            !task.is_finished(),
            "a row was answered while the file's turn was held"
        );
    }
    held.rollback().await.unwrap();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_that_queue_together_are_committed_together() {
    let db = temp_db().await;
    empty_wal(&db).await;
    for n in 0..10 {
        audit::append(
            &db.pool,
            event(&format!("alone-{n}"), "auth.sign_in", Outcome::Success),
        )
        .await
        .unwrap();
    }
    let one_at_a_time = wal_bytes(&db);
    empty_wal(&db).await;

    let ids = queued_behind_a_held_turn(&db, 10, |n, pool| async move {
        audit::append(
            &pool,
            event(&format!("together-{n}"), "auth.sign_in", Outcome::Success),
        )
        .await
        .unwrap()
    })
    .await;
    let together = wal_bytes(&db);

    // The first to queue writes alone; the nine behind it go in with one commit.
    assert!(
        together * 3 < one_at_a_time,
        "ten queued rows grew the log by {together} bytes, ten single writes by {one_at_a_time}"
    );
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(
        ids, sorted,
        "the chain keeps the order in which the rows arrived"
    );
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Ok { events: 20 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_refused_in_a_shared_transaction_fails_alone() {
    let db = temp_db().await;
    let taken = NewEvent {
        idempotency_key: Some("key-taken".to_string()),
        ..event("first", "auth.sign_in", Outcome::Success)
    };
    audit::append(&db.pool, taken.clone()).await.unwrap();

    let answers = queued_behind_a_held_turn(&db, 4, |n, pool| {
        let row = match n {
            // The column is UNIQUE: this row cannot be written.
            2 => taken.clone(),
            n => event(&format!("row-{n}"), "auth.sign_in", Outcome::Success),
        };
        async move { audit::append(&pool, row).await.map_err(|e| e.to_string()) }
    })
    .await;

    assert!(
        answers[2].as_ref().unwrap_err().contains("UNIQUE"),
        "{answers:?}"
    );
    for n in [0, 1, 3] {
        assert!(answers[n].is_ok(), "row {n}: {:?}", answers[n]);
    }
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Ok { events: 4 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_change_submitted_at_once_is_made_once() {
    let db = temp_db().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let outcomes = queued_behind_a_held_turn(&db, 6, |_, pool| {
        let calls = calls.clone();
        async move {
            let mutation = Mutation {
                operator: "manager@example.com".to_string(),
                customer: "acme".to_string(),
                action: app::domain::AuditAction::Limits(app::domain::limits::LimitTask::Total),
                params: json!({ "credits": 500 }),
                idempotency_key: IdempotencyKey::from_form("the-one-form").unwrap(),
                before: None,
                client_ip: None,
                approving: None,
                reverts: None,
            };
            audit::run_mutation(
                &pool,
                mutation,
                || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                },
                || async { None },
            )
            .await
            .unwrap()
        }
    })
    .await;

    assert_eq!(calls.load(Ordering::SeqCst), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| !o.replayed).count(), 1);
    let attempt = outcomes[0].attempt_id;
    for outcome in &outcomes {
        assert_eq!(outcome.attempt_id, attempt);
        assert!(matches!(
            outcome.outcome,
            MutationOutcome::Success | MutationOutcome::Unknown { .. }
        ));
    }
    let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = ?")
        .bind(Kind::Attempt.as_str())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_whose_key_is_taken_writes_nothing_and_the_chain_goes_on() {
    let db = temp_db().await;
    let keys = ["key-0", "key-twice", "key-twice", "key-3"];
    let answers = queued_behind_a_held_turn(&db, keys.len(), |n, pool| {
        let row = NewEvent {
            idempotency_key: Some(keys[n].to_string()),
            ..event(&format!("row-{n}"), "auth.sign_in", Outcome::Success)
        };
        async move {
            write_shared(&pool, move |conn| {
                Box::pin(audit::append_new_key_in(conn, row.clone()))
            })
            .await
            .unwrap()
        }
    })
    .await;

    // Rows 1 to 3 share one transaction: the second use of the key is told so and skipped,
    // and the row after it chains to the last row written.
    assert!(answers[0].is_some() && answers[1].is_some() && answers[3].is_some());
    assert_eq!(answers[2], None, "{answers:?}");
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Ok { events: 3 }
    );
}
