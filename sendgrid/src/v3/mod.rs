//! v3 Account Provisioning (API.md §5): JSON over `/v3/partners/*` with a Bearer key.

mod accounts;
mod offerings;
mod sso;
mod state;

pub use accounts::{Account, AccountPage, AccountProfile, NewAccount, MAX_PAGE_SIZE};
pub use offerings::{CatalogEntry, Entitlements, Offering, OfferingKind};
pub use state::{AccountState, WritableState};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{for_status, Detail};
use crate::redact::Redactor;
use crate::transport::{reset_at, Body, Call, Policy, Reply};
use crate::{Client, Error, Result};

/// One v3 request, before it is sent.
pub(crate) struct V3Request {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub policy: Policy,
}

impl V3Request {
    pub(crate) fn new(method: Method, path: &[&str], policy: Policy) -> Self {
        let mut segments = vec!["v3".to_owned(), "partners".to_owned()];
        segments.extend(path.iter().map(|s| (*s).to_owned()));
        Self {
            method,
            segments,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            policy,
        }
    }
}

impl Client {
    /// Sends a v3 request; any 2xx/3xx answer is returned, anything else is its error.
    pub(crate) async fn v3_send(&self, request: V3Request) -> Result<Reply> {
        let call = Call {
            method: request.method,
            segments: request.segments,
            query: request.query,
            headers: request.headers,
            body: request.body,
            bearer: true,
            policy: request.policy,
        };
        let reply = self.transport.send(&call).await?;
        if (200..400).contains(&reply.status) {
            Ok(reply)
        } else {
            let mutating = call.policy.mutating();
            Err(error_from(&reply, &self.transport.redactor, mutating))
        }
    }

    /// Decodes a successful JSON body.
    pub(crate) fn v3_json<T: DeserializeOwned>(&self, reply: &Reply) -> Result<T> {
        serde_json::from_slice(&reply.body).map_err(|_| Error::Unexpected {
            status: reply.status,
            excerpt: self.transport.redactor.excerpt(&reply.body),
        })
    }
}

/// A JSON request body.
pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> Result<Body> {
    serde_json::to_value(value)
        .map(Body::Json)
        .map_err(|e| Error::InvalidInput {
            field: None,
            message: e.to_string(),
        })
}

/// The error a failed v3 answer stands for. Bodies are
/// `{"errors":[{"field","message","error_id"}]}`, where `field` may be `""` or `null` and
/// `help` may appear (API.md §5.1, §6, §8.15).
fn error_from(reply: &Reply, redactor: &Redactor, mutating: bool) -> Error {
    // Upstream's wording reaches audit rows and pages: mask our secrets should it echo them.
    let detail = serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|v| detail_of(&v))
        .map(|detail| Detail {
            message: redactor.mask_secrets(&detail.message),
            ..detail
        });
    match (reply.status, detail) {
        // §5.1's 403 ("not authorized to perform this request") is not a credentials problem:
        // say what it is about, with SendGrid's words.
        (403, detail) => Error::Forbidden {
            message: detail
                .map(|d| d.message)
                .unwrap_or_else(|| redactor.excerpt(&reply.body)),
        },
        (status, detail) => for_status(
            status,
            detail,
            redactor.excerpt(&reply.body),
            reset_at(&reply.headers),
            mutating,
        ),
    }
}

fn detail_of(body: &Value) -> Option<Detail> {
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(Value::Array(errors)) = body.get("errors") {
        let messages: Vec<String> = errors
            .iter()
            .filter_map(|e| text(e.get("message")).or_else(|| text(Some(e))))
            .collect();
        let field = errors.iter().find_map(|e| text(e.get("field")));
        if !messages.is_empty() {
            return Some(Detail {
                message: messages.join("; "),
                field,
            });
        }
    }
    text(body.get("message"))
        .or_else(|| text(body.get("error")))
        .map(|message| Detail {
            message,
            field: None,
        })
}

/// Reads a failed v3 answer into its error, as the client does (for fixtures and tests).
pub fn parse_error(status: u16, body: &[u8]) -> Error {
    let reply = Reply {
        status,
        headers: Default::default(),
        body: body.to_vec(),
    };
    error_from(&reply, &Redactor::default(), false)
}

#[cfg(test)]
mod tests {
    use super::parse_error;
    use crate::Error;

    #[test]
    fn error_bodies() {
        let body = br#"{"errors":[{"message":"Field must be a valid email","field":"email","error_id":"10-40002"},{"message":"Field must be a valid URL","field":"company_website","error_id":"10-40008"}]}"#;
        assert_eq!(
            parse_error(400, body),
            Error::InvalidInput {
                field: Some("email".into()),
                message: "Field must be a valid email; Field must be a valid URL".into()
            }
        );
        let no_field = br#"{"errors":[{"field":null,"message":"too many requests","help":null}]}"#;
        assert_eq!(
            parse_error(429, no_field),
            Error::RateLimited {
                reset_at: None,
                message: "too many requests".into()
            }
        );
        let empty_field =
            br#"{"errors":[{"message":"No such endpoint","field":"","error_id":"10-40400"}]}"#;
        assert_eq!(
            parse_error(404, empty_field),
            Error::NotFound {
                message: "No such endpoint".into()
            }
        );
        assert!(matches!(
            parse_error(400, b"not json"),
            Error::Unexpected { status: 400, .. }
        ));
    }
}
