//! The directory's tables: reading the sources back, writing a sync's result in one
//! transaction, and the sync bookkeeping row.

use sqlx::{SqliteConnection, SqlitePool};

use super::merge::{merge, Decision, Merged, V2Entry, V3Entry};
use crate::domain::directory::SyncStatus;

/// What the last good sync stored, and the admins' decisions.
pub struct Sources {
    pub v2: Vec<V2Entry>,
    pub v3: Vec<V3Entry>,
    pub decisions: Vec<Decision>,
}

pub async fn load_sources(conn: &mut sqlx::SqliteConnection) -> Result<Sources, sqlx::Error> {
    let v2 = sqlx::query_as!(
        V2Entry,
        r#"SELECT username, email, name, company, active AS "active: bool", package
           FROM directory_v2 ORDER BY username"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let v3 = sqlx::query_as!(
        V3Entry,
        "SELECT account_id, email, created_at, state, package FROM directory_v3
         ORDER BY created_at, account_id"
    )
    .fetch_all(&mut *conn)
    .await?;
    let decisions = load_decisions(conn).await?;
    Ok(Sources { v2, v3, decisions })
}

async fn load_decisions(conn: &mut sqlx::SqliteConnection) -> Result<Vec<Decision>, sqlx::Error> {
    sqlx::query_as!(
        Decision,
        r#"SELECT username, account_id, decision = 'link' AS "link!: bool"
           FROM customer_links ORDER BY username, account_id"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// Rows per `INSERT` of a sync: a few statements for 10,000 customers, and a parameter of a
/// few hundred kilobytes whatever the directory's size.
const ROWS_PER_INSERT: usize = 2_000;

/// Replaces both source tables with what a sync read, then rebuilds the directory.
///
/// Rows are inserted [`ROWS_PER_INSERT`] at a time, each batch one statement over a JSON array
/// (`json_each`), not one `INSERT` per row: a statement is a round trip to the connection's
/// thread, and a sync of 10,000 customers made 30,000 of them.
pub async fn replace_sources(
    tx: &mut SqliteConnection,
    v2: &[V2Entry],
    v3: &[V3Entry],
    synced_at: &str,
) -> Result<usize, sqlx::Error> {
    sqlx::query!("DELETE FROM directory_v2")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM directory_v3")
        .execute(&mut *tx)
        .await?;
    for rows in v2.chunks(ROWS_PER_INSERT) {
        let rows = json_rows(rows)?;
        sqlx::query!(
            "INSERT INTO directory_v2 (username, email, name, company, active, package,
                synced_at)
             SELECT value->>'username', value->>'email', value->>'name', value->>'company',
                    value->>'active', value->>'package', ?1
             FROM json_each(?2)",
            synced_at,
            rows,
        )
        .execute(&mut *tx)
        .await?;
    }
    for rows in v3.chunks(ROWS_PER_INSERT) {
        let rows = json_rows(rows)?;
        sqlx::query!(
            "INSERT INTO directory_v3 (account_id, email, created_at, state, package, synced_at)
             SELECT value->>'account_id', value->>'email', value->>'created_at',
                    value->>'state', value->>'package', ?1
             FROM json_each(?2)",
            synced_at,
            rows,
        )
        .execute(&mut *tx)
        .await?;
    }
    rebuild(tx).await
}

/// Recomputes `customers` (and its search index) from the source tables and the admins'
/// decisions. Returns the number of directory entries.
pub async fn rebuild(tx: &mut SqliteConnection) -> Result<usize, sqlx::Error> {
    let sources = load_sources(tx).await?;
    let merged = merge(&sources.v2, &sources.v3, &sources.decisions);
    sqlx::query!("DELETE FROM customers")
        .execute(&mut *tx)
        .await?;
    let entries: Vec<CustomerRow> = merged.iter().map(CustomerRow::from).collect();
    for rows in entries.chunks(ROWS_PER_INSERT) {
        let rows = json_rows(rows)?;
        // Each entry keeps the time its own source row was read: a v2 customer's, else its
        // account's.
        sqlx::query!(
            "INSERT INTO customers (key, username, account_id, linkage, name, company, email,
                package, state, synced_at)
             SELECT value->>'key', value->>'username', value->>'account_id', value->>'linkage',
                    value->>'name', value->>'company', value->>'email', value->>'package',
                    value->>'state',
                    COALESCE((SELECT synced_at FROM directory_v2
                              WHERE username = value->>'username'),
                             (SELECT synced_at FROM directory_v3
                              WHERE account_id = value->>'account_id'),
                             '')
             FROM json_each(?1)",
            rows,
        )
        .execute(&mut *tx)
        .await?;
    }
    // External-content FTS5 table: 'rebuild' re-reads `customers` in full (fast at 10,000).
    sqlx::query!("INSERT INTO customers_search (customers_search) VALUES ('rebuild')")
        .execute(&mut *tx)
        .await?;
    Ok(merged.len())
}

/// One directory entry as the `customers` insert reads it.
#[derive(serde::Serialize)]
struct CustomerRow<'a> {
    key: &'a str,
    username: Option<&'a str>,
    account_id: Option<&'a str>,
    linkage: &'a str,
    name: &'a str,
    company: &'a str,
    email: &'a str,
    package: Option<&'a str>,
    state: Option<&'a str>,
}

