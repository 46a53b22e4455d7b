//! Reading the log for review: the `/audit` filters and keyset pagination (`?before=<id>`,
//! `?after=<id>`), which stay fast at a million rows because every page is an index range
//! walked in id order, never an OFFSET.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{FromRow, QueryBuilder, Sqlite, SqlitePool};

use super::row::{select_events, status_of, StoredEvent};
use crate::domain::audit::{AuditPage, AuditRow, Kind, Outcome};
use crate::domain::audit_filter::{AuditFilter, Cursor};

/// Rows per page of the `/audit` table.
pub const PAGE_SIZE: u32 = 50;

/// The filter as queries use it: exact values, and a time window as bounds on the UTC text
/// of `occurred_at` (whose fixed format sorts like the times it names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: Option<String>,
    /// `unknown` also matches attempts that have no result and no reconcile.
    pub outcome: Option<Outcome>,
    /// Inclusive lower bound, e.g. `2026-11-01` or `2026-11-01T08:00:00.000Z`.
    pub since: Option<String>,
    /// Exclusive upper bound.
    pub until: Option<String>,
}

impl Filter {
    pub fn from_audit(filter: &AuditFilter) -> Filter {
        Filter {
            operator: filter.operator.clone(),
            customer: filter.customer.clone(),
            action: filter.action.clone(),
            outcome: filter.outcome,
            since: filter.from.as_ref().map(|d| d.as_str().to_string()),
            // Hour 24 sorts after every time of that day and before the next day.
            until: filter.to.as_ref().map(|d| format!("{}T24", d.as_str())),
        }
    }

    /// `--since` of the CLI: any RFC 3339 time, compared in UTC.
    pub fn since_rfc3339(value: &str) -> Result<String, String> {
        DateTime::parse_from_rfc3339(value.trim())
            .map(|at| {
                at.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Millis, true)
            })
            .map_err(|_| format!("{value:?} is not an RFC 3339 time such as 2026-11-01T00:00:00Z"))
    }
}

/// The id range the time window covers. Ids grow with time (rows are appended one at a time
/// under the write lock), so the window becomes a rowid range found through the time index,
/// and the other filters' `(column, id)` indexes serve it in id order.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Window {
    low: Option<i64>,
    high: Option<i64>,
}

/// `None` when no row can match the time window.
pub(super) async fn window(
    pool: &SqlitePool,
    filter: &Filter,
) -> Result<Option<Window>, sqlx::Error> {
    let mut window = Window::default();
    if let Some(since) = &filter.since {
        window.low = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM audit_events WHERE occurred_at >= ?
               ORDER BY occurred_at, id LIMIT 1"#,
            since
        )
        .fetch_optional(pool)
        .await?;
        if window.low.is_none() {
            return Ok(None);
        }
    }
    if let Some(until) = &filter.until {
        window.high = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM audit_events WHERE occurred_at < ?
               ORDER BY occurred_at DESC, id DESC LIMIT 1"#,
            until
        )
        .fetch_optional(pool)
        .await?;
        if window.high.is_none() {
            return Ok(None);
        }
    }
    Ok(Some(window))
}

/// Appends ` WHERE ...` for the filter over `audit_events e`.
///
/// Of the equality filters, only the most selective one present (customer, then operator,
/// action, outcome) may lead through its `(column, id)` index; the others are written `+col`,
/// which SQLite never serves from an index. Without statistics the planner might otherwise
/// walk the outcome index (a quarter of the log per value) to find one customer's rows.
pub(super) fn push_where(query: &mut QueryBuilder<'_, Sqlite>, filter: &Filter, window: Window) {
    push_where_from(query, filter, window, Unknowns::All);
}

/// Where the rows of an `unknown` outcome filter come from. They are two kinds: results and
/// reconciles recorded as unknown (the outcome index has them in id order) and attempts still
/// open (`audit_open_attempts`, in id order too). A single `IN (... UNION ALL ...)` list would
/// gather every one of them before the first page could be cut; a page instead walks each
/// kind in id order up to its length and merges the two (see [`page`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unknowns {
    /// Both kinds in one condition: for the export, which reads every matching row anyway.
    All,
    Recorded,
    /// Open attempts; with no other filter to lead, the first `limit` ids past the cursor.
    Open {
        past: Option<(&'static str, i64)>,
        desc: bool,
        limit: Option<i64>,
    },
}

