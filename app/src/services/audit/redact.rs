//! Parameters are stored without credentials: whatever a caller passes, anything keyed like a
//! secret is replaced before it reaches the log (DESIGN.md "Security").

use serde_json::Value;

const SECRET_KEYS: [&str; 6] = [
    "password",
    "api_key",
    "apikey",
    "secret",
    "token",
    "authorization",
];

/// Removes anything that looks like a credential before parameters are stored.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, inner)| {
                    let lower = key.to_ascii_lowercase();
                    if SECRET_KEYS.iter().any(|secret| lower.contains(secret)) {
                        (key, Value::String("[redacted]".to_string()))
                    } else {
                        (key, redact(inner))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_replaced_at_any_depth() {
        let redacted = redact(json!({
            "user": "acme",
            "api_key": "SG.x",
            "nested": [{"Password": "p", "credits": 5}],
            "auth": {"Authorization": "Bearer y", "bearer_token": "z"}
        }));
        assert_eq!(
            redacted,
            json!({
                "user": "acme",
                "api_key": "[redacted]",
                "nested": [{"Password": "[redacted]", "credits": 5}],
                "auth": {"Authorization": "[redacted]", "bearer_token": "[redacted]"}
            })
        );
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        let once = redact(json!({"password": "x", "a": 1}));
        assert_eq!(redact(once.clone()), once);
    }
}
