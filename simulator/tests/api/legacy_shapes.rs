//! JSON and XML renderings of the legacy answers (API.md §1.3, §2.7, §4), and legacy auth.

use quick_xml::events::Event;
use quick_xml::Reader;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{on, spawn, KEY};

/// Parses `xml` fully (proving it well-formed) and answers the element names in document order.
fn elements(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                names.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap())
            }
            Event::Eof => return names,
            _ => {}
        }
    }
}

fn body(xml: &str) -> &str {
    xml.split_once("?>\n").map_or(xml, |(_, rest)| rest)
}

#[tokio::test]
async fn envelopes_in_json_and_xml() {
    let sim = spawn().await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let user = silver["username"].as_str().unwrap();

    let reply = sim
        .legacy(
            "/apiv2/reseller.account.xml",
            &[("task", "immediate_close"), ("user", user)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("application/xml"));
    assert_eq!(
        body(&reply.text),
        "<result><message>success</message></result>"
    );

    let reply = sim
        .legacy(
            "/apiv2/reseller.account.xml",
            &[("task", "immediate_close"), ("user", user)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body(&reply.text),
        "<result><message>error</message><errors><error>User is already on the free package</error></errors></result>"
    );

    let reply = sim
        .legacy(
            "/apiv2/reseller.account.xml",
            &[("task", "overview"), ("user", "ghost")],
        )
        .await;
    assert_eq!(
        body(&reply.text),
        "<result><message>User not found</message></result>"
    );
}

#[tokio::test]
async fn overview_mixes_strings_and_one_number_as_documented() {
    let sim = spawn().await;
    let customer = sim.customer_where(on("Gold Package")).await;
    let user = customer["username"].as_str().unwrap();
    let overview = sim
        .legacy(
            "/apiv2/reseller.account.json",
            &[("task", "overview"), ("user", user)],
        )
        .await
        .json();
    let object = overview.as_object().unwrap();
    assert_eq!(object.len(), 10);
    for (name, value) in object {
        if name == "credits_remain" {
            assert!(value.is_number(), "credits_remain is a number");
        } else {
            assert!(value.is_string(), "{name} is a string");
        }
    }
    assert_eq!(overview["package"], "Gold Package");
    assert_eq!(overview["credits_allowed"], "300000");
    assert_eq!(
        overview["billing_start_date"],
        customer["billing_start_date"]
    );

    let xml = sim
        .legacy(
            "/apiv2/reseller.account.xml",
            &[("task", "overview"), ("user", user)],
        )
        .await;
    let names = elements(&xml.text);
    assert_eq!(&names[..3], ["result", "overview", "reputation"]);
    assert!(names.contains(&"billing_process_date".to_owned()));
}

#[tokio::test]
async fn packages_list_with_documented_types() {
    let sim = spawn().await;
    let packages = sim
        .legacy("/apiv2/reseller.packages.json", &[])
        .await
        .json();
    let list = packages.as_array().unwrap();
    assert_eq!(list.len(), 5);
    let silver = list.iter().find(|p| p["name"] == "Silver Package").unwrap();
    assert_eq!(silver["price"], json!(79.95));
    assert_eq!(silver["has_ip"], json!(true));
    assert!(silver.get("distributor_price").is_none());
    let basic = list.iter().find(|p| p["name"] == "Basic Package").unwrap();
    assert_eq!(basic["distributor_price"], json!(50));
    assert!(
        basic["credits"].is_i64()
            && basic["overage"].is_f64()
            && basic["has_reseller"].is_boolean()
    );

    let xml = sim.legacy("/apiv2/reseller.packages.xml", &[]).await.text;
    assert_eq!(&elements(&xml)[..3], ["result", "packages", "package"]);
    assert!(xml.contains("<name>Silver Package</name><price>79.95</price>"));
}

#[tokio::test]
async fn ip_lists_in_both_formats() {
    let sim = spawn().await;
    let free = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "free")])
        .await
        .json();
    let taken = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "taken")])
        .await
        .json();
    let all = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "all")])
        .await
        .json();
    let with_system = sim
        .legacy(
            "/apiv2/reseller.ip.json",
            &[("task", "all"), ("system", "true")],
        )
        .await
        .json();
    let count = |v: &Value| v.as_array().unwrap().len();
    assert!(count(&free) > 0 && count(&taken) > 0);
    assert_eq!(count(&free) + count(&taken), count(&all));
    assert_eq!(count(&with_system), count(&all) + 2);
    assert!(free[0]["ip"].as_str().unwrap().starts_with("198.51.100."));

    let xml = sim
        .legacy("/apiv2/reseller.ip.xml", &[("task", "free")])
        .await
        .text;
    assert!(elements(&xml).iter().skip(1).all(|e| e == "ip"));
    let usage = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "usage")])
        .await
        .json();
    assert!(usage[0]["user"].is_string());
}

