//! `/healthz` over real HTTP: a real SQLite file in a temp dir and the embedded simulator.

use crate::support;

use support::TestConsole;

#[tokio::test]
async fn healthz_reports_database_and_upstream() {
    let console = TestConsole::start().await;
    let response = reqwest::get(format!("{}/healthz", console.url()))
        .await
        .expect("healthz answers");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "db": "ok", "upstream": "ok"})
    );
    console.stop().await;
}

#[tokio::test]
async fn healthz_says_degraded_when_sendgrid_is_unreachable() {
    // A closed loopback port stands in for an unreachable SendGrid.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let console = TestConsole::start_with(|args| {
        args.upstream.base = url.clone();
        args.upstream.api_key = Some(sendgrid::Secret::from("SG.test"));
    })
    .await;
    let body: serde_json::Value = reqwest::get(format!("{}/healthz", console.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["upstream"], "degraded");
    console.stop().await;
}

#[tokio::test]
async fn migrations_apply_twice_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/twice.db", dir.path().display());
    let pool = app::services::db::open(&url).await.expect("first open");
    app::services::db::migrate(&pool)
        .await
        .expect("second run is a no-op");
    pool.close().await;
    app::services::db::open(&url).await.expect("reopen");
}

#[tokio::test]
async fn the_database_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    let url = format!("sqlite://{}/console.db", nested.display());
    app::services::db::open(&url).await.expect("opens");
    assert!(nested.join("console.db").exists());
}

/// Every answer names its request, so an operator's report can be matched to the log line:
/// the client's own `X-Request-Id` when it sent one, else a fresh UUID per request.
#[tokio::test]
async fn every_answer_carries_its_request_id() {
    let console = TestConsole::start().await;
    let client = reqwest::Client::new();
    let id_of = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .expect("ASCII")
            .to_string()
    };
    let first = client
        .get(format!("{}/healthz", console.url()))
        .send()
        .await
        .expect("healthz answers");
    let second = client
        .get(format!("{}/login", console.url()))
        .send()
        .await
        .expect("the sign-in page answers");
    let (first, second) = (id_of(&first), id_of(&second));
    assert_eq!(first.len(), 36, "a UUID: {first}");
    assert_ne!(first, second, "one id per request");
    let echoed = client
        .get(format!("{}/healthz", console.url()))
        .header("x-request-id", "desk-ticket-42")
        .send()
        .await
        .expect("healthz answers");
    assert_eq!(id_of(&echoed), "desk-ticket-42");
    console.stop().await;
}
