//! `reseller.ip`: IP addresses for `ip[]` in plan changes (API.md §4.6).

use serde_json::Value;
use tracing::instrument;

use super::envelope::parse_with;
use super::{lenient, push_opt, Params};
use crate::transport::Policy;
use crate::{Client, Result};

const MODULE: &str = "apiv2/reseller.ip";

/// Filters of `task=all`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpQuery {
    /// Partial match on the address.
    pub ip: Option<String>,
    /// Include IPs SendGrid assigned itself.
    pub system: bool,
}

/// JSON `[{"ip":"…"}]`, XML `<ips><ip>…</ip></ips>`.
fn decode_ips(value: Value) -> Option<Vec<String>> {
    match lenient::unwrap(value, "ips") {
        value @ (Value::Array(_) | Value::Null) => Some(lenient::string_list(&value)),
        Value::String(s) if s.is_empty() => Some(Vec::new()),
        _ => None,
    }
}

/// Reads a `reseller.ip` list answer (JSON or XML) as the client does.
pub fn parse_ips(status: u16, body: &[u8]) -> Result<Vec<String>> {
    parse_with(status, body, false, decode_ips)
}

impl Client {
    /// `task=free`: IPs used by no user and linked to no group, i.e. assignable.
    #[instrument(skip(self), fields(task = "ip.free", attempts))]
    pub async fn list_free_ips(&self) -> Result<Vec<String>> {
        let params = vec![("task", "free".to_owned())];
        self.v2_call(MODULE, params, Policy::Read, decode_ips).await
    }

    /// `task=all`.
    #[instrument(skip(self), fields(task = "ip.all", attempts))]
    pub async fn list_ips(&self, query: &IpQuery) -> Result<Vec<String>> {
        let mut params: Params = vec![("task", "all".to_owned())];
        push_opt(&mut params, "ip", &query.ip);
        if query.system {
            params.push(("system", "true".to_owned()));
        }
        self.v2_call(MODULE, params, Policy::Read, decode_ips).await
    }
}
