//! Legacy Web API v1/v2 "reseller" calls (API.md §1–4): form POSTs to
//! `<module>.<json|xml>`, authenticated by `api_user`/`api_key` in the body.
//!
//! Every legacy call is a POST, including the read-only ones. Those (overview, limit retrieve,
//! packages, IP lists, profile get, pending list) change nothing upstream, so the client
//! retries them like GETs; every other task is sent exactly once (DESIGN.md "Reliability").

mod account;
mod envelope;
mod ip;
mod lenient;
mod limits;
mod manage;
mod packages;
mod pending;
mod pending_recent;
mod xml;

pub use account::{parse_overview, IpPlacement, Overview, PlanChange, PlanTask, Timing};
pub use envelope::parse_success;
pub use ip::{parse_ips, IpQuery};
pub use limits::{parse_limit, Limit, LimitChange, LimitHolder, LimitPeriod, RecurringLimit};
pub use manage::{parse_profiles, CustomerProfile, ProfileQuery};
pub use packages::{parse_packages, Package};
pub use pending::{parse_pending, PendingChange, PendingKind, PendingQuery};
pub use pending_recent::PendingList;
pub(crate) use pending_recent::PendingMemo;

use crate::ExposeSecret;
use reqwest::Method;
use serde_json::Value;

use crate::transport::{Body, Call, Policy};
use crate::{Client, Result};

type Params = Vec<(&'static str, String)>;

impl Client {
    /// POSTs `params` to the legacy module at `stem` (e.g. `apiv2/reseller.account`) and decodes
    /// the answer with `decode`.
    pub(crate) async fn v2_call<T>(
        &self,
        stem: &str,
        params: Params,
        policy: Policy,
        decode: fn(Value) -> Option<T>,
    ) -> Result<T> {
        let mut form: Params = Vec::with_capacity(params.len() + 2);
        form.push(("api_user", self.config.api_user.clone()));
        form.push(("api_key", self.config.api_key.expose_secret().to_owned()));
        form.extend(params);
        let mut segments: Vec<String> = stem.split('/').map(str::to_owned).collect();
        if let Some(last) = segments.last_mut() {
            last.push('.');
            last.push_str(self.config.format.suffix());
        }
        let call = Call {
            method: Method::POST,
            segments,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Form(form),
            bearer: false,
            policy,
        };
        let reply = self.transport.send(&call).await?;
        envelope::interpret(&reply, &self.transport.redactor, policy.mutating(), decode)
    }
}

/// Appends `(key, value)` when `value` is set.
fn push_opt(params: &mut Params, key: &'static str, value: &Option<impl ToString>) {
    if let Some(value) = value {
        params.push((key, value.to_string()));
    }
}
