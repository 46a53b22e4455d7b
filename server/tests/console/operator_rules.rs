//! The rules about operators live in `services::operators`, so they hold whoever calls it:
//! the web's server functions, the CLI and the first start. Each is tried here on the service
//! itself and through the web, which answers the service's words with their status.

use app::domain::{OperatorEmail, Role};
use app::services::auth::Admin;
use app::services::operators::{self, OperatorError};

use crate::support::{by_test, TestConsole};

/// The capability of `admin`: the rules are about who acts.
fn by(admin: &str) -> Admin {
    Admin::local(admin)
}

async fn events(console: &TestConsole, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = ?")
        .bind(action)
        .fetch_one(&console.pool)
        .await
        .expect("the log is read")
}

#[tokio::test]
async fn the_service_refuses_what_the_rules_forbid_and_records_nothing() {
    let console = TestConsole::start().await;
    console.add_operator("boss@example.com", Role::Admin).await;
    let email = OperatorEmail::parse("new@example.com").unwrap();
    let long_name = "n".repeat(101);
    let refused = operators::create(
        &console.pool,
        &by("test"),
        &email,
        &long_name,
        Role::Manager,
        operators::FirstPassword::Chosen("a long enough password"),
        by_test("operator.add"),
    )
    .await;
    assert!(
        matches!(&refused, Err(OperatorError::Invalid(m)) if m.contains("display name")),
        "{refused:?}"
    );
    let short = operators::create(
        &console.pool,
        &by("test"),
        &email,
        "",
        Role::Manager,
        operators::FirstPassword::Chosen("short"),
        by_test("operator.add"),
    )
    .await;
    assert!(
        matches!(&short, Err(OperatorError::Invalid(m)) if m.contains("12 characters")),
        "{short:?}"
    );
    let adds_before = events(&console, "operator.add").await;
    assert!(operators::find_by_email(&console.pool, "new@example.com")
        .await
        .unwrap()
        .is_none());

    let boss = "boss@example.com";
    let disabled =
        operators::disable(&console.pool, &by(boss), boss, by_test("operator.disable")).await;
    assert!(
        matches!(disabled, Err(OperatorError::SelfDisable)),
        "{disabled:?}"
    );
    let demoted = operators::set_role(
        &console.pool,
        &by(boss),
        "BOSS@example.com",
        Role::Support,
        by_test("operator.change_role"),
    )
    .await;
    assert!(
        matches!(demoted, Err(OperatorError::SelfDemotion)),
        "{demoted:?}"
    );
    let own = operators::reset_password(
        &console.pool,
        &by(boss),
        boss,
        "a fresh one-time password",
        by_test("operator.reset_password"),
    )
    .await;
    assert!(matches!(own, Err(OperatorError::OwnPassword)), "{own:?}");
    console
        .add_operator("gone@example.com", Role::Support)
        .await;
    operators::disable(
        &console.pool,
        &by(boss),
        "gone@example.com",
        by_test("operator.disable"),
    )
    .await
    .unwrap();
    let gone = operators::reset_password(
        &console.pool,
        &by(boss),
        "gone@example.com",
        "a fresh one-time password",
        by_test("operator.reset_password"),
    )
    .await;
    assert!(matches!(gone, Err(OperatorError::Disabled(_))), "{gone:?}");
    assert_eq!(events(&console, "operator.reset_password").await, 0);
    assert_eq!(events(&console, "operator.disable").await, 1);
    assert_eq!(events(&console, "operator.change_role").await, 0);
    // gone@example.com's own.
    assert_eq!(events(&console, "operator.add").await, adds_before + 1);
    let row = operators::find_by_email(&console.pool, boss)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.role(), row.disabled_at), (Role::Admin, None));

    // Another actor (an admin, or the CLI) may do both.
    operators::set_role(
        &console.pool,
        &by("another@example.com"),
        boss,
        Role::Support,
        by_test("operator.change_role"),
    )
    .await
    .expect("someone else may change the role");
    console.stop().await;
}

#[tokio::test]
async fn the_web_answers_the_services_refusals_with_their_status() {
    let console = TestConsole::start().await;
    console.add_operator("boss@example.com", Role::Admin).await;
    let boss = console.signed_in("boss@example.com").await;
    let answer = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    };
    let long_name = "n".repeat(101);
    let (status, body) = answer(
        console
            .call(
                &boss,
                "add_operator",
                &[
                    ("email", "new@example.com"),
                    ("display_name", &long_name),
                    ("role", "manager"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("display name"), "{body}");
    let (status, body) = answer(
        console
            .call(&boss, "disable_operator", &[("email", "boss@example.com")])
            .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("You cannot disable yourself."), "{body}");
    let (status, body) = answer(
        console
            .call(
                &boss,
                "change_operator_role",
                &[("email", "boss@example.com"), ("role", "support")],
            )
            .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("own admin role"), "{body}");
    console.stop().await;
}
