//! `reseller.account` answers as SendGrid shapes them (API.md §1.3, §2), JSON and XML, served
//! over HTTP: each must become the expected value or error variant.

use crate::common::{client, forms, values, xml_client, V2_KEY};
use chrono::NaiveDate;
use sendgrid::{Error, IpPlacement, PlanChange, PlanTask, Timing};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(server: &MockServer, at: &str, status: u16, body: &str) {
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(server)
        .await;
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[tokio::test]
async fn upgrade_sends_repeated_ip_keys_and_credentials() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/apiv2/reseller.account.json",
        200,
        r#"{"message":"success"}"#,
    )
    .await;
    let change = PlanChange::Upgrade {
        timing: Timing::Immediate,
        user: "acme".into(),
        package: "Silver Package".into(),
        placement: IpPlacement::Ips(vec!["10.0.0.1".into(), "10.0.0.2".into()]),
    };
    assert_eq!(change.task(), PlanTask::ImmediateUpgrade);
    client(&server).change_plan(&change).await.unwrap();

    let form = &forms(&server).await[0];
    assert_eq!(values(form, "api_user"), ["apikey"]);
    assert_eq!(values(form, "api_key"), [V2_KEY]);
    assert_eq!(values(form, "task"), ["immediate_upgrade"]);
    assert_eq!(values(form, "user"), ["acme"]);
    assert_eq!(values(form, "package"), ["Silver Package"]);
    assert_eq!(values(form, "ip[]"), ["10.0.0.1", "10.0.0.2"]);
    assert!(values(form, "ip_group[]").is_empty());
}

#[tokio::test]
async fn every_plan_task_has_its_wire_name() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/apiv2/reseller.account.json",
        200,
        r#"{"message":"success"}"#,
    )
    .await;
    let client = client(&server);
    let groups = IpPlacement::IpGroups(vec!["Reseller Group".into()]);
    let changes = [
        PlanChange::Downgrade {
            timing: Timing::Immediate,
            user: "u".into(),
            package: "Basic Package".into(),
            placement: IpPlacement::None,
        },
        PlanChange::Close {
            timing: Timing::Immediate,
            user: "u".into(),
            ip_groups: vec!["Free Group".into()],
        },
        PlanChange::Upgrade {
            timing: Timing::Scheduled,
            user: "u".into(),
            package: "Gold Package".into(),
            placement: groups.clone(),
        },
        PlanChange::Downgrade {
            timing: Timing::Scheduled,
            user: "u".into(),
            package: "Basic Package".into(),
            placement: groups,
        },
        PlanChange::Close {
            timing: Timing::Scheduled,
            user: "u".into(),
            ip_groups: vec![],
        },
    ];
    for change in &changes {
        client.change_plan(change).await.unwrap();
    }
    let sent: Vec<String> = forms(&server)
        .await
        .iter()
        .map(|f| values(f, "task")[0].to_owned())
        .collect();
    let expected = [
        "immediate_downgrade",
        "immediate_close",
        "scheduled_upgrade",
        "scheduled_downgrade",
        "scheduled_close",
    ];
    assert_eq!(sent, expected);
    let all = forms(&server).await;
    assert_eq!(values(&all[1], "ip_group[]"), ["Free Group"]);
    assert!(values(&all[1], "package").is_empty());
    assert_eq!(values(&all[2], "ip_group[]"), ["Reseller Group"]);
}

#[tokio::test]
async fn xml_format_uses_the_xml_url_and_envelope() {
    let server = MockServer::start().await;
    let ok = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><message>success</message></result>";
    serve(&server, "/apiv2/reseller.account.xml", 200, ok).await;
    let change = PlanChange::Close {
        timing: Timing::Immediate,
        user: "acme".into(),
        ip_groups: vec![],
    };
    xml_client(&server).change_plan(&change).await.unwrap();
}

/// An error envelope as the legacy XML API sends it: declared ISO-8859-1, one byte a letter.
#[tokio::test]
async fn iso_8859_1_error_bodies_decode() {
    let cases: [(&[u8], &str); 2] = [
        // "é" is the single byte 0xE9, which is not UTF-8 at all.
        (b"Utilisateur non trouv\xe9", "Utilisateur non trouv\u{e9}"),
        // Bytes that happen to be valid UTF-8 are still two Latin-1 letters, as declared.
        (b"Gro\xc3\x9fe Gruppe", "Gro\u{c3}\u{9f}e Gruppe"),
    ];
    for (raw, expected) in cases {
        let server = MockServer::start().await;
        let mut body = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><message>error</message><errors><error>".to_vec();
        body.extend_from_slice(raw);
        body.extend_from_slice(b"</error></errors></result>");
        Mock::given(method("POST"))
            .and(path("/apiv2/reseller.account.xml"))
            .respond_with(ResponseTemplate::new(400).set_body_raw(body, "text/xml"))
            .mount(&server)
            .await;
        let change = PlanChange::Close {
            timing: Timing::Immediate,
            user: "acme".into(),
            ip_groups: vec![],
        };
        let error = xml_client(&server).change_plan(&change).await.unwrap_err();
        let words = error.to_string();
        assert!(words.contains(expected), "{words}");
    }
}

