//! Sign-in throttling over real HTTP: five failures in the window, per email and per client
//! IP, and the next attempt is refused with a clear message, even with the right password.

use crate::support;

use app::domain::Role;
use support::{TestConsole, PASSWORD};

/// `response` (to a sign-in) sent the person to the throttled message, which is what they see,
/// and no session was opened.
async fn assert_throttled(
    console: &TestConsole,
    client: &reqwest::Client,
    response: reqwest::Response,
) {
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/login?error=throttled&wait=15"),
        "{location}"
    );
    let page = client
        .get(format!("{}{location}", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Too many failed sign-ins. Wait 15 minute(s), then try again."));
    let home = client
        .get(format!("{}/", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        home.status(),
        303,
        "the right password did not open a session"
    );
}

fn invalid(response: &reqwest::Response) -> bool {
    response.headers()["location"]
        .to_str()
        .unwrap()
        .contains("error=invalid")
}

#[tokio::test]
async fn five_failures_throttle_the_sixth_attempt_even_with_the_right_password() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.client();
    for _ in 0..5 {
        let response = console.sign_in(&client, "ann@example.com", "guess").await;
        assert!(invalid(&response));
    }
    let blocked = console.sign_in(&client, "ann@example.com", PASSWORD).await;
    assert_throttled(&console, &client, blocked).await;
    console.stop().await;
}

#[tokio::test]
async fn five_failures_from_one_client_throttle_it_whatever_the_email() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    console.add_operator("bob@example.com", Role::Support).await;
    let client = console.client();
    // One failure per email, known or not: no email reaches the limit, the client does.
    for email in [
        "bob@example.com",
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
        "frank@example.com",
    ] {
        let response = console.sign_in(&client, email, "guess").await;
        assert!(invalid(&response), "{email}");
    }
    let blocked = console.sign_in(&client, "ann@example.com", PASSWORD).await;
    assert_throttled(&console, &client, blocked).await;

    let refused: Vec<String> = sqlx::query_scalar(
        "SELECT params FROM audit_events WHERE action = 'auth.sign_in' AND outcome = 'refused'",
    )
    .fetch_all(&console.pool)
    .await
    .unwrap();
    assert_eq!(refused.len(), 1, "the throttled attempt is recorded");
    assert!(refused[0].contains("ann@example.com") && refused[0].contains("throttled"));
    console.stop().await;
}
