//! Single sign-on into a customer account (API.md §5.10).

use reqwest::header::LOCATION;
use reqwest::Method;
use tracing::instrument;

use super::V3Request;
use crate::transport::Policy;
use crate::{Client, Error, Result};

impl Client {
    /// Returns the one-time login URL from the 303's `Location`, for the browser to follow.
    /// The client never follows redirects itself: the code inside is valid once, for 60 s.
    /// Not retried, since each call mints a new code.
    #[instrument(skip(self), fields(attempts))]
    pub async fn sso(&self, account_id: &str) -> Result<String> {
        let path = ["accounts", account_id, "sso"];
        let reply = self
            .v3_send(V3Request::new(Method::POST, &path, Policy::Write))
            .await?;
        let location = reply
            .headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty());
        match location {
            Some(url) if (300..400).contains(&reply.status) => Ok(url.to_owned()),
            _ => Err(Error::Unexpected {
                status: reply.status,
                excerpt: format!(
                    "expected a redirect with a Location header; body: {}",
                    self.transport.redactor.excerpt(&reply.body)
                ),
            }),
        }
    }
}
