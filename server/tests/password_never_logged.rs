//! Passwords typed at sign-in never reach the logs, even at the most verbose level.
//! Its own test binary: it installs the process-wide tracing subscriber.

#[path = "console/support/mod.rs"]
#[allow(
    dead_code,
    reason = "this binary uses a few of the console tests' helpers; the console binary uses all"
)]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use app::domain::Role;
use support::{TestConsole, PASSWORD};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn passwords_are_not_in_trace_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Admin).await;
    let client = console.client();
    console
        .sign_in(&client, "ann@example.com", "a wrong but secret guess")
        .await;
    console.sign_in(&client, "ann@example.com", PASSWORD).await;
    console.stop().await;

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string();
    assert!(!logs.is_empty(), "the subscriber captured something");
    assert!(!logs.contains(PASSWORD));
    assert!(!logs.contains("a wrong but secret guess"));
}
