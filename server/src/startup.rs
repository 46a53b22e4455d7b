//! Start-up: open the database, start the upstream, build the router, serve until a signal.

use std::net::SocketAddr;
use std::sync::OnceLock;

use std::time::Duration;

use app::services::auth::SessionLimits;
use app::services::background::Background;
use app::services::{db, AppState};
use app::{shell, App};
use axum::{
    body::Body,
    extract::State,
    http::Request,
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, CachingSessionStore, Expiry, SessionManagerLayer};
use tower_sessions_moka_store::MokaStore;
use tower_sessions_sqlx_store::SqliteStore;

use crate::checkpoints::Checkpoints;
use crate::config::ServeArgs;
use crate::middleware::{
    authenticate::authenticate,
    body_limit::{self, BODY_LIMIT},
    client_addr::client_addr,
    rate_limit::{rate_limit, RateLimiter},
    same_origin::same_origin,
    security_headers::{security_headers, Https},
    server_fns::server_fns,
};
use crate::upstream::{self, UpstreamError};
use crate::{first_admin, routes};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::OpenError),
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
    #[error("cannot prepare the session store: {0}")]
    Sessions(#[source] sqlx::Error),
    #[error("cannot create the first admin: {0}")]
    FirstAdmin(#[from] first_admin::FirstAdminError),
}

/// A started console: its address, and what keeps it running.
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), StartupError>>,
    /// The in-process simulator when `--upstream embedded`; stops with the console.
    pub simulator: Option<simulator::Running>,
    bulk: std::sync::Arc<app::services::bulk::BulkRunner>,
    checkpoints: Checkpoints,
    /// Every background task of this console, drained by [`Running::stop`].
    background: Background,
    sessions: SessionStore,
}

/// How long a stop waits for background work to reach a point where it may end: a scheduled
/// change or bulk call under way is bounded by the upstream's total timeout (15 s).
const DRAIN_GRACE: Duration = Duration::from_secs(30);

/// Sessions are read from memory and written through to SQLite (which keeps them across a
/// restart). Only this process writes sessions, so the copy in memory is never stale; whether
/// the operator behind one may still act (disabled, password changed, role) is read from the
/// operators table on every request (`auth::resolve`), which the `operator` commands of another
/// process change. A session leaves memory at its expiry, or when the cache is full (the oldest
/// unused first; it is then read from SQLite again).
pub type SessionStore = CachingSessionStore<MokaStore, SqliteStore>;
const SESSIONS_CACHED: u64 = 10_000;

impl Running {
    /// `http://ADDR`, for clients and tests.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every background task of this console (a handle to count or await them).
    pub fn background(&self) -> Background {
        self.background.clone()
    }

    /// The session store the console reads and writes (memory, then SQLite).
    pub fn sessions(&self) -> SessionStore {
        self.sessions.clone()
    }

    /// Stops accepting, lets in-flight requests finish, ends every background task (each at
    /// a point where ending is safe) and waits for all of them.
    pub async fn stop(mut self) -> Result<(), StartupError> {
        if let Some(trigger) = self.shutdown.take() {
            let _ = trigger.send(());
        }
        // Bulk changes under way finish their current calls and are left interrupted.
        self.bulk.shutdown().await;
        let served = (&mut self.task).await.unwrap_or(Ok(()));
        let left = self.background.drain(DRAIN_GRACE).await;
        if left > 0 {
            tracing::error!(
                tasks = left,
                "background work still running after the stop's grace"
            );
        }
        // The last word of this run, so a log cut short after the stop is noticed.
        self.checkpoints.write().await;
        served
    }
}

