//! Reading a legacy (v1/v2) answer: body format sniffing, the success/error envelope, and the
//! mapping of its bare error strings to [`Error`] variants (API.md §1.3, §6).
//!
//! The body is authoritative: `"message":"error"` under HTTP 200 is a failure, and a bare
//! `{"message":"User not found"}` (no `errors` array) is one too (API.md §1.3 [inferred]).

use serde_json::Value;

use crate::error::{for_status, Detail};
use crate::redact::{looks_like_html, Redactor};
use crate::transport::{reset_at, Reply};
use crate::{Error, Result};

/// Turns a reply into `T` with `decode`, or into the error it carries.
pub(crate) fn interpret<T>(
    reply: &Reply,
    redactor: &Redactor,
    mutating: bool,
    decode: fn(Value) -> Option<T>,
) -> Result<T> {
    let status = reply.status;
    let parsed = parse_body(&reply.body);
    // Upstream's wording reaches audit rows and pages: mask our secrets should it echo them.
    let messages_of = |value: &Value| {
        error_messages(value).map(|messages| {
            messages
                .iter()
                .map(|message| redactor.mask_secrets(message))
                .collect::<Vec<_>>()
        })
    };
    let fail = |detail: Option<Detail>| {
        let excerpt = redactor.excerpt(&reply.body);
        for_status(status, detail, excerpt, reset_at(&reply.headers), mutating)
    };
    // These statuses mean the same whatever the body says; the body only adds the wording.
    if matches!(status, 401 | 403 | 429) || status >= 500 {
        let detail = parsed.ok().as_ref().and_then(messages_of).map(|m| Detail {
            message: m.join("; "),
            field: None,
        });
        return Err(fail(detail));
    }
    let value = match parsed {
        Ok(value) => value,
        Err(()) => return Err(fail(None)),
    };
    if let Some(messages) = messages_of(&value) {
        return Err(from_messages(&messages));
    }
    if !(200..300).contains(&status) {
        return Err(fail(None));
    }
    decode(value).ok_or_else(|| Error::Unexpected {
        status,
        excerpt: redactor.excerpt(&reply.body),
    })
}

/// Parses a body as JSON or XML, whichever it is; an empty body is `Null`. HTML (an error page
/// from a proxy) is refused so that it surfaces as an excerpt, not as a strange object.
pub(crate) fn parse_body(body: &[u8]) -> std::result::Result<Value, ()> {
    // The legacy XML answers declare ISO-8859-1 (API.md §1.3), where every byte is one code
    // point: a body that says so is read that way even when its bytes happen to be valid
    // UTF-8 ("Ã©" is two Latin-1 characters, not "é"); anything else is UTF-8, with Latin-1
    // as the reading of last resort.
    let latin1 = || std::borrow::Cow::Owned(body.iter().map(|&b| char::from(b)).collect());
    let text = match std::str::from_utf8(body) {
        _ if declares_latin1(body) => latin1(),
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => latin1(),
    };
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    if text.starts_with('<') {
        if looks_like_html(text) {
            return Err(());
        }
        return super::xml::to_value(text).map_err(|_| ());
    }
    serde_json::from_str(text).map_err(|_| ())
}

/// Whether `body` is XML whose declaration names ISO-8859-1 (or its alias latin1).
fn declares_latin1(body: &[u8]) -> bool {
    let head = &body[..body.len().min(100)];
    let head: String = head
        .iter()
        .map(|&b| char::from(b).to_ascii_lowercase())
        .collect();
    let Some(declaration) = head
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
    else {
        return false;
    };
    ["iso-8859-1", "iso8859-1", "latin1"].iter().any(|name| {
        declaration.contains(&format!("encoding=\"{name}\""))
            || declaration.contains(&format!("encoding='{name}'"))
    })
}

/// The error strings of an error envelope, or `None` when `value` is not one.
fn error_messages(value: &Value) -> Option<Vec<String>> {
    let object = value.as_object()?;
    let mut messages: Vec<String> = match object.get("errors") {
        Some(Value::Array(items)) => items.iter().filter_map(text_of).collect(),
        Some(other) => text_of(other).into_iter().collect(),
        None => Vec::new(),
    };
    if let Some(Value::String(single)) = object.get("error") {
        messages.push(single.clone());
    }
    let message = object.get("message").and_then(Value::as_str);
    match message {
        Some(m) if m.eq_ignore_ascii_case("success") && messages.is_empty() => return None,
        Some(m) if messages.is_empty() => messages.push(m.to_owned()),
        _ => {}
    }
    (!messages.is_empty()).then_some(messages)
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Object(o) => o
            .get("message")
            .or_else(|| o.get("error"))
            .and_then(text_of),
        _ => None,
    }
}

