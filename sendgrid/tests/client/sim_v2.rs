//! The legacy calls against the simulator: every operation, and each documented refusal.

use std::time::Duration;

use crate::sim::{package, start, username};
use chrono::{Days, Utc};
use sendgrid::{
    Error, IpPlacement, IpQuery, LimitChange, LimitHolder, LimitPeriod, LimitsEndpoint,
    PendingKind, PendingQuery, PlanChange, ProfileQuery, RecurringLimit, Secret, Timing,
};

fn upgrade(user: &str, package: &str, placement: IpPlacement) -> PlanChange {
    PlanChange::Upgrade {
        timing: Timing::Immediate,
        user: user.into(),
        package: package.into(),
        placement,
    }
}

fn downgrade(timing: Timing, user: &str, package: &str) -> PlanChange {
    PlanChange::Downgrade {
        timing,
        user: user.into(),
        package: package.into(),
        placement: IpPlacement::None,
    }
}

fn field_of(error: &Error) -> Option<&str> {
    match error {
        Error::InvalidInput { field, .. } => field.as_deref(),
        _ => None,
    }
}

#[tokio::test]
async fn packages_profiles_and_ips_read_the_same_in_json_and_xml() {
    let sim = start().await;
    let xml = sim.xml_client();
    let packages = sim.client.list_packages().await.unwrap();
    assert_eq!(packages, xml.list_packages().await.unwrap());
    let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"Silver Package"), "{names:?}");
    assert!(packages.iter().any(|p| p.has_ip) && packages.iter().any(|p| !p.has_ip));

    let page = ProfileQuery {
        limit: Some(7),
        offset: Some(3),
        ..ProfileQuery::default()
    };
    let profiles = sim.client.list_profiles(&page).await.unwrap();
    assert_eq!(profiles.len(), 7);
    assert_eq!(profiles, xml.list_profiles(&page).await.unwrap());
    let everyone = sim
        .client
        .list_profiles(&ProfileQuery::default())
        .await
        .unwrap();
    assert_eq!(everyone.len(), 60);
    assert_eq!(&everyone[3..10], &profiles[..]);
    let one = ProfileQuery {
        username: Some(profiles[0].username.clone()),
        ..ProfileQuery::default()
    };
    assert_eq!(
        sim.client.list_profiles(&one).await.unwrap()[0],
        profiles[0]
    );

    let free = sim.client.list_free_ips().await.unwrap();
    assert!(!free.is_empty());
    assert_eq!(free, xml.list_free_ips().await.unwrap());
    let all = sim.client.list_ips(&IpQuery::default()).await.unwrap();
    let with_system = IpQuery {
        system: true,
        ..IpQuery::default()
    };
    assert!(sim.client.list_ips(&with_system).await.unwrap().len() > all.len());
    assert!(free.iter().all(|ip| all.contains(ip)));
}