fn push_where_from(
    query: &mut QueryBuilder<'_, Sqlite>,
    filter: &Filter,
    window: Window,
    unknowns: Unknowns,
) {
    query.push(" WHERE 1 = 1");
    let mut led = false;
    for (column, value) in [
        ("e.customer", &filter.customer),
        ("e.operator", &filter.operator),
        ("e.action", &filter.action),
    ] {
        if let Some(value) = value {
            let prefix = if led { "+" } else { "" };
            query
                .push(format!(" AND {prefix}{column} = "))
                .push_bind(value.clone());
            led = true;
        }
    }
    match filter.outcome {
        None => {}
        // Also the attempts without result or reconcile: their outcome is unknown too.
        Some(Outcome::Unknown) => push_unknowns(query, led, window, unknowns),
        Some(outcome) => {
            let prefix = if led { "+" } else { "" };
            query
                .push(format!(" AND {prefix}e.outcome = "))
                .push_bind(outcome.as_str());
        }
    }
    if let Some(low) = window.low {
        query.push(" AND e.id >= ").push_bind(low);
    }
    if let Some(high) = window.high {
        query.push(" AND e.id <= ").push_bind(high);
    }
    // The unary `+` keeps these exact checks from steering SQLite to the time index: the id
    // range above already narrowed the rows.
    if let Some(since) = &filter.since {
        query
            .push(" AND +e.occurred_at >= ")
            .push_bind(since.clone());
    }
    if let Some(until) = &filter.until {
        query
            .push(" AND +e.occurred_at < ")
            .push_bind(until.clone());
    }
}

fn push_unknowns(
    query: &mut QueryBuilder<'_, Sqlite>,
    led: bool,
    window: Window,
    unknowns: Unknowns,
) {
    const OPEN: &str = "EXISTS (SELECT 1 FROM audit_open_attempts x WHERE x.attempt_id = e.id)";
    match unknowns {
        Unknowns::All => {
            query.push(format!(" AND (e.outcome = 'unknown' OR {OPEN})"));
        }
        Unknowns::Recorded if led => {
            query.push(" AND +e.outcome = 'unknown'");
        }
        Unknowns::Recorded => {
            query.push(" AND e.outcome = 'unknown'");
        }
        // Another filter's index leads: checking each of its rows is a primary-key lookup.
        Unknowns::Open { .. } if led => {
            query.push(format!(" AND {OPEN}"));
        }
        Unknowns::Open { past, desc, limit } => {
            query.push(" AND e.id IN (SELECT attempt_id FROM audit_open_attempts WHERE 1 = 1");
            if let Some((op, id)) = past {
                query.push(format!(" AND attempt_id {op} ")).push_bind(id);
            }
            if let Some(low) = window.low {
                query.push(" AND attempt_id >= ").push_bind(low);
            }
            if let Some(high) = window.high {
                query.push(" AND attempt_id <= ").push_bind(high);
            }
            let order = if desc { "DESC" } else { "ASC" };
            query.push(format!(" ORDER BY attempt_id {order}"));
            if let Some(limit) = limit {
                query.push(" LIMIT ").push_bind(limit);
            }
            query.push(")");
        }
    }
}

#[derive(FromRow)]
struct Listed {
    id: i64,
    occurred_at: String,
    kind: String,
    attempt_id: Option<i64>,
    operator: Option<String>,
    customer: Option<String>,
    action: String,
    outcome: Option<String>,
    upstream_status: Option<i64>,
    duration_ms: Option<i64>,
    open: bool,
}

impl Listed {
    fn view(self) -> AuditRow {
        let kind = Kind::parse(&self.kind);
        AuditRow {
            id: self.id,
            occurred_at: self.occurred_at,
            kind: kind.unwrap_or(Kind::Event),
            attempt_id: self.attempt_id,
            operator: self.operator,
            customer: self.customer,
            action: self.action,
            status: status_of(
                kind,
                self.outcome.as_deref().and_then(Outcome::parse),
                self.open,
            ),
            upstream_status: self.upstream_status,
            duration_ms: self.duration_ms,
        }
    }
}

