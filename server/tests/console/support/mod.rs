//! `TestConsole`: the real router on a random port, a fresh SQLite file, and the embedded
//! simulator on its own random port; plus signed-in HTTP clients per role.

use app::domain::{OperatorEmail, Role};
use app::services::{db, operators};
use clap::Parser;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use server::config::{Cli, ServeArgs};
use server::startup::{self, Running};
use sqlx::SqlitePool;

pub const PASSWORD: &str = "correct horse battery staple";

/// Must end with [`TestConsole::stop`] (or `stop_keeping_files`): a test that leaves the
/// console's background work running fails (see `Drop`), as crates.io's `TestApp` does.
pub struct TestConsole {
    running: Option<Running>,
    pub pool: SqlitePool,
    pub dir: tempfile::TempDir,
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
        // Tests call server functions far faster than people; the rate-limit test opts in.
        args.api_rate_per_minute = 0;
        adjust(&mut args);
        let database_url = args.database_url.clone();
        let running = startup::spawn(args).await.expect("console starts");
        let pool = db::open(&database_url).await.expect("test pool");
        Self {
            running: Some(running),
            pool,
            dir,
        }
    }

    fn running(&self) -> &Running {
        self.running
            .as_ref()
            .expect("the console runs until stopped")
    }

    pub fn url(&self) -> String {
        self.running().url()
    }

    /// The embedded simulator's base URL, for its `/_sim` control plane.
    pub fn simulator_url(&self) -> String {
        self.running()
            .simulator
            .as_ref()
            .expect("embedded simulator")
            .base_url()
    }

    /// Stops the console and waits for its background work to drain.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let background = running.background();
            running.stop().await.expect("clean shutdown");
            assert_eq!(
                background.running(),
                0,
                "background work left after the stop"
            );
        }
    }

    /// The console's background work, to count what is left once it stopped.
    pub fn background(&self) -> app::services::background::Background {
        self.running
            .as_ref()
            .expect("the console runs")
            .background()
    }

    /// The one stored session as the store keeps it (a MessagePack `Record`).
    pub async fn session(&self) -> (String, tower_sessions::session::Record) {
        let (id, data): (String, Vec<u8>) = sqlx::query_as("SELECT id, data FROM tower_sessions")
            .fetch_one(&self.pool)
            .await
            .expect("one stored session");
        (id, rmp_serde::from_slice(&data).expect("a session record"))
    }

    /// Rewrites the one stored session as `edit` says: what time passing would do to it
    /// (its sign-in time, its last touch, its expiry), without waiting for the clock. Written
    /// through the console's own session store, which keeps sessions in memory as well as in
    /// SQLite.
    pub async fn edit_session(&self, edit: impl FnOnce(&mut tower_sessions::session::Record)) {
        use tower_sessions::SessionStore;
        let (_, mut record) = self.session().await;
        edit(&mut record);
        self.running()
            .sessions()
            .save(&record)
            .await
            .expect("the session is rewritten");
    }

    /// Stops the console and keeps its folder (the SQLite file), for a restart on the same data.
    pub async fn stop_keeping_files(mut self) -> std::path::PathBuf {
        self.pool.close().await;
        if let Some(running) = self.running.take() {
            let background = running.background();
            running.stop().await.expect("clean shutdown");
            assert_eq!(
                background.running(),
                0,
                "background work left after the stop"
            );
        }
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
        dir.keep()
    }

    /// Creates an operator with [`PASSWORD`] who need not change it.
    pub async fn add_operator(&self, email: &str, role: Role) {
        let email = OperatorEmail::parse(email).unwrap();
        operators::create(
            &self.pool,
            &app::services::auth::Admin::local("test"),
            &email,
            "",
            role,
            operators::FirstPassword::Chosen(PASSWORD),
            by_test("operator.add"),
        )
        .await
        .expect("operator created");
    }

    /// A client that keeps cookies, does not follow redirects, and sends this site's Origin.
    pub fn client(&self) -> reqwest::Client {
        self.client_builder().build().unwrap()
    }

    /// [`Self::client`] whose connections come from `local` (any of 127.0.0.0/8), so the
    /// console sees another client address.
    pub fn client_from(&self, local: &str) -> reqwest::Client {
        self.client_builder()
            .local_address(local.parse::<std::net::IpAddr>().expect("an address"))
            .build()
            .unwrap()
    }

    fn client_builder(&self) -> reqwest::ClientBuilder {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.url()).unwrap());
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
    }

    /// Signs in and returns the client holding the session.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in of {email} redirects");
        client
    }

    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(format!("{}/login", self.url()))
            .form(&[("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .expect("login answers")
    }

    /// Calls a server function with form-encoded arguments.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{endpoint}", self.url()))
            .header("accept", "application/json")
            .form(args)
            .send()
            .await
            .expect("server function answers")
    }
}

/// The audit event of a change a test makes directly through a service.
pub fn by_test(action: &str) -> app::services::audit::NewEvent {
    use app::services::audit::{NewEvent, Outcome};
    NewEvent::event(
        app::domain::AuditAction::parse(action).expect("an action the console writes"),
        Some("test"),
        Outcome::Success,
        serde_json::json!({}),
    )
}

impl Drop for TestConsole {
    /// A console dropped without `stop` leaves its workers (schedule, sync, bulk, checkpoints)
    /// running into the next test; fail the test that did it. Not while a test already fails.
    fn drop(&mut self) {
        if self.running.is_some() && !std::thread::panicking() {
            panic!("a test ended without stopping its console: call stop() at its end");
        }
    }
}
