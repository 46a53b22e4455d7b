//! The legacy list and limit answers (API.md §3, §4), JSON and XML, served over HTTP: each
//! shape must become the expected value, and requests must carry the documented parameters.

use crate::common::{client, forms, values, xml_client};
use chrono::NaiveDate;
use sendgrid::{
    IpQuery, LimitChange, LimitHolder, LimitPeriod, LimitsEndpoint, PendingKind, PendingQuery,
    ProfileQuery, RecurringLimit,
};
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
async fn limit_retrieve_reads_strings_and_every_empty_shape() {
    let json = r#"{"credit":"0","credit_remain":"2000","last_reset":"2011-02-21"}"#;
    let xml = "<credits><credit>0</credit><credit_remain>2000</credit_remain><last_reset>2011-02-21</last_reset></credits>";
    for (body, xml_format) in [(json, false), (xml, true)] {
        let server = MockServer::start().await;
        let at = if xml_format { "xml" } else { "json" };
        serve(
            &server,
            &format!("/apiv2/reseller.subuserManage.{at}"),
            200,
            body,
        )
        .await;
        let client = if xml_format {
            xml_client(&server)
        } else {
            client(&server)
        };
        let limit = client
            .retrieve_limit(LimitHolder::Subuser("acme_sub"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((limit.credit, limit.credit_remain), (0, 2000));
        assert_eq!(limit.last_reset, date(2011, 2, 21));
        let form = &forms(&server).await[0];
        assert_eq!(values(form, "method"), ["limit"]);
        assert_eq!(values(form, "task"), ["retrieve"]);
        assert_eq!(values(form, "user"), ["acme_sub"]);
    }
    for empty in ["{}", "[]", "", "  \n", "<credits/>", "<credits></credits>"] {
        let server = MockServer::start().await;
        serve(&server, "/apiv2/reseller.subuserManage.json", 200, empty).await;
        let limit = client(&server)
            .retrieve_limit(LimitHolder::Subuser("acme_sub"))
            .await
            .unwrap();
        assert_eq!(limit, None, "{empty:?}");
    }
}

#[tokio::test]
async fn limit_changes_send_documented_parameters() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/apiv2/reseller.subuserManage.json",
        200,
        r#"{"message":"success"}"#,
    )
    .await;
    let client = client(&server);
    let recurring = LimitChange::Recurring(RecurringLimit {
        credits: 5000,
        period: LimitPeriod::Monthly,
        start_date: date(2025, 1, 1),
        end_date: date(2025, 12, 31),
        initial_credits: Some(1200),
    });
    let changes = [
        LimitChange::Remove,
        recurring,
        LimitChange::Total(100),
        LimitChange::Increment(5),
        LimitChange::Decrement(7),
    ];
    for change in &changes {
        client
            .change_limit(LimitHolder::Subuser("sub"), change)
            .await
            .unwrap();
    }
    let sent = forms(&server).await;
    let tasks: Vec<&str> = sent.iter().map(|f| values(f, "task")[0]).collect();
    assert_eq!(
        tasks,
        ["none", "recurring", "total", "increment", "decrement"]
    );
    assert!(values(&sent[0], "credits").is_empty());
    assert_eq!(values(&sent[1], "credits"), ["5000"]);
    assert_eq!(values(&sent[1], "period"), ["monthly"]);
    assert_eq!(values(&sent[1], "startdate"), ["2025-01-01"]);
    assert_eq!(values(&sent[1], "enddate"), ["2025-12-31"]);
    assert_eq!(values(&sent[1], "initial_credits"), ["1200"]);
    assert_eq!(values(&sent[4], "credits"), ["7"]);
    assert!(sent.iter().all(|f| values(f, "method") == ["limit"]));
}

#[tokio::test]
async fn limits_can_use_the_v1_url() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/api/distributor.manageSubuser.json",
        200,
        r#"{"message":"success"}"#,
    )
    .await;
    let mut config = crate::common::config(&server.uri());
    config.limits_endpoint = LimitsEndpoint::V1DistributorManageSubuser;
    let client = sendgrid::Client::new(config).unwrap();
    client
        .change_limit(LimitHolder::Subuser("sub"), &LimitChange::Total(10))
        .await
        .unwrap();
    let form = &forms(&server).await[0];
    assert_eq!(values(form, "method"), ["limit"]);
    assert_eq!(values(form, "task"), ["total"]);
}

#[tokio::test]
async fn packages_in_json_and_xml() {
    let json = r#"[{"name":"Basic Package","price":9.95,"description":"Basic","credits":10000,"overage":0.001,
        "has_reseller":false,"has_ip":false,"distributor_price":50},
        {"name":"Silver Package","price":79.95,"description":"Silver","credits":50000,"overage":0.001,
        "has_reseller":false,"has_ip":true}]"#;
    let xml = "<result><packages><package><name>Basic Package</name><price>9.95</price>\
        <description>Basic</description><credits>10000</credits><overage>0.001</overage>\
        <has_reseller>false</has_reseller><has_ip>false</has_ip><distributor_price>50</distributor_price>\
        </package><package><name>Silver Package</name><price>79.95</price><description>Silver</description>\
        <credits>50000</credits><overage>0.001</overage><has_reseller>false</has_reseller>\
        <has_ip>false</has_ip><distributor_price/></package></packages></result>";
    let server = MockServer::start().await;
    serve(&server, "/apiv2/reseller.packages.json", 200, json).await;
    serve(&server, "/apiv2/reseller.packages.xml", 200, xml).await;
    let from_json = client(&server).list_packages().await.unwrap();
    let from_xml = xml_client(&server).list_packages().await.unwrap();
    for packages in [&from_json, &from_xml] {
        assert_eq!(packages.len(), 2);
        assert_eq!(packages[0].name, "Basic Package");
        assert_eq!(packages[0].price, 9.95);
        assert_eq!(packages[0].credits, 10_000);
        assert_eq!(packages[0].distributor_price, Some(50.0));
        assert_eq!(packages[1].distributor_price, None);
    }
    // Silver's has_ip differs between the documented samples (API.md §8.7).
    assert!(from_json[1].has_ip);
    assert!(!from_xml[1].has_ip);
}