#[tokio::test]
async fn overview_matches_the_simulated_customer() {
    let sim = start().await;
    let customer = sim.customer_where(|_| true).await;
    let user = username(&customer);
    let overview = sim.client.overview(&user).await.unwrap();
    assert_eq!(overview.package, package(&customer));
    assert_eq!(
        overview.credits_used,
        customer["credits_used"].as_i64().unwrap()
    );
    assert_eq!(
        overview
            .billing_start_date
            .map(|d| d.to_string())
            .as_deref(),
        customer["billing_start_date"].as_str()
    );
    assert_eq!(overview, sim.xml_client().overview(&user).await.unwrap());

    for client in [&sim.client, &sim.xml_client()] {
        let error = client.overview("nobody-here").await.unwrap_err();
        assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn upgrade_with_a_free_ip_then_close() {
    let sim = start().await;
    let customer = sim.customer_where(|c| package(c) == "Basic Package").await;
    let user = username(&customer);
    let ip = sim.client.list_free_ips().await.unwrap().remove(0);
    let change = upgrade(&user, "Silver Package", IpPlacement::Ips(vec![ip.clone()]));
    sim.client.change_plan(&change).await.unwrap();
    let state = &sim.customer(&user).await["v2"];
    assert_eq!(package(state), "Silver Package");
    assert!(state["ips"]
        .as_array()
        .unwrap()
        .contains(&ip.clone().into()));
    assert!(!sim.client.list_free_ips().await.unwrap().contains(&ip));

    let close = PlanChange::Close {
        timing: Timing::Immediate,
        user: user.clone(),
        ip_groups: vec!["Reseller Group".into()],
    };
    sim.client.change_plan(&close).await.unwrap();
    assert_eq!(
        sim.client.overview(&user).await.unwrap().package,
        "Free Package"
    );
}

#[tokio::test]
async fn documented_plan_refusals() {
    let sim = start().await;
    let free = username(&sim.customer_where(|c| package(c) == "Free Package").await);
    let basic = username(&sim.customer_where(|c| package(c) == "Basic Package").await);
    let taken = sim
        .customer_where(|c| !c["ips"].as_array().unwrap().is_empty())
        .await["ips"][0]
        .as_str()
        .unwrap()
        .to_owned();

    let cases = [
        (
            downgrade(Timing::Immediate, &free, "Basic Package"),
            None,
            "Free customers cannot be downgraded",
        ),
        (
            upgrade(&basic, "Diamond Package", IpPlacement::None),
            Some("package"),
            "Package not found",
        ),
        (
            upgrade(&basic, "Silver Package", IpPlacement::Ips(vec![taken])),
            Some("ip"),
            "is not a free IP",
        ),
        (
            upgrade(&free, "Basic Package", IpPlacement::None),
            Some("ip_group"),
            "ip_group[] is required",
        ),
        (
            upgrade(
                &free,
                "Basic Package",
                IpPlacement::IpGroups(vec!["No Such Group".into()]),
            ),
            Some("ip_group"),
            "does not exist",
        ),
    ];
    for (change, field, wording) in cases {
        let error = sim.client.change_plan(&change).await.unwrap_err();
        assert!(error.to_string().contains(wording), "{error}");
        assert_eq!(field_of(&error), field, "{error:?}");
        assert!(error.outcome_known() && !error.is_retryable());
    }
    let unknown = upgrade("nobody-here", "Silver Package", IpPlacement::None);
    let error = sim.client.change_plan(&unknown).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    // Nothing changed.
    assert_eq!(
        sim.client.overview(&free).await.unwrap().package,
        "Free Package"
    );
}

#[tokio::test]
async fn scheduled_change_is_pending_until_deleted() {
    let sim = start().await;
    let customer = sim.customer_where(|c| package(c) == "Silver Package").await;
    let user = username(&customer);
    let change = downgrade(Timing::Scheduled, &user, "Basic Package");
    sim.xml_client().change_plan(&change).await.unwrap();

    let mine = PendingQuery {
        username: Some(user.clone()),
        kind: Some(PendingKind::Downgrade),
    };
    let pending = sim.client.list_pending(&mine).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].username, user);
    assert_eq!(pending[0].update, "Basic Package");
    assert_eq!(pending, sim.xml_client().list_pending(&mine).await.unwrap());
    assert_eq!(
        sim.client.overview(&user).await.unwrap().package,
        "Silver Package"
    );

    sim.client.delete_pending(&user).await.unwrap();
    assert!(sim.client.list_pending(&mine).await.unwrap().is_empty());
    let again = sim.client.delete_pending(&user).await.unwrap_err();
    assert!(matches!(again, Error::InvalidInput { .. }), "{again:?}");
}

#[tokio::test]
async fn subuser_limits_through_every_task() {
    let sim = start().await;
    let owner = sim
        .customer_where(|c| !c["subusers"].as_array().unwrap().is_empty())
        .await;
    let sub = owner["subusers"][0]["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = &sim.client;

    client
        .change_limit(LimitHolder::Subuser(&sub), &LimitChange::Remove)
        .await
        .unwrap();
    assert_eq!(
        client
            .retrieve_limit(LimitHolder::Subuser(&sub))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        sim.xml_client()
            .retrieve_limit(LimitHolder::Subuser(&sub))
            .await
            .unwrap(),
        None
    );

    client
        .change_limit(LimitHolder::Subuser(&sub), &LimitChange::Total(500))
        .await
        .unwrap();
    let limit = client
        .retrieve_limit(LimitHolder::Subuser(&sub))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((limit.credit, limit.credit_remain), (500, 500));
    client
        .change_limit(LimitHolder::Subuser(&sub), &LimitChange::Increment(20))
        .await
        .unwrap();
    client
        .change_limit(LimitHolder::Subuser(&sub), &LimitChange::Decrement(5))
        .await
        .unwrap();
    let limit = client
        .retrieve_limit(LimitHolder::Subuser(&sub))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(limit.credit_remain, 515);
    assert_eq!(
        limit,
        sim.xml_client()
            .retrieve_limit(LimitHolder::Subuser(&sub))
            .await
            .unwrap()
            .unwrap()
    );

    let today = Utc::now().date_naive();
    let recurring = RecurringLimit {
        credits: 1000,
        period: LimitPeriod::Weekly,
        start_date: Some(today),
        end_date: today.checked_add_days(Days::new(60)),
        initial_credits: Some(250),
    };
    let v1 = sim.client_with(|c| c.limits_endpoint = LimitsEndpoint::V1DistributorManageSubuser);
    v1.change_limit(
        LimitHolder::Subuser(&sub),
        &LimitChange::Recurring(recurring.clone()),
    )
    .await
    .unwrap();
    let limit = v1
        .retrieve_limit(LimitHolder::Subuser(&sub))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((limit.credit, limit.credit_remain), (1000, 250));
    assert_eq!(sim.calls_to("/api/distributor.manageSubuser.json").await, 2);
}

/// The customer's own limit is `reseller.manage method=limit` ("Related limit APIs", API.md
/// §3); the subuser call takes only a subuser, and each endpoint refuses the other's user.
#[tokio::test]
async fn a_customers_own_limit_goes_through_reseller_manage() {
    let sim = start().await;
    let owner = sim
        .customer_where(|c| !c["subusers"].as_array().unwrap().is_empty())
        .await;
    let user = owner["username"].as_str().unwrap().to_owned();
    let sub = owner["subusers"][0]["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = &sim.client;

    client
        .change_limit(LimitHolder::Customer(&user), &LimitChange::Total(900))
        .await
        .unwrap();
    let limit = client
        .retrieve_limit(LimitHolder::Customer(&user))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((limit.credit, limit.credit_remain), (900, 900));
    assert_eq!(sim.calls_to("/apiv2/reseller.manage.json").await, 2);
    assert_eq!(sim.calls_to("/apiv2/reseller.subuserManage.json").await, 0);

    let error = client
        .retrieve_limit(LimitHolder::Subuser(&user))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NotFound { .. }),
        "a customer is no subuser: {error:?}"
    );
    let error = client
        .change_limit(LimitHolder::Customer(&sub), &LimitChange::Total(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NotFound { .. }),
        "a subuser is no customer: {error:?}"
    );
}