#[tokio::test]
async fn error_envelopes_map_to_variants() {
    let cases: [(u16, &str, Error); 6] = [
        (
            200,
            r#"{"message":"error","errors":["Package not found"]}"#,
            Error::InvalidInput {
                field: Some("package".into()),
                message: "Package not found".into(),
            },
        ),
        (
            400,
            r#"{"message":"User not found"}"#,
            Error::NotFound {
                message: "User not found".into(),
            },
        ),
        (
            200,
            "<result><message>User not found</message></result>",
            Error::NotFound {
                message: "User not found".into(),
            },
        ),
        (
            200,
            r#"{"errors":["Permission denied, wrong credentials"],"message":"error"}"#,
            Error::Unauthorized {
                message: "Permission denied, wrong credentials".into(),
            },
        ),
        (
            200,
            "<result><message>error</message><errors><error>Free customers cannot be downgraded</error></errors></result>",
            Error::InvalidInput {
                field: None,
                message: "Free customers cannot be downgraded".into(),
            },
        ),
        (
            400,
            r#"{"message":"error","errors":["ip 10.0.0.9 is already taken","missing ip_group[]"]}"#,
            Error::InvalidInput {
                field: Some("ip".into()),
                message: "ip 10.0.0.9 is already taken; missing ip_group[]".into(),
            },
        ),
    ];
    for (status, body, expected) in cases {
        let server = MockServer::start().await;
        serve(&server, "/apiv2/reseller.account.json", status, body).await;
        let change = PlanChange::Downgrade {
            timing: Timing::Immediate,
            user: "acme".into(),
            package: "Basic Package".into(),
            placement: IpPlacement::None,
        };
        let error = client(&server).change_plan(&change).await.unwrap_err();
        assert_eq!(error, expected, "{body}");
        assert!(error.outcome_known());
    }
}

#[tokio::test]
async fn unreadable_success_is_unexpected_and_outcome_unknown() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/apiv2/reseller.account.json",
        200,
        "{\"message\":",
    )
    .await;
    let change = PlanChange::Close {
        timing: Timing::Immediate,
        user: "acme".into(),
        ip_groups: vec![],
    };
    let error = client(&server).change_plan(&change).await.unwrap_err();
    assert!(
        matches!(error, Error::Unexpected { status: 200, .. }),
        "{error:?}"
    );
    assert!(!error.outcome_known());
}

#[tokio::test]
async fn overview_reads_mixed_types_in_json_and_xml() {
    let json = r#"{"reputation":"100","requests":"500000","package":"Silver Package","credits_allowed":"50000",
        "credits_used":"100000","credits_remain":0,"credits_overage":"50000",
        "billing_start_date":"2010-08-30","billing_end_date":"2010-09-29","billing_process_date":"2010-09-30"}"#;
    let xml = "<result><overview><reputation>100</reputation><requests>50000</requests>\
        <package>Silver Package</package><credits_allowed>50000</credits_allowed>\
        <credits_used>100000</credits_used><credits_remain>0</credits_remain>\
        <credits_overage>50000</credits_overage><billing_start_date>2010-08-30</billing_start_date>\
        <billing_end_date>2010-09-29</billing_end_date><billing_process_date>2010-09-30</billing_process_date>\
        </overview></result>";
    let server = MockServer::start().await;
    serve(&server, "/apiv2/reseller.account.json", 200, json).await;
    serve(&server, "/apiv2/reseller.account.xml", 200, xml).await;

    let from_json = client(&server).overview("acme").await.unwrap();
    assert_eq!(from_json.package, "Silver Package");
    assert_eq!(from_json.requests, 500_000);
    assert_eq!(from_json.credits_allowed, 50_000);
    assert_eq!(from_json.credits_used, 100_000);
    assert_eq!(from_json.credits_remain, 0);
    assert_eq!(from_json.credits_overage, 50_000);
    assert_eq!(from_json.reputation, 100.0);
    assert_eq!(from_json.billing_start_date, date(2010, 8, 30));
    assert_eq!(from_json.billing_process_date, date(2010, 9, 30));

    let from_xml = xml_client(&server).overview("acme").await.unwrap();
    // The documented samples disagree on `requests` (API.md §8.8); everything else matches.
    assert_eq!(from_xml.requests, 50_000);
    assert_eq!(
        sendgrid::Overview {
            requests: 500_000,
            ..from_xml
        },
        from_json
    );
    let form = &forms(&server).await[0];
    assert_eq!(values(form, "task"), ["overview"]);
    assert_eq!(values(form, "user"), ["acme"]);
}

#[tokio::test]
async fn html_error_page_becomes_an_upstream_error_with_excerpt() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    let server = MockServer::start().await;
    serve(&server, "/apiv2/reseller.packages.json", 502, page).await;
    let error = client(&server).list_packages().await.unwrap_err();
    assert_eq!(
        error,
        Error::Upstream {
            status: 502,
            message: "502 Bad Gateway 502 Bad Gateway".into()
        }
    );
}
