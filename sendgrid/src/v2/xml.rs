//! XML answers of the legacy API, turned into the JSON shape the same endpoint returns, so one
//! decoder per endpoint serves both formats (API.md §1.1: `.json` and `.xml` are equivalent).
//!
//! Mapping: an element with children becomes an object (repeated names collect into an array);
//! a leaf becomes its text as a string; the container elements in [`LIST_NAMES`] always become
//! arrays, so `<users><user>…</user></users>` is `[{…}]` even with one or zero entries. A
//! text-only `<result>` root (`<result>success</result>`, API.md §8.6) becomes `{"message": …}`.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

/// Containers whose children are list entries (API.md §1.3, §2.6, §4.1, §4.3, §4.6).
const LIST_NAMES: [&str; 6] = ["errors", "users", "packages", "ips", "pending", "ip_groups"];
/// Deeper documents than any SendGrid shape are refused rather than walked.
const MAX_DEPTH: usize = 32;

struct Node {
    name: String,
    text: String,
    children: Vec<(String, Value)>,
}

impl Node {
    fn new(name: &[u8]) -> Self {
        Self {
            name: String::from_utf8_lossy(name).into_owned(),
            text: String::new(),
            children: Vec::new(),
        }
    }

    fn into_value(self) -> Value {
        let is_list = LIST_NAMES.contains(&self.name.as_str());
        if is_list {
            return Value::Array(self.children.into_iter().map(|(_, v)| v).collect());
        }
        if self.children.is_empty() {
            return Value::String(self.text.trim().to_owned());
        }
        let mut object = Map::new();
        for (name, value) in self.children {
            match object.get_mut(&name) {
                Some(Value::Array(items)) => items.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    object.insert(name, value);
                }
            }
        }
        Value::Object(object)
    }
}

/// Parses one XML document into its JSON-equivalent value.
pub(crate) fn to_value(text: &str) -> Result<Value, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let finished = match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err("XML nested too deeply".to_owned());
                }
                stack.push(Node::new(start.local_name().as_ref()));
                None
            }
            Event::Empty(empty) => Some(Node::new(empty.local_name().as_ref())),
            Event::End(_) => stack.pop(),
            Event::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    top.text
                        .push_str(&text.unescape().map_err(|e| e.to_string())?);
                }
                None
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&data));
                }
                None
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => None,
        };
        if let Some(node) = finished {
            let name = node.name.clone();
            let value = node.into_value();
            match stack.last_mut() {
                Some(parent) => parent.children.push((name, value)),
                None if root.is_none() => root = Some((name, value)),
                None => return Err("more than one root element".to_owned()),
            }
        }
    }
    if !stack.is_empty() {
        return Err("unclosed XML element".to_owned());
    }
    match root {
        Some((name, Value::String(text))) if name == "result" => {
            Ok(serde_json::json!({ "message": text }))
        }
        Some((_, value)) => Ok(value),
        None => Err("no XML element".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::to_value;
    use serde_json::json;

    #[test]
    fn envelopes() {
        let ok = to_value("<result><message>success</message></result>").unwrap();
        assert_eq!(ok, json!({"message": "success"}));
        let generic = to_value("<result>success</result>").unwrap();
        assert_eq!(generic, json!({"message": "success"}));
        let error = to_value(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><message>error</message>\
             <errors><error>Package not found</error></errors></result>",
        )
        .unwrap();
        assert_eq!(
            error,
            json!({"message": "error", "errors": ["Package not found"]})
        );
    }

    #[test]
    fn lists_stay_lists() {
        assert_eq!(to_value("<users/>").unwrap(), json!([]));
        assert_eq!(
            to_value("<users><user><id>1</id><active>true</active></user></users>").unwrap(),
            json!([{"id": "1", "active": "true"}])
        );
        assert_eq!(
            to_value("<ips><ip>1.2.3.4</ip><ip>1.2.3.5</ip></ips>").unwrap(),
            json!(["1.2.3.4", "1.2.3.5"])
        );
        assert_eq!(to_value("<credits/>").unwrap(), json!(""));
    }

    #[test]
    fn entities_and_cdata() {
        assert_eq!(
            to_value("<result><message>a &amp; b<![CDATA[ <c>]]></message></result>").unwrap(),
            json!({"message": "a & b <c>"})
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in ["", "<a>", "<a></b>", "<a/><b/>", "text", "<a>&bogus;</a>"] {
            assert!(to_value(bad).is_err(), "{bad}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(to_value(&deep).is_err());
    }
}
