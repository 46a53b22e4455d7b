//! Which client address the console believes (`TRUSTED_PROXIES`), and the headers that depend
//! on how it is reached: HSTS over HTTPS, `no-store` on what a signed-in operator sees.

use crate::support;

use app::domain::Role;
use app::services::throttle::ADDRESS_LIMIT;
use support::{TestConsole, PASSWORD};

async fn sign_in_via(
    console: &TestConsole,
    client: &reqwest::Client,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> String {
    let response = client
        .post(format!("{}/login", console.url()))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn sign_in_addresses(console: &TestConsole, outcome: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT client_ip FROM audit_events WHERE action = 'auth.sign_in' AND outcome = ?
         ORDER BY id",
    )
    .bind(outcome)
    .fetch_all(&console.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // Proxies are trusted, but not the loopback peer the test connects from.
    let console = TestConsole::start_with(|args| {
        args.trusted_proxies = "10.0.0.0/8".parse().ok();
    })
    .await;
    let client = console.client();
    // A client naming a new address on every try is still one address to the throttle.
    for n in 0..ADDRESS_LIMIT {
        let location = sign_in_via(
            &console,
            &client,
            &format!("198.51.100.{n}"),
            &format!("u{n}@example.com"),
            "guess",
        )
        .await;
        assert!(location.contains("error=invalid"), "{location}");
    }
    let location = sign_in_via(&console, &client, "203.0.113.1", "x@example.com", "guess").await;
    assert!(location.contains("error=throttled"), "{location}");
    let addresses = sign_in_addresses(&console, "failure").await;
    assert_eq!(addresses.len(), ADDRESS_LIMIT);
    assert!(addresses.iter().all(|a| a == "127.0.0.1"), "{addresses:?}");
    console.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
    let console = TestConsole::start_with(|args| {
        args.trusted_proxies = "127.0.0.0/8".parse().ok();
    })
    .await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.client();
    // The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
    for n in 0..ADDRESS_LIMIT {
        let email = format!("u{n}@example.com");
        let location = sign_in_via(
            &console,
            &client,
            "6.6.6.6, 198.51.100.7, 127.0.0.9",
            &email,
            "guess",
        )
        .await;
        assert!(location.contains("error=invalid"), "{location}");
    }
    let location = sign_in_via(
        &console,
        &client,
        "198.51.100.7",
        "ann@example.com",
        PASSWORD,
    )
    .await;
    assert!(
        location.contains("error=throttled"),
        "that address is throttled"
    );
    // Another client behind the same proxy is not.
    let location = sign_in_via(
        &console,
        &client,
        "198.51.100.8",
        "ann@example.com",
        PASSWORD,
    )
    .await;
    assert_eq!(location, "/");

    let failures = sign_in_addresses(&console, "failure").await;
    assert!(failures.iter().all(|a| a == "198.51.100.7"), "{failures:?}");
    assert_eq!(
        sign_in_addresses(&console, "success").await,
        ["198.51.100.8"]
    );
    console.stop().await;
}

#[tokio::test]
async fn hsts_is_sent_only_over_https_and_signed_in_pages_are_not_stored() {
    let https = TestConsole::start_with(|args| args.secure_cookies = Some(true)).await;
    let health = reqwest::get(format!("{}/healthz", https.url()))
        .await
        .unwrap();
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    https.stop().await;

    let console = TestConsole::start().await;
    let health = reqwest::get(format!("{}/healthz", console.url()))
        .await
        .unwrap();
    assert!(health.headers().get("strict-transport-security").is_none());
    console.add_operator("ann@example.com", Role::Manager).await;
    let ann = console.signed_in("ann@example.com").await;
    for path in ["/", "/customers", "/audit"] {
        let page = ann
            .get(format!("{}{path}", console.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-store", "{path}");
    }
    console.stop().await;
}