#[tokio::test]
async fn profiles_with_filters_in_json_and_xml() {
    let json = r#"[{"id":"123","username":"acme","email":"ops@acme.test","active":"true","first_name":"john",
        "last_name":"doe","address":"555 any street","city":"any city","state":"CA","zip":"91234",
        "country":"US","phone":"555-555-5555","website":"example.com"}]"#;
    let xml = "<users><user><id>123</id><username>acme</username><email>ops@acme.test</email>\
        <active>true</active><first_name>john</first_name><last_name>doe</last_name>\
        <address>555 any street</address><city>any city</city><state>CA</state><zip>91234</zip>\
        <country>US</country><phone>555-555-5555</phone><website>example.com</website></user></users>";
    let server = MockServer::start().await;
    serve(&server, "/apiv2/reseller.manage.json", 200, json).await;
    serve(&server, "/apiv2/reseller.manage.xml", 200, xml).await;
    let query = ProfileQuery {
        username: Some("acme".into()),
        limit: Some(50),
        offset: Some(100),
        ..ProfileQuery::default()
    };
    let from_json = client(&server).list_profiles(&query).await.unwrap();
    let from_xml = xml_client(&server).list_profiles(&query).await.unwrap();
    assert_eq!(from_json, from_xml);
    assert_eq!(from_json[0].id.as_deref(), Some("123"));
    assert!(from_json[0].active);
    assert_eq!(from_json[0].zip, "91234");
    let form = &forms(&server).await[0];
    assert_eq!(values(form, "method"), ["profile"]);
    assert_eq!(values(form, "task"), ["get"]);
    assert_eq!(values(form, "username"), ["acme"]);
    assert_eq!(values(form, "limit"), ["50"]);
    assert_eq!(values(form, "offset"), ["100"]);
    assert!(values(form, "email").is_empty());

    let empty = MockServer::start().await;
    serve(&empty, "/apiv2/reseller.manage.xml", 200, "<users/>").await;
    assert_eq!(xml_client(&empty).list_profiles(&query).await.unwrap(), []);
}

#[tokio::test]
async fn ips_in_json_and_xml() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/apiv2/reseller.ip.json",
        200,
        r#"[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]"#,
    )
    .await;
    serve(
        &server,
        "/apiv2/reseller.ip.xml",
        200,
        "<ips><ip>10.0.0.1</ip></ips>",
    )
    .await;
    assert_eq!(
        client(&server).list_free_ips().await.unwrap(),
        ["10.0.0.1", "10.0.0.2"]
    );
    let query = IpQuery {
        ip: Some("10.0".into()),
        system: true,
    };
    assert_eq!(
        xml_client(&server).list_ips(&query).await.unwrap(),
        ["10.0.0.1"]
    );
    let sent = forms(&server).await;
    assert_eq!(values(&sent[0], "task"), ["free"]);
    assert_eq!(values(&sent[1], "task"), ["all"]);
    assert_eq!(values(&sent[1], "ip"), ["10.0"]);
    assert_eq!(values(&sent[1], "system"), ["true"]);
}

#[tokio::test]
async fn pending_list_and_delete() {
    let json = r#"[{"username":"acme","type":"Account Downgrade","current":"Silver Package","update":"Basic Package",
        "ip_groups":["Reseller Group"],"ips":[],"date":"2025-02-01"}]"#;
    let xml = "<result><pending><user><username>acme</username><type>Account Downgrade</type>\
        <current>Silver Package</current><update>Basic Package</update><ips/>\
        <ip_groups><ip_group>Reseller Group</ip_group></ip_groups><date>2025-02-01</date></user></pending></result>";
    let server = MockServer::start().await;
    serve(&server, "/apiv2/reseller.pending.json", 200, json).await;
    serve(&server, "/apiv2/reseller.pending.xml", 200, xml).await;
    let query = PendingQuery {
        username: Some("acme".into()),
        kind: Some(PendingKind::Downgrade),
    };
    let from_json = client(&server).list_pending(&query).await.unwrap();
    let from_xml = xml_client(&server).list_pending(&query).await.unwrap();
    assert_eq!(from_json, from_xml);
    assert_eq!(from_json[0].kind, "Account Downgrade");
    assert_eq!(from_json[0].ip_groups, ["Reseller Group"]);
    assert_eq!(from_json[0].date, date(2025, 2, 1));
    let form = &forms(&server).await[0];
    assert_eq!(values(form, "task"), ["list"]);
    assert_eq!(values(form, "type"), ["downgrade"]);

    let deleting = MockServer::start().await;
    serve(
        &deleting,
        "/apiv2/reseller.pending.json",
        200,
        r#"{"message":"success"}"#,
    )
    .await;
    client(&deleting).delete_pending("acme").await.unwrap();
    let form = &forms(&deleting).await[0];
    assert_eq!(values(form, "task"), ["delete"]);
    assert_eq!(values(form, "user"), ["acme"]);
}
