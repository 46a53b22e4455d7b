//! The keyed audit chain against someone who can write the database file but not the key
//! file: rewriting rows with recomputed hashes, stripping the key from the tail, cutting the
//! log short, and the logs written before the key existed.

use crate::audit_support::{bulk_append, console_cli, event, temp_db};

use app::services::audit::{self, digest, Outcome, StoredEvent, Verification};
use app::services::db;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

/// The fields hashed, in their order, as the source of `chain.rs` shows anyone who reads it.
#[derive(Serialize)]
struct Canonical<'a> {
    occurred_at: &'a str,
    kind: &'a str,
    attempt_id: Option<i64>,
    operator: Option<&'a str>,
    customer: Option<&'a str>,
    action: &'a str,
    params: &'a str,
    outcome: Option<&'a str>,
    upstream_status: Option<i64>,
    upstream_message: Option<&'a str>,
    duration_ms: Option<i64>,
    idempotency_key: Option<&'a str>,
    before_state: Option<&'a str>,
    after_state: Option<&'a str>,
    client_ip: Option<&'a str>,
}

/// What an attacker without the key can compute: the plain SHA-256 of the unkeyed formula.
fn plain_hash(row: &StoredEvent) -> String {
    let canonical = Canonical {
        occurred_at: &row.occurred_at,
        kind: &row.kind,
        attempt_id: row.attempt_id,
        operator: row.operator.as_deref(),
        customer: row.customer.as_deref(),
        action: &row.action,
        params: &row.params,
        outcome: row.outcome.as_deref(),
        upstream_status: row.upstream_status,
        upstream_message: row.upstream_message.as_deref(),
        duration_ms: row.duration_ms,
        idempotency_key: row.idempotency_key.as_deref(),
        before_state: row.before_state.as_deref(),
        after_state: row.after_state.as_deref(),
        client_ip: row.client_ip.as_deref(),
    };
    let mut hasher = Sha256::new();
    hasher.update(row.prev_hash.as_bytes());
    hasher.update(serde_json::to_vec(&canonical).unwrap());
    hex::encode(hasher.finalize())
}

async fn rows(pool: &sqlx::SqlitePool) -> Vec<StoredEvent> {
    sqlx::query_as("SELECT * FROM audit_events ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Rewrites every row from `from` on with `change` applied and plain hashes, relinking the
/// chain, as someone who dropped the triggers would.
async fn rewrite_from(pool: &sqlx::SqlitePool, from: i64, change: impl Fn(&mut StoredEvent)) {
    sqlx::query("DROP TRIGGER IF EXISTS audit_events_no_update")
        .execute(pool)
        .await
        .unwrap();
    let mut prev = None;
    for mut row in rows(pool).await {
        if row.id < from {
            prev = Some(row.hash.clone());
            continue;
        }
        row.prev_hash = prev.clone().unwrap_or_else(|| audit::GENESIS.to_string());
        change(&mut row);
        row.hash = plain_hash(&row);
        sqlx::query(
            "UPDATE audit_events SET params = ?, key_id = ?, prev_hash = ?, hash = ? WHERE id = ?",
        )
        .bind(&row.params)
        .bind(&row.key_id)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .bind(row.id)
        .execute(pool)
        .await
        .unwrap();
        prev = Some(row.hash);
    }
}

#[tokio::test]
async fn rows_rewritten_with_recomputed_hashes_fail_verify() {
    // The key's id kept, the hash recomputed with the formula in the source.
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..5).map(|i| event(&format!("c{i}"), "limits.total", Outcome::Success)),
    )
    .await;
    rewrite_from(&db.pool, 3, |row| row.params = r#"{"n":2}"#.to_string()).await;
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Broken {
            id: 3,
            reason: "its contents do not match its hash (the row was changed)".to_string()
        }
    );

    // The key's id stripped too, so the rows pass for ones from before the key existed.
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..5).map(|i| event(&format!("c{i}"), "limits.total", Outcome::Success)),
    )
    .await;
    rewrite_from(&db.pool, 3, |row| {
        row.params = r#"{"n":2}"#.to_string();
        row.key_id = None;
    })
    .await;
    let Verification::Broken { id, reason } = audit::verify(&db.pool).await.unwrap() else {
        panic!("a tail without the key must not verify");
    };
    assert_eq!(id, 3);
    assert!(reason.contains("not signed with the audit key"), "{reason}");
}

