//! Field readers for the legacy API's loose typing: numbers arrive as `"50000"` or `0` in the
//! same object (API.md §2.7, §8.8), booleans as `true` or `"true"`, and every XML value is text.

use chrono::NaiveDate;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::Value;

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer given as a number or a numeric string (`"100"`, `"100.0"`).
pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(d)?;
    let parsed = match &value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
        }
        _ => None,
    };
    parsed.ok_or_else(|| D::Error::custom(format!("not an integer: {value}")))
}

/// A decimal given as a number or a numeric string.
pub(crate) fn float<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let value = Value::deserialize(d)?;
    scalar_text(&value)
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|f| f.is_finite())
        .ok_or_else(|| D::Error::custom(format!("not a number: {value}")))
}

/// Like [`float`], but absent, `null` or `""` is `None` (`distributor_price`, API.md §4.3).
pub(crate) fn opt_float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let value = Value::deserialize(d)?;
    match scalar_text(&value) {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("not a number: {value}"))),
    }
}

/// `true`/`false`, `"true"`/`"false"`, `1`/`0`, `"yes"`/`"no"`.
pub(crate) fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let value = Value::deserialize(d)?;
    match scalar_text(&value)
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no" | "") => Ok(false),
        _ => Err(D::Error::custom(format!("not a boolean: {value}"))),
    }
}

/// Any scalar as text; `null` is empty.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = Value::deserialize(d)?;
    match value {
        Value::Null => Ok(String::new()),
        other => scalar_text(&other).ok_or_else(|| D::Error::custom("not a scalar")),
    }
}

/// Like [`string`], but absent, `null` or `""` is `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    string(d).map(|s| (!s.is_empty()).then_some(s))
}

/// A `YYYY-mm-dd` date; absent, `null`, `""` or the MySQL zero date is `None`.
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = string(d)?;
    if text.is_empty() || text.starts_with("0000-00-00") {
        return Ok(None);
    }
    // Some answers carry a time after the date; the date is what matters.
    let date = text.get(..10).unwrap_or(&text);
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| D::Error::custom(format!("not a YYYY-mm-dd date: {text}")))
}

/// A list of strings: an array of scalars or of `{"ip": …}`-style one-field objects, a single
/// scalar, or nothing (XML `<ips/>` is `""` or `[]`).
pub(crate) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(string_list(&value))
}

pub(crate) fn string_list(value: &Value) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::Object(o) if o.len() == 1 => o.values().next().and_then(scalar_text),
        Value::Object(o) => o.get("ip").and_then(scalar_text),
        other => scalar_text(other),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(one)
            .filter(|s| !s.is_empty())
            .collect(),
        Value::Null => Vec::new(),
        other => one(other).into_iter().filter(|s| !s.is_empty()).collect(),
    }
}

/// `value` itself, or the entry under `key` when the XML form wraps it
/// (`<result><overview>…</overview></result>` is `{"overview": {…}}`).
pub(crate) fn unwrap(value: Value, key: &str) -> Value {
    match value {
        Value::Object(mut o) if o.len() == 1 && o.contains_key(key) => {
            o.remove(key).unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// A list answer: an array, or `null`/`""` for an empty body or element. A lone object is not
/// accepted: `{"message":"success"}` must not read as one blank entry.
pub(crate) fn list<T: serde::de::DeserializeOwned>(value: Value) -> Option<Vec<T>> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|v| serde_json::from_value(v).ok())
            .collect(),
        Value::Null => Some(Vec::new()),
        Value::String(s) if s.is_empty() => Some(Vec::new()),
        _ => None,
    }
}
