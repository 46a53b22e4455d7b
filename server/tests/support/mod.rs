//! `TestConsole`: the real router on a random port, a fresh SQLite file, and the embedded
//! simulator on its own random port.
#![allow(dead_code)]

use clap::Parser;
use server::config::{Cli, ServeArgs};
use server::startup::{self, Running};

pub struct TestConsole {
    running: Running,
    _dir: tempfile::TempDir,
}

impl TestConsole {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the documented defaults, changed by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut ServeArgs)) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            server::telemetry::init(server::config::LogFormat::Human);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args = Cli::parse_from(["reseller-console"]).serve;
        args.addr = "127.0.0.1:0".parse().unwrap();
        args.database_url = format!("sqlite://{}/console.db", dir.path().display());
        args.upstream.simulator_customers = 20;
        adjust(&mut args);
        let running = startup::spawn(args).await.expect("console starts");
        Self { running, _dir: dir }
    }

    pub fn url(&self) -> String {
        self.running.url()
    }

    pub async fn stop(self) {
        self.running.stop().await.expect("clean shutdown");
    }
}
