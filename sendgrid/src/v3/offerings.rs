//! Offerings: the catalog (API.md §5.2) and an account's offerings (§5.6, §5.7).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::{json_body, V3Request};
use crate::transport::Policy;
use crate::{Client, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferingKind {
    /// Email infrastructure; an account has exactly one, with quantity 1.
    Package,
    /// Marketing Campaigns, dedicated IPs, expert services...
    Addon,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Offering {
    /// E.g. `org.ei.free.v1`.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OfferingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
}

impl Offering {
    /// A package offering (quantity must be 1, API.md §5.1).
    pub fn package(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: OfferingKind::Package,
            quantity: Some(1),
        }
    }

    pub fn addon(name: impl Into<String>, quantity: i64) -> Self {
        Self {
            name: name.into(),
            kind: OfferingKind::Addon,
            quantity: Some(quantity),
        }
    }
}

/// What an offering comes with. All optional: the spec lists them without requiring any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Entitlements {
    pub email_sends_max_monthly: Option<i64>,
    pub ip_count: Option<i64>,
    pub teammates_max_total: Option<i64>,
    pub users_max_total: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogEntry {
    pub offering: Offering,
    #[serde(default)]
    pub entitlements: Entitlements,
}

#[derive(Deserialize)]
struct Catalog {
    catalog: Vec<CatalogEntry>,
}

#[derive(Serialize, Deserialize)]
struct OfferingList {
    #[serde(default)]
    offerings: Vec<Offering>,
}

impl Client {
    /// The reseller's catalog. It changes rarely; SendGrid recommends caching it (§5.2).
    #[instrument(skip(self), fields(attempts))]
    pub async fn list_offerings(&self) -> Result<Vec<CatalogEntry>> {
        let request = V3Request::new(Method::GET, &["offerings"], Policy::Read);
        let reply = self.v3_send(request).await?;
        Ok(self.v3_json::<Catalog>(&reply)?.catalog)
    }

    #[instrument(skip(self), fields(attempts))]
    pub async fn get_account_offerings(&self, account_id: &str) -> Result<Vec<Offering>> {
        let path = ["accounts", account_id, "offerings"];
        let reply = self
            .v3_send(V3Request::new(Method::GET, &path, Policy::Read))
            .await?;
        Ok(self.v3_json::<OfferingList>(&reply)?.offerings)
    }

    /// Replaces the account's offerings with `offerings` (the PUT overwrites: include
    /// everything the account keeps, §5.7). Idempotent, so retried; returns the result.
    #[instrument(skip(self, offerings), fields(count = offerings.len(), attempts))]
    pub async fn update_account_offerings(
        &self,
        account_id: &str,
        offerings: &[Offering],
    ) -> Result<Vec<Offering>> {
        let path = ["accounts", account_id, "offerings"];
        let mut request = V3Request::new(Method::PUT, &path, Policy::IdempotentWrite);
        request.body = json_body(&OfferingList {
            offerings: offerings.to_vec(),
        })?;
        let reply = self.v3_send(request).await?;
        Ok(self.v3_json::<OfferingList>(&reply)?.offerings)
    }
}
