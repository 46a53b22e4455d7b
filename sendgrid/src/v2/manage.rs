//! `reseller.manage method=profile task=get`: list and search customers (API.md §4.1).

use serde::Deserialize;
use serde_json::Value;
use tracing::instrument;

use super::envelope::parse_with;
use super::{lenient, push_opt, Params};
use crate::transport::Policy;
use crate::{Client, Result};

/// Filters and paging for the customer list. Every filter is optional. `offset` is a row
/// offset and no total is returned (API.md §9 Q4): a short page is the last one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileQuery {
    pub id: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl ProfileQuery {
    fn params(&self) -> Params {
        let mut params: Params = vec![("method", "profile".to_owned()), ("task", "get".to_owned())];
        let filters = [
            ("id", &self.id),
            ("username", &self.username),
            ("email", &self.email),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("address", &self.address),
            ("city", &self.city),
            ("state", &self.state),
            ("country", &self.country),
            ("zip", &self.zip),
            ("phone", &self.phone),
            ("website", &self.website),
        ];
        for (key, value) in filters {
            push_opt(&mut params, key, value);
        }
        push_opt(&mut params, "limit", &self.limit);
        push_opt(&mut params, "offset", &self.offset);
        params
    }
}

/// A customer's profile. Upstream sends every value as a string (`"id":"123"`,
/// `"active":"true"`); `id` is missing in v1 answers. Package and state are not here: see
/// [`Client::overview`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomerProfile {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::string")]
    pub username: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub email: String,
    #[serde(default, deserialize_with = "lenient::boolean")]
    pub active: bool,
    #[serde(default, deserialize_with = "lenient::string")]
    pub first_name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub last_name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub address: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub city: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub state: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub zip: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub country: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub phone: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub website: String,
    /// Not in the documented profile answer (API.md §4.1), but `reseller.add` sets it (§4.7)
    /// and answers may carry it; empty when absent.
    #[serde(default, deserialize_with = "lenient::string")]
    pub company: String,
}

fn decode_profiles(value: Value) -> Option<Vec<CustomerProfile>> {
    lenient::list(lenient::unwrap(value, "users"))
}

/// Reads a profile-get answer (JSON array or XML `<users>`) as the client does.
pub fn parse_profiles(status: u16, body: &[u8]) -> Result<Vec<CustomerProfile>> {
    parse_with(status, body, false, decode_profiles)
}

impl Client {
    /// One page of customers matching `query`.
    #[instrument(skip(self), fields(task = "profile.get", attempts))]
    pub async fn list_profiles(&self, query: &ProfileQuery) -> Result<Vec<CustomerProfile>> {
        self.v2_call(
            "apiv2/reseller.manage",
            query.params(),
            Policy::Read,
            decode_profiles,
        )
        .await
    }
}
