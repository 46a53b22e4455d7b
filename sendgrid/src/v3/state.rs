//! Account state (API.md §5.8, §5.9).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::{json_body, V3Request};
use crate::transport::Policy;
use crate::{Client, Error, Result};

/// What an account can do (table in API.md §5.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    Activated,
    Deactivated,
    /// Set by SendGrid: can log in, cannot send.
    Suspended,
    /// Set by SendGrid: subusers, IPs and keys removed.
    Banned,
    /// Contact SendGrid support.
    Indeterminate,
}

/// The only states a reseller may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WritableState {
    Activated,
    Deactivated,
}

#[derive(Deserialize)]
struct StateRead {
    state: AccountState,
}

#[derive(Serialize)]
struct StateWrite {
    state: WritableState,
}

impl Client {
    #[instrument(skip(self), fields(attempts))]
    pub async fn get_account_state(&self, account_id: &str) -> Result<AccountState> {
        let path = ["accounts", account_id, "state"];
        let reply = self
            .v3_send(V3Request::new(Method::GET, &path, Policy::Read))
            .await?;
        Ok(self.v3_json::<StateRead>(&reply)?.state)
    }

    /// Activates or deactivates the account (204). Setting a state twice is harmless, so retried.
    #[instrument(skip(self), fields(attempts))]
    pub async fn update_account_state(&self, account_id: &str, state: WritableState) -> Result<()> {
        let path = ["accounts", account_id, "state"];
        let mut request = V3Request::new(Method::PUT, &path, Policy::IdempotentWrite);
        request.body = json_body(&StateWrite { state })?;
        let reply = self.v3_send(request).await?;
        // The documented answer is 204 with no body (§5.9). A body that is not JSON (a proxy's
        // page, a cut-off answer) is not SendGrid's "done", so the outcome is not known.
        let body = String::from_utf8_lossy(&reply.body);
        if !body.trim().is_empty() && serde_json::from_str::<serde_json::Value>(&body).is_err() {
            return Err(Error::Unexpected {
                status: reply.status,
                excerpt: self.transport.redactor.excerpt(&reply.body),
            });
        }
        Ok(())
    }
}
