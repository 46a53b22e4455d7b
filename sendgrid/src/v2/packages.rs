//! `reseller.packages`: the packages a customer can be moved to (API.md §4.3).

use serde::Deserialize;
use serde_json::Value;
use tracing::instrument;

use super::envelope::parse_with;
use super::lenient;
use crate::transport::Policy;
use crate::{Client, Result};

/// One package. `name` is what plan changes take as `package`. JSON and XML disagree on
/// types (and on Silver's `has_ip`, API.md §8.7); every field is read leniently.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Package {
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient::float")]
    pub price: f64,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: String,
    #[serde(default, deserialize_with = "lenient::int")]
    pub credits: i64,
    #[serde(default, deserialize_with = "lenient::float")]
    pub overage: f64,
    #[serde(default, deserialize_with = "lenient::boolean")]
    pub has_reseller: bool,
    /// The package needs a dedicated IP: upgrades to it take `ip[]`, not `ip_group[]`.
    #[serde(default, deserialize_with = "lenient::boolean")]
    pub has_ip: bool,
    /// Present for some packages only.
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub distributor_price: Option<f64>,
}

fn decode_packages(value: Value) -> Option<Vec<Package>> {
    lenient::list(lenient::unwrap(value, "packages"))
}

/// Reads a `reseller.packages` answer (JSON or XML) as the client does.
pub fn parse_packages(status: u16, body: &[u8]) -> Result<Vec<Package>> {
    parse_with(status, body, false, decode_packages)
}

impl Client {
    #[instrument(skip(self), fields(task = "packages", attempts))]
    pub async fn list_packages(&self) -> Result<Vec<Package>> {
        self.v2_call(
            "apiv2/reseller.packages",
            Vec::new(),
            Policy::Read,
            decode_packages,
        )
        .await
    }
}
