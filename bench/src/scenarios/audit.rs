//! The audit log at scale: five typical filters through the console's `list_audit_events`
//! beside the same SQL (app/src/services/audit/query.rs) through sqlx directly, and the CSV
//! export of the whole log (rows/s, peak memory) beside reading the same rows directly.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use futures::TryStreamExt;

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
                "the console's query code on the same file directly",
                direct.ms(p),
            );
        }
    }
    export(world, report).await
}

/// The console's first page for `filter`, through the console's own query code.
async fn direct_page(world: &World, filter: &Filter) -> Result<(), BenchError> {
    use app::domain::audit_filter::{AuditFilter, Cursor};
    use app::services::audit::query::{self, PAGE_SIZE};
    let pairs = filter.pairs();
    let parsed = AuditFilter::parse(|name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    })
    .map_err(BenchError::Setup)?;
    let page = query::page(
        &world.direct,
        &query::Filter::from_audit(&parsed),
        Cursor::Latest,
        PAGE_SIZE,
    )
    .await?;
    std::hint::black_box(page);
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
    // Every column the export writes, as the console reads a row (its own row type and list).
    let all = format!("{} ORDER BY e.id", app::services::audit::EVENT_COLUMNS);
    let mut stream =
        sqlx::query_as::<_, app::services::audit::StoredEvent>(&all).fetch(&world.direct);
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
        "reading the same rows (every column) through sqlx directly",
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