#[tokio::test]
async fn profile_get_filters_pages_and_stringifies_everything() {
    let sim = spawn().await;
    let all = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[("method", "profile"), ("task", "get")],
        )
        .await
        .json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 200);
    assert!(all
        .iter()
        .all(|u| u.as_object().unwrap().values().all(Value::is_string)));
    assert!(all
        .iter()
        .all(|u| u["active"] == "true" || u["active"] == "false"));

    let page = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[
                ("method", "profile"),
                ("task", "get"),
                ("limit", "5"),
                ("offset", "10"),
            ],
        )
        .await
        .json();
    assert_eq!(page.as_array().unwrap()[..], all[10..15]);

    let email = all[3]["email"].as_str().unwrap().to_uppercase();
    let found = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[("method", "profile"), ("task", "get"), ("email", &email)],
        )
        .await
        .json();
    assert_eq!(found.as_array().unwrap(), &vec![all[3].clone()]);

    let bad = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[("method", "profile"), ("task", "get"), ("limit", "-1")],
        )
        .await;
    crate::helpers::assert_error(&bad, "limit must be a non-negative integer");
}

#[tokio::test]
async fn xml_escapes_customer_text() {
    let sim = spawn().await;
    let scripted = sim
        .customer_where(|c| c["company"] == "<script>alert(1)</script>")
        .await;
    let xml = sim
        .legacy(
            "/apiv2/reseller.manage.xml",
            &[
                ("method", "profile"),
                ("task", "get"),
                ("username", scripted["username"].as_str().unwrap()),
            ],
        )
        .await
        .text;
    assert!(
        xml.contains("<company>&lt;script&gt;alert(1)&lt;/script&gt;</company>"),
        "{xml}"
    );
    assert_eq!(&elements(&xml)[..2], ["users", "user"]);
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused() {
    let sim = spawn().await;
    let expected = json!({"errors": ["Permission denied, wrong credentials"], "message": "error"});
    let path = "/apiv2/reseller.packages.json";
    for form in [
        vec![("api_user", "apikey"), ("api_key", "nope")],
        vec![("api_user", "someone"), ("api_key", KEY)],
        vec![],
    ] {
        let reply = sim.legacy_raw(path, &form).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.json(), expected);
    }
    let bearer = sim
        .http
        .post(sim.url(path))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        bearer.status(),
        StatusCode::UNAUTHORIZED,
        "legacy calls take only api_user/api_key"
    );
    let xml = sim.legacy_raw("/apiv2/reseller.packages.xml", &[]).await;
    assert_eq!(
        body(&xml.text),
        "<result><message>error</message><errors><error>Permission denied, wrong credentials</error></errors></result>"
    );
}

#[tokio::test]
async fn unknown_modules_are_not_found() {
    let sim = spawn().await;
    let reply = sim.legacy("/apiv2/reseller.teleport.json", &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"message": "error", "errors": ["Unknown API module"]})
    );
}
