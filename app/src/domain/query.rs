//! Percent-encoding of the console's own URLs: one encoder for every link and query string,
//! and one reader of a query string stored as text (a saved view's).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What stays as it is: RFC 3986's unreserved characters (letters, digits, `-._~`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A return path keeps its slashes, so `/login?next=/customers` reads as the page it names.
const RETURN_PATH: &AsciiSet = &COMPONENT.remove(b'/');

/// `/customers/<key>/<tab>` with `pairs` (empty values left out) as its query.
pub fn tab_href(key: &str, tab: &str, pairs: &[(String, String)]) -> String {
    let base = format!("/customers/{}/{tab}", encode_component(key));
    let query = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        base
    } else {
        format!("{base}?{query}")
    }
}

/// Percent-encodes a path segment or a query-string name or value.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Percent-encodes a page's path and query as the value of `next=` (where sign-in returns to).
pub fn encode_return_path(value: &str) -> String {
    utf8_percent_encode(value, RETURN_PATH).to_string()
}

/// A query string's `name=value` pairs, decoded (`+` as a space, as forms send it).
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn parse(query: &str) -> QueryParams {
        let query = query.trim_start_matches('?');
        QueryParams(
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of `name`, as the screens read their parameters.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_pass_through() {
        assert_eq!(encode_component("acme-co_1.x~"), "acme-co_1.x~");
        assert_eq!(encode_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode_component("+%?#"), "%2B%25%3F%23");
    }

    #[test]
    fn a_return_path_keeps_its_slashes_and_nothing_else() {
        assert_eq!(
            encode_return_path("/customers/acme?q=a b&page=2"),
            "/customers/acme%3Fq%3Da%20b%26page%3D2"
        );
    }
}