#[tokio::test]
async fn documented_limit_refusals() {
    let sim = start().await;
    let owner = sim
        .customer_where(|c| !c["subusers"].as_array().unwrap().is_empty())
        .await;
    let sub = owner["subusers"][0]["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = &sim.client;
    client
        .change_limit(LimitHolder::Subuser(&sub), &LimitChange::Total(10))
        .await
        .unwrap();

    let today = Utc::now().date_naive();
    let backwards = RecurringLimit {
        credits: 100,
        period: LimitPeriod::Daily,
        start_date: Some(today),
        end_date: today.checked_sub_days(Days::new(1)),
        initial_credits: None,
    };
    let zero_recurring = RecurringLimit {
        credits: 0,
        end_date: None,
        ..backwards.clone()
    };
    let cases = [
        (LimitChange::Total(0), "credits"),
        (LimitChange::Increment(0), "credits"),
        (LimitChange::Decrement(11), "credits"),
        (LimitChange::Recurring(zero_recurring), "credits"),
        (LimitChange::Recurring(backwards), "enddate"),
    ];
    for (change, field) in cases {
        let error = client
            .change_limit(LimitHolder::Subuser(&sub), &change)
            .await
            .unwrap_err();
        assert_eq!(field_of(&error), Some(field), "{change:?}: {error:?}");
    }
    let limit = client
        .retrieve_limit(LimitHolder::Subuser(&sub))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(limit.credit_remain, 10, "refused changes changed nothing");

    let error = client
        .retrieve_limit(LimitHolder::Subuser("nobody-sub"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let sim = start().await;
    let wrong = sim.client_with(|c| c.api_key = Secret::from("not-the-key"));
    let error = wrong.list_packages().await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert!(!error.to_string().contains("not-the-key"));
}

#[tokio::test]
async fn slow_change_is_outcome_unknown_and_may_still_apply() {
    let sim = start().await;
    let customer = sim.customer_where(|c| package(c) == "Silver Package").await;
    let user = username(&customer);
    sim.add_fault(serde_json::json!({
        "path_prefix": "/apiv2/reseller.account", "latency_ms": 1500, "times": 1
    }))
    .await;
    let impatient = sim.client_with(|c| c.timeout = Duration::from_millis(300));
    let change = downgrade(Timing::Immediate, &user, "Basic Package");
    let error = impatient.change_plan(&change).await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(!error.outcome_known() && !error.is_retryable());
    // Reconciling means reading the state back: either outcome is possible upstream.
    let now = sim.client.overview(&user).await.unwrap().package;
    assert!(
        ["Silver Package", "Basic Package"].contains(&now.as_str()),
        "{now}"
    );
}

#[tokio::test]
async fn read_only_legacy_call_is_retried_through_503s() {
    let sim = start().await;
    sim.add_fault(serde_json::json!({
        "path_prefix": "/apiv2/reseller.packages", "status": 503, "times": 2
    }))
    .await;
    assert!(!sim.client.list_packages().await.unwrap().is_empty());
    assert_eq!(sim.calls_to("/apiv2/reseller.packages").await, 3);
}
