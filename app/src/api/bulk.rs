//! Bulk changes (`ChangeAccounts`): count a filter's customers, review an operation for every
//! chosen customer, start it, and cancel, retry the failed or resume a job. Progress itself
//! streams from `GET /bulk/:id/events`.

use leptos::prelude::*;

use crate::domain::bulk::{BulkError, BulkForm, BulkReview, BulkStarted, JobSummary, JobView};

/// A plain form post (no JavaScript) that failed goes back to `page` with the message in
/// its URL, since the framework's redirect to the referring page would lose it.
#[cfg(feature = "ssr")]
fn back_with_error(page: &str, error: &BulkError) {
    use crate::domain::encode_component;
    if super::status::is_plain_form() {
        let join = if page.contains('?') { '&' } else { '?' };
        leptos_axum::redirect(&format!(
            "{page}{join}error={}",
            encode_component(&error.to_string())
        ));
    }
}

#[server(endpoint = "count_bulk_matching")]
pub async fn count_bulk_matching(
    q: String,
    package: String,
    account_state: String,
) -> Result<u64, BulkError> {
    use crate::domain::directory::DirectoryQuery;

    super::require_manager()?;
    let state = super::app_state()?;
    let query = DirectoryQuery {
        q: q.trim().chars().take(200).collect(),
        package: package.trim().to_string(),
        state: account_state.trim().to_string(),
        ..DirectoryQuery::default()
    };
    crate::services::bulk::count_matching(&state.pool, &query)
        .await
        .map_err(super::change::with_status)
}

#[server(endpoint = "review_bulk")]
pub async fn review_bulk(form: BulkForm) -> Result<BulkReview, BulkError> {
    super::require_manager()?;
    let state = super::app_state()?;
    crate::services::bulk::review(&state.pool, &state.upstream, state.plan_scheduling, &form)
        .await
        .map_err(super::change::with_status)
}

/// Starts the reviewed bulk change and goes to its progress page, or, when the approval policy
/// holds it, to the request waiting for a second person.
#[server(endpoint = "start_bulk")]
pub async fn start_bulk(
    #[server(flatten)] form: BulkForm,
    confirm: Option<String>,
    idempotency_key: String,
) -> Result<BulkStarted, BulkError> {
    let me = super::require_manager()?;
    let app = super::app_state()?;
    let started = crate::services::bulk::start(
        &app.pool,
        &app.upstream,
        &app.bulk,
        &me,
        &form,
        &confirm.unwrap_or_default(),
        &idempotency_key,
        super::client_ip(),
    )
    .await;
    match started {
        Ok(started) => {
            leptos_axum::redirect(&started.href());
            Ok(started)
        }
        Err(error) => {
            let mut pairs = form.query_pairs();
            pairs.push(("step".into(), "review".into()));
            let query = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::domain::encode_component(v)))
                .collect::<Vec<_>>()
                .join("&");
            back_with_error(&format!("/bulk?{query}"), &error);
            Err(super::change::with_status(error))
        }
    }
}

#[server(endpoint = "list_bulk_jobs")]
pub async fn list_bulk_jobs() -> Result<Vec<JobSummary>, BulkError> {
    super::require_manager()?;
    let state = super::app_state()?;
    crate::services::bulk::recent(&state.pool)
        .await
        .map_err(super::change::with_status)
}

#[server(endpoint = "get_bulk_job")]
pub async fn get_bulk_job(id: i64) -> Result<JobView, BulkError> {
    super::require_manager()?;
    let state = super::app_state()?;
    crate::services::bulk::view(&state.pool, id, true)
        .await
        .map_err(super::change::with_status)
}

#[server(endpoint = "cancel_bulk")]
pub async fn cancel_bulk(id: i64) -> Result<(), BulkError> {
    let me = super::require_manager()?;
    let state = super::app_state()?;
    crate::services::bulk::cancel(&state.pool, &state.bulk, &me, id, super::client_ip())
        .await
        .inspect_err(|error| back_with_error(&format!("/bulk/{id}"), error))
        .map_err(super::change::with_status)
}

/// `what` is "failed" (retry the failed customers) or "resume" (start the ones not started).
#[server(endpoint = "rerun_bulk")]
pub async fn rerun_bulk(id: i64, what: String) -> Result<(), BulkError> {
    let me = super::require_manager()?;
    let state = super::app_state()?;
    let resume = match what.as_str() {
        "failed" => false,
        "resume" => true,
        _ => {
            return Err(super::change::with_status(BulkError::Conflict(
                "Choose to retry the failed customers or resume the job.".to_string(),
            )))
        }
    };
    crate::services::bulk::run_again(
        &state.pool,
        &state.bulk,
        &me,
        id,
        resume,
        super::client_ip(),
    )
    .await
    .inspect_err(|error| back_with_error(&format!("/bulk/{id}"), error))
    .map_err(super::change::with_status)
}
