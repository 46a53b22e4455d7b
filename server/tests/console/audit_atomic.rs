//! A local change and its audit row commit together: when the row cannot be written, the
//! change is not made either (the console's own changes: operators, passwords, a password an
//! admin gives).

use crate::support::{TestConsole, PASSWORD};

use app::domain::Role;
use app::services::operators;

/// Makes the audit log refuse rows of `action` from now on.
async fn refuse_audit_rows(console: &TestConsole, action: &str) {
    sqlx::query(&format!(
        "CREATE TRIGGER refuse_{name} BEFORE INSERT ON audit_events WHEN NEW.action = '{action}'
         BEGIN SELECT RAISE(ABORT, 'the audit log is unavailable'); END",
        name = action.replace('.', "_")
    ))
    .execute(&console.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn an_operator_change_whose_audit_row_fails_is_not_made() {
    let console = TestConsole::start().await;
    console.add_operator("boss@example.com", Role::Admin).await;
    console.add_operator("ann@example.com", Role::Support).await;
    let boss = console.signed_in("boss@example.com").await;
    let ann = console.signed_in("ann@example.com").await;
    for action in [
        "operator.change_role",
        "operator.disable",
        "operator.add",
        "operator.change_password",
        "operator.reset_password",
    ] {
        refuse_audit_rows(&console, action).await;
    }

    let role = console
        .call(
            &boss,
            "change_operator_role",
            &[("email", "ann@example.com"), ("role", "admin")],
        )
        .await;
    assert!(role.status().is_server_error(), "{}", role.status());
    let disable = console
        .call(&boss, "disable_operator", &[("email", "ann@example.com")])
        .await;
    assert!(disable.status().is_server_error(), "{}", disable.status());
    let added = console
        .call(
            &boss,
            "add_operator",
            &[
                ("email", "new@example.com"),
                ("display_name", ""),
                ("role", "manager"),
            ],
        )
        .await;
    assert!(added.status().is_server_error(), "{}", added.status());
    let password = console
        .call(
            &ann,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert!(password.status().is_server_error(), "{}", password.status());
    let reset = console
        .call(
            &boss,
            "reset_operator_password",
            &[("email", "ann@example.com")],
        )
        .await;
    assert!(reset.status().is_server_error(), "{}", reset.status());

    let ann_now = operators::find_by_email(&console.pool, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann_now.role, "support", "the role did not change");
    assert!(ann_now.disabled_at.is_none(), "ann was not disabled");
    assert_eq!(
        ann_now.credentials_version, 0,
        "the password did not change"
    );
    assert!(operators::find_by_email(&console.pool, "new@example.com")
        .await
        .unwrap()
        .is_none());
    let signed_in = console
        .sign_in(&console.client(), "ann@example.com", PASSWORD)
        .await;
    assert_eq!(
        signed_in.headers()["location"],
        "/",
        "the old password still works"
    );
    console.stop().await;
}
