//! Sign-in, sessions and the HTTP-level defences, over real HTTP.

use crate::support;

use app::domain::Role;
use serde_json::json;
use support::{TestConsole, PASSWORD};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("rc_session="))
        .map(str::to_string)
}

#[tokio::test]
async fn activity_moves_the_idle_expiry_forward() {
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    // With a one-minute idle timeout the expiry is moved at most every two seconds.
    let console = TestConsole::start_with(|args| args.session_idle_minutes = 1).await;
    console.add_operator("ida@example.com", Role::Support).await;
    let client = console.signed_in("ida@example.com").await;
    let view = || async {
        let page = client
            .get(format!("{}/customers", console.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
    };
    let expiry = || async { console.session().await.1.expiry_date };
    // Forty seconds without a request, as the store would hold them: the expiry forty seconds
    // nearer, the last touch forty seconds ago (past the two-second interval).
    let quiet_since = OffsetDateTime::now_utc() - Duration::seconds(40);
    console
        .edit_session(|record| {
            record.expiry_date = quiet_since + Duration::minutes(1);
            let touched = json!((quiet_since.unix_timestamp_nanos() / 1_000_000) as i64);
            let old = record.data.insert("touched_at_ms".to_string(), touched);
            assert!(old.is_some(), "the session keeps its last touch");
        })
        .await;
    let before = OffsetDateTime::now_utc();
    view().await;
    assert!(
        expiry().await >= before + Duration::minutes(1) - Duration::seconds(1),
        "a request moves the idle expiry a full timeout ahead"
    );

    // Within the interval a page view writes nothing: no durable write per request. The
    // session was just touched; an expiry it would never write itself shows whether it did.
    let marked = OffsetDateTime::now_utc() + Duration::seconds(50);
    console
        .edit_session(|record| record.expiry_date = marked)
        .await;
    view().await;
    assert_eq!(
        expiry().await,
        marked,
        "the expiry is not rewritten on every request"
    );
    console.stop().await;
}

#[tokio::test]
async fn signing_in_rotates_the_session_id_and_sets_strict_cookies() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.client();

    // A failed attempt first: whatever id exists before sign-in must not survive it.
    let failed = console
        .sign_in(&client, "ann@example.com", "wrong password")
        .await;
    assert_eq!(failed.status(), 303);
    let ok = console.sign_in(&client, "ann@example.com", PASSWORD).await;
    assert_eq!(ok.status(), 303);
    let cookie = session_cookie(&ok).expect("a session cookie is set at sign-in");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "loopback console does not force Secure: {cookie}"
    );

    let again = console.sign_in(&client, "ann@example.com", PASSWORD).await;
    let rotated = session_cookie(&again).expect("a new cookie at the next sign-in");
    assert_ne!(
        cookie.split(';').next(),
        rotated.split(';').next(),
        "the id changes at sign-in"
    );
    console.stop().await;
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.client();
    let unknown = console
        .sign_in(&client, "nobody@example.com", PASSWORD)
        .await;
    let wrong = console
        .sign_in(&client, "ann@example.com", "not the password")
        .await;
    let message = "That email and password do not match an active operator.";
    for (response, email) in [
        (unknown, "nobody%40example.com"),
        (wrong, "ann%40example.com"),
    ] {
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(
            location,
            format!("/login?error=invalid&email={email}&next=%2F")
        );
        let page = client
            .get(format!("{}{location}", console.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 401);
        assert!(page.text().await.unwrap().contains(message));
    }
    console.stop().await;
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Admin).await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [("email", "ann@example.com"), ("password", PASSWORD)];
    let url = format!("{}/login", console.url());
    let foreign = plain
        .post(&url)
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let missing = plain.post(&url).form(&form).send().await.unwrap();
    assert_eq!(missing.status(), 403, "no Origin and no Referer");
    let referer = plain
        .post(&url)
        .header("referer", format!("{}/login", console.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(referer.status(), 303, "a same-site Referer is enough");
    console.stop().await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let console = TestConsole::start().await;
    let client = console.client();
    for path in ["/login", "/healthz", "/no-such-file.js"] {
        let response = client
            .get(format!("{}{path}", console.url()))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    let page = client
        .get(format!("{}/login", console.url()))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("pages allow their hydration script by nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    console.stop().await;
}

#[tokio::test]
async fn next_is_followed_only_within_the_site() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Admin).await;
    for (next, expected) in [
        ("/operators", "/operators"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ] {
        let client = console.client();
        let response = client
            .post(format!("{}/login", console.url()))
            .form(&[
                ("email", "ann@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], expected, "next={next}");
    }
    console.stop().await;
}

#[tokio::test]
async fn first_start_creates_an_admin_with_a_private_password_file() {
    let console = TestConsole::start().await;
    let path = console.dir.path().join("initial-admin-password");
    let password = std::fs::read_to_string(&path).expect("password file written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let client = console.client();
    let response = console
        .sign_in(&client, "admin@localhost", password.trim())
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/account/password",
        "must change it first"
    );
    let home = client
        .get(format!("{}/", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(home.headers()["location"], "/account/password");
    console.stop().await;
}

/// Sign-in (failed and good), each operator change an admin can make, a password change and
/// sign-out each leave a row naming who did it; no password reaches the log.
#[tokio::test]
async fn sign_ins_and_operator_changes_are_audited() {
    const NEW_PASSWORD: &str = "a brand new password 42";
    let console = TestConsole::start().await;
    console.add_operator("boss@example.com", Role::Admin).await;
    let client = console.client();
    console.sign_in(&client, "boss@example.com", "wrong").await;
    console.sign_in(&client, "boss@example.com", PASSWORD).await;
    let response = console
        .call(
            &client,
            "add_operator",
            &[
                ("email", "new@example.com"),
                ("display_name", "New"),
                ("role", "support"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let one_time: serde_json::Value = response.json().await.unwrap();
    let secret = one_time["one_time_password"].as_str().unwrap().to_string();
    for (endpoint, args) in [
        (
            "change_operator_role",
            &[("email", "new@example.com"), ("role", "auditor")][..],
        ),
        ("disable_operator", &[("email", "new@example.com")][..]),
        (
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ][..],
        ),
    ] {
        let response = console.call(&client, endpoint, args).await;
        // A password change sends the browser home with a redirect.
        let status = response.status();
        assert!(
            status.is_success() || status.is_redirection(),
            "{endpoint}: {status}"
        );
    }
    let signed_out = client
        .post(format!("{}/logout", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);

    let rows: Vec<(String, Option<String>, Option<String>, String)> =
        sqlx::query_as("SELECT action, operator, outcome, params FROM audit_events ORDER BY id")
            .fetch_all(&console.pool)
            .await
            .unwrap();
    let recorded = |action: &str, operator: Option<&str>, outcome: &str| {
        rows.iter()
            .find(|r| {
                r.0 == action && r.1.as_deref() == operator && r.2.as_deref() == Some(outcome)
            })
            .map(|r| serde_json::from_str::<serde_json::Value>(&r.3).unwrap())
            .unwrap_or_else(|| panic!("no {action} {outcome} by {operator:?} in {rows:?}"))
    };
    let boss = Some("boss@example.com");
    assert_eq!(
        recorded("auth.sign_in", None, "failure")["email"],
        "boss@example.com"
    );
    recorded("auth.sign_in", boss, "success");
    assert_eq!(
        recorded("operator.add", boss, "success"),
        serde_json::json!({"email": "new@example.com", "role": "support"})
    );
    assert_eq!(
        recorded("operator.change_role", boss, "success"),
        serde_json::json!({"email": "new@example.com", "role": "auditor"})
    );
    assert_eq!(
        recorded("operator.disable", boss, "success")["email"],
        "new@example.com"
    );
    recorded("operator.change_password", boss, "success");
    recorded("auth.sign_out", boss, "success");
    // Passwords went to their owners, never into the log.
    assert!(rows
        .iter()
        .all(|r| [secret.as_str(), PASSWORD, NEW_PASSWORD]
            .iter()
            .all(|p| !r.3.contains(p))));
    assert!(matches!(
        app::services::audit::verify(&console.pool).await.unwrap(),
        app::services::audit::Verification::Ok { .. }
    ));
    console.stop().await;
}
