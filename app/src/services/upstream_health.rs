//! Whether SendGrid answers, for `/healthz`. The answer is cached briefly so a monitor
//! polling every second does not spend the reseller's upstream rate limit.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

const FRESH_FOR: Duration = Duration::from_secs(15);
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Default)]
pub struct UpstreamHealth {
    last: Mutex<Option<(Instant, bool)>>,
}

impl UpstreamHealth {
    /// `true` when a cheap authenticated read (the offerings catalog) succeeded recently.
    pub async fn is_ok(&self, client: &sendgrid::Client) -> bool {
        let mut last = self.last.lock().await;
        if let Some((at, ok)) = *last {
            if at.elapsed() < FRESH_FOR {
                return ok;
            }
        }
        let ok = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, client.list_offerings()).await,
            Ok(Ok(_))
        );
        if !ok {
            tracing::warn!("upstream health probe failed");
        }
        *last = Some((Instant::now(), ok));
        ok
    }
}