#[tokio::test]
async fn a_log_from_before_the_key_stays_verifiable_and_the_keyed_chain_continues_it() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..4).map(|i| event(&format!("old{i}"), "auth.sign_in", Outcome::Success)),
    )
    .await;
    // As an older console left it: plain hashes, no key file.
    rewrite_from(&db.pool, 1, |row| row.key_id = None).await;
    db.pool.close().await;
    std::fs::remove_file(db::default_key_file(&db.url).unwrap()).unwrap();

    let pool = db::open(&db.url).await.expect("opens and creates a key");
    bulk_append(
        &pool,
        (0..3).map(|i| event(&format!("new{i}"), "auth.sign_in", Outcome::Success)),
    )
    .await;
    assert_eq!(
        audit::verify(&pool).await.unwrap(),
        Verification::Ok { events: 7 }
    );
    let all = rows(&pool).await;
    assert!(all[..4].iter().all(|r| r.key_id.is_none()));
    assert!(all[4..].iter().all(|r| r.key_id.is_some()));
    assert_eq!(all[4].prev_hash, all[3].hash, "the keyed chain continues");

    // Opening it again without the key file is refused: the log is signed with a lost key.
    pool.close().await;
    let key = db::default_key_file(&db.url).unwrap();
    let moved = db.dir.path().join("elsewhere.audit-key");
    std::fs::rename(&key, &moved).unwrap();
    let error = db::open(&db.url)
        .await
        .expect_err("a signed log without its key");
    assert!(error.to_string().contains("no audit key file"), "{error}");
    assert!(!key.exists(), "no new key replaces the lost one");

    // The command line says what it lacks, and verifies with the key pointed at.
    let url = db.url.clone();
    let without = console_cli(&url, &["audit", "verify"]);
    assert!(!without.status.success());
    let said = String::from_utf8_lossy(&without.stderr);
    assert!(said.contains("AUDIT_KEY_FILE"), "{said}");
    let moved = moved.to_string_lossy().to_string();
    let with = console_cli(&url, &["audit", "verify", "--audit-key-file", &moved]);
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&with.stdout).trim(), "ok 7 events");
}

#[tokio::test]
async fn a_log_cut_short_fails_against_a_digest_and_the_checkpoints() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..10).map(|i| event(&format!("c{i}"), "limits.total", Outcome::Success)),
    )
    .await;
    let printed = console_cli(&db.url, &["audit", "digest"]);
    assert!(printed.status.success());
    let line = String::from_utf8_lossy(&printed.stdout).trim().to_string();
    assert!(
        line.starts_with("rc-audit-digest/1 events=10 last=10 "),
        "{line}"
    );
    let checkpoints = db::default_checkpoint_file(&db.url).unwrap();
    digest::write_checkpoint(&db.pool, &checkpoints)
        .await
        .unwrap();
    let verified = console_cli(&db.url, &["audit", "verify", "--digest", &line]);
    assert_eq!(
        String::from_utf8_lossy(&verified.stdout).trim(),
        "ok 10 events, 1 checkpoints"
    );

    // The newest two events deleted: what is left is still a valid chain...
    sqlx::query("DROP TRIGGER audit_events_no_delete")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id > 8")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&db.pool).await.unwrap(),
        Verification::Ok { events: 8 }
    );
    // ...but not the one the digest and the checkpoint signed.
    let cut = console_cli(&db.url, &["audit", "verify", "--digest", &line]);
    assert!(!cut.status.success());
    let said = String::from_utf8_lossy(&cut.stderr);
    assert!(said.contains("event #10"), "{said}");
    assert!(said.contains("the log was cut short"), "{said}");
    let cut = console_cli(&db.url, &["audit", "verify"]);
    assert!(!cut.status.success());
    let said = String::from_utf8_lossy(&cut.stderr);
    assert!(said.contains("checkpoint line 1"), "{said}");
    assert!(said.contains("the log was cut short"), "{said}");

    // A digest cannot be edited to fit the shorter log.
    let forged = line.replace("events=10 last=10", "events=8 last=8");
    let forged = console_cli(&db.url, &["audit", "verify", "--digest", &forged]);
    assert!(!forged.status.success());
    let said = String::from_utf8_lossy(&forged.stderr);
    assert!(said.contains("the line was altered"), "{said}");
}
