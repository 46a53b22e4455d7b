//! `GET /healthz`: `{"status":"ok","db":"ok","upstream":"ok"|"degraded"}`.

use app::services::{db, AppState};
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub db: &'static str,
    pub upstream: &'static str,
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db_ok = db::ping(&state.pool).await.is_ok();
    let upstream_ok = state.upstream_health.is_ok(&state.upstream).await;
    // The console is up while its database is: an upstream outage degrades it (pages that
    // only read local data still work) but is not a reason for a load balancer to drop it.
    let health = Health {
        status: if db_ok { "ok" } else { "error" },
        db: if db_ok { "ok" } else { "error" },
        upstream: if upstream_ok { "ok" } else { "degraded" },
    };
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(health))
}
