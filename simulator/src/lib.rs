//! A faithful, in-memory stand-in for the SendGrid APIs a reseller uses, for tests and demos:
//! the legacy v1 `api/distributor.*` and v2 `apiv2/reseller.*` Web API, the v3 Account
//! Provisioning API, and a `/_sim/` control plane (faults, clock, state, call log).
//!
//! Behaviour follows `shared/upstream/API.md`; where the docs are silent the choice is listed
//! in this crate's README.

mod billing;
mod calls;
mod catalog;
mod clock;
mod config;
mod control;
mod enrol;
mod faults;
mod legacy;
mod limits;
mod seed;
mod sim;
mod state;
mod v3;

use std::net::{Ipv4Addr, SocketAddr};

use axum::middleware::from_fn_with_state;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;

/// The API and the control plane, over a world seeded from `config` with today's UTC date.
pub fn router(config: Config) -> Router {
    let today = chrono::Utc::now().date_naive();
    let world = seed::seed(config.customers, config.seed, today);
    let shared = sim::Sim::new(config, world);
    // Faults and the call log wrap the API only, never `/_sim/`.
    let api = Router::new()
        .merge(legacy::routes())
        .merge(v3::routes(shared.clone()))
        .layer(from_fn_with_state(shared.clone(), faults::inject))
        .layer(from_fn_with_state(shared.clone(), calls::record));
    api.merge(control::routes()).with_state(shared)
}

/// Serves until the listener fails; what `reseller-console simulator` runs.
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), customers = config.customers, seed = config.seed, "simulator listening");
    axum::serve(listener, router(config)).await
}

/// Binds 127.0.0.1 on a free port and serves in the background.
pub async fn spawn(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(config);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // A dropped sender also stops the server.
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// A simulator serving in the background; dropping it stops the server.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Like `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