const LISTED_COLUMNS: &str =
    "SELECT e.id, e.occurred_at, e.kind, e.attempt_id, e.operator, e.customer,
    e.action, e.outcome, e.upstream_status, e.duration_ms, o.attempt_id IS NOT NULL AS open
    FROM audit_events e LEFT JOIN audit_open_attempts o ON o.attempt_id = e.id";

/// The query of one page: one row more than shown, to tell whether the next page exists.
fn page_query<'a>(
    prefix: &str,
    filter: &'a Filter,
    window: Window,
    cursor: Cursor,
    size: u32,
    unknowns: Unknowns,
) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::new(format!("{prefix}{LISTED_COLUMNS}"));
    push_where_from(&mut query, filter, window, unknowns);
    match cursor {
        Cursor::Latest => query.push(" ORDER BY e.id DESC LIMIT "),
        Cursor::Before(id) => query
            .push(" AND e.id < ")
            .push_bind(id)
            .push(" ORDER BY e.id DESC LIMIT "),
        Cursor::After(id) => query
            .push(" AND e.id > ")
            .push_bind(id)
            .push(" ORDER BY e.id ASC LIMIT "),
    };
    query.push_bind(i64::from(size) + 1);
    query
}

/// SQLite's plan for a page query (`EXPLAIN QUERY PLAN`), one line per step: how tests and
/// the benchmark check that every filter is served by an index.
pub async fn explain_page(
    pool: &SqlitePool,
    filter: &Filter,
    cursor: Cursor,
) -> Result<Vec<String>, sqlx::Error> {
    let window = window(pool, filter).await?.unwrap_or_default();
    let mut plan = Vec::new();
    for unknowns in sources(filter, cursor, PAGE_SIZE) {
        let rows: Vec<(i64, i64, i64, String)> = page_query(
            "EXPLAIN QUERY PLAN ",
            filter,
            window,
            cursor,
            PAGE_SIZE,
            unknowns,
        )
        .build_query_as()
        .fetch_all(pool)
        .await?;
        plan.extend(rows.into_iter().map(|(_, _, _, detail)| detail));
    }
    Ok(plan)
}

/// The queries a page is read with: one, or for the `unknown` outcome one per kind of row.
fn sources(filter: &Filter, cursor: Cursor, size: u32) -> Vec<Unknowns> {
    if filter.outcome != Some(Outcome::Unknown) {
        return vec![Unknowns::All];
    }
    let (past, desc) = match cursor {
        Cursor::Latest => (None, true),
        Cursor::Before(id) => (Some(("<", id)), true),
        Cursor::After(id) => (Some((">", id)), false),
    };
    // The exact time checks run after the list is cut, so with a time window the list is
    // bounded by the window's id range instead of a count.
    let timed = filter.since.is_some() || filter.until.is_some();
    let limit = (!timed).then(|| i64::from(size) + 1);
    vec![Unknowns::Recorded, Unknowns::Open { past, desc, limit }]
}

