use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;

use super::audit::export::ExportSlots;
use super::auth::SessionLimits;
use super::bulk::BulkRunner;
use super::directory::DirectorySync;
use super::hash_queue::HashQueue;
use super::throttle::LoginThrottle;
use super::upstream_health::UpstreamHealth;

/// Everything a request handler or server function needs, built once at start-up.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub upstream: sendgrid::Client,
    pub upstream_health: Arc<UpstreamHealth>,
    pub login_throttle: Arc<LoginThrottle>,
    /// Password checks at sign-in, a bounded number at a time.
    pub password_checks: Arc<HashQueue>,
    pub session_limits: SessionLimits,
    /// The customer directory's sync: one at a time, its progress shared with every page.
    pub directory: Arc<DirectorySync>,
    /// Where the first admin's password was written at first start; removed once replaced.
    pub initial_password_file: Option<std::path::PathBuf>,
    /// The tracker every background task is spawned on, drained at a graceful stop.
    pub background: super::background::Background,
    /// Bulk changes running in this process.
    pub bulk: Arc<BulkRunner>,
    /// Audit exports downloading now, per operator.
    pub exports: Arc<ExportSlots>,
    /// Who makes plan changes chosen for the end of the cycle (`SCHEDULED_PLAN_CHANGES`).
    pub plan_scheduling: crate::domain::plan::SchedulingMode,
    /// Where the SendGrid calls go and with which credential, for the connection check.
    pub upstream_settings: crate::domain::connection::UpstreamSettings,
}
