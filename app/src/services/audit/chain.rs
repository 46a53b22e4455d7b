//! The hash chain: every row carries `hash = HMAC-SHA256(key, prev_hash, key_id, canonical
//! row)` under the key of [`super::key`], computed inside the inserting transaction; rows from
//! before the log was keyed keep `sha256(prev_hash || canonical row)`. Writers start with
//! `BEGIN IMMEDIATE`, so one writer at a time reads the chain's tip, and `prev_hash` is UNIQUE
//! so the chain cannot fork anyway.
//!
//! The pool's connections hold the key ring in a TEMP table (memory only, never in the
//! database file), installed by `db` when each connection opens: see [`install_keys`]. Those
//! tables exist only on a live connection, so theirs are the statements not checked against
//! the schema at build time.

use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::key::{mac_with, KeyRing};
use super::row::{select_events, StoredEvent};

/// `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields that are hashed, in a fixed order. Changing this breaks every existing chain.
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

fn canonical(row: &StoredEvent) -> Canonical<'_> {
    Canonical {
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
    }
}

/// The plain hash of a row written before the log was keyed.
fn unkeyed_hash(row: &StoredEvent) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(row.prev_hash.as_bytes());
    hasher.update(serde_json::to_vec(&canonical(row)).expect("canonical rows serialize"));
    hex::encode(hasher.finalize())
}

/// Signs `row`, whose `prev_hash` is already the hash of the row before it, with the key
/// `key_id`: sets its `key_id` and `hash`. What every append does; public so that a log can
/// be seeded in bulk (the benchmark) exactly as the console writes it.
pub fn seal(row: &mut StoredEvent, key_id: &str, secret: &[u8]) {
    row.key_id = Some(key_id.to_string());
    row.hash = keyed_hash(secret, key_id, row);
}

fn keyed_hash(secret: &[u8], key_id: &str, row: &StoredEvent) -> String {
    let canonical = serde_json::to_vec(&canonical(row)).expect("canonical rows serialize");
    mac_with(
        secret,
        &[row.prev_hash.as_bytes(), key_id.as_bytes(), &canonical],
    )
}

/// Puts `ring` into a new connection's TEMP tables (memory only) so that [`append_in`] signs
/// with its current key and [`verify`] checks with all of them. `key_file` is named in
/// messages when no ring could be loaded.
pub async fn install_keys(
    conn: &mut SqliteConnection,
    ring: Option<&KeyRing>,
    key_file: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA temp_store = MEMORY")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS audit_chain_keys
            (id TEXT PRIMARY KEY NOT NULL, secret BLOB NOT NULL, current INTEGER NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS audit_chain_meta
            (unkeyed_through INTEGER NOT NULL, key_file TEXT NOT NULL, loaded INTEGER NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM temp.audit_chain_keys")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.audit_chain_meta")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO temp.audit_chain_meta (unkeyed_through, key_file, loaded) VALUES (?, ?, ?)",
    )
    .bind(ring.map_or(0, |r| r.unkeyed_through))
    .bind(key_file)
    .bind(ring.is_some())
    .execute(&mut *conn)
    .await?;
    if let Some(ring) = ring {
        let current = ring.current().id.clone();
        for key in &ring.keys {
            sqlx::query("INSERT INTO temp.audit_chain_keys (id, secret, current) VALUES (?, ?, ?)")
                .bind(&key.id)
                .bind(key.secret())
                .bind(key.id == current)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The key that signs new rows, from this connection's TEMP table.
pub(super) async fn signing_key(
    conn: &mut SqliteConnection,
) -> Result<(String, Vec<u8>), sqlx::Error> {
    sqlx::query_as("SELECT id, secret FROM temp.audit_chain_keys WHERE current = 1")
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(key_not_loaded)
}

pub(super) fn key_not_loaded() -> sqlx::Error {
    sqlx::Error::Configuration(
        "the audit key is not loaded, so no audit event can be written".into(),
    )
}

/// The secret of the key `id`, if this process holds it.
pub(super) async fn key_by_id(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT secret FROM temp.audit_chain_keys WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Ok {
        events: u64,
    },
    Broken {
        id: i64,
        reason: String,
    },
    /// Rows are signed with a key this process does not hold: verifying needs the key file.
    KeyMissing {
        id: i64,
        key_id: String,
        key_file: String,
    },
}

/// Walks the whole chain in id order, in constant memory: each row's link to the one before,
/// its hash under the key that signed it, and that no row after the keyed log began is
/// unsigned (an attacker without the key could otherwise rewrite the tail with plain hashes).
pub async fn verify(pool: &SqlitePool) -> Result<Verification, sqlx::Error> {
    use futures::TryStreamExt;
    let mut conn = pool.acquire().await?;
    let (unkeyed_through, key_file, loaded): (i64, String, bool) =
        sqlx::query_as("SELECT unkeyed_through, key_file, loaded FROM temp.audit_chain_meta")
            .fetch_one(&mut *conn)
            .await?;
    let keys: std::collections::HashMap<String, Vec<u8>> =
        sqlx::query_as::<_, (String, Vec<u8>)>("SELECT id, secret FROM temp.audit_chain_keys")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    drop(conn);
    let mut rows = select_events!("ORDER BY e.id").fetch(pool);
    let mut expected_prev = GENESIS.to_string();
    let mut events = 0u64;
    while let Some(row) = rows.try_next().await? {
        let broken = |reason: &str| Verification::Broken {
            id: row.id,
            reason: reason.to_string(),
        };
        if row.prev_hash != expected_prev {
            return Ok(broken(
                "its prev_hash does not match the hash of the event before it",
            ));
        }
        let expected = match &row.key_id {
            None if loaded && row.id > unkeyed_through => {
                return Ok(broken(&format!(
                    "it is not signed with the audit key, but every event after #{unkeyed_through} \
                     must be (the log was rewritten by someone without the key)"
                )))
            }
            None => unkeyed_hash(&row),
            Some(key_id) => match keys.get(key_id) {
                Some(secret) => keyed_hash(secret, key_id, &row),
                None => {
                    return Ok(Verification::KeyMissing {
                        id: row.id,
                        key_id: key_id.clone(),
                        key_file,
                    })
                }
            },
        };
        if expected != row.hash {
            return Ok(broken(
                "its contents do not match its hash (the row was changed)",
            ));
        }
        expected_prev = row.hash;
        events += 1;
    }
    Ok(Verification::Ok { events })
}
