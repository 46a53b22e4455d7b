//! The audit log at scale: five typical filters through the console's `list_audit_events`
//! beside the same SQL (app/src/services/audit/query.rs) through sqlx directly, and the CSV
//! export of the whole log (rows/s, peak memory) beside reading the same rows directly.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use futures::TryStreamExt;
use sqlx::{QueryBuilder, Sqlite};

use super::World;
use crate::load::sequential;
use crate::report::Report;
use crate::seed::operator;
use crate::BenchError;

/// One `/audit` filter, as query parameters.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub label: &'static str,
    pub customer: Option<String>,
    pub operator: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<&'static str>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Filter {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("customer", self.customer.clone()),
            ("operator", self.operator.clone()),
            ("action", self.action.clone()),
            ("outcome", self.outcome.map(str::to_string)),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

pub fn query_string(filter: &Filter) -> String {
    filter
        .pairs()
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('@', "%40")))
        .collect::<Vec<_>>()
        .join("&")
}

/// What auditors ask most: one customer's history, one operator's work, one kind of change
/// that failed, the outcomes still unknown, and one operator over one week.
pub fn filters(world: &World) -> Vec<Filter> {
    let customer = world
        .sim_customers
        .iter()
        .find_map(|c| c["username"].as_str())
        .unwrap_or_default()
        .to_string();
    let today = Utc::now().date_naive();
    let day = |back: u64| (today - Days::new(back)).format("%Y-%m-%d").to_string();
    vec![
        Filter {
            label: "customer",
            customer: Some(customer),
            ..Filter::default()
        },
        Filter {
            label: "operator",
            operator: Some(operator(3)),
            ..Filter::default()
        },
        Filter {
            label: "action + outcome failure",
            action: Some("limits.total".to_string()),
            outcome: Some("failure"),
            ..Filter::default()
        },
        Filter {
            label: "outcome unknown",
            outcome: Some("unknown"),
            ..Filter::default()
        },
        Filter {
            label: "operator + one week",
            operator: Some(operator(7)),
            from: Some(day(60)),
            to: Some(day(54)),
            ..Filter::default()
        },
    ]
}

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    for filter in filters(world) {
        let args: Vec<(String, String)> = filter
            .pairs()
            .into_iter()
            .map(|(k, v)| (format!("query[{k}]"), v))
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let console = sequential(100, |_| async {
            world.admin.call("list_audit_events", &args).await.map(drop)
        })
        .await?;
        let direct = sequential(100, |_| direct_page(world, &filter)).await?;
        for p in [50.0, 99.0] {
            report.add(
                &format!("audit query p{p:.0}: {}", filter.label),
                console.ms(p),
                "ms",
                "the same SQL through sqlx directly",
                direct.ms(p),
            );
        }
    }
    export(world, report).await
}

const LISTED: &str = "SELECT e.id, e.occurred_at, e.kind, e.attempt_id, e.operator, e.customer,
    e.action, e.outcome, e.upstream_status, e.duration_ms, o.attempt_id IS NOT NULL AS open
    FROM audit_events e LEFT JOIN audit_open_attempts o ON o.attempt_id = e.id";

type Listed = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    bool,
);

