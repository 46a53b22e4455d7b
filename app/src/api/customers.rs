//! The customer directory and a customer's header. Reading needs `ReadCustomers`; so does a
//! refresh, which changes nothing upstream. Linking by hand is for admins.

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

use super::ApiError;
use crate::domain::directory::{
    CustomerRow, DirectoryFacets, DirectoryPage, DirectoryQuery, SyncStatus,
};
use crate::domain::CustomerSummary;

#[server(endpoint = "search_customers")]
pub async fn search_customers(query: DirectoryQuery) -> Result<DirectoryPage, ApiError> {
    use crate::domain::Permission;
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    crate::services::directory::search(&state.pool, &query)
        .await
        .map_err(ApiError::from)
}

/// "Go to" (Ctrl/Cmd-K): at most 8 customers, an exact username, account id or email first,
/// then what the directory search matches.
#[server(endpoint = "jump_to_customer")]
pub async fn jump_to_customer(text: String) -> Result<Vec<CustomerRow>, ApiError> {
    use crate::domain::Permission;
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let text: String = text.trim().chars().take(200).collect();
    Ok(crate::services::directory::jump(&state.pool, &text, 8).await?)
}

#[server(endpoint = "get_directory_facets")]
pub async fn get_directory_facets() -> Result<DirectoryFacets, ApiError> {
    use crate::domain::Permission;
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    crate::services::directory::facets(&state.pool)
        .await
        .map_err(ApiError::from)
}

#[server(endpoint = "directory_status")]
pub async fn directory_status() -> Result<SyncStatus, ApiError> {
    use crate::domain::Permission;
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    crate::services::directory::status(&state.pool, &state.directory)
        .await
        .map_err(ApiError::from)
}

/// Starts a sync unless one is running; either way answers with the status.
#[server(endpoint = "refresh_directory")]
pub async fn refresh_directory() -> Result<SyncStatus, ApiError> {
    use crate::domain::Permission;
    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    if state.directory.start(
        state.pool.clone(),
        state.upstream.clone(),
        &state.background,
    ) {
        tracing::info!(operator = %me.email, "directory refresh requested");
    }
    crate::services::directory::status(&state.pool, &state.directory)
        .await
        .map_err(ApiError::from)
}

/// The running sync's progress as server-sent events (`data: <SyncProgress line>`), one per
/// change, ending when the sync ends (at once when none runs).
#[server(endpoint = "directory_progress", output = StreamingText)]
pub async fn directory_progress() -> Result<TextStream<ApiError>, ApiError> {
    use crate::domain::Permission;
    use futures::StreamExt;
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        // Labelled as SSE so the compression layer passes each event on at once instead of
        // buffering (tower-http never compresses text/event-stream).
        response.insert_header(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/event-stream"),
        );
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-cache"),
        );
    }
    let receiver = state.directory.subscribe();
    let events = futures::stream::unfold((receiver, true), |(mut receiver, first)| async move {
        if !first && receiver.changed().await.is_err() {
            return None;
        }
        let progress = (*receiver.borrow_and_update())?;
        Some((
            format!("data: {}\n\n", progress.to_line()),
            (receiver, false),
        ))
    });
    Ok(TextStream::new(events.map(Ok)))
}

#[server(endpoint = "link_customers")]
pub async fn link_customers(username: String, account_id: String) -> Result<(), ApiError> {
    use crate::services::directory::{correct, Correction, Pair};

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let pair = Pair {
        username: &username,
        account_id: &account_id,
    };
    correct(&state.pool, &me, pair, Correction::Link, super::client_ip()).await?;
    // Without JavaScript, go to the customer as the directory now names it: a v3-only
    // account's own page does not exist once it is linked to a username.
    if super::status::is_plain_form() {
        let page = format!(
            "/customers/{}",
            crate::domain::encode_component(username.trim())
        );
        leptos_axum::redirect(&page);
    }
    Ok(())
}

#[server(endpoint = "unlink_customers")]
pub async fn unlink_customers(username: String, account_id: String) -> Result<(), ApiError> {
    use crate::services::directory::{correct, Correction, Pair};

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let pair = Pair {
        username: &username,
        account_id: &account_id,
    };
    correct(
        &state.pool,
        &me,
        pair,
        Correction::Separate,
        super::client_ip(),
    )
    .await?;
    Ok(())
}

/// The header of `/customers/:user`; `None` when no such customer exists.
#[server(endpoint = "get_customer")]
pub async fn get_customer(key: String) -> Result<Option<CustomerSummary>, ApiError> {
    use crate::domain::Permission;
    use crate::services::customers::{summary, CustomerError};
    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    match summary(&state.pool, &state.upstream, &key).await {
        Ok(found) => Ok(Some(found)),
        Err(CustomerError::NotFound(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}
