//! The legacy Web API, v1 `api/distributor.*` and v2 `apiv2/reseller.*` (API.md §1-4):
//! `<module>.<json|xml>` URLs, GET query or POST form parameters, `api_user`/`api_key` auth.

pub mod account;
pub mod envelope;
pub mod ip;
pub mod limits;
pub mod manage;
pub mod packages;
pub mod pending;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use envelope::{Format, Reply};

use crate::sim::{Shared, Sim};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/apiv2/{file}", get(v2).post(v2))
        .route("/api/{file}", get(v1).post(v1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V1,
    V2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Module {
    Account,
    Pending,
    Packages,
    Ip,
    Manage,
    SubuserLimits,
}

/// Both the documented v1 and v2 names of each module (API.md §1.5, §8 item 10).
fn module(family: Family, name: &str) -> Option<Module> {
    let name = match family {
        Family::V1 => name.strip_prefix("distributor.")?,
        Family::V2 => name.strip_prefix("reseller.")?,
    };
    Some(match (family, name) {
        (_, "account") => Module::Account,
        (_, "pending") => Module::Pending,
        (_, "packages") => Module::Packages,
        (_, "ip") => Module::Ip,
        (_, "manage") => Module::Manage,
        (Family::V1, "manageSubuser") => Module::SubuserLimits,
        (Family::V2, "subuserManage" | "manageSubuser") => Module::SubuserLimits,
        _ => return None,
    })
}

async fn v1(
    State(shared): State<Shared>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    handle(&shared, Family::V1, &file, query.as_deref(), &body)
}

async fn v2(
    State(shared): State<Shared>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    handle(&shared, Family::V2, &file, query.as_deref(), &body)
}

fn handle(sim: &Sim, family: Family, file: &str, query: Option<&str>, body: &[u8]) -> Response {
    let Some((name, format)) = file
        .rsplit_once('.')
        .and_then(|(n, s)| Some((n, Format::from_suffix(s)?)))
    else {
        return (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let Some(module) = module(family, name) else {
        return Reply::not_found("Unknown API module").render(format);
    };
    // After 2017 the pending API is one of the "deleted reseller endpoints" (API.md §2.6).
    if sim.config.api_2017 && module == Module::Pending {
        return Reply::not_found("Unknown API module").render(format);
    }
    let params = Params::parse(query, body);
    let authorized = params.get("api_user") == Some(sim.config.v2_user.as_str())
        && params.get("api_key") == Some(sim.config.api_key.as_str());
    if !authorized {
        return Reply::credentials().render(format);
    }
    let reply = match module {
        Module::Account if sim.config.api_2017 && account::is_scheduled(&params) => {
            Reply::error(INVALID_TASK)
        }
        Module::Account => account::handle(sim, &params),
        Module::Pending => pending::handle(sim, &params),
        Module::Packages => packages::handle(),
        Module::Ip => ip::handle(sim, &params),
        Module::Manage => manage::handle(sim, &params),
        Module::SubuserLimits => limits::handle(sim, family, &params),
    };
    reply.render(format)
}

pub const MISSING: &str = "Missing required parameter: ";
pub const INVALID_TASK: &str = "Invalid task";
pub const INVALID_METHOD: &str = "Invalid method";

/// Query-string parameters followed by form-body ones; arrays repeat the key (`ip[]=a&ip[]=b`).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>, body: &[u8]) -> Self {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        pairs.extend(
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default(),
        );
        Self(pairs)
    }

    /// The first non-empty value; an empty value counts as missing.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of a repeated key such as `ip[]`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// One error per missing parameter, in the order asked.
    pub fn require(&self, names: &[&str]) -> Result<(), Reply> {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| self.get(n).is_none())
            .map(|n| format!("{MISSING}{n}"))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Reply::errors(missing))
        }
    }

    /// A required parameter's value.
    pub fn value(&self, name: &str) -> Result<&str, Reply> {
        self.get(name)
            .ok_or_else(|| Reply::error(format!("{MISSING}{name}")))
    }
}
