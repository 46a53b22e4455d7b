//! `reseller.pending`: scheduled changes not yet applied (API.md §2.6). Removed from the v2
//! docs in 2017; kept because the scheduled tasks it lists may still exist upstream.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use tracing::instrument;

use super::envelope::{decode_success, parse_with};
use super::{lenient, push_opt, Params};
use crate::transport::Policy;
use crate::{Client, Result};

const MODULE: &str = "apiv2/reseller.pending";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PendingKind {
    Upgrade,
    Downgrade,
    Close,
}

impl PendingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upgrade => "upgrade",
            Self::Downgrade => "downgrade",
            Self::Close => "close",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingQuery {
    pub username: Option<String>,
    pub kind: Option<PendingKind>,
}

/// One scheduled change.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PendingChange {
    #[serde(deserialize_with = "lenient::string")]
    pub username: String,
    /// As worded upstream, e.g. "Account Upgrade".
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    pub kind: String,
    /// Current package.
    #[serde(default, deserialize_with = "lenient::string")]
    pub current: String,
    /// Package after the change.
    #[serde(default, deserialize_with = "lenient::string")]
    pub update: String,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub ip_groups: Vec<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub ips: Vec<String>,
    /// When it takes effect.
    #[serde(default, deserialize_with = "lenient::opt_date")]
    pub date: Option<NaiveDate>,
}

/// JSON: an array; XML: `<result><pending><user>…</user></pending></result>`.
fn decode_pending(value: Value) -> Option<Vec<PendingChange>> {
    lenient::list(lenient::unwrap(value, "pending"))
}

/// Reads a `reseller.pending task=list` answer (JSON or XML) as the client does.
pub fn parse_pending(status: u16, body: &[u8]) -> Result<Vec<PendingChange>> {
    parse_with(status, body, false, decode_pending)
}

impl Client {
    #[instrument(skip(self), fields(task = "pending.list", attempts))]
    pub async fn list_pending(&self, query: &PendingQuery) -> Result<Vec<PendingChange>> {
        let mut params: Params = vec![("task", "list".to_owned())];
        push_opt(&mut params, "username", &query.username);
        push_opt(&mut params, "type", &query.kind.map(PendingKind::as_str));
        self.v2_call(MODULE, params, Policy::Read, decode_pending)
            .await
    }

    /// Cancels the customer's scheduled change. Never retried.
    #[instrument(skip(self), fields(task = "pending.delete", attempts))]
    pub async fn delete_pending(&self, user: &str) -> Result<()> {
        let params = vec![("task", "delete".to_owned()), ("user", user.to_owned())];
        self.v2_call(MODULE, params, Policy::Write, decode_success)
            .await
    }
}
