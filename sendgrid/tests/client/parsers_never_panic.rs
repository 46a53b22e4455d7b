//! The body parsers meet whatever a server sends: arbitrary bytes, near-XML and near-JSON
//! must yield a value or an error, never a panic.

use proptest::prelude::*;
use sendgrid::v2::{
    parse_ips, parse_limit, parse_overview, parse_packages, parse_pending, parse_profiles,
    parse_success,
};
use sendgrid::v3::parse_error;

/// 512 cases unless `PROPTEST_CASES` says otherwise (`make soak` raises it).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn run_all(status: u16, body: &[u8]) {
    let _ = parse_success(status, body);
    let _ = parse_overview(status, body);
    let _ = parse_limit(status, body);
    let _ = parse_packages(status, body);
    let _ = parse_profiles(status, body);
    let _ = parse_ips(status, body);
    let _ = parse_pending(status, body);
    let _ = parse_error(status, body);
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(400),
        Just(404),
        Just(429),
        Just(502),
        100u16..600
    ]
}

/// Fragments of the documented XML shapes, shuffled into mostly-wrong documents.
fn xml_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("<result>".to_owned()),
        Just("</result>".to_owned()),
        Just("<message>".to_owned()),
        Just("</message>".to_owned()),
        Just("<errors><error>".to_owned()),
        Just("</error></errors>".to_owned()),
        Just("<credits/>".to_owned()),
        Just("<credits>".to_owned()),
        Just("</credits>".to_owned()),
        Just("<credit>".to_owned()),
        Just("</credit>".to_owned()),
        Just("<users><user>".to_owned()),
        Just("</user></users>".to_owned()),
        Just("<overview>".to_owned()),
        Just("</overview>".to_owned()),
        Just("<![CDATA[x]]>".to_owned()),
        Just("&amp;&#x41;&bogus;".to_owned()),
        Just("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>".to_owned()),
        "[a-z0-9 <>/=\"'&;-]{0,12}",
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

/// JSON-ish text built from the documented keys and loosely typed values.
fn json_like() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("message"),
        Just("errors"),
        Just("credit"),
        Just("credit_remain"),
        Just("last_reset"),
        Just("package"),
        Just("credits_remain"),
        Just("billing_start_date"),
        Just("name"),
        Just("has_ip"),
        Just("price"),
        Just("username"),
        Just("active"),
        Just("ip"),
        Just("field"),
    ];
    let value = prop_oneof![
        Just("\"success\"".to_owned()),
        Just("\"error\"".to_owned()),
        Just("null".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("\"2011-02-21\"".to_owned()),
        Just("\"0000-00-00\"".to_owned()),
        Just("1e400".to_owned()),
        Just("-9223372036854775809".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("\"{n}\"")),
        "\"[a-z0-9 .-]{0,8}\"",
    ];
    let entry = (key, value).prop_map(|(k, v)| format!("\"{k}\":{v}"));
    prop::collection::vec(entry, 0..8).prop_flat_map(|entries| {
        let object = format!("{{{}}}", entries.join(","));
        prop_oneof![
            Just(object.clone()),
            Just(format!("[{object}]")),
            Just(format!("{{\"errors\":[{object}]}}")),
            Just(object[..object.len() / 2].to_owned()),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(status in status(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        run_all(status, &body);
    }

    #[test]
    fn arbitrary_text(status in status(), body in "\\PC{0,256}") {
        run_all(status, body.as_bytes());
    }

    #[test]
    fn near_xml(status in status(), body in xml_like()) {
        run_all(status, body.as_bytes());
    }

    #[test]
    fn near_json(status in status(), body in json_like()) {
        run_all(status, body.as_bytes());
    }
}

#[test]
fn deeply_nested_input_is_refused_not_overflowed() {
    let deep_xml = "<a>".repeat(100_000);
    let deep_json = "[".repeat(100_000);
    run_all(200, deep_xml.as_bytes());
    run_all(200, deep_json.as_bytes());
}
