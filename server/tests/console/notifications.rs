//! Notifications over HTTP, to a real webhook on loopback: set by admins only, shown masked;
//! an approval waiting, an outcome unknown and a broken audit chain each reach it; a webhook
//! that refuses is tried again with backoff, each try in the audit log; a change never waits
//! for the webhook.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::{extract::State, http::StatusCode, routing::post, Json, Router};
use serde_json::{json, Value};

use crate::customers_support::Customers;
use crate::limits_support::invalid_fields;

/// A webhook on a random loopback port that keeps what it is sent and refuses the first
/// `refuse` posts with a 500.
#[derive(Clone)]
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Value>>>,
}

#[derive(Clone)]
struct Inbox {
    seen: Arc<Mutex<Vec<Value>>>,
    refuse: Arc<Mutex<usize>>,
}

async fn hook(State(inbox): State<Inbox>, Json(body): Json<Value>) -> StatusCode {
    let mut refuse = inbox.refuse.lock().unwrap();
    if *refuse > 0 {
        *refuse -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    inbox.seen.lock().unwrap().push(body);
    StatusCode::OK
}

impl Receiver {
    async fn start(refuse: usize) -> Receiver {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let inbox = Inbox {
            seen: seen.clone(),
            refuse: Arc::new(Mutex::new(refuse)),
        };
        let app = Router::new()
            .route("/hook/{token}", post(hook))
            .with_state(inbox);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            url: format!("http://{addr}/hook/T000-secret-token-9876"),
            seen,
        }
    }

    /// Waits (up to 15 s) for a message whose text contains `words`.
    async fn received(&self, words: &str) -> Value {
        for _ in 0..300 {
            if let Some(found) = self
                .seen
                .lock()
                .unwrap()
                .iter()
                .find(|body| body["text"].as_str().unwrap_or_default().contains(words))
            {
                return found.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no message with {words:?}; got {:?}",
            self.seen.lock().unwrap()
        );
    }
}

async fn start() -> Customers {
    let t = Customers::start_with(10, |_| {}, |args| args.notification_retry_seconds = 0.1).await;
    t.sync().await;
    t
}

async fn a_username(t: &Customers) -> String {
    sqlx::query_scalar(
        "SELECT username FROM customers WHERE username IS NOT NULL ORDER BY username LIMIT 1",
    )
    .fetch_one(&t.console.pool)
    .await
    .unwrap()
}

async fn sends(pool: &sqlx::SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT outcome, params FROM audit_events WHERE action = 'notification.send' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The tries recorded, once there are at least `count` (or after 5 s, whatever there are).
async fn sends_once_there_are(pool: &sqlx::SqlitePool, count: usize) -> Vec<(String, String)> {
    let mut tries = sends(pool).await;
    for _ in 0..100 {
        if tries.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        tries = sends(pool).await;
    }
    tries
}

#[tokio::test]
async fn a_waiting_approval_reaches_the_webhook_after_its_refusals_each_try_audited() {
    let t = start().await;
    let receiver = Receiver::start(2).await;
    let pool = &t.console.pool;

    // Admins only; a bad address is named; the good one is answered and logged masked.
    let (status, _) = t
        .call(&t.manager, "set_webhook", &[("url", &receiver.url)])
        .await;
    assert_eq!(status, 403);
    let (status, body) = t
        .call(&t.admin, "set_webhook", &[("url", "ftp://example.com/x")])
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Url"]);
    let (status, body) = t.call(&t.admin, "send_test_notification", &[]).await;
    assert_eq!(status, 409, "nowhere to send it yet: {body}");
    let (status, body) = t
        .call(&t.admin, "set_webhook", &[("url", &receiver.url)])
        .await;
    assert_eq!(status, 200, "{body}");
    let masked = body.as_str().unwrap();
    assert!(
        masked.starts_with("http://127.0.0.1:") && !masked.contains("secret"),
        "{masked}"
    );
    let logged: String = sqlx::query_scalar(
        "SELECT params FROM audit_events WHERE action = 'notification.settings'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(
        !logged.contains("secret"),
        "the log keeps the address masked: {logged}"
    );
    let (_, page) = t.call(&t.admin, "get_notifications", &[]).await;
    assert!(!page.to_string().contains("secret"), "{page}");

    // A manager's limit change over the threshold waits for approval: the webhook hears it.
    let (status, body) = t
        .call(
            &t.admin,
            "set_approval_policy",
            &[("credits_threshold", "1000"), ("expiry_hours", "24")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let user = a_username(&t).await;
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &[
                ("user", &user),
                ("task", "total"),
                ("credits", "5000"),
                ("idempotency_key", "notify-held"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let message = receiver.received("Approval waiting").await;
    assert_eq!(message["kind"], "approval_waiting");
    let text = message["text"].as_str().unwrap();
    assert!(
        text.contains(&user)
            && text.contains("manager@example.com")
            && text.contains("/approvals/"),
        "{text}"
    );

    // Two refusals, then taken: three tries, each recorded (the last once the answer is in).
    let tries = sends_once_there_are(pool, 3).await;
    let outcomes: Vec<&str> = tries.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(outcomes, ["failure", "failure", "success"], "{tries:?}");
    assert!(tries[0].1.contains("500"), "{}", tries[0].1);
    assert!(
        !tries.iter().any(|(_, p)| p.contains("secret")),
        "{tries:?}"
    );
    let (_, page) = t.call(&t.admin, "get_notifications", &[]).await;
    let delivery = &page["deliveries"][0];
    assert_eq!(delivery["kind"], "ApprovalWaiting");
    assert_eq!(delivery["attempts"], 3);
    assert!(delivery["status"]["Delivered"].is_object(), "{delivery}");

    // The test message goes the same way.
    let (status, body) = t.call(&t.admin, "send_test_notification", &[]).await;
    assert_eq!(status, 200, "{body}");
    receiver
        .received("Test message from the Reseller Console, sent by admin@example.com")
        .await;
    t.stop().await;
}

#[tokio::test]
async fn an_unknown_outcome_is_notified_and_the_change_does_not_wait_for_a_dead_webhook() {
    let t = start().await;
    let pool = &t.console.pool;
    let user = a_username(&t).await;

    // Nothing listens here: the change still answers at once, and the message waits.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/hook/dead")
    };
    let (status, _) = t.call(&t.admin, "set_webhook", &[("url", &dead)]).await;
    assert_eq!(status, 200);
    t.sim_post(
        "/_sim/faults",
        json!({
            "path_prefix": "/apiv2/", "task": "total", "times": 1,
            "status": 200, "content_type": "application/json", "body": "{\"message\": \"succ"
        }),
    )
    .await;
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &[
                ("user", &user),
                ("task", "total"),
                ("credits", "4321"),
                ("idempotency_key", "notify-unknown"),
            ],
        )
        .await;
    assert!(body.to_string().contains("Unknown"), "{status} {body}");
    let queued: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, text FROM notification_outbox ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].0, "outcome_unknown");
    assert!(
        queued[0].1.contains(&user) && queued[0].1.contains("limits.total"),
        "{}",
        queued[0].1
    );

    // The webhook comes back: the message waiting for it arrives.
    let failed = sends_once_there_are(pool, 1).await;
    assert_eq!(failed[0].0, "failure");
    assert!(
        failed[0].1.contains("could not be reached"),
        "{}",
        failed[0].1
    );
    let receiver = Receiver::start(0).await;
    sqlx::query("UPDATE notification_outbox SET webhook_url = ?")
        .bind(&receiver.url)
        .execute(pool)
        .await
        .unwrap();
    let message = receiver.received("Outcome unknown").await;
    assert_eq!(message["kind"], "outcome_unknown");
    t.stop().await;
}

#[tokio::test]
async fn a_broken_audit_chain_found_by_the_consoles_own_check_is_notified() {
    let t = start().await;
    let pool = &t.console.pool;
    let receiver = Receiver::start(0).await;
    let (status, _) = t
        .call(&t.admin, "set_webhook", &[("url", &receiver.url)])
        .await;
    assert_eq!(status, 200);

    let fine = app::services::audit::self_check::check_and_record(pool)
        .await
        .unwrap();
    assert!(
        matches!(fine, app::services::audit::Verification::Ok { .. }),
        "{fine:?}"
    );
    // What someone with write access to the file can do: drop the guard and edit a row.
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET params = '{\"n\":1}' WHERE id = 2")
        .execute(pool)
        .await
        .unwrap();
    let broken = app::services::audit::self_check::check_and_record(pool)
        .await
        .unwrap();
    assert!(
        matches!(
            broken,
            app::services::audit::Verification::Broken { id: 2, .. }
        ),
        "{broken:?}"
    );
    let message = receiver.received("Audit log verification failed").await;
    assert!(
        message["text"].as_str().unwrap().contains("event 2"),
        "{message}"
    );
    let checks: Vec<String> = sqlx::query_scalar(
        "SELECT outcome FROM audit_events WHERE action = 'audit.verify' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(checks, ["success", "failure"]);
    t.stop().await;
}
