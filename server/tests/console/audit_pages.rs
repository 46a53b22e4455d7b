//! The audit screens over real HTTP: who may open them, the filters as query parameters, the
//! detail view, and the outcome-unknown panel with its reconcile, across a restart.

use crate::{audit_support, support};

use app::domain::Role;
use app::services::audit::{self, Outcome, Verification};
use audit_support::{attempt, bulk_append, event, sim_usernames};
use support::TestConsole;

/// What a change of unknown outcome says on the customer's history.
const UNKNOWN_NOTE: &str = "Outcome unknown: SendGrid may or may not have applied this change.";

async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn auditors_filter_and_open_events() {
    let console = TestConsole::start().await;
    for role in Role::ALL {
        console
            .add_operator(&format!("{}@example.com", role.as_str()), role)
            .await;
    }
    bulk_append(
        &console.pool,
        (0..120).map(|i| {
            let outcome = if i % 3 == 0 {
                Outcome::Failure
            } else {
                Outcome::Success
            };
            let customer = if i % 2 == 0 { "acme" } else { "<b>globex</b>" };
            event(customer, "limits.total", outcome)
        }),
    )
    .await;
    let auditor = console.signed_in("auditor@example.com").await;

    let (status, html) = page(&auditor, format!("{}/audit", console.url())).await;
    assert_eq!(status, 200);
    for label in [
        "Operator",
        "Customer",
        "Action",
        "Outcome",
        "From",
        "To",
        "Filter",
        "Download CSV",
    ] {
        assert!(html.contains(&format!(">{label}<")), "{label}");
    }
    assert!(html.contains("<table"));
    assert!(
        html.contains("href=\"/audit?before="),
        "a link to older events"
    );
    assert!(
        html.contains("&lt;b&gt;globex&lt;/b&gt;"),
        "customer text is escaped"
    );
    assert!(!html.contains("<b>globex</b>"));
    assert!(html.contains("<svg"), "the chart");

    let (status, html) = page(
        &auditor,
        format!("{}/audit?customer=acme&outcome=failure", console.url()),
    )
    .await;
    assert_eq!(status, 200);
    let rows = html.matches("data-event=").count();
    assert_eq!(rows, 20, "acme failures: every 6th of 120");
    assert!(!html.contains("globex</td>"));
    assert!(html.contains("href=\"/audit/export.csv?customer=acme&amp;outcome=failure\""));

    let (status, html) = page(&auditor, format!("{}/audit?outcome=maybe", console.url())).await;
    assert_eq!(status, 400);
    assert!(html.contains("Choose an outcome"));

    let first: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM audit_events WHERE action = 'limits.total'")
            .fetch_one(&console.pool)
            .await
            .unwrap();
    let (status, html) = page(&auditor, format!("{}/audit/{first}", console.url())).await;
    assert_eq!(status, 200);
    assert!(html.contains("limits.total") && html.contains("Hash chain"));
    let (status, _) = page(&auditor, format!("{}/audit/999999", console.url())).await;
    assert_eq!(status, 404);

    let manager = console.signed_in("manager@example.com").await;
    assert_eq!(
        page(&manager, format!("{}/audit", console.url())).await.0,
        200
    );
    let support = console.signed_in("support@example.com").await;
    assert_eq!(
        page(&support, format!("{}/audit", console.url())).await.0,
        403
    );
    assert_eq!(
        page(&support, format!("{}/audit/1", console.url())).await.0,
        403
    );
    let listed = console
        .call(
            &support,
            "list_audit_events",
            &[("query[customer]", "acme")],
        )
        .await;
    assert_eq!(listed.status(), 403);
    let listed: serde_json::Value = console
        .call(
            &auditor,
            "list_audit_events",
            &[("query[customer]", "acme"), ("query[outcome]", "failure")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["rows"].as_array().unwrap().len(), 20);
    // The unfiltered first page, as the browser asks for it after a click on "Audit": every
    // field of the query is empty, so the form body is empty.
    let unfiltered = console.call(&auditor, "list_audit_events", &[]).await;
    assert_eq!(unfiltered.status(), 200, "an empty query is the first page");
    let unfiltered: serde_json::Value = unfiltered.json().await.unwrap();
    assert!(!unfiltered["rows"].as_array().unwrap().is_empty());
    let history = console
        .call(&support, "customer_history", &[("customer", "acme")])
        .await;
    assert_eq!(history.status(), 200, "support reads a customer's history");
    console.stop().await;
}

#[tokio::test]
async fn an_interrupted_change_survives_a_restart_and_is_reconciled() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/console.db", dir.path().display());
    let first = TestConsole::start_with(|args| args.database_url = url.clone()).await;
    let user = sim_usernames(&first.simulator_url()).await.remove(0);
    // The console wrote the attempt, then stopped before the call returned.
    let attempt_id = audit::append(
        &first.pool,
        attempt(
            &user,
            "limits.total",
            serde_json::json!({ "credits": null }),
        ),
    )
    .await
    .unwrap();
    first.stop().await;

    let console = TestConsole::start_with(|args| args.database_url = url.clone()).await;
    let open = audit::unresolved_attempts(&console.pool, None)
        .await
        .unwrap();
    assert_eq!(open.iter().map(|a| a.id).collect::<Vec<_>>(), [attempt_id]);
    console
        .add_operator("manager@example.com", Role::Manager)
        .await;
    console
        .add_operator("auditor@example.com", Role::Auditor)
        .await;
    let manager = console.signed_in("manager@example.com").await;
    let auditor = console.signed_in("auditor@example.com").await;

    let (status, home) = page(&manager, format!("{}/", console.url())).await;
    assert_eq!(status, 200);
    assert!(home.contains("Changes with unknown outcome"));
    assert!(home.contains(&user));
    assert!(home.contains(&format!("Reconcile change {attempt_id}")));
    let (_, home) = page(&auditor, format!("{}/", console.url())).await;
    assert!(
        !home.contains("Reconcile change"),
        "auditors cannot reconcile"
    );

    // The customer's history marks the same change, with its Reconcile for those who may.
    let history_url = format!("{}/customers/{user}/history", console.url());
    let (status, history) = page(&manager, history_url.clone()).await;
    assert_eq!(status, 200);
    assert!(history.contains(UNKNOWN_NOTE), "{history}");
    assert!(history.contains("data-status=\"Outcome unknown: not reconciled\""));
    assert!(history.contains(&format!("Reconcile change {attempt_id}")));
    let (status, history) = page(&auditor, history_url.clone()).await;
    assert_eq!(status, 200);
    assert!(history.contains(UNKNOWN_NOTE));
    assert!(
        !history.contains("Reconcile change"),
        "auditors cannot reconcile"
    );

    let id = attempt_id.to_string();
    let refused = console
        .call(&auditor, "reconcile_attempt", &[("attempt_id", &id)])
        .await;
    assert_eq!(refused.status(), 403);

    let args = [
        ("attempt_id", id.as_str()),
        ("idempotency_key", "reconcile-form-1"),
    ];
    let response = console.call(&manager, "reconcile_attempt", &args).await;
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.unwrap();
    assert_eq!(report["attempt_id"], attempt_id);
    assert!(report["found"].to_string().contains("credits"), "{report}");
    // The same form again: the first reconcile, not a second one.
    let again: serde_json::Value = console
        .call(&manager, "reconcile_attempt", &args)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["reconcile_id"], report["reconcile_id"]);
    let other = console
        .call(
            &manager,
            "reconcile_attempt",
            &[
                ("attempt_id", id.as_str()),
                ("idempotency_key", "reconcile-form-2"),
            ],
        )
        .await;
    assert_eq!(other.status(), 409, "already reconciled");

    let reconciles: Vec<(i64, String)> =
        sqlx::query_as("SELECT attempt_id, operator FROM audit_events WHERE kind = 'reconcile'")
            .fetch_all(&console.pool)
            .await
            .unwrap();
    assert_eq!(
        reconciles,
        [(attempt_id, "manager@example.com".to_string())]
    );
    assert!(audit::unresolved_attempts(&console.pool, None)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        audit::verify(&console.pool).await.unwrap(),
        Verification::Ok { .. }
    ));

    let (_, home) = page(&manager, format!("{}/", console.url())).await;
    assert!(
        home.contains("None: every change sent to SendGrid has a recorded result."),
        "the home page says nothing waits"
    );
    assert!(!home.contains("Reconcile change"), "{home}");
    let (status, history) = page(&manager, history_url).await;
    assert_eq!(status, 200);
    assert!(!history.contains(UNKNOWN_NOTE), "{history}");
    assert!(!history.contains("Reconcile change"));
    assert!(history.contains("data-status=\"Reconciled\""));
    assert!(history.contains("reconciled by manager@example.com"));
    let (status, detail) = page(&auditor, format!("{}/audit/{attempt_id}", console.url())).await;
    assert_eq!(status, 200);
    assert!(detail.contains("Reconciled"));
    console.stop().await;
}
