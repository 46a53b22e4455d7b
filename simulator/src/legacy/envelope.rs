//! The legacy answer shapes (API.md §1.3): the success and error envelopes, the bare
//! "User not found", and per-endpoint data, each rendered as JSON or XML.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use quick_xml::escape::escape;
use serde_json::{json, Value};

use crate::state::Rejection;

pub const WRONG_CREDENTIALS: &str = "Permission denied, wrong credentials";
pub const USER_NOT_FOUND: &str = "User not found";

/// The suffix of the legacy URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    pub fn from_suffix(suffix: &str) -> Option<Self> {
        match suffix {
            "json" => Some(Self::Json),
            "xml" => Some(Self::Xml),
            _ => None,
        }
    }
}

/// A small XML tree; an element with no children renders self-closed (`<credits/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Xml {
    Text(String, String),
    Node(String, Vec<Xml>),
}

impl Xml {
    pub fn text(name: &str, value: impl ToString) -> Self {
        Self::Text(name.to_owned(), value.to_string())
    }

    pub fn node(name: &str, children: Vec<Xml>) -> Self {
        Self::Node(name.to_owned(), children)
    }

    /// `<list><item>v</item>…</list>`, the shape of `ips` and `ip_groups` lists.
    pub fn list(name: &str, item: &str, values: &[String]) -> Self {
        Self::node(name, values.iter().map(|v| Self::text(item, v)).collect())
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Text(name, value) => {
                out.push_str(&format!("<{name}>{}</{name}>", escape(value.as_str())));
            }
            Self::Node(name, children) if children.is_empty() => {
                out.push_str(&format!("<{name}/>"))
            }
            Self::Node(name, children) => {
                out.push_str(&format!("<{name}>"));
                children.iter().for_each(|c| c.write(out));
                out.push_str(&format!("</{name}>"));
            }
        }
    }

    pub fn document(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.write(&mut out);
        out
    }
}

/// What a legacy handler answers, before the format is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Success,
    Error {
        status: StatusCode,
        errors: Vec<String>,
    },
    /// `{"message":"User not found"}` with no `errors` array, as the v1 pages show it.
    UserNotFound,
    Data {
        json: Value,
        xml: Xml,
    },
}

impl Reply {
    /// A rule violation: HTTP 400, "4XX parameter error" in API.md §1.3.
    pub fn error(message: impl Into<String>) -> Self {
        Self::errors(vec![message.into()])
    }

    pub fn errors(errors: Vec<String>) -> Self {
        Self::Error {
            status: StatusCode::BAD_REQUEST,
            errors,
        }
    }

    /// Wrong `api_user`/`api_key`: HTTP 401 with SendGrid's body (API.md §1.3).
    pub fn credentials() -> Self {
        Self::Error {
            status: StatusCode::UNAUTHORIZED,
            errors: vec![WRONG_CREDENTIALS.to_owned()],
        }
    }

    pub fn not_found(message: &str) -> Self {
        Self::Error {
            status: StatusCode::NOT_FOUND,
            errors: vec![message.to_owned()],
        }
    }

    pub fn render(self, format: Format) -> Response {
        let (status, json, xml) = match self {
            Self::Success => (
                StatusCode::OK,
                json!({"message": "success"}),
                Xml::node("result", vec![Xml::text("message", "success")]),
            ),
            Self::Error { status, errors } => {
                let xml_errors = errors.iter().map(|e| Xml::text("error", e)).collect();
                (
                    status,
                    json!({"message": "error", "errors": errors}),
                    Xml::node(
                        "result",
                        vec![
                            Xml::text("message", "error"),
                            Xml::node("errors", xml_errors),
                        ],
                    ),
                )
            }
            Self::UserNotFound => (
                StatusCode::BAD_REQUEST,
                json!({"message": USER_NOT_FOUND}),
                Xml::node("result", vec![Xml::text("message", USER_NOT_FOUND)]),
            ),
            Self::Data { json, xml } => (StatusCode::OK, json, xml),
        };
        match format {
            Format::Json => (status, Json(json)).into_response(),
            Format::Xml => (
                status,
                [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
                xml.document(),
            )
                .into_response(),
        }
    }
}

impl From<Rejection> for Reply {
    fn from(rejection: Rejection) -> Self {
        match rejection {
            Rejection::UserNotFound => Self::UserNotFound,
            Rejection::Invalid(message) => Self::error(message),
        }
    }
}

/// Lets handlers use `?` on domain results and still answer a `Reply`.
pub type Answer = Result<Reply, Reply>;

/// Collapses an `Answer` into the reply to render.
pub fn settle(answer: Answer) -> Reply {
    answer.unwrap_or_else(|reply| reply)
}