/// Starts the console in the background and returns once it accepts connections.
pub async fn spawn(args: ServeArgs) -> Result<Running, StartupError> {
    let pool = db::open_with_key(&args.database_url, args.audit_key_file.as_deref()).await?;
    let checkpoint_file = match &args.audit_checkpoint_file {
        Some(path) => path.clone(),
        None => db::default_checkpoint_file(&args.database_url)?,
    };
    let background = Background::default();
    let checkpoints = Checkpoints::new(pool.clone(), checkpoint_file);
    if args.audit_checkpoint_minutes > 0 {
        checkpoints.spawn_periodic(
            Duration::from_secs(args.audit_checkpoint_minutes * 60),
            &background,
        );
    }
    let data_dir = data_dir(&args.database_url);
    first_admin::ensure(&pool, &data_dir).await?;
    let upstream = upstream::start(&args.upstream).await?;
    let listener = TcpListener::bind(args.addr)
        .await
        .map_err(|source| StartupError::Listen {
            addr: args.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;

    let leptos_options = LeptosOptions::builder()
        .output_name("reseller-console")
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    // Jobs a stop left running are settled from the audit log before anything new starts.
    match app::services::bulk::recover(&pool).await {
        Ok(0) => {}
        Ok(jobs) => tracing::warn!(
            jobs,
            "bulk changes interrupted by a stop; resume them from /bulk"
        ),
        Err(error) => tracing::error!(%error, "could not settle interrupted bulk changes"),
    }
    let bulk = app::services::bulk::BulkRunner::new(
        pool.clone(),
        upstream.client.clone(),
        args.scheduled_plan_changes,
        background.clone(),
    );
    let state = AppState {
        leptos_options,
        pool,
        upstream: upstream.client,
        upstream_health: Default::default(),
        login_throttle: Default::default(),
        password_checks: Default::default(),
        session_limits: SessionLimits {
            idle: Duration::from_secs(args.session_idle_minutes * 60),
            absolute: Duration::from_secs(args.session_absolute_hours * 3600),
            one_time_password: Duration::from_secs(args.one_time_password_hours * 3600),
        },
        directory: Default::default(),
        initial_password_file: Some(data_dir.join(first_admin::PASSWORD_FILE)),
        background: background.clone(),
        bulk,
        exports: Default::default(),
        plan_scheduling: args.scheduled_plan_changes,
        upstream_settings: upstream.settings,
    };
    let sessions = SqliteStore::new(state.pool.clone());
    sessions.migrate().await.map_err(StartupError::Sessions)?;
    let session_store =
        CachingSessionStore::new(MokaStore::new(Some(SESSIONS_CACHED)), sessions.clone());
    let session_layer = SessionManagerLayer::new(session_store.clone())
        .with_name("rc_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(args.secure_cookies())
        // Idle time counts from the last request: `auth::resolve` marks an active session
        // modified (at most once a minute), and a modified session is saved with a new expiry.
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::seconds(
                (args.session_idle_minutes * 60) as i64,
            ),
        ));
    background.spawn_until_stopped(async move {
        use tower_sessions::ExpiredDeletion;
        let _ = sessions
            .continuously_delete_expired(tokio::time::Duration::from_secs(300))
            .await;
    });
    if args.directory_sync_minutes > 0 {
        app::services::directory::spawn_periodic(
            state.directory.clone(),
            state.pool.clone(),
            state.upstream.clone(),
            Duration::from_secs(args.directory_sync_minutes * 60),
            &background,
        );
    }
    app::services::schedule::Worker::new(
        state.pool.clone(),
        state.upstream.clone(),
        Duration::from_secs(args.scheduled_jobs_poll_seconds),
    )
    .spawn(&background);
    app::services::notifications::Worker::new(
        state.pool.clone(),
        Duration::from_secs_f64(args.notification_retry_seconds.clamp(0.05, 3600.0)),
    )
    .spawn(&background);
    if args.audit_verify_hours > 0 {
        app::services::audit::self_check::spawn_periodic(
            state.pool.clone(),
            Duration::from_secs(args.audit_verify_hours * 3600),
            &background,
        );
    }
    let bulk_runner = state.bulk.clone();
    let router = router(state, &args, session_layer);

    let (trigger, signal) = oneshot::channel::<()>();
    let limits = args.connection_limits();
    let task = tokio::spawn(async move {
        crate::serve::serve(listener, router, limits, async {
            let _ = signal.await;
        })
        .await;
        Ok(())
    });
    tracing::info!(%addr, "console listening");
    Ok(Running {
        addr,
        shutdown: Some(trigger),
        task,
        simulator: upstream.embedded,
        bulk: bulk_runner,
        checkpoints,
        background,
        sessions: session_store,
    })
}

/// `serve`: runs until SIGINT or SIGTERM, then drains in-flight requests.
pub async fn run(args: ServeArgs) -> Result<(), StartupError> {
    let running = spawn(args).await?;
    println!("Reseller Console is running at {}", running.url());
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.stop().await
}

/// The folder of the database file, where first-start files go (`data/` by default).
fn data_dir(database_url: &str) -> std::path::PathBuf {
    let path = database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| std::path::PathBuf::from("."))
}

/// The app's routes, generated once per process. Generating them renders the app with resource
/// loading suppressed for the whole process (leptos_server's `SuppressResourceLoad` is a global
/// flag, leptos issue #4773): a page another console in the same process renders at that moment
/// would wait for its data forever. The tests start many consoles in one process.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(
    state: AppState,
    args: &ServeArgs,
    sessions: SessionManagerLayer<SessionStore>,
) -> Router {
    let routes = route_list();
    let pkg = ServeDir::new(args.site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/audit/export.csv", get(routes::audit_export::export_csv))
        .route("/bulk/{id}/events", get(routes::bulk_events::bulk_events))
        .route("/login", post(routes::login::sign_in))
        .route("/logout", post(routes::login::sign_out))
        .route(
            "/api/{*fn_name}",
            post(server_fn_handler).get(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("no-cache"),
                ))
                .service(pkg),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(server_fns))
        // Inside `authenticate`, which tells it the operator.
        .layer(axum::middleware::from_fn_with_state(
            RateLimiter::new(args.api_rate_per_minute, args.api_burst),
            rate_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticate,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(same_origin))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(body_limit::explain_too_large))
        .layer(axum::middleware::from_fn_with_state(
            Https(args.secure_cookies()),
            security_headers,
        ))
        .layer(CompressionLayer::new())
        // Every request gets an id (the client's `X-Request-Id`, else a new UUID), answered in
        // the response; pages, server functions and downloads also get a span carrying it and
        // one access-log line when they end. The path only: query strings can carry
        // customers' emails.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(
                    |response: &axum::http::Response<_>,
                     latency: Duration,
                     span: &tracing::Span| {
                        if !span.is_none() {
                            tracing::info!(
                                target: "access",
                                status = response.status().as_u16(),
                                latency_ms = latency.as_millis() as u64,
                                "answered"
                            );
                        }
                    },
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outermost: every layer and handler sees the resolved client address.
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(args.trusted_proxies.clone().unwrap_or_default()),
            client_addr,
        ))
        .with_state(state)
}

/// The request's span; none for the site's static files (`/pkg/`), of which a first visit
/// fetches dozens of wasm chunks that would bury the pages in the access log.
fn request_span(request: &Request<Body>) -> tracing::Span {
    if request.uri().path().starts_with("/pkg/") {
        return tracing::Span::none();
    }
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
