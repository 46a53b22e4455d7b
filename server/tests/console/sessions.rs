//! Session lifetimes and the cookie's flags, over real HTTP: a session idle past its expiry and
//! one older than the absolute limit are treated as no session at all (pages send to sign-in,
//! server functions answer 401); `--secure-cookies true` marks the cookie `Secure`.

use app::domain::Role;
use serde_json::json;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};

use crate::customers_support::SIM_KEY;
use crate::process_support::{add_operator, ConsoleProcess};
use crate::support::{by_test, TestConsole, PASSWORD};

/// Whether `client` still has a session: a page and a server function both answer.
async fn signed_in(console: &TestConsole, client: &reqwest::Client) -> bool {
    let page = client
        .get(format!("{}/customers", console.url()))
        .send()
        .await
        .unwrap();
    let call = console.call(client, "directory_status", &[]).await;
    match (page.status().as_u16(), call.status().as_u16()) {
        (200, 200) => true,
        (303, 401) => {
            assert_eq!(page.headers()["location"], "/login?next=/customers");
            false
        }
        other => panic!("page and server function disagree: {other:?}"),
    }
}

/// Sets the idle expiry the session store keeps (and checks on every load).
async fn set_expiry(console: &TestConsole, expiry: OffsetDateTime) {
    console
        .edit_session(|record| record.expiry_date = expiry)
        .await;
}

#[tokio::test]
async fn a_session_idle_past_its_expiry_is_refused() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Support).await;
    let client = console.signed_in("ann@example.com").await;
    // Each request moves the expiry forward by the idle timeout; rewriting it stands in for
    // 30 minutes without one. A minute ahead first, to show the rewrite itself is harmless.
    set_expiry(&console, OffsetDateTime::now_utc() + Duration::minutes(1)).await;
    assert!(signed_in(&console, &client).await);
    set_expiry(&console, OffsetDateTime::now_utc() - Duration::seconds(1)).await;
    assert!(!signed_in(&console, &client).await);
    console.stop().await;
}

/// Moves the sign-in time kept inside the stored session `age` into the past.
async fn signed_in_ago(console: &TestConsole, age: Duration) {
    let at = OffsetDateTime::now_utc() - age;
    console
        .edit_session(|record| {
            let old = record
                .data
                .insert("signed_in_at".to_string(), json!(at.unix_timestamp()));
            assert!(old.is_some(), "the session keeps its sign-in time");
        })
        .await;
}

