//! `run_mutation` against the simulator: attempt and result rows, outcomes, idempotency
//! counted at the simulator, and before -> after diffs.

use crate::audit_support;

use app::domain::IdempotencyKey;
use app::services::audit::{
    self, detail, history, ActionFamily, AuditError, Mutation, MutationOutcome, StoredEvent,
};
use audit_support::{sim_calls, sim_client, sim_usernames, temp_db};
use sendgrid::{LimitChange, LimitHolder};
use serde_json::json;

fn mutation(customer: &str, key: &str, credits: u64) -> Mutation {
    Mutation {
        operator: "manager@example.com".to_string(),
        customer: customer.to_string(),
        action: app::domain::AuditAction::Limits(app::domain::limits::LimitTask::Total),
        params: json!({ "credits": credits, "api_key": "SG.must-not-be-stored" }),
        idempotency_key: IdempotencyKey::from_form(key).unwrap(),
        before: None,
        client_ip: Some("127.0.0.1".to_string()),
        approving: None,
        reverts: None,
    }
}

fn limit_calls(calls: &[serde_json::Value], user: &str) -> usize {
    calls
        .iter()
        .filter(|c| c["task"] == "total" && c["user"] == user)
        .count()
}

async fn rows(pool: &sqlx::SqlitePool) -> Vec<StoredEvent> {
    sqlx::query_as("SELECT * FROM audit_events ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_key_twice_calls_upstream_once() {
    let sim = simulator::spawn(simulator::Config::default())
        .await
        .unwrap();
    let client = sim_client(&sim.base_url());
    let user = sim_usernames(&sim.base_url()).await.remove(0);
    let db = temp_db().await;

    let run = |credits: u64| {
        let client = client.clone();
        let user = user.clone();
        let pool = db.pool.clone();
        async move {
            let before = audit::read_state(&client, ActionFamily::Limits, &user, &user)
                .await
                .ok();
            let change = LimitChange::Total(credits);
            audit::run_mutation(
                &pool,
                Mutation {
                    before,
                    ..mutation(&user, "form-key-1", credits)
                },
                || client.change_limit(LimitHolder::Customer(&user), &change),
                || async {
                    audit::read_state(&client, ActionFamily::Limits, &user, &user)
                        .await
                        .ok()
                },
            )
            .await
        }
    };

    let first = run(500).await.expect("first submission");
    assert_eq!(first.outcome, MutationOutcome::Success);
    assert!(!first.replayed);
    let second = run(500).await.expect("second submission");
    assert!(second.replayed);
    assert_eq!(second.attempt_id, first.attempt_id);
    assert_eq!(second.outcome, MutationOutcome::Success);
    let reused = run(800).await;
    assert!(matches!(reused, Err(AuditError::KeyReuse)), "{reused:?}");

    assert_eq!(limit_calls(&sim_calls(&sim.base_url()).await, &user), 1);
    let rows = rows(&db.pool).await;
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["attempt", "result"]);
    assert!(
        !rows[0].params.contains("must-not-be-stored"),
        "{}",
        rows[0].params
    );
    assert_eq!(rows[1].attempt_id, Some(rows[0].id));
    assert_eq!(rows[1].outcome.as_deref(), Some("success"));
    assert!(rows[1].duration_ms.is_some());

    // The detail view and the customer's history show the credits going to 500.
    let detail = detail::detail(&db.pool, first.attempt_id)
        .await
        .unwrap()
        .unwrap();
    let credits = detail
        .changes
        .iter()
        .find(|c| c.field == "credits")
        .expect("credits changed");
    assert_eq!(credits.after.as_deref(), Some("500"));
    let page = history::customer_history(&db.pool, &user, None)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].changes, detail.changes);
    assert!(audit::unresolved_attempts(&db.pool, None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_refusal_is_a_failure_with_upstream_message() {
    let sim = simulator::spawn(simulator::Config::default())
        .await
        .unwrap();
    let client = sim_client(&sim.base_url());
    let db = temp_db().await;

    let recorded = audit::run_mutation(
        &db.pool,
        mutation("nobody-at-all", "form-key-2", 500),
        || {
            client.change_limit(
                LimitHolder::Customer("nobody-at-all"),
                &LimitChange::Total(500),
            )
        },
        || async { panic!("`after` is read only on success") },
    )
    .await
    .unwrap();
    let MutationOutcome::Failure { message, .. } = &recorded.outcome else {
        panic!("expected a failure, got {:?}", recorded.outcome);
    };
    assert!(message.contains("not found"), "{message}");
    let rows = rows(&db.pool).await;
    assert_eq!(rows[1].outcome.as_deref(), Some("failure"));
    assert_eq!(rows[1].upstream_message.as_deref(), Some(message.as_str()));

    // A replay answers with the stored failure.
    let again = audit::run_mutation(
        &db.pool,
        mutation("nobody-at-all", "form-key-2", 500),
        || async { panic!("a replay never calls upstream") },
        || async { None },
    )
    .await
    .unwrap();
    assert!(again.replayed);
    assert_eq!(again.outcome, recorded.outcome);
}

#[tokio::test]
async fn a_timed_out_change_is_outcome_unknown() {
    let sim = simulator::spawn(simulator::Config::default())
        .await
        .unwrap();
    let user = sim_usernames(&sim.base_url()).await.remove(0);
    let key = sendgrid::Secret::from(simulator::Config::default().api_key);
    let mut config = sendgrid::Config::new(sim.base_url(), key.clone(), key);
    config.timeout = std::time::Duration::from_millis(300);
    let client = sendgrid::Client::new(config).unwrap();
    reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.base_url()))
        .json(&json!({"path_prefix": "/apiv2/", "latency_ms": 1500, "times": 1}))
        .send()
        .await
        .unwrap();
    let db = temp_db().await;

    let recorded = audit::run_mutation(
        &db.pool,
        mutation(&user, "form-key-3", 700),
        || client.change_limit(LimitHolder::Customer(&user), &LimitChange::Total(700)),
        || async { None },
    )
    .await
    .unwrap();
    assert!(
        matches!(recorded.outcome, MutationOutcome::Unknown { .. }),
        "{:?}",
        recorded.outcome
    );
    let rows = rows(&db.pool).await;
    assert_eq!(rows[1].outcome.as_deref(), Some("unknown"));

    // Unknown until someone looks: listed for reconciling, then settled by the reconcile.
    let open = audit::unresolved_attempts(&db.pool, Some(&user))
        .await
        .unwrap();
    assert_eq!(
        open.iter().map(|a| a.id).collect::<Vec<_>>(),
        [recorded.attempt_id]
    );
    let found = audit::read_state(&client, ActionFamily::Limits, &user, &user)
        .await
        .unwrap();
    let reconcile = audit::record_reconcile(
        &db.pool,
        recorded.attempt_id,
        "manager@example.com",
        found,
        "checked",
    )
    .await
    .unwrap();
    assert_eq!(reconcile.attempt_id, Some(recorded.attempt_id));
    assert!(audit::unresolved_attempts(&db.pool, None)
        .await
        .unwrap()
        .is_empty());
    let detail = detail::detail(&db.pool, recorded.attempt_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.change_status, app::domain::audit::Status::Reconciled);
}

#[tokio::test]
async fn a_second_submission_while_the_first_runs_is_unknown() {
    let db = temp_db().await;
    let (started, wait) = tokio::sync::oneshot::channel::<()>();
    let (release, hold) = tokio::sync::oneshot::channel::<()>();
    let pool = db.pool.clone();
    let first = tokio::spawn(async move {
        audit::run_mutation(
            &pool,
            mutation("acme", "form-key-4", 1),
            || async move {
                started.send(()).unwrap();
                hold.await.unwrap();
                Ok(())
            },
            || async { None },
        )
        .await
        .unwrap()
    });
    wait.await.unwrap();
    let second = audit::run_mutation(
        &db.pool,
        mutation("acme", "form-key-4", 1),
        || async { panic!("never called twice") },
        || async { None },
    )
    .await
    .unwrap();
    assert!(second.replayed);
    assert!(matches!(second.outcome, MutationOutcome::Unknown { .. }));
    release.send(()).unwrap();
    assert_eq!(first.await.unwrap().outcome, MutationOutcome::Success);
}
