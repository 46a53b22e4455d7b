//! The offerings catalog (API.md §5.2). It "changes rarely" and SendGrid recommends caching
//! it, so it is kept in SQLite (migration 30) with the time it was fetched, refreshed on
//! request or once a day old.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::SqlitePool;

use crate::domain::offerings::{CatalogItem, Entitlements, OfferingKind};

/// A cached catalog older than this is fetched again on the next read.
const MAX_AGE: chrono::Duration = chrono::Duration::hours(24);

#[derive(Clone, Debug)]
pub struct Catalog {
    pub items: Vec<CatalogItem>,
    /// RFC 3339, UTC.
    pub fetched_at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("The offerings catalog could not be read from SendGrid: {0}")]
    Upstream(#[from] sendgrid::Error),
    #[error("The console's database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// The cached catalog, fetched first when there is none or it is stale. A stale copy is
/// still answered when SendGrid cannot be reached (it is labelled with its time anyway).
pub async fn cached(pool: &SqlitePool, client: &sendgrid::Client) -> Result<Catalog, CatalogError> {
    let stored = stored(pool).await?;
    let fresh = stored.as_ref().is_some_and(|c| {
        DateTime::parse_from_rfc3339(&c.fetched_at)
            .is_ok_and(|at| Utc::now().signed_duration_since(at) < MAX_AGE)
    });
    match stored {
        Some(catalog) if fresh => Ok(catalog),
        Some(catalog) => Ok(refresh(pool, client).await.unwrap_or(catalog)),
        None => refresh(pool, client).await,
    }
}

/// Fetches the catalog now and replaces the cached copy.
#[tracing::instrument(skip_all)]
pub async fn refresh(
    pool: &SqlitePool,
    client: &sendgrid::Client,
) -> Result<Catalog, CatalogError> {
    let entries = client.list_offerings().await?;
    let items: Vec<CatalogItem> = entries.iter().map(item).collect();
    let fetched_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let json = serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_string());
    sqlx::query!(
        "INSERT INTO offerings_catalog (id, entries, fetched_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET entries = excluded.entries, fetched_at = excluded.fetched_at",
        json,
        fetched_at,
    )
    .execute(pool)
    .await?;
    Ok(Catalog { items, fetched_at })
}

async fn stored(pool: &SqlitePool) -> Result<Option<Catalog>, sqlx::Error> {
    let row = sqlx::query!("SELECT entries, fetched_at FROM offerings_catalog WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|row| {
        serde_json::from_str(&row.entries)
            .ok()
            .map(|items| Catalog {
                items,
                fetched_at: row.fetched_at,
            })
    }))
}

fn item(entry: &sendgrid::CatalogEntry) -> CatalogItem {
    CatalogItem {
        name: entry.offering.name.clone(),
        kind: kind(entry.offering.kind),
        entitlements: Entitlements {
            email_sends_max_monthly: entry.entitlements.email_sends_max_monthly,
            ip_count: entry.entitlements.ip_count,
            teammates_max_total: entry.entitlements.teammates_max_total,
            users_max_total: entry.entitlements.users_max_total,
        },
    }
}

pub fn kind(kind: sendgrid::OfferingKind) -> OfferingKind {
    match kind {
        sendgrid::OfferingKind::Package => OfferingKind::Package,
        sendgrid::OfferingKind::Addon => OfferingKind::Addon,
    }
}