/// Maps v2 error strings, which carry no codes, to a variant by their wording.
fn from_messages(messages: &[String]) -> Error {
    let message = messages.join("; ");
    let lower = message.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    if has(&[
        "permission denied",
        "wrong credentials",
        "unauthorized",
        "bad username",
    ]) {
        return Error::Unauthorized { message };
    }
    if has(&["too many requests"]) {
        return Error::RateLimited {
            reset_at: None,
            message,
        };
    }
    // The first message that names a parameter decides: it is the one a form shows first.
    let field = messages.iter().find_map(|m| guess_field(&m.to_lowercase()));
    // "User not found" is a missing customer; "Package not found" or "IP group … does not
    // exist" is a bad parameter of a request whose customer exists.
    let missing = has(&["not found", "does not exist", "no such", "unknown user"]);
    let about_user = matches!(field.as_deref(), None | Some("user"));
    if missing && about_user && has(&["user", "customer", "account"]) {
        return Error::NotFound { message };
    }
    Error::InvalidInput { field, message }
}

/// Which request parameter a v2 error string is about, so a form can mark the field.
/// Order matters: "package requires an IP" is fixed by supplying `ip[]`, so IPs come first.
pub(crate) fn guess_field(lower: &str) -> Option<String> {
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let word = |w: &str| words.contains(&w);
    let field = if word("ip_group") || lower.contains("ip group") {
        "ip_group"
    } else if word("ip") || word("ips") {
        "ip"
    } else if word("initial_credits") || lower.contains("initial credit") {
        "initial_credits"
    } else if words.iter().any(|w| w.starts_with("credit")) {
        "credits"
    } else if let Some(date) = first_date_field(lower) {
        date
    } else if word("period") {
        "period"
    } else if word("package") {
        "package"
    } else if word("user") || word("username") {
        "user"
    } else if word("email") {
        "email"
    } else {
        return None;
    };
    Some(field.to_owned())
}

/// `startdate` or `enddate`, whichever the message names first: "enddate must be after
/// startdate" is about the end date.
fn first_date_field(lower: &str) -> Option<&'static str> {
    let position = |needles: [&str; 3]| needles.iter().filter_map(|n| lower.find(n)).min();
    let start = position(["startdate", "start_date", "start date"]);
    let end = position(["enddate", "end_date", "end date"]);
    match (start, end) {
        (Some(s), Some(e)) if e < s => Some("enddate"),
        (Some(_), _) => Some("startdate"),
        (None, Some(_)) => Some("enddate"),
        (None, None) => None,
    }
}

/// Reads an answer to an action call (`{"message":"success"}` or its XML form).
pub fn parse_success(status: u16, body: &[u8]) -> Result<()> {
    parse_with(status, body, true, decode_success)
}

pub(crate) fn decode_success(value: Value) -> Option<()> {
    let message = value.get("message")?.as_str()?;
    message.eq_ignore_ascii_case("success").then_some(())
}

/// The public parsers: a reply built from a status and body alone, redacting patterns only.
pub(crate) fn parse_with<T>(
    status: u16,
    body: &[u8],
    mutating: bool,
    decode: fn(Value) -> Option<T>,
) -> Result<T> {
    let reply = Reply {
        status,
        headers: Default::default(),
        body: body.to_vec(),
    };
    interpret(&reply, &Redactor::default(), mutating, decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_and_error_envelopes() {
        assert_eq!(parse_success(200, br#"{"message":"success"}"#), Ok(()));
        assert_eq!(
            parse_success(200, b"<result><message>success</message></result>"),
            Ok(())
        );
        assert_eq!(
            parse_success(
                200,
                br#"{"message":"error","errors":["Package not found"]}"#
            ),
            Err(Error::InvalidInput {
                field: Some("package".into()),
                message: "Package not found".into()
            })
        );
        assert_eq!(
            parse_success(200, br#"{"message":"User not found"}"#),
            Err(Error::NotFound {
                message: "User not found".into()
            })
        );
        assert!(matches!(
            parse_success(
                400,
                br#"{"errors":["Permission denied, wrong credentials"],"message":"error"}"#
            ),
            Err(Error::Unauthorized { .. })
        ));
    }

    #[test]
    fn field_guesses() {
        let cases = [
            ("ip 10.0.0.1 is already taken", Some("ip")),
            ("missing ip_group[]", Some("ip_group")),
            ("the package requires a dedicated ip", Some("ip")),
            ("invalid package", Some("package")),
            ("credits must be greater than 0", Some("credits")),
            (
                "initial_credits must be an integer",
                Some("initial_credits"),
            ),
            ("enddate must be after startdate", Some("enddate")),
            ("startdate must be a date (YYYY-mm-dd)", Some("startdate")),
            ("invalid end date", Some("enddate")),
            ("free customers cannot be downgraded", None),
            ("recipient description", None),
        ];
        for (message, expected) in cases {
            assert_eq!(guess_field(message).as_deref(), expected, "{message}");
        }
    }

    #[test]
    fn latin1_and_empty_bodies() {
        assert_eq!(parse_body(b""), Ok(Value::Null));
        let latin1 = b"<result><message>Caf\xe9</message></result>";
        assert_eq!(
            parse_body(latin1),
            Ok(serde_json::json!({"message": "Caf\u{e9}"}))
        );
        assert_eq!(parse_body(b"<!DOCTYPE html><html></html>"), Err(()));
    }
}
