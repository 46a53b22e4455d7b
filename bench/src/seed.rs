//! A million-event audit log, written straight into the console's SQLite file before the
//! console starts. Rows are signed with the console's own chain code (`audit::seal`) under a
//! key file made where the console will look for it, so `reseller-console audit verify`
//! accepts the log; they are inserted 100 to a statement in large transactions, because the
//! console's own one-row-per-commit path would take far longer than the benchmark itself.

use app::services::audit::key::ChainKey;
use app::services::audit::{seal, StoredEvent, GENESIS};
use chrono::{DateTime, Duration as Span, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::BenchError;

/// Actions of recorded changes, as the console names them.
pub const ACTIONS: [&str; 6] = [
    "plan.immediate_upgrade",
    "plan.scheduled_downgrade",
    "limits.total",
    "limits.recurring",
    "offerings.update",
    "state.update",
];
pub const OPERATORS: usize = 25;

pub fn operator(n: usize) -> String {
    format!("operator{n}@example.com")
}

/// The generator: attempts followed by their results, and sign-in events between them,
/// spread evenly over the last `days` days so ids grow with time as in a real log.
struct Generator {
    rng: StdRng,
    key: ChainKey,
    customers: Vec<String>,
    start: DateTime<Utc>,
    step_ms: i64,
    next_id: i64,
    prev_hash: String,
    /// An attempt written, its result not yet.
    pending: Option<(i64, String, &'static str)>,
}

impl Generator {
    fn row(&mut self) -> StoredEvent {
        let id = self.next_id;
        self.next_id += 1;
        let at = self.start + Span::milliseconds(self.step_ms * id);
        let occurred_at = at.to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut row = StoredEvent {
            id,
            occurred_at,
            kind: "event".to_string(),
            attempt_id: None,
            operator: Some(operator(self.rng.gen_range(0..OPERATORS))),
            customer: None,
            action: "auth.sign_in".to_string(),
            params: "{}".to_string(),
            outcome: None,
            upstream_status: None,
            upstream_message: None,
            duration_ms: None,
            idempotency_key: None,
            before_state: None,
            after_state: None,
            client_ip: Some("127.0.0.1".to_string()),
            prev_hash: std::mem::take(&mut self.prev_hash),
            hash: String::new(),
            key_id: None,
        };
        if let Some((attempt, customer, action)) = self.pending.take() {
            let roll = self.rng.gen_range(0..100);
            let (outcome, status) = match roll {
                0..=87 => ("success", 200),
                88..=96 => ("failure", 400),
                _ => ("unknown", 0),
            };
            row.kind = "result".to_string();
            row.attempt_id = Some(attempt);
            row.customer = Some(customer);
            row.action = action.to_string();
            row.outcome = Some(outcome.to_string());
            row.upstream_status = (status > 0).then_some(status);
            let message = if status == 200 { "success" } else { "refused" };
            row.upstream_message = Some(message.to_string());
            row.duration_ms = Some(self.rng.gen_range(40..900));
            row.after_state = Some(r#"{"package":"Silver Package"}"#.to_string());
        } else if self.rng.gen_range(0..10) < 8 {
            let customer = self.customers[self.rng.gen_range(0..self.customers.len())].clone();
            let action = ACTIONS[self.rng.gen_range(0..ACTIONS.len())];
            row.kind = "attempt".to_string();
            row.customer = Some(customer.clone());
            row.action = action.to_string();
            row.params = r#"{"package":"Silver Package","ip":[],"ip_group":[]}"#.to_string();
            row.idempotency_key = Some(format!("seed-{id}"));
            row.before_state = Some(r#"{"package":"Basic Package"}"#.to_string());
            // One attempt in a thousand never gets its result (a crash mid-call).
            if self.rng.gen_range(0..1000) > 0 {
                self.pending = Some((id, customer, action));
            }
        } else {
            let outcome = if self.rng.gen_range(0..20) == 0 {
                "failure"
            } else {
                "success"
            };
            row.outcome = Some(outcome.to_string());
        }
        seal(&mut row, &self.key.id, self.key.secret());
        self.prev_hash = row.hash.clone();
        row
    }
}

const ROWS_PER_STATEMENT: usize = 100;
const ROWS_PER_TRANSACTION: usize = 50_000;

/// Appends `count` events about `customers` to an empty, migrated log, signed with `key`.
pub async fn audit_log(
    conn: &mut SqliteConnection,
    key: ChainKey,
    customers: Vec<String>,
    count: usize,
    days: i64,
) -> Result<(), BenchError> {
    let span_ms = days * 24 * 3600 * 1000;
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(7),
        key,
        customers,
        start: Utc::now() - Span::milliseconds(span_ms),
        step_ms: span_ms / count as i64,
        next_id: 1,
        prev_hash: GENESIS.to_string(),
        pending: None,
    };
    let mut written = 0;
    while written < count {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let in_this = ROWS_PER_TRANSACTION.min(count - written);
        let mut done = 0;
        while done < in_this {
            let n = ROWS_PER_STATEMENT.min(in_this - done);
            let rows: Vec<StoredEvent> = (0..n).map(|_| generator.row()).collect();
            insert(conn, &rows).await?;
            done += n;
        }
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        written += in_this;
    }
    Ok(())
}

async fn insert(conn: &mut SqliteConnection, rows: &[StoredEvent]) -> Result<(), BenchError> {
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO audit_events (id, occurred_at, kind, attempt_id, operator, customer, action,
            params, outcome, upstream_status, upstream_message, duration_ms, idempotency_key,
            before_state, after_state, client_ip, prev_hash, hash, key_id) ",
    );
    query.push_values(rows, |mut b, row| {
        b.push_bind(row.id)
            .push_bind(&row.occurred_at)
            .push_bind(&row.kind)
            .push_bind(row.attempt_id)
            .push_bind(&row.operator)
            .push_bind(&row.customer)
            .push_bind(&row.action)
            .push_bind(&row.params)
            .push_bind(&row.outcome)
            .push_bind(row.upstream_status)
            .push_bind(&row.upstream_message)
            .push_bind(row.duration_ms)
            .push_bind(&row.idempotency_key)
            .push_bind(&row.before_state)
            .push_bind(&row.after_state)
            .push_bind(&row.client_ip)
            .push_bind(&row.prev_hash)
            .push_bind(&row.hash)
            .push_bind(&row.key_id);
    });
    query.build().execute(&mut *conn).await?;
    Ok(())
}
