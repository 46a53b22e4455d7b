//! `list_pending_recent`: the whole pending list read once for many views, and read again
//! after any change the client sends, after the caller's age, or after a failed read.

use std::time::Duration;

use crate::sim::{package, start, username};
use sendgrid::{IpPlacement, PendingList, PlanChange, Timing};

const PENDING: &str = "/apiv2/reseller.pending";
const A_MINUTE: Duration = Duration::from_secs(60);

fn scheduled_downgrade(user: &str) -> PlanChange {
    PlanChange::Downgrade {
        timing: Timing::Scheduled,
        user: user.into(),
        package: "Basic Package".into(),
        placement: IpPlacement::None,
    }
}

/// `n` reads started at once from clones of the client, as the console's handlers share one.
async fn reads_at_once(client: &sendgrid::Client, n: usize) -> Vec<sendgrid::Result<PendingList>> {
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..n {
        let client = client.clone();
        reads.spawn(async move { client.list_pending_recent(A_MINUTE).await });
    }
    reads.join_all().await
}

#[tokio::test]
async fn views_within_the_age_share_one_read_and_a_change_sent_reads_again() {
    let sim = start().await;
    let first = sim.client.list_pending_recent(A_MINUTE).await.unwrap();
    let second = sim.client.list_pending_recent(A_MINUTE).await.unwrap();
    assert_eq!(sim.calls_to(PENDING).await, 1);
    assert_eq!(first.read_at, second.read_at);

    let customer = sim.customer_where(|c| package(c) == "Silver Package").await;
    let user = username(&customer);
    assert!(!first.changes.iter().any(|c| c.username == user));
    sim.client
        .change_plan(&scheduled_downgrade(&user))
        .await
        .unwrap();

    let after = sim.client.list_pending_recent(A_MINUTE).await.unwrap();
    assert_eq!(sim.calls_to(PENDING).await, 2);
    assert!(after.changes.iter().any(|c| c.username == user));
}

#[tokio::test]
async fn a_change_made_elsewhere_shows_once_the_list_is_older_than_asked() {
    let sim = start().await;
    let kept = sim.client.list_pending_recent(A_MINUTE).await.unwrap();
    // Another client (as SendGrid's own site would be) schedules a change.
    let customer = sim.customer_where(|c| package(c) == "Silver Package").await;
    let user = username(&customer);
    let elsewhere = sim.client_with(|_| {});
    elsewhere
        .change_plan(&scheduled_downgrade(&user))
        .await
        .unwrap();

    let within = sim.client.list_pending_recent(A_MINUTE).await.unwrap();
    assert_eq!(within.read_at, kept.read_at);
    assert!(!within.changes.iter().any(|c| c.username == user));

    let older = sim
        .client
        .list_pending_recent(Duration::ZERO)
        .await
        .unwrap();
    assert!(older.read_at > kept.read_at);
    assert!(older.changes.iter().any(|c| c.username == user));
    assert_eq!(sim.calls_to(PENDING).await, 2);
}

#[tokio::test]
async fn callers_at_once_wait_for_one_read() {
    let sim = start().await;
    // Clones share the kept list.
    for read in reads_at_once(&sim.client, 8).await {
        read.expect("the list was read");
    }
    assert_eq!(sim.calls_to(PENDING).await, 1);
}

#[tokio::test]
async fn a_failed_read_is_not_kept() {
    let sim = start().await;
    sim.add_fault(serde_json::json!({
        "path_prefix": PENDING, "status": 400, "times": 1
    }))
    .await;
    assert!(sim.client.list_pending_recent(A_MINUTE).await.is_err());
    assert!(sim.client.list_pending_recent(A_MINUTE).await.is_ok());
    assert_eq!(sim.calls_to(PENDING).await, 2);
}

#[tokio::test]
async fn callers_waiting_on_a_read_that_fails_share_its_error() {
    let sim = start().await;
    sim.add_fault(serde_json::json!({
        "path_prefix": PENDING, "status": 400, "latency_ms": 200
    }))
    .await;
    for read in reads_at_once(&sim.client, 4).await {
        assert!(read.is_err());
    }
    // One read failed; the callers that waited on it were answered with its error.
    assert_eq!(sim.calls_to(PENDING).await, 1);
}
