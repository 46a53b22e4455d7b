//! The Account Provisioning calls against the simulator: the account lifecycle, paging, and
//! each documented refusal.

use crate::sim::{start, start_with};
use sendgrid::{
    AccountProfile, AccountState, Error, NewAccount, Offering, OfferingKind, Secret, WritableState,
};

fn field_of(error: &Error) -> Option<&str> {
    match error {
        Error::InvalidInput { field, .. } => field.as_deref(),
        _ => None,
    }
}

#[tokio::test]
async fn catalog_lists_packages_and_addons() {
    let sim = start().await;
    let catalog = sim.client.list_offerings().await.unwrap();
    assert!(catalog
        .iter()
        .any(|e| e.offering == Offering::package("org.ei.free.v1")));
    assert!(catalog
        .iter()
        .any(|e| e.offering.kind == OfferingKind::Addon));
    assert!(catalog
        .iter()
        .all(|e| e.entitlements.email_sends_max_monthly.is_some()));
}

#[tokio::test]
async fn list_all_accounts_sees_every_live_account_once() {
    let sim = start().await;
    let mut expected = sim.live_account_ids().await;
    for page_size in [7, 100] {
        let mut listed: Vec<String> = sim
            .client
            .list_all_accounts(page_size)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected, "page size {page_size}");
    }
    let first = sim.client.list_accounts(None, 5).await.unwrap();
    let next = sim
        .client
        .list_accounts(first.last.as_deref(), 5)
        .await
        .unwrap();
    assert_eq!(first.last.as_deref(), Some(first.accounts[4].id.as_str()));
    assert!(next.accounts.iter().all(|a| !first.accounts.contains(a)));
    let error = sim
        .client
        .list_accounts(Some("sg-not-an-account"), 5)
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), Some("offset"), "{error:?}");
}

#[tokio::test]
async fn account_lifecycle() {
    let sim = start().await;
    let client = &sim.client;
    let new = NewAccount {
        profile: Some(AccountProfile {
            company_name: Some("Lifecycle Ltd".into()),
            email: Some("ops@lifecycle.test".into()),
            ..AccountProfile::default()
        }),
        offerings: vec![Offering::package("org.ei.free.v1")],
        test_account: Some("true".into()),
    };
    let id = client.create_account(&new).await.unwrap();
    assert_eq!(
        client.get_account_offerings(&id).await.unwrap(),
        new.offerings
    );
    assert_eq!(
        client.get_account_state(&id).await.unwrap(),
        AccountState::Activated
    );

    let upgraded = vec![
        Offering::package("org.ei.pro100k.v1"),
        Offering::addon("org.ip.dedicated.v1", 2),
    ];
    assert_eq!(
        client
            .update_account_offerings(&id, &upgraded)
            .await
            .unwrap(),
        upgraded
    );
    assert_eq!(client.get_account_offerings(&id).await.unwrap(), upgraded);

    client
        .update_account_state(&id, WritableState::Deactivated)
        .await
        .unwrap();
    assert_eq!(
        client.get_account_state(&id).await.unwrap(),
        AccountState::Deactivated
    );
    let refused = client.sso(&id).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    client
        .update_account_state(&id, WritableState::Activated)
        .await
        .unwrap();
    let location = client.sso(&id).await.unwrap();
    assert!(
        location.starts_with("https://app.sendgrid.com/"),
        "{location}"
    );
    assert_ne!(
        client.sso(&id).await.unwrap(),
        location,
        "codes are one-time"
    );

    client.delete_account(&id).await.unwrap();
    let gone = client.get_account_state(&id).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
    let again = client.delete_account(&id).await.unwrap_err();
    assert!(matches!(again, Error::NotFound { .. }), "{again:?}");
}

#[tokio::test]
async fn documented_offering_refusals() {
    let sim = start().await;
    let id = sim.live_account_ids().await.remove(0);
    let before = sim.client.get_account_offerings(&id).await.unwrap();
    let cases = [
        (
            vec![
                Offering::package("org.ei.free.v1"),
                Offering::package("org.ei.pro100k.v1"),
            ],
            "offerings",
        ),
        (
            vec![Offering::package("org.ei.nope.v1")],
            "offerings[0].name",
        ),
        (
            vec![Offering {
                quantity: Some(2),
                ..Offering::package("org.ei.free.v1")
            }],
            "offerings[0].quantity",
        ),
        (vec![Offering::addon("org.mc.basic.v1", 1)], "offerings"),
    ];
    for (offerings, field) in cases {
        let error = sim
            .client
            .update_account_offerings(&id, &offerings)
            .await
            .unwrap_err();
        assert_eq!(field_of(&error), Some(field), "{offerings:?}: {error:?}");
    }
    assert_eq!(sim.client.get_account_offerings(&id).await.unwrap(), before);

    let error = sim
        .client
        .get_account_offerings("sg-no-such-account")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn documented_profile_refusals() {
    let sim = start().await;
    let new = NewAccount {
        profile: Some(AccountProfile {
            email: Some("not-an-email".into()),
            phone: Some("555 0100".into()),
            ..AccountProfile::default()
        }),
        offerings: vec![Offering::package("org.ei.free.v1")],
        test_account: None,
    };
    let error = sim.client.create_account(&new).await.unwrap_err();
    assert_eq!(field_of(&error), Some("email"), "{error:?}");
    assert!(error.to_string().contains("E.164"), "{error}");
}

#[tokio::test]
async fn wrong_bearer_key_is_unauthorized() {
    let sim = start().await;
    let wrong = sim.client_with(|c| c.bearer_key = Secret::from("nope-nope"));
    let error = wrong.list_offerings().await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
}

#[tokio::test]
async fn put_offerings_is_retried_through_two_503s() {
    let sim = start().await;
    let id = sim.live_account_ids().await.remove(0);
    let current = sim.client.get_account_offerings(&id).await.unwrap();
    sim.add_fault(serde_json::json!({
        "path_prefix": format!("/v3/partners/accounts/{id}/offerings"), "status": 503, "times": 2
    }))
    .await;
    let before = sim.calls_to("/v3/partners/accounts/").await;
    let result = sim
        .client
        .update_account_offerings(&id, &current)
        .await
        .unwrap();
    assert_eq!(result, current);
    assert_eq!(sim.calls_to("/v3/partners/accounts/").await - before, 3);
}

#[tokio::test]
async fn rate_limit_reports_when_it_resets() {
    let sim = start_with(Some(2)).await;
    sim.client.list_offerings().await.unwrap();
    sim.client.list_offerings().await.unwrap();
    let error = sim.client.list_offerings().await.unwrap_err();
    let Error::RateLimited { reset_at, .. } = &error else {
        panic!("{error:?}");
    };
    let wait = reset_at.expect("X-RateLimit-Reset") - chrono::Utc::now();
    assert!(wait.num_seconds() <= 61, "{wait}");
    assert!(error.is_retryable());
}
