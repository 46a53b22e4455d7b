//! Each API family at its own base URL (API.md §7 "Regions": the EU host serves v3 only, the
//! legacy APIs are documented only on the global host).

use sendgrid::{Client, Config, Secret, EU_BASE_URL, GLOBAL_BASE_URL};
use wiremock::MockServer;

async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| request.url.path().to_string())
        .collect()
}

#[tokio::test]
async fn each_family_goes_to_its_own_base_url() {
    let (legacy, v3) = (MockServer::start().await, MockServer::start().await);
    let mut config = crate::common::config(&legacy.uri());
    config.v3_base_url = v3.uri();
    let client = Client::new(config).expect("valid config");

    // Both answer 404 (nothing is mounted): only where each call went matters here.
    let _ = client.list_packages().await;
    let _ = client.list_offerings().await;

    let (legacy, v3) = (paths(&legacy).await, paths(&v3).await);
    assert_eq!(legacy.len(), 1, "{legacy:?}");
    assert!(legacy[0].starts_with("/apiv2/"), "{legacy:?}");
    assert_eq!(v3, ["/v3/partners/offerings"]);
}

#[test]
fn the_eu_preset_moves_only_v3() {
    let eu = Config::eu(Secret::from("SG.key"));
    assert_eq!(eu.v2_base_url, GLOBAL_BASE_URL);
    assert_eq!(eu.v3_base_url, EU_BASE_URL);
}

#[test]
fn an_unusable_base_url_is_named() {
    let mut config = crate::common::config("http://127.0.0.1:1");
    config.v3_base_url = "not a url".into();
    let error = Client::new(config).expect_err("refused");
    assert!(
        matches!(&error, sendgrid::Error::InvalidInput { field: Some(f), .. } if f == "v3_base_url"),
        "{error:?}"
    );
}
