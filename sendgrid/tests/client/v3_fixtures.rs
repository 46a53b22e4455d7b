//! v3 Account Provisioning shapes (API.md §5) served over HTTP: requests as the spec says,
//! answers and error bodies into the expected values and variants.

use crate::common::{client, request_count, V3_KEY};
use sendgrid::{
    AccountProfile, AccountState, Error, NewAccount, Offering, OfferingKind, WritableState,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn account(id: &str) -> Value {
    json!({"id": id, "email": format!("{id}@test.test"), "created_at": "2024-01-02T15:04:05Z"})
}

#[tokio::test]
async fn offerings_catalog() {
    let server = MockServer::start().await;
    let body = json!({"catalog": [
        {"offering": {"name": "org.ei.free.v1", "type": "package", "quantity": 1},
         "entitlements": {"email_sends_max_monthly": 10000, "ip_count": 0,
                          "teammates_max_total": 0, "users_max_total": 0}},
        {"offering": {"name": "org.mc.addon.v1", "type": "addon"}}
    ]});
    Mock::given(method("GET"))
        .and(path("/v3/partners/offerings"))
        .and(header("authorization", format!("Bearer {V3_KEY}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let catalog = client(&server).list_offerings().await.unwrap();
    assert_eq!(catalog.len(), 2);
    assert_eq!(catalog[0].offering, Offering::package("org.ei.free.v1"));
    assert_eq!(
        catalog[0].entitlements.email_sends_max_monthly,
        Some(10_000)
    );
    assert_eq!(catalog[1].offering.kind, OfferingKind::Addon);
    assert_eq!(catalog[1].offering.quantity, None);
    assert_eq!(catalog[1].entitlements.ip_count, None);
}

#[tokio::test]
async fn account_page_passes_cursor_and_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/partners/accounts"))
        .and(query_param("offset", "sg_a"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accounts": [account("sg_b"), {"id": "sg_c", "created_at": "2024-01-03T00:00:00+02:00"}],
            "pages": {"last": "sg_c"}
        })))
        .mount(&server)
        .await;
    let page = client(&server)
        .list_accounts(Some("sg_a"), 2)
        .await
        .unwrap();
    assert_eq!(page.last.as_deref(), Some("sg_c"));
    assert_eq!(page.accounts[0].email.as_deref(), Some("sg_b@test.test"));
    assert_eq!(page.accounts[1].email, None);
    assert_eq!(
        page.accounts[1].created_at.to_rfc3339(),
        "2024-01-02T22:00:00+00:00"
    );
}

#[tokio::test]
async fn page_size_is_checked_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    for limit in [0, 101] {
        let error = client.list_accounts(None, limit).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field: Some(f), .. } if f == "limit"),
            "{error:?}"
        );
    }
    assert_eq!(request_count(&server).await, 0);
}

async fn mount_page(server: &MockServer, offset: Option<&str>, ids: &[&str], last: Value) {
    let mut mock = Mock::given(method("GET")).and(path("/v3/partners/accounts"));
    mock = match offset {
        Some(offset) => mock.and(query_param("offset", offset)),
        None => mock.and(query_param_is_missing("offset")),
    };
    let accounts: Vec<Value> = ids.iter().map(|id| account(id)).collect();
    mock.respond_with(
        ResponseTemplate::new(200).set_body_json(json!({"accounts": accounts, "pages": last})),
    )
    .mount(server)
    .await;
}

#[tokio::test]
async fn list_all_accounts_walks_pages_until_a_short_one() {
    let server = MockServer::start().await;
    mount_page(&server, None, &["a1", "a2"], json!({"last": "a2"})).await;
    mount_page(&server, Some("a2"), &["a3", "a4"], json!({"last": "a4"})).await;
    mount_page(&server, Some("a4"), &["a5"], json!({"last": "a5"})).await;
    let all = client(&server).list_all_accounts(2).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"]);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn list_all_accounts_stops_on_empty_or_missing_cursor() {
    for pages in [json!({"last": ""}), json!({}), Value::Null] {
        let server = MockServer::start().await;
        mount_page(&server, None, &["a1", "a2"], pages.clone()).await;
        let all = client(&server).list_all_accounts(2).await.unwrap();
        assert_eq!(all.len(), 2, "{pages}");
        assert_eq!(request_count(&server).await, 1);
    }
    let server = MockServer::start().await;
    mount_page(&server, None, &[], json!({"last": "a0"})).await;
    assert_eq!(client(&server).list_all_accounts(2).await.unwrap(), []);
}

#[tokio::test]
async fn list_all_accounts_refuses_a_repeated_cursor() {
    let server = MockServer::start().await;
    mount_page(&server, None, &["a1", "a2"], json!({"last": "a2"})).await;
    mount_page(&server, Some("a2"), &["a1", "a2"], json!({"last": "a2"})).await;
    let error = client(&server).list_all_accounts(2).await.unwrap_err();
    assert!(matches!(error, Error::Unexpected { .. }), "{error:?}");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn create_account_posts_profile_and_offerings() {
    let server = MockServer::start().await;
    let expected = json!({
        "profile": {"first_name": "Sender", "email": "test@test.com", "timezone": "Asia/Tokyo"},
        "offerings": [{"name": "org.ei.free.v1", "type": "package", "quantity": 1}]
    });
    Mock::given(method("POST"))
        .and(path("/v3/partners/accounts"))
        .and(body_json(expected))
        .and(header("T-Test-Account", "true"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"account_id": "sg2a2bcd3ef4ab5c67d8efab91c01de2fa"})),
        )
        .mount(&server)
        .await;
    let new = NewAccount {
        profile: Some(AccountProfile {
            first_name: Some("Sender".into()),
            email: Some("test@test.com".into()),
            timezone: Some("Asia/Tokyo".into()),
            ..AccountProfile::default()
        }),
        offerings: vec![Offering::package("org.ei.free.v1")],
        test_account: Some("true".into()),
    };
    let id = client(&server).create_account(&new).await.unwrap();
    assert_eq!(id, "sg2a2bcd3ef4ab5c67d8efab91c01de2fa");
}

