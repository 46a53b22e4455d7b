//! What the simulator behind a `TestConsole` was asked.

use crate::support::TestConsole;

/// How many API calls reached the simulator so far.
pub async fn upstream_calls(console: &TestConsole) -> usize {
    crate::audit_support::sim_calls(&console.simulator_url())
        .await
        .len()
}
