//! The body size limit and the per-operator rate limit, over real HTTP.

use crate::support;

use app::domain::Role;
use support::TestConsole;

const TEN_MB: usize = 10 * 1024 * 1024;
const TOO_LARGE: &str = "Refused: the request body is larger than the 256 KiB the console accepts.";

/// A form whose one field is `size` bytes long.
fn huge_form(size: usize) -> String {
    format!("user={}&idempotency_key=k", "a".repeat(size))
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_with_a_clear_message_whether_sized_or_chunked() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.signed_in("ann@example.com").await;

    let targets = [
        "/api/change_plan",
        "/api/set_credit_limit",
        "/api/get_me",
        "/login",
    ];
    for path in targets {
        let sized = client
            .post(format!("{}{path}", console.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(huge_form(TEN_MB))
            .send()
            .await
            .expect("answers");
        assert_eq!(sized.status(), 413, "{path} with Content-Length");
        assert!(sized.text().await.unwrap().starts_with(TOO_LARGE), "{path}");

        // No Content-Length: the limit is only found while reading.
        let chunks: Vec<Result<String, std::io::Error>> = (0..40)
            .map(|i| {
                Ok(if i == 0 {
                    huge_form(0)
                } else {
                    "a".repeat(256 * 1024)
                })
            })
            .collect();
        let chunked = client
            .post(format!("{}{path}", console.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
            .send()
            .await;
        // The server may answer and close before the whole body is sent; when the answer
        // arrives it must be the 413.
        if let Ok(chunked) = chunked {
            let status = chunked.status();
            let text = chunked.text().await.unwrap();
            assert_eq!(status, 413, "{path} chunked: {text}");
            assert!(text.starts_with(TOO_LARGE), "{path}: {text}");
        }
    }
    // The session still works afterwards.
    let me = console.call(&client, "get_me", &[]).await;
    assert_eq!(me.status(), 200);
    console.stop().await;
}

#[tokio::test]
async fn arguments_that_cannot_be_decoded_are_a_400_not_a_500() {
    let console = TestConsole::start().await;
    console.add_operator("ann@example.com", Role::Manager).await;
    let client = console.signed_in("ann@example.com").await;
    // `change_plan` without any of its fields, and `get_audit_event` with a word for a number.
    for (endpoint, args) in [
        ("change_plan", vec![]),
        ("get_audit_event", vec![("id", "seven")]),
    ] {
        let response = console.call(&client, endpoint, &args).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 400, "{endpoint}: {text}");
        assert!(
            text.contains("missing field") || text.contains("invalid"),
            "{endpoint}: {text}"
        );
    }
    console.stop().await;
}

#[tokio::test]
async fn each_operator_has_their_own_rate_limit_with_retry_after() {
    let console = TestConsole::start_with(|args| {
        args.api_rate_per_minute = 60;
        args.api_burst = 5;
    })
    .await;
    console.add_operator("ann@example.com", Role::Manager).await;
    console.add_operator("bob@example.com", Role::Manager).await;
    let ann = console.signed_in("ann@example.com").await;
    let bob = console.signed_in("bob@example.com").await;

    for n in 0..5 {
        let response = console.call(&ann, "get_me", &[]).await;
        assert_eq!(response.status(), 200, "call {n} is within the burst");
    }
    let limited = console.call(&ann, "get_me", &[]).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is whole seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let text = limited.text().await.unwrap();
    assert!(
        text.starts_with("Too many requests: at most 60 a minute per operator. Nothing was done;"),
        "{text}"
    );

    // A change refused by the limit reaches neither SendGrid nor the audit log.
    let before = crate::upstream_support::upstream_calls(&console).await;
    let change = console
        .call(
            &ann,
            "set_credit_limit",
            &[
                ("user", "anyone"),
                ("task", "total"),
                ("credits", "5"),
                ("idempotency_key", "rate-limited-1"),
            ],
        )
        .await;
    assert_eq!(change.status(), 429);
    assert_eq!(
        crate::upstream_support::upstream_calls(&console).await,
        before
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE idempotency_key = 'rate-limited-1'",
    )
    .fetch_one(&console.pool)
    .await
    .unwrap();
    assert_eq!(audited, 0);

    // Bob is not slowed down by Ann.
    let other = console.call(&bob, "get_me", &[]).await;
    assert_eq!(other.status(), 200);
    // Pages rendered on the server are not counted.
    let page = ann
        .get(format!("{}/customers", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    console.stop().await;
}

#[tokio::test]
async fn reloading_a_customer_page_is_rate_limited_like_a_server_function() {
    let console = TestConsole::start_with(|args| {
        args.api_rate_per_minute = 60;
        args.api_burst = 3;
    })
    .await;
    console.add_operator("sue@example.com", Role::Support).await;
    let sue = console.signed_in("sue@example.com").await;
    let user = crate::audit_support::sim_usernames(&console.simulator_url())
        .await
        .remove(0);
    let page = format!("{}/customers/{user}/limits", console.url());

    let before = crate::upstream_support::upstream_calls(&console).await;
    for n in 0..3 {
        let response = sue.get(&page).send().await.unwrap();
        assert_eq!(response.status(), 200, "load {n} is within the burst");
    }
    let asked = crate::upstream_support::upstream_calls(&console).await;
    assert!(asked > before, "the page reads the account from SendGrid");
    let limited = sue.get(&page).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        crate::upstream_support::upstream_calls(&console).await,
        asked,
        "a refused reload asks SendGrid nothing"
    );
    // Pages that read only the console's own database are not counted.
    let directory = sue
        .get(format!("{}/customers", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(directory.status(), 200);
    console.stop().await;
}
