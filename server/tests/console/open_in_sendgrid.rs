//! "Open in SendGrid" (API.md §5.10) over HTTP: a manager's plain form post is answered with
//! SendGrid's one-time sign-in URL and recorded; support cannot; an account SendGrid refuses
//! sends the browser back to the customer's page and the refusal is in the log with SendGrid's
//! words; an account without v3 is refused before SendGrid is asked.

use crate::limits_support::Harness;

use reqwest::header::{ACCEPT, LOCATION};

/// What a browser's form post gets: the status and where it is sent.
async fn post_form(client: &reqwest::Client, base: &str, user: &str) -> (u16, String) {
    let response = client
        .post(format!("{base}/api/open_in_sendgrid"))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .form(&[("user", user)])
        .send()
        .await
        .expect("the console answers");
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (response.status().as_u16(), location)
}

async fn sign_ins(pool: &sqlx::SqlitePool) -> Vec<(String, String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT operator, customer, outcome, upstream_message FROM audit_events
         WHERE action = 'account.sso' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_manager_is_sent_to_sendgrid_and_the_sign_in_is_recorded() {
    let h = Harness::start(20, 3600).await;
    let t = &h.t;
    let (user, account) = h.linked_customer(&[]).await;
    t.sync().await;
    let base = t.console.url();

    let (status, location) = post_form(&t.manager, &base, &user).await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("https://app.sendgrid.com/sso/partner?code="),
        "SendGrid's own URL, handed on: {location}"
    );
    let rows = sign_ins(&t.console.pool).await;
    assert_eq!(
        rows,
        [(
            "manager@example.com".to_string(),
            user.clone(),
            "success".to_string(),
            None
        )]
    );
    let calls = h.calls().await;
    let sso = format!("/v3/partners/accounts/{account}/sso");
    assert_eq!(calls.iter().filter(|c| c["path"] == sso).count(), 1);

    // Support reads everything and signs in nowhere: refused before SendGrid is asked.
    let (_, location) = post_form(&t.support, &base, &user).await;
    assert!(
        !location.contains("sendgrid.com"),
        "no sign-in for support: {location}"
    );
    let status = t
        .console
        .call(&t.support, "open_in_sendgrid", &[("user", &user)])
        .await
        .status();
    assert_eq!(status, 403);
    assert_eq!(sign_ins(&t.console.pool).await.len(), 1);
    assert_eq!(
        h.calls().await.iter().filter(|c| c["path"] == sso).count(),
        1
    );
    h.t.console.stop().await;
}

#[tokio::test]
async fn a_refusal_is_shown_with_sendgrids_words_and_nothing_is_opened() {
    let h = Harness::start(20, 3600).await;
    let t = &h.t;
    let id = h.v3_only().await;
    let v2_only = h.v2_only().await;
    t.sync().await;
    let base = t.console.url();
    let form = [
        ("user", id.as_str()),
        ("state", "deactivated"),
        ("timing", "now"),
        ("idempotency_key", "k-off"),
    ];
    let (status, body) = t.call(&t.manager, "change_account_state", &form).await;
    assert_eq!(status, 200, "{body}");

    // A deactivated account: SendGrid answers 403; the browser goes back to the customer.
    let (status, location) = post_form(&t.manager, &base, &id).await;
    assert_eq!(status, 302);
    assert_eq!(location, format!("/customers/{id}?sendgrid=refused"));
    let page = t
        .manager
        .get(format!("{base}{location}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("SendGrid did not open the account"),
        "the page says so"
    );
    let rows = sign_ins(&t.console.pool).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, "failure");
    let message = rows[0].3.clone().unwrap_or_default();
    assert!(
        message.contains("does not allow logging in"),
        "SendGrid's words are kept: {message}"
    );
    // A script gets the status and the message instead of a redirect.
    let response = t
        .console
        .call(&t.manager, "open_in_sendgrid", &[("user", &id)])
        .await;
    assert_eq!(response.status(), 502);

    // No v3 account: nothing to sign in to, and SendGrid is not asked.
    let (status, location) = post_form(&t.manager, &base, &v2_only).await;
    assert_eq!(status, 302);
    assert_eq!(
        location,
        format!("/customers/{v2_only}?sendgrid=no-account")
    );
    let response = t
        .console
        .call(&t.manager, "open_in_sendgrid", &[("user", &v2_only)])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(sign_ins(&t.console.pool).await.len(), 2);
    h.t.console.stop().await;
}