#[tokio::test]
async fn a_session_older_than_the_absolute_limit_ends_however_active() {
    let console = TestConsole::start_with(|args| args.session_absolute_hours = 12).await;
    console.add_operator("ann@example.com", Role::Support).await;
    let client = console.signed_in("ann@example.com").await;
    let limit = Duration::hours(12);
    signed_in_ago(&console, limit - Duration::minutes(1)).await;
    assert!(signed_in(&console, &client).await, "just under the limit");
    signed_in_ago(&console, limit + Duration::minutes(1)).await;
    assert!(!signed_in(&console, &client).await, "just over it");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tower_sessions")
        .fetch_one(&console.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the session was ended, not just ignored");
    console.stop().await;
}

#[tokio::test]
async fn secure_cookies_true_marks_the_session_cookie_secure() {
    let sim = simulator::spawn(simulator::Config {
        customers: 3,
        api_key: SIM_KEY.to_string(),
        ..simulator::Config::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), "ann@example.com", "manager");
    // On a loopback address, where the default is off.
    let console = ConsoleProcess::start(
        dir.path(),
        &sim.base_url(),
        SIM_KEY,
        &["--secure-cookies", "true"],
    )
    .await;
    let response = console
        .client()
        .post(format!("{}/login", console.url))
        .form(&[("email", "ann@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("rc_session="))
        .expect("a session cookie")
        .to_string();
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for wanted in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(attributes.contains(&wanted), "{wanted} in {cookie}");
    }
}

/// An operator signed in with a one-time password (an admin's "add operator", or the first
/// admin) may choose a new one and do nothing else until then: pages lead to the change, and
/// every other server function refuses with the reason.
#[tokio::test]
async fn a_one_time_password_allows_nothing_but_changing_it() {
    use app::domain::OperatorEmail;
    use app::services::operators;

    let console = TestConsole::start().await;
    let email = OperatorEmail::parse("otto@example.com").unwrap();
    operators::create(
        &console.pool,
        &app::services::auth::Admin::local("test"),
        &email,
        "",
        Role::Admin,
        operators::FirstPassword::OneTime(PASSWORD),
        by_test("operator.add"),
    )
    .await
    .unwrap();
    let client = console.signed_in("otto@example.com").await;

    let page = client
        .get(format!("{}/customers", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["location"], "/account/password");
    for (endpoint, args) in [
        ("directory_status", vec![]),
        ("list_operators", vec![]),
        (
            "add_operator",
            vec![
                ("email", "x@example.com"),
                ("display_name", ""),
                ("role", "admin"),
            ],
        ),
    ] {
        let refused = console.call(&client, endpoint, &args).await;
        assert_eq!(refused.status(), 403, "{endpoint}");
        let body = refused.text().await.unwrap();
        assert!(
            body.contains("Choose a new password first"),
            "{endpoint}: {body}"
        );
    }
    assert!(operators::find_by_email(&console.pool, "x@example.com")
        .await
        .unwrap()
        .is_none());

    let changed = console
        .call(
            &client,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(
        console
            .call(&client, "directory_status", &[])
            .await
            .status(),
        200,
        "with a password of their own, the role applies"
    );
    console.stop().await;
}

/// The ids of every stored session.
async fn session_ids(console: &TestConsole) -> std::collections::BTreeSet<String> {
    sqlx::query_scalar("SELECT id FROM tower_sessions")
        .fetch_all(&console.pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_renews_this_one() {
    let console = TestConsole::start().await;
    console.add_operator("pia@example.com", Role::Manager).await;
    console.add_operator("ole@example.com", Role::Manager).await;
    let here = console.signed_in("pia@example.com").await;
    let elsewhere = console.signed_in("pia@example.com").await;
    let colleague = console.signed_in("ole@example.com").await;
    let before = session_ids(&console).await;
    assert_eq!(before.len(), 3);

    let changed = console
        .call(
            &here,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    let status = changed.status();
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let after = session_ids(&console).await;
    assert_eq!(
        after.difference(&before).count(),
        1,
        "the session that changed the password has a fresh id"
    );
    assert_eq!(
        before.difference(&after).count(),
        1,
        "and its old id is gone"
    );

    assert!(signed_in(&console, &here).await, "this session goes on");
    assert!(
        !signed_in(&console, &elsewhere).await,
        "another session of the same operator ends"
    );
    assert!(
        signed_in(&console, &colleague).await,
        "other operators are not touched"
    );
    // The old password no longer signs in; the new one does.
    let old = console
        .sign_in(&console.client(), "pia@example.com", PASSWORD)
        .await;
    assert_ne!(
        old.headers().get("location").map(|l| l.to_str().unwrap()),
        Some("/")
    );
    let new = console
        .sign_in(
            &console.client(),
            "pia@example.com",
            "a brand new passphrase",
        )
        .await;
    assert_eq!(new.headers()["location"], "/");
    console.stop().await;
}

#[tokio::test]
async fn a_one_time_password_expires_after_its_hours() {
    use app::domain::OperatorEmail;
    use app::services::operators;

    let console = TestConsole::start().await;
    let email = OperatorEmail::parse("olga@example.com").unwrap();
    let fresh = operators::create(
        &console.pool,
        &app::services::auth::Admin::local("test"),
        &email,
        "",
        Role::Manager,
        operators::FirstPassword::OneTime(PASSWORD),
        by_test("operator.add"),
    )
    .await
    .unwrap();
    let client = console.signed_in("olga@example.com").await;
    let page = client
        .get(format!("{}/account/password", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "a fresh one-time password works");

    // 25 hours later (the default lifetime is 24).
    let set_at =
        (sqlx::types::chrono::Utc::now() - std::time::Duration::from_secs(25 * 3600)).to_rfc3339();
    sqlx::query("UPDATE operators SET password_set_at = ? WHERE id = ?")
        .bind(&set_at)
        .bind(fresh.id)
        .execute(&console.pool)
        .await
        .unwrap();
    let page = client
        .get(format!("{}/account/password", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.headers()["location"],
        "/login?next=/account/password",
        "the session it started ends"
    );
    let refused = console
        .sign_in(&console.client(), "olga@example.com", PASSWORD)
        .await;
    let location = refused.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/login?error=expired"), "{location}");
    let shown = console
        .client()
        .get(format!("{}{location}", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 401);
    assert!(shown
        .text()
        .await
        .unwrap()
        .contains("This one-time password has expired."));
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in'
         AND outcome = 'refused' AND operator = 'olga@example.com'",
    )
    .fetch_one(&console.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    console.stop().await;
}

#[tokio::test]
async fn an_admin_gives_a_new_one_time_password_and_the_old_sessions_end() {
    let console = TestConsole::start().await;
    console.add_operator("boss@example.com", Role::Admin).await;
    console.add_operator("ann@example.com", Role::Support).await;
    let boss = console.signed_in("boss@example.com").await;
    let ann = console.signed_in("ann@example.com").await;

    let given = console
        .call(
            &boss,
            "reset_operator_password",
            &[("email", "ann@example.com")],
        )
        .await;
    assert_eq!(given.status(), 200);
    let given: serde_json::Value = given.json().await.unwrap();
    let one_time = given["one_time_password"].as_str().unwrap().to_string();
    assert!(!signed_in(&console, &ann).await, "ann's session ended");
    let old = console
        .sign_in(&console.client(), "ann@example.com", PASSWORD)
        .await;
    assert!(old.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?error=invalid"));
    let new = console
        .sign_in(&console.client(), "ann@example.com", &one_time)
        .await;
    assert_eq!(
        new.headers()["location"],
        "/account/password",
        "must choose one"
    );

    let own = console
        .call(
            &boss,
            "reset_operator_password",
            &[("email", "boss@example.com")],
        )
        .await;
    assert_eq!(own.status(), 409);
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'operator.reset_password'
         AND operator = 'boss@example.com'",
    )
    .fetch_one(&console.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    console.stop().await;
}