/// One page of matching rows, newest first, with the cursors of the pages beside it.
pub async fn page(
    pool: &SqlitePool,
    filter: &Filter,
    cursor: Cursor,
    size: u32,
) -> Result<AuditPage, sqlx::Error> {
    let Some(window) = window(pool, filter).await? else {
        return Ok(AuditPage::default());
    };
    let mut listed: Vec<Listed> = Vec::new();
    for unknowns in sources(filter, cursor, size) {
        listed.extend(
            page_query("", filter, window, cursor, size, unknowns)
                .build_query_as::<Listed>()
                .fetch_all(pool)
                .await?,
        );
    }
    // Each source is in the cursor's order; merged, the page is the first `size + 1` of both.
    match cursor {
        Cursor::After(_) => listed.sort_by_key(|row| row.id),
        Cursor::Latest | Cursor::Before(_) => listed.sort_by_key(|row| std::cmp::Reverse(row.id)),
    }
    listed.dedup_by_key(|row| row.id);
    listed.truncate(size as usize + 1);
    let mut rows: Vec<AuditRow> = listed.into_iter().map(Listed::view).collect();
    let more = rows.len() > size as usize;
    rows.truncate(size as usize);
    if matches!(cursor, Cursor::After(_)) {
        rows.reverse();
    }

    let (newest, oldest) = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => (first.id, last.id),
        _ => match cursor {
            Cursor::Latest => return Ok(AuditPage::default()),
            Cursor::Before(id) => (id, id),
            Cursor::After(id) => (id, id),
        },
    };
    let newer = match cursor {
        Cursor::Latest => false,
        Cursor::After(_) => more,
        Cursor::Before(id) if rows.is_empty() => exists(pool, filter, window, ">=", id).await?,
        Cursor::Before(_) => exists(pool, filter, window, ">", newest).await?,
    };
    let older = match cursor {
        Cursor::Latest | Cursor::Before(_) => more,
        Cursor::After(id) if rows.is_empty() => exists(pool, filter, window, "<=", id).await?,
        Cursor::After(_) => exists(pool, filter, window, "<", oldest).await?,
    };
    Ok(AuditPage {
        newer: newer.then(|| if rows.is_empty() { newest - 1 } else { newest }),
        older: older.then(|| if rows.is_empty() { oldest + 1 } else { oldest }),
        rows,
    })
}

/// How many rows match, counting no further than `cap` (the home page's pinned views: a
/// count of a broad filter over a million rows would cost what the number is not worth).
/// `Err(cap)` is "more than `cap`".
pub async fn count_up_to(
    pool: &SqlitePool,
    filter: &Filter,
    cap: u32,
) -> Result<Result<u64, u64>, sqlx::Error> {
    let Some(window) = window(pool, filter).await? else {
        return Ok(Ok(0));
    };
    let mut query = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT e.id FROM audit_events e");
    push_where(&mut query, filter, window);
    query
        .push(" LIMIT ")
        .push_bind(i64::from(cap) + 1)
        .push(")");
    let counted: i64 = query.build_query_scalar().fetch_one(pool).await?;
    let counted = counted.max(0) as u64;
    Ok(match counted > u64::from(cap) {
        true => Err(u64::from(cap)),
        false => Ok(counted),
    })
}

/// Whether any matching row has an id `op` `id` (`op` is one of `<`, `<=`, `>`, `>=`).
async fn exists(
    pool: &SqlitePool,
    filter: &Filter,
    window: Window,
    op: &'static str,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let sources = if filter.outcome == Some(Outcome::Unknown) {
        let open = Unknowns::Open {
            past: Some((op, id)),
            desc: op.starts_with('<'),
            limit: (filter.since.is_none() && filter.until.is_none()).then_some(1),
        };
        vec![Unknowns::Recorded, open]
    } else {
        vec![Unknowns::All]
    };
    for unknowns in sources {
        let mut query = QueryBuilder::new("SELECT e.id FROM audit_events e");
        push_where_from(&mut query, filter, window, unknowns);
        query
            .push(format!(" AND e.id {op} "))
            .push_bind(id)
            .push(" LIMIT 1");
        if query
            .build_query_scalar::<i64>()
            .fetch_optional(pool)
            .await?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One row by id.
pub async fn event(pool: &SqlitePool, id: i64) -> Result<Option<StoredEvent>, sqlx::Error> {
    select_events!("WHERE e.id = ?", id)
        .fetch_optional(pool)
        .await
}

/// The rows linked to the attempts `attempt_ids` (results and reconciles), oldest first.
pub async fn linked(
    pool: &SqlitePool,
    attempt_ids: &[i64],
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    if attempt_ids.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for any number of ids: the list travels as a JSON array.
    let ids = serde_json::to_string(attempt_ids).expect("a list of integers serializes");
    select_events!(
        "WHERE e.attempt_id IN (SELECT value FROM json_each(?)) ORDER BY e.id",
        ids
    )
    .fetch_all(pool)
    .await
}

/// Whether attempt `id` is still waiting for a result or reconcile.
pub async fn is_open(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let open = sqlx::query_scalar!(
        "SELECT attempt_id FROM audit_open_attempts WHERE attempt_id = ?",
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(open.is_some())
}
