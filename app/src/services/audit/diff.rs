//! Old -> new, not just "changed": the fields that differ between the state read before a
//! change and the state read after it (or found by a reconcile).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::domain::audit::FieldChange;

/// Joins nested field names: `addons › org.ip.dedicated.v1` (offering names contain dots).
const SEPARATOR: &str = " › ";

/// The fields that differ, sorted by name. Nested objects are compared field by field;
/// arrays and scalars as whole values.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let before = leaves(before);
    let mut after = leaves(after);
    let mut changes = Vec::new();
    for (field, old) in before {
        match after.remove(&field) {
            Some(new) if new == old => {}
            new => changes.push(FieldChange {
                field,
                before: Some(old),
                after: new,
            }),
        }
    }
    changes.extend(after.into_iter().map(|(field, new)| FieldChange {
        field,
        before: None,
        after: Some(new),
    }));
    changes.sort_by(|a, b| a.field.cmp(&b.field));
    changes
}

/// A state as `field: value` lines, for showing what was read or found.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    leaves(value).into_iter().collect()
}

fn leaves(value: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match value {
        Value::Object(map) => collect(&mut out, "", map),
        other => {
            out.insert("value".to_string(), render(other));
        }
    }
    out
}

fn collect(out: &mut BTreeMap<String, String>, prefix: &str, map: &serde_json::Map<String, Value>) {
    for (key, value) in map {
        let field = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}{SEPARATOR}{key}")
        };
        match value {
            // An empty object adds no field: "all add-ons removed" reads as each removal.
            Value::Object(inner) => collect(out, &field, inner),
            other => {
                out.insert(field, render(other));
            }
        }
    }
}

/// How a value reads in a diff: text without quotes, `none` for null, JSON for the rest.
fn render(value: &Value) -> String {
    match value {
        Value::Null => "none".to_string(),
        Value::String(text) => text.clone(),
        Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_string(),
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
        FieldChange {
            field: field.to_string(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        }
    }

    #[test]
    fn plan_upgrade_shows_old_and_new_values() {
        let before = json!({"package": "Basic", "credits": 500, "scheduled_change": null});
        let after = json!({"package": "Silver", "credits": 800, "scheduled_change": null});
        assert_eq!(
            diff(&before, &after),
            vec![
                change("credits", Some("500"), Some("800")),
                change("package", Some("Basic"), Some("Silver")),
            ]
        );
    }

    #[test]
    fn removed_add_on_is_a_removal() {
        let before = json!({
            "package": "org.ei.pro100k.v1",
            "addons": {"org.ip.dedicated.v1": 1, "org.mc.basic.v1": 1}
        });
        let after = json!({"package": "org.ei.pro100k.v1", "addons": {"org.mc.basic.v1": 1}});
        assert_eq!(
            diff(&before, &after),
            vec![change("addons › org.ip.dedicated.v1", Some("1"), None)]
        );
    }

    #[test]
    fn added_fields_and_null_to_value() {
        let before = json!({"credits": null});
        let after = json!({"credits": 500, "credits_remaining": 500});
        assert_eq!(
            diff(&before, &after),
            vec![
                change("credits", Some("none"), Some("500")),
                change("credits_remaining", None, Some("500")),
            ]
        );
    }

    #[test]
    fn emptied_object_lists_each_removal() {
        assert_eq!(
            diff(
                &json!({"addons": {"a.v1": 1, "b.v1": 2}}),
                &json!({"addons": {}})
            ),
            vec![
                change("addons › a.v1", Some("1"), None),
                change("addons › b.v1", Some("2"), None),
            ]
        );
    }

    #[test]
    fn equal_states_have_no_changes() {
        let state = json!({"state": "activated", "ips": ["1.2.3.4"], "nested": {"a": true}});
        assert!(diff(&state, &state.clone()).is_empty());
    }

    #[test]
    fn arrays_and_scalars_compare_as_whole_values() {
        assert_eq!(
            diff(&json!({"ips": ["a"]}), &json!({"ips": ["a", "b"]})),
            vec![change("ips", Some("[\"a\"]"), Some("[\"a\",\"b\"]"))]
        );
        assert_eq!(
            diff(&json!("deactivated"), &json!("activated")),
            vec![change("value", Some("deactivated"), Some("activated"))]
        );
        assert_eq!(
            diff(&json!({"flag": false}), &json!({"flag": true})),
            vec![change("flag", Some("no"), Some("yes"))]
        );
    }

    #[test]
    fn flatten_lists_nested_fields() {
        assert_eq!(
            flatten(&json!({"package": "Gold", "addons": {"x.v1": 2}, "empty": {}})),
            vec![
                ("addons › x.v1".to_string(), "2".to_string()),
                ("package".to_string(), "Gold".to_string()),
            ]
        );
    }
}
