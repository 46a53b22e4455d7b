//! Appending to the hash chain ([`super::chain`]): each row is chained to the tip and signed
//! inside the writer's transaction, which holds the write lock from `BEGIN IMMEDIATE` on.

use chrono::{SecondsFormat, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use super::chain::{key_not_loaded, seal, GENESIS};
use super::redact::redact;
use super::row::{NewEvent, StoredEvent};
use crate::services::writer::write_shared;

/// The key that signs new rows and the chain's tip, in one statement: every row appended
/// needs both, and each statement is a round trip to the connection's own thread.
async fn signing_key_and_tip(
    conn: &mut SqliteConnection,
) -> Result<(String, Vec<u8>, String), sqlx::Error> {
    let found: Option<(String, Vec<u8>, Option<String>)> = sqlx::query_as(
        "SELECT k.id, k.secret, (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1)
         FROM temp.audit_chain_keys k WHERE k.current = 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (id, secret, tip) = found.ok_or_else(key_not_loaded)?;
    Ok((id, secret, tip.unwrap_or_else(|| GENESIS.to_string())))
}

/// The statement inserting `$row` (a sealed [`StoredEvent`]), every column, with `$then`
/// after its values (what to return, what to do on a conflict).
macro_rules! insert_row {
    ($row:ident, $then:tt) => {
        sqlx::query_scalar!(
            r#"INSERT INTO audit_events (occurred_at, kind, attempt_id, operator, customer,
                action, params, outcome, upstream_status, upstream_message, duration_ms,
                idempotency_key, before_state, after_state, client_ip, prev_hash, hash, key_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#
                + $then,
            $row.occurred_at,
            $row.kind,
            $row.attempt_id,
            $row.operator,
            $row.customer,
            $row.action,
            $row.params,
            $row.outcome,
            $row.upstream_status,
            $row.upstream_message,
            $row.duration_ms,
            $row.idempotency_key,
            $row.before_state,
            $row.after_state,
            $row.client_ip,
            $row.prev_hash,
            $row.hash,
            $row.key_id,
        )
    };
}

/// The key that signs the next row, and the hash that row chains to.
#[derive(Clone)]
struct Signing {
    key_id: String,
    secret: Vec<u8>,
    tip: String,
}

tokio::task_local! {
    /// Inside one shared write transaction: the key, and the tip the last append left. Every
    /// append of that transaction would read both again, a round trip each; the transaction
    /// holds the write lock and only appends move the tip, so they cannot have changed.
    static SHARED_TIP: std::cell::RefCell<Option<Signing>>;
}

/// Runs `transaction` (one `BEGIN IMMEDIATE` to its commit or rollback, and nothing else) with
/// its appends reading the key and the tip once. A rolled-back transaction takes its tip
/// with it: the next one starts without.
pub async fn with_shared_tip<F: std::future::Future>(transaction: F) -> F::Output {
    SHARED_TIP
        .scope(std::cell::RefCell::new(None), transaction)
        .await
}

/// Appends one row to the chain and returns its id once it is committed.
///
/// Rows appended at the same moment share one transaction and its commit ([`write_shared`]).
pub async fn append(pool: &SqlitePool, event: NewEvent) -> Result<i64, sqlx::Error> {
    write_shared(pool, move |conn| Box::pin(append_in(conn, event.clone()))).await
}

/// Appends one row inside the caller's transaction, which must have been opened with
/// `BEGIN IMMEDIATE` (it holds the write lock, so the tip read here stays the tip).
pub async fn append_in(conn: &mut SqliteConnection, event: NewEvent) -> Result<i64, sqlx::Error> {
    let (row, signing) = sealed(conn, event).await?;
    let id = insert_row!(row, r#" RETURNING id AS "id!""#)
        .fetch_one(&mut *conn)
        .await?;
    settled(conn, row, signing, id).await
}

/// [`append_in`] for a row with an idempotency key: `None`, and nothing written, when a row
/// with that key is already in the log. One statement instead of a lookup and an insert;
/// only the key's conflict is let through, so a second row on the same `prev_hash` still
/// fails.
pub async fn append_new_key_in(
    conn: &mut SqliteConnection,
    event: NewEvent,
) -> Result<Option<i64>, sqlx::Error> {
    debug_assert!(event.idempotency_key.is_some());
    let (row, signing) = sealed(conn, event).await?;
    let id = insert_row!(
        row,
        r#" ON CONFLICT (idempotency_key) DO NOTHING RETURNING id AS "id!""#
    )
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => settled(conn, row, signing, id).await.map(Some),
        None => Ok(None),
    }
}

/// The row `event` becomes, chained to the tip and signed, and what signed it.
async fn sealed(
    conn: &mut SqliteConnection,
    event: NewEvent,
) -> Result<(StoredEvent, Signing), sqlx::Error> {
    let signing = match SHARED_TIP.try_with(|known| known.borrow().clone()) {
        Ok(Some(known)) => known,
        Ok(None) | Err(_) => {
            let (key_id, secret, tip) = signing_key_and_tip(conn).await?;
            Signing {
                key_id,
                secret,
                tip,
            }
        }
    };
    let mut row = StoredEvent {
        id: 0,
        occurred_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        kind: event.kind.as_str().to_string(),
        attempt_id: event.attempt_id,
        operator: event.operator,
        customer: event.customer,
        action: event.action.as_str().to_string(),
        params: redact(event.params).to_string(),
        outcome: event.outcome.map(|o| o.as_str().to_string()),
        upstream_status: event.upstream_status,
        upstream_message: event.upstream_message,
        duration_ms: event.duration_ms,
        idempotency_key: event.idempotency_key,
        before_state: event.before_state.map(|v| v.to_string()),
        after_state: event.after_state.map(|v| v.to_string()),
        client_ip: event.client_ip,
        hash: String::new(),
        prev_hash: signing.tip.clone(),
        key_id: None,
    };
    seal(&mut row, &signing.key_id, &signing.secret);
    Ok((row, signing))
}

/// After `row` is in the log as `id`: the next append of a shared write chains to it, and a
/// row that needs a person queues its message in this same transaction.
async fn settled(
    conn: &mut SqliteConnection,
    row: StoredEvent,
    signing: Signing,
    id: i64,
) -> Result<i64, sqlx::Error> {
    // Outside a shared write there is nothing to keep.
    let _ = SHARED_TIP.try_with(|known| {
        *known.borrow_mut() = Some(Signing {
            tip: row.hash.clone(),
            ..signing
        })
    });
    crate::services::notifications::raise_for(conn, &row, id).await?;
    Ok(id)
}

/// Records a local event, logging (not failing) if the write itself fails: a sign-in must
/// not be refused because the log is momentarily busy past its timeout.
pub async fn record(pool: &SqlitePool, event: NewEvent) {
    let action = event.action;
    if let Err(error) = append(pool, event).await {
        tracing::error!(%action, %error, "could not write an audit event");
    }
}
