//! Every guarded route and server function x every role, over real HTTP.

use crate::support;

use app::domain::Role;
use support::TestConsole;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Disabled,
    As(Role),
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Disabled,
    Who::As(Role::Admin),
    Who::As(Role::Manager),
    Who::As(Role::Support),
    Who::As(Role::Auditor),
];

async fn client_for(console: &TestConsole, who: Who) -> reqwest::Client {
    match who {
        Who::Anonymous => console.client(),
        Who::Disabled => {
            let client = console.signed_in("disabled@example.com").await;
            app::services::operators::disable(&console.pool, "disabled@example.com")
                .await
                .unwrap();
            client
        }
        Who::As(role) => {
            console
                .signed_in(&format!("{}@example.com", role.as_str()))
                .await
        }
    }
}

async fn console_with_everyone() -> TestConsole {
    let console = TestConsole::start().await;
    for role in Role::ALL {
        console
            .add_operator(&format!("{}@example.com", role.as_str()), role)
            .await;
    }
    console
        .add_operator("disabled@example.com", Role::Admin)
        .await;
    console
}

/// What a page answers: 200, 403, or a redirect to the login page.
fn expected_page(path: &str, who: Who) -> u16 {
    let Who::As(role) = who else { return 303 };
    match path {
        "/operators" if role != Role::Admin => 403,
        "/bulk" if !matches!(role, Role::Admin | Role::Manager) => 403,
        _ => 200,
    }
}

#[tokio::test]
async fn pages_by_role() {
    let console = console_with_everyone().await;
    for who in EVERYONE {
        let client = client_for(&console, who).await;
        for path in ["/", "/operators", "/account/password", "/bulk"] {
            let response = client
                .get(format!("{}{path}", console.url()))
                .send()
                .await
                .unwrap();
            let expected = expected_page(path, who);
            assert_eq!(response.status().as_u16(), expected, "{who:?} GET {path}");
            if expected == 303 {
                let location = response.headers()["location"].to_str().unwrap().to_string();
                assert!(
                    location.starts_with("/login?next="),
                    "{who:?} {path} -> {location}"
                );
            }
        }
    }
    console.stop().await;
}

#[tokio::test]
async fn server_functions_by_role() {
    let console = console_with_everyone().await;
    // (endpoint, arguments, roles allowed)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [Role]);
    let table: &[Case] = &[
        ("list_operators", &[], &[Role::Admin]),
        (
            "add_operator",
            &[
                ("email", "new-{who}@example.com"),
                ("display_name", ""),
                ("role", "support"),
            ],
            &[Role::Admin],
        ),
        (
            "change_operator_role",
            &[("email", "auditor@example.com"), ("role", "auditor")],
            &[Role::Admin],
        ),
        (
            "disable_operator",
            &[("email", "nobody@example.com")],
            &[Role::Admin],
        ),
        ("list_bulk_jobs", &[], &[Role::Admin, Role::Manager]),
        (
            "cancel_bulk",
            &[("id", "999")],
            &[Role::Admin, Role::Manager],
        ),
    ];
    for who in EVERYONE {
        let client = client_for(&console, who).await;
        for (endpoint, args, allowed) in table {
            let tag = format!("{who:?}").to_lowercase().replace(['(', ')'], "");
            let args: Vec<(&str, String)> = args
                .iter()
                .map(|(k, v)| (*k, v.replace("{who}", &tag)))
                .collect();
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = console
                .call(&client, endpoint, &args)
                .await
                .status()
                .as_u16();
            let expected = match who {
                Who::Anonymous | Who::Disabled => 401,
                Who::As(role) if allowed.contains(&role) => {
                    // Allowed: the function ran (disable of an unknown email is a handled error).
                    if matches!(*endpoint, "disable_operator" | "cancel_bulk") {
                        404
                    } else {
                        200
                    }
                }
                Who::As(_) => 403,
            };
            assert_eq!(status, expected, "{who:?} {endpoint}");
        }
    }
    console.stop().await;
}

#[tokio::test]
async fn disabling_an_operator_ends_their_session_at_once() {
    let console = console_with_everyone().await;
    let admin = console.signed_in("admin@example.com").await;
    let manager = console.signed_in("manager@example.com").await;
    let home = format!("{}/", console.url());
    assert_eq!(manager.get(&home).send().await.unwrap().status(), 200);
    let response = console
        .call(
            &admin,
            "disable_operator",
            &[("email", "manager@example.com")],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(manager.get(&home).send().await.unwrap().status(), 303);
    console.stop().await;
}
