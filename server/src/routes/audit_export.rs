//! `GET /audit/export.csv`: the filtered log as CSV (same query parameters as `/audit`),
//! streamed row by row so memory stays flat however large the log is. Auditors, admins and
//! managers only; the export itself is audited.

use std::collections::HashMap;

use app::domain::audit_filter::AuditFilter;
use app::domain::AuditAction;
use app::services::audit::export::{self, ExportFormat};
use app::services::audit::query::Filter;
use app::services::audit::{self, NewEvent, Outcome};
use app::services::auth::{self, CurrentOperator};
use app::services::client_addr::ClientAddr;
use app::services::AppState;
use axum::{
    body::Body,
    extract::{Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use futures::StreamExt;

pub async fn export_csv(
    State(state): State<AppState>,
    // Set by the `authenticate` middleware on every request it lets through.
    Extension(current): Extension<CurrentOperator>,
    Extension(client): Extension<ClientAddr>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let auditor = match auth::Auditor::of(&current) {
        Ok(auditor) => auditor,
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
            return (status, error.to_string()).into_response();
        }
    };
    let filter = match AuditFilter::parse(|name| query.get(name).cloned()) {
        Ok(filter) => filter,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let Some(slot) = state.exports.take(auditor.email()) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "You already have {} exports downloading; let one finish (or cancel it) and try again.",
                export::EXPORTS_PER_OPERATOR
            ),
        )
            .into_response();
    };
    audit::record(
        &state.pool,
        NewEvent::event(
            AuditAction::AuditExport,
            Some(auditor.email()),
            Outcome::Success,
            serde_json::json!({ "format": "csv", "filter": filter.query_string() }),
        )
        .with_client_ip(Some(client.to_string())),
    )
    .await;

    // The slot is freed when the body is dropped: the download ended or the client left.
    let chunks = export::stream(
        &auditor,
        state.pool.clone(),
        Filter::from_audit(&filter),
        ExportFormat::Csv,
    )
    .map(move |chunk| {
        let _open = &slot;
        chunk
    });
    let body = Body::from_stream(chunks);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Sent as is: the compression layer ended this streamed body after its headers (clients
    // saw a reset and an empty file), and an export is downloaded once, not on every page.
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    response
}