impl<'a> From<&'a Merged> for CustomerRow<'a> {
    fn from(entry: &'a Merged) -> Self {
        CustomerRow {
            key: &entry.key,
            username: entry.username.as_deref(),
            account_id: entry.account_id.as_deref(),
            linkage: entry.linkage.as_str(),
            name: &entry.name,
            company: &entry.company,
            email: &entry.email,
            package: entry.package.as_deref(),
            state: entry.state.as_deref(),
        }
    }
}

/// Rows as one JSON array, the parameter of a `json_each` insert.
fn json_rows<T: serde::Serialize>(rows: &[T]) -> Result<String, sqlx::Error> {
    serde_json::to_string(rows).map_err(|error| sqlx::Error::Encode(Box::new(error)))
}

pub async fn record_start(pool: &SqlitePool, at: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_started_at = ? WHERE id = 1",
        at
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn record_success(
    tx: &mut SqliteConnection,
    at: &str,
    pages: u32,
    accounts: u32,
    notes: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_success_at = ?, last_notes = ?, pages = ?, accounts = ?
         WHERE id = 1",
        at,
        notes,
        pages,
        accounts,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn record_failure(pool: &SqlitePool, at: &str, message: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_failure_at = ?, last_failure = ? WHERE id = 1",
        at,
        message,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The stored part of the status; the caller adds the running sync's progress.
pub async fn status(pool: &SqlitePool) -> Result<SyncStatus, sqlx::Error> {
    // One statement: each is a hand-off to the database's thread, on every directory page.
    let row = sqlx::query!(
        r#"SELECT last_success_at, last_failure_at, last_failure, last_notes,
                  (SELECT COUNT(*) FROM customers) AS "customers!: i64"
           FROM directory_sync WHERE id = 1"#
    )
    .fetch_optional(pool)
    .await?;
    // The row is the migration's; without it nothing was ever synced.
    Ok(row
        .map(|row| SyncStatus {
            last_success_at: row.last_success_at,
            last_failure_at: row.last_failure_at,
            last_failure: row.last_failure,
            last_notes: row.last_notes,
            customers: row.customers.max(0) as u64,
            running: None,
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::db;

    fn v2(username: &str, email: &str, active: bool, package: Option<&str>) -> V2Entry {
        V2Entry {
            username: username.to_string(),
            email: email.to_string(),
            name: format!("{username} name"),
            company: String::new(),
            active,
            package: package.map(str::to_string),
        }
    }

    fn v3(account_id: &str, email: &str, state: Option<&str>) -> V3Entry {
        V3Entry {
            account_id: account_id.to_string(),
            email: email.to_string(),
            created_at: "2026-01-02T03:04:05Z".to_string(),
            state: state.map(str::to_string),
            package: None,
        }
    }

    #[tokio::test]
    async fn a_sync_stores_every_row_as_read_and_each_entry_keeps_its_sources_time() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("c.db").display());
        let pool = db::open(&url).await.unwrap();
        let sources_v2 = vec![
            v2("anna", "anna@example.com", true, Some("Pro 100K")),
            v2("bob", "bob@example.com", false, None),
        ];
        let sources_v3 = vec![
            v3("acc-anna", "ANNA@example.com", Some("activated")),
            v3("acc-solo", "solo@example.com", None),
        ];
        let mut tx = pool.begin().await.unwrap();
        let stored = replace_sources(&mut tx, &sources_v2, &sources_v3, "first")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored, 3);

        let mut conn = pool.acquire().await.unwrap();
        let read = load_sources(&mut conn).await.unwrap();
        assert_eq!(read.v2, sources_v2, "v2 rows come back as written");
        assert_eq!(read.v3, sources_v3, "v3 rows come back as written");

        // A later sync of v2 only at another time: each entry takes its own source's time.
        sqlx::query("UPDATE directory_v2 SET synced_at = 'later'")
            .execute(&mut *conn)
            .await
            .unwrap();
        rebuild(&mut conn).await.unwrap();
        let entries: Vec<(String, String)> = sqlx::query_as(
            "SELECT key, linkage || ' ' || COALESCE(account_id, '-') || ' '
                    || COALESCE(state, '-') || ' ' || synced_at
             FROM customers ORDER BY key",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let entries: Vec<(&str, &str)> = entries
            .iter()
            .map(|(key, entry)| (key.as_str(), entry.as_str()))
            .collect();
        assert_eq!(
            entries,
            [
                ("acc-solo", "v3_only acc-solo - first"),
                ("anna", "email acc-anna activated later"),
                ("bob", "v2_only - inactive later"),
            ]
        );
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM customers_search WHERE customers_search MATCH 'anna*'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, 1, "the search index holds the new entries");
    }

    #[tokio::test]
    async fn a_directory_larger_than_one_insert_is_stored_whole() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("c.db").display());
        let pool = db::open(&url).await.unwrap();
        let many = ROWS_PER_INSERT * 2 + 1;
        let sources_v2: Vec<V2Entry> = (0..many)
            .map(|n| {
                v2(
                    &format!("user-{n:05}"),
                    &format!("u{n}@example.com"),
                    true,
                    None,
                )
            })
            .collect();
        let sources_v3: Vec<V3Entry> = (0..many)
            .map(|n| v3(&format!("acc-{n:05}"), &format!("a{n}@example.com"), None))
            .collect();
        let mut tx = pool.begin().await.unwrap();
        let stored = replace_sources(&mut tx, &sources_v2, &sources_v3, "now")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored, many * 2);
        let counted: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM directory_v2), (SELECT COUNT(*) FROM directory_v3),
                    (SELECT COUNT(*) FROM customers)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(counted, (many as i64, many as i64, (many * 2) as i64));
    }
}
