//! One customer's header: who they are from the directory (or, before a sync has seen them,
//! from their v2 profile), with package, state, billing period and pending change read live.

use sendgrid::{Client, PendingQuery, ProfileQuery};
use sqlx::SqlitePool;

use crate::domain::directory::{CustomerRow, Linkage};
use crate::domain::CustomerSummary;
use crate::services::directory;
use crate::services::plan::{cycle_of, pending_info};

#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error(
        "No customer {0:?}: not in the directory, and SendGrid has no v2 customer of that name."
    )]
    NotFound(String),
    #[error("the console's database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("SendGrid could not be read: {0}")]
    Upstream(#[from] sendgrid::Error),
}

#[tracing::instrument(skip(pool, client))]
pub async fn summary(
    pool: &SqlitePool,
    client: &Client,
    key: &str,
) -> Result<CustomerSummary, CustomerError> {
    let key = key.trim();
    let (row, synced_at) = match directory::find(pool, key).await? {
        Some((row, synced_at)) => (row, Some(synced_at)),
        None => (profile_row(client, key).await?, None),
    };
    let mut summary = CustomerSummary {
        customer: row.clone(),
        cycle: None,
        pending: None,
        synced_at,
        live_note: None,
    };
    let mut problems = Vec::new();
    if let Some(user) = &row.username {
        let query = PendingQuery {
            username: Some(user.clone()),
            kind: None,
        };
        let (overview, pending) = tokio::join!(client.overview(user), client.list_pending(&query));
        match overview {
            Ok(overview) => {
                summary.cycle = cycle_of(&overview);
                summary.customer.package = Some(overview.package);
            }
            Err(error) => problems.push(format!("plan: {error}")),
        }
        match pending {
            Ok(list) => {
                summary.pending = list.iter().find(|c| &c.username == user).map(pending_info)
            }
            Err(error) => problems.push(format!("scheduled changes: {error}")),
        }
    }
    if let Some(id) = &row.account_id {
        match client.get_account_state(id).await {
            Ok(state) => summary.customer.state = Some(directory::state_name(state).to_string()),
            Err(error) => problems.push(format!("account state: {error}")),
        }
    }
    if !problems.is_empty() {
        summary.live_note = Some(format!(
            "Shown from the directory; SendGrid could not be read for the {}.",
            problems.join("; ")
        ));
    }
    Ok(summary)
}

/// A customer the directory has not seen yet (created since the last sync): their exact
/// v2 profile (API.md §4.1 does not say whether the username filter is exact, so exact
/// matches are kept).
async fn profile_row(client: &Client, key: &str) -> Result<CustomerRow, CustomerError> {
    let query = ProfileQuery {
        username: Some(key.to_string()),
        ..Default::default()
    };
    let profile = client
        .list_profiles(&query)
        .await?
        .into_iter()
        .find(|p| p.username == key)
        .ok_or_else(|| CustomerError::NotFound(key.to_string()))?;
    let name = format!("{} {}", profile.first_name.trim(), profile.last_name.trim());
    Ok(CustomerRow {
        key: profile.username.clone(),
        username: Some(profile.username),
        account_id: None,
        name: name.trim().to_string(),
        company: profile.company,
        email: profile.email,
        package: None,
        state: Some(if profile.active { "active" } else { "inactive" }.to_string()),
        linkage: Linkage::V2Only,
    })
}