#[tokio::test]
async fn delete_offerings_and_state() {
    let server = MockServer::start().await;
    let offerings = json!({"offerings": [
        {"name": "org.ei.essentials.v1", "type": "package", "quantity": 1},
        {"name": "org.ip.addon.v1", "type": "addon", "quantity": 2}
    ]});
    Mock::given(method("DELETE"))
        .and(path("/v3/partners/accounts/sg_1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/partners/accounts/sg_1/offerings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(offerings.clone()))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v3/partners/accounts/sg_1/offerings"))
        .and(body_json(offerings.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(offerings))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/partners/accounts/sg_1/state"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"state": "suspended"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v3/partners/accounts/sg_1/state"))
        .and(body_json(json!({"state": "deactivated"})))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let client = client(&server);
    let wanted = vec![
        Offering::package("org.ei.essentials.v1"),
        Offering::addon("org.ip.addon.v1", 2),
    ];
    assert_eq!(client.get_account_offerings("sg_1").await.unwrap(), wanted);
    assert_eq!(
        client
            .update_account_offerings("sg_1", &wanted)
            .await
            .unwrap(),
        wanted
    );
    assert_eq!(
        client.get_account_state("sg_1").await.unwrap(),
        AccountState::Suspended
    );
    client
        .update_account_state("sg_1", WritableState::Deactivated)
        .await
        .unwrap();
    client.delete_account("sg_1").await.unwrap();
}

#[tokio::test]
async fn account_ids_are_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/partners/accounts/a%2Fb%3Fc/state"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"state": "activated"})))
        .mount(&server)
        .await;
    let state = client(&server).get_account_state("a/b?c").await.unwrap();
    assert_eq!(state, AccountState::Activated);
}

#[tokio::test]
async fn sso_returns_the_location_without_following_it() {
    let server = MockServer::start().await;
    let target = format!("{}/login?code=one-time", server.uri());
    Mock::given(method("POST"))
        .and(path("/v3/partners/accounts/sg_1/sso"))
        .respond_with(ResponseTemplate::new(303).insert_header("Location", target.as_str()))
        .mount(&server)
        .await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    assert_eq!(client(&server).sso("sg_1").await.unwrap(), target);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn sso_without_redirect_is_unexpected() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let error = client(&server).sso("sg_1").await.unwrap_err();
    assert!(
        matches!(error, Error::Unexpected { status: 200, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn error_bodies_map_to_variants() {
    let validation = json!({"errors": [
        {"message": "Field must be a valid email", "field": "email", "error_id": "10-40002"},
        {"message": "Field must be a valid URL", "field": "company_website", "error_id": "10-40008"}]});
    let cases: [(u16, Value, Error); 5] = [
        (
            400,
            validation,
            Error::InvalidInput {
                field: Some("email".into()),
                message: "Field must be a valid email; Field must be a valid URL".into(),
            },
        ),
        (
            400,
            json!({"errors": [{"message": "only one package offering is allowed", "field": "", "error_id": "10-40001"}]}),
            Error::InvalidInput {
                field: None,
                message: "only one package offering is allowed".into(),
            },
        ),
        (
            401,
            json!({"errors": [{"field": null, "message": "Permission denied, wrong credentials", "help": null}]}),
            Error::Unauthorized {
                message: "Permission denied, wrong credentials".into(),
            },
        ),
        (
            403,
            json!({"errors": [{"message": "The authenticated user is not authorized to perfrom this request", "field": "", "error_id": "10-40300"}]}),
            Error::Forbidden {
                message: "The authenticated user is not authorized to perfrom this request".into(),
            },
        ),
        (
            404,
            json!({"errors": [{"message": "account not found", "field": "", "error_id": "10-40400"}]}),
            Error::NotFound {
                message: "account not found".into(),
            },
        ),
    ];
    for (status, body, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let error = client(&server).get_account_state("sg_1").await.unwrap_err();
        assert_eq!(error, expected, "{body}");
        assert_eq!(request_count(&server).await, 1, "4xx is not retried");
        if status == 403 {
            // Not a credentials problem: the sentence says what a 403 here is about.
            let words = error.to_string();
            assert!(words.contains("reseller partnership"), "{words}");
            assert!(words.contains("not authorized to perfrom"), "{words}");
        }
    }
}

#[tokio::test]
async fn malformed_success_body_is_unexpected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"state": "on fire"})))
        .mount(&server)
        .await;
    let error = client(&server).get_account_state("sg_1").await.unwrap_err();
    assert!(
        matches!(error, Error::Unexpected { status: 200, .. }),
        "{error:?}"
    );
}
