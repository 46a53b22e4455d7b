//! `GET /bulk/:id/events`: a bulk job's progress as server-sent events. Each event carries the
//! counts, rate and estimate and the customers changed since the last one; its id is the
//! sequence number, so a reconnecting browser (`Last-Event-ID`, or `?since=` on the first connection) misses nothing. The stream
//! ends with an `end` event once the job stops.

use std::convert::Infallible;
use std::time::Duration;

use app::domain::bulk::Progress;
use app::domain::Permission;
use app::services::auth::{self, CurrentOperator};
use app::services::{bulk, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::stream::{self, Stream};

/// How often the job is read while it runs.
const TICK: Duration = Duration::from_millis(400);
/// Rate and estimate are refreshed at least this often even when no customer finished.
const HEARTBEAT_TICKS: u32 = 5;

pub async fn bulk_events(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    Path(id): Path<i64>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(error) = auth::check(&current, Permission::ChangeAccounts) {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
        return (status, error.to_string()).into_response();
    }
    let since = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        // The page passes the sequence number it was rendered with on the first connection.
        .or_else(|| query.get("since").and_then(|v| v.parse::<i64>().ok()))
        .unwrap_or(0);
    if let Err(error) = bulk::progress(&state.pool, id, i64::MAX).await {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::NOT_FOUND);
        return (status, error.to_string()).into_response();
    }
    let mut response = Sse::new(events(state, id, since))
        .keep_alive(KeepAlive::default())
        .into_response();
    // Compression would hold events back until a buffer fills.
    response.headers_mut().insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

struct Cursor {
    state: AppState,
    id: i64,
    seq: i64,
    last: Option<Progress>,
    quiet_ticks: u32,
    ended: bool,
}

fn events(state: AppState, id: i64, since: i64) -> impl Stream<Item = Result<Event, Infallible>> {
    let cursor = Cursor {
        state,
        id,
        seq: since,
        last: None,
        quiet_ticks: 0,
        ended: false,
    };
    stream::unfold(cursor, |mut cursor| async move {
        if cursor.ended {
            return None;
        }
        loop {
            if cursor.last.is_some() {
                tokio::time::sleep(TICK).await;
            }
            let progress = match bulk::progress(&cursor.state.pool, cursor.id, cursor.seq).await {
                Ok(progress) => progress,
                Err(error) => {
                    cursor.ended = true;
                    let event = Event::default().event("error").data(error.to_string());
                    return Some((Ok(event), cursor));
                }
            };
            let changed = cursor.last.as_ref().is_none_or(|last| {
                !progress.items.is_empty()
                    || last.status != progress.status
                    || last.counts != progress.counts
            });
            cursor.quiet_ticks += 1;
            if !changed && cursor.quiet_ticks < HEARTBEAT_TICKS {
                continue;
            }
            cursor.quiet_ticks = 0;
            if !progress.status.is_active() {
                // The last progress goes out now; the next poll of the stream sends `end`.
                if cursor.last.as_ref().is_some_and(|l| !l.status.is_active())
                    && progress.items.is_empty()
                {
                    cursor.ended = true;
                    return Some((Ok(Event::default().event("end").data("")), cursor));
                }
            }
            cursor.seq = progress.seq;
            let event = Event::default()
                .event("progress")
                .id(progress.seq.to_string())
                .json_data(&progress)
                .unwrap_or_else(|_| {
                    Event::default()
                        .event("error")
                        .data("progress could not be encoded")
                });
            cursor.last = Some(progress);
            return Some((Ok(event), cursor));
        }
    })
}