/// The console's first page for `filter`: the time window's ids, then the page query.
async fn direct_page(world: &World, filter: &Filter) -> Result<(), BenchError> {
    let pool = &world.direct;
    let until = filter.to.as_ref().map(|d| format!("{d}T24"));
    let mut low: Option<i64> = None;
    let mut high: Option<i64> = None;
    if let Some(since) = &filter.from {
        low = sqlx::query_scalar(
            "SELECT id FROM audit_events WHERE occurred_at >= ? ORDER BY occurred_at, id LIMIT 1",
        )
        .bind(since)
        .fetch_optional(pool)
        .await?;
    }
    if let Some(until) = &until {
        high = sqlx::query_scalar(
            "SELECT id FROM audit_events WHERE occurred_at < ? ORDER BY occurred_at DESC, id DESC LIMIT 1",
        )
        .bind(until)
        .fetch_optional(pool)
        .await?;
    }
    // "unknown" is read as the console reads it (services/audit/query.rs): the recorded
    // unknowns and the open attempts, each walked in id order up to the page, then merged.
    let timed = filter.from.is_some() || until.is_some();
    let parts: Vec<Option<&str>> = match filter.outcome {
        Some("unknown") => vec![Some("recorded"), Some("open")],
        _ => vec![None],
    };
    let mut rows: Vec<Listed> = Vec::new();
    for part in parts {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(LISTED);
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
        let prefix = if led { "+" } else { "" };
        match (part, filter.outcome) {
            (Some("recorded"), _) => {
                query.push(format!(" AND {prefix}e.outcome = 'unknown'"));
            }
            (Some(_), _) if led => {
                query.push(
                    " AND EXISTS (SELECT 1 FROM audit_open_attempts x WHERE x.attempt_id = e.id)",
                );
            }
            (Some(_), _) => {
                query.push(" AND e.id IN (SELECT attempt_id FROM audit_open_attempts WHERE 1 = 1");
                if let Some(low) = low {
                    query.push(" AND attempt_id >= ").push_bind(low);
                }
                if let Some(high) = high {
                    query.push(" AND attempt_id <= ").push_bind(high);
                }
                query.push(" ORDER BY attempt_id DESC");
                if !timed {
                    query.push(" LIMIT 51");
                }
                query.push(")");
            }
            (None, Some(outcome)) => {
                query
                    .push(format!(" AND {prefix}e.outcome = "))
                    .push_bind(outcome);
            }
            (None, None) => {}
        }
        if let Some(low) = low {
            query.push(" AND e.id >= ").push_bind(low);
        }
        if let Some(high) = high {
            query.push(" AND e.id <= ").push_bind(high);
        }
        if let Some(since) = &filter.from {
            query
                .push(" AND +e.occurred_at >= ")
                .push_bind(since.clone());
        }
        if let Some(until) = &until {
            query
                .push(" AND +e.occurred_at < ")
                .push_bind(until.clone());
        }
        query.push(" ORDER BY e.id DESC LIMIT 51");
        rows.extend(query.build_query_as::<Listed>().fetch_all(pool).await?);
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    rows.truncate(51);
    std::hint::black_box(rows);
    Ok(())
}

/// `/audit/export.csv` of the whole log, streamed and counted here.
async fn export(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let before = world.console.rss_mib();
    let reset = world.console.reset_peak();
    let started = Instant::now();
    let mut response = world
        .admin
        .http()
        .get(format!("{}/audit/export.csv", world.console.url))
        .timeout(Duration::from_secs(600))
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(BenchError::Console(format!(
            "export: {}",
            response.status()
        )));
    }
    let mut lines = 0usize;
    while let Some(chunk) = response.chunk().await? {
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let took = started.elapsed().as_secs_f64();
    let peak = world.console.peak_mib();
    let rows = lines.saturating_sub(1);

    let read = Instant::now();
    let mut stream = sqlx::query_as::<_, (i64, String, String, Option<String>, String, String)>(
        "SELECT id, occurred_at, kind, customer, params, hash FROM audit_events ORDER BY id",
    )
    .fetch(&world.direct);
    let mut direct_rows = 0usize;
    while let Some(row) = stream.try_next().await? {
        std::hint::black_box(row);
        direct_rows += 1;
    }
    let direct_took = read.elapsed().as_secs_f64();

    report.add(
        &format!("CSV export of {rows} rows"),
        rows as f64 / took,
        "rows/s",
        "reading the same rows through sqlx directly",
        direct_rows as f64 / direct_took,
    );
    let peak_reference = if reset {
        "server RSS just before the export"
    } else {
        "server RSS before (peak is since start)"
    };
    report.add(
        "CSV export, server peak RSS",
        peak,
        "MiB",
        peak_reference,
        before,
    );
    Ok(())
}
