//! Sign-in throttling over real HTTP: five failures in the window for one client address and
//! email, or ten from one address whatever the email, and the next attempt is refused with a
//! clear message, even with the right password. An email alone is never locked out.

use crate::support;

use app::domain::Role;
use app::services::throttle::{ADDRESS_LIMIT, PAIR_LIMIT};
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
    for _ in 0..PAIR_LIMIT {
        let response = console.sign_in(&client, "ann@example.com", "guess").await;
        assert!(invalid(&response));
    }
    let blocked = console.sign_in(&client, "ann@example.com", PASSWORD).await;
    assert_throttled(&console, &client, blocked).await;
    console.stop().await;
}

#[tokio::test]
async fn ten_failures_from_one_client_throttle_it_whatever_the_email() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    console.add_operator("bob@example.com", Role::Support).await;
    let client = console.client();
    // Failures spread over emails, known or not: no pair reaches its limit, the client does.
    for n in 0..ADDRESS_LIMIT {
        let email = if n == 0 {
            "bob@example.com".to_string()
        } else {
            format!("stranger{n}@example.com")
        };
        let response = console.sign_in(&client, &email, "guess").await;
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

#[tokio::test]
async fn eighty_parallel_wrong_passwords_from_one_address_get_at_most_ten_checked() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.client();
    let attempts = (0..80).map(|n| {
        let (client, console) = (&client, &console);
        async move {
            // Half at the operator, half at emails that do not exist: both cost a check.
            let email = if n % 2 == 0 {
                "ann@example.com".to_string()
            } else {
                format!("guess{n}@example.com")
            };
            let response = console.sign_in(client, &email, "wrong").await;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, location)
        }
    });
    let answers = futures::future::join_all(attempts).await;

    let checked = answers
        .iter()
        .filter(|(_, location)| location.contains("error=invalid"))
        .count();
    let refused = answers
        .iter()
        .filter(|(status, location)| location.contains("error=throttled") || (*status == 503))
        .count();
    assert!(checked <= ADDRESS_LIMIT, "{checked} passwords were checked");
    assert!(checked >= 1, "some passwords were checked");
    assert_eq!(checked + refused, 80, "every attempt answered: {answers:?}");
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in' AND outcome = 'failure'",
    )
    .fetch_one(&console.pool)
    .await
    .unwrap();
    assert_eq!(
        failures as usize, checked,
        "one failure row per checked password"
    );
    console.stop().await;
}

#[tokio::test]
async fn a_lockout_from_one_address_does_not_lock_the_email_out_from_another() {
    let console = TestConsole::start().await;
    console.add_operator("admin@example.com", Role::Admin).await;
    let stranger = console.client_from("127.0.0.2");
    for _ in 0..PAIR_LIMIT {
        let response = console
            .sign_in(&stranger, "admin@example.com", "guess")
            .await;
        assert!(invalid(&response));
    }
    let blocked = console
        .sign_in(&stranger, "admin@example.com", PASSWORD)
        .await;
    assert_throttled(&console, &stranger, blocked).await;

    // The operator, from their own address, still gets in (after the email's short delay).
    let operator = console.client_from("127.0.0.3");
    let response = console
        .sign_in(&operator, "admin@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    let home = operator
        .get(format!("{}/", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200, "signed in from the other address");
    console.stop().await;
}

#[tokio::test]
async fn another_emails_sign_in_does_not_clear_an_addresss_failures() {
    let console = TestConsole::start().await;
    console.add_operator("bob@example.com", Role::Support).await;
    let client = console.client_from("127.0.0.4");
    for n in 0..ADDRESS_LIMIT - 1 {
        let email = format!("stranger{n}@example.com");
        assert!(invalid(&console.sign_in(&client, &email, "guess").await));
    }
    let bob = console.sign_in(&client, "bob@example.com", PASSWORD).await;
    assert_eq!(bob.headers()["location"], "/", "bob signs in");
    let last = console.sign_in(&client, "last@example.com", "guess").await;
    assert!(invalid(&last), "the tenth failure");
    let blocked = console.sign_in(&client, "more@example.com", "guess").await;
    let location = blocked.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/login?error=throttled"),
        "bob's sign-in did not clear the address's failures: {location}"
    );
    console.stop().await;
}
