//! Every page and every server function x every identity (anonymous, a disabled operator and
//! each role), over real HTTP, checked against the table in `access_rules`.

use std::path::Path;

use app::domain::Role;

use crate::access_rules::{pattern, quoted_after, Ids, Rule, PAGES, SERVER_FUNCTIONS};
use crate::limits_support::Harness;
use crate::support::TestConsole;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    /// Signed in as an admin, then disabled: the role must not matter any more.
    Disabled,
    As(Role),
}

/// A console on its own simulator with a synced directory, a real customer, audit event and
/// bulk change, and a client per identity.
pub(crate) struct World {
    pub h: Harness,
    pub ids: Ids,
    clients: Vec<(Who, reqwest::Client)>,
}

impl World {
    pub async fn start() -> World {
        let h = Harness::start(20, 3600).await;
        let t = &h.t;
        t.sync().await;
        let (user, account) = h.linked_customer(&[]).await;
        let (status, job) = t
            .call(
                &t.manager,
                "start_bulk",
                &[
                    ("by", "paste"),
                    ("pasted", &user),
                    ("op", "limit_total"),
                    ("credits", "5000"),
                    ("concurrency", "1"),
                    ("idempotency_key", "matrix-job"),
                ],
            )
            .await;
        assert_eq!(status, 200, "a bulk change starts: {job}");
        let event: i64 = sqlx::query_scalar("SELECT MAX(id) FROM audit_events")
            .fetch_one(&t.console.pool)
            .await
            .unwrap();
        let (status, _) = t
            .call(
                &t.admin,
                "set_approval_policy",
                &[
                    ("deactivate", "on"),
                    ("credits_threshold", ""),
                    ("expiry_hours", "24"),
                ],
            )
            .await;
        assert_eq!(status, 200);
        let (status, held) = t
            .call(
                &t.manager,
                "change_account_state",
                &[
                    ("user", &account),
                    ("state", "deactivated"),
                    ("timing", "now"),
                    ("idempotency_key", "matrix-approval"),
                ],
            )
            .await;
        assert_eq!(status, 200, "a deactivation waits for approval: {held}");

        t.console
            .add_operator("disabled@example.com", Role::Admin)
            .await;
        let disabled = t.console.signed_in("disabled@example.com").await;
        app::services::operators::disable(
            &t.console.pool,
            &app::services::auth::Admin::local("test"),
            "disabled@example.com",
            crate::support::by_test("operator.disable"),
        )
        .await
        .unwrap();
        let clients = vec![
            (Who::Anonymous, t.console.client()),
            (Who::Disabled, disabled),
            (Who::As(Role::Admin), t.admin.clone()),
            (Who::As(Role::Manager), t.manager.clone()),
            (Who::As(Role::Support), t.support.clone()),
            (Who::As(Role::Auditor), h.auditor.clone()),
        ];
        let ids = Ids {
            user,
            account,
            event,
            job: job["Job"].as_i64().expect("the job id"),
            approval: held["approval_id"].as_i64().expect("the request id"),
        };
        World { h, ids, clients }
    }

    pub fn console(&self) -> &TestConsole {
        &self.h.t.console
    }

    pub async fn stop(self) {
        self.h.t.console.stop().await;
    }
}

#[tokio::test]
async fn every_page_by_every_identity() {
    let w = World::start().await;
    let mut wrong = vec![];
    for (who, client) in &w.clients {
        for (template, rule) in PAGES {
            let path = w.ids.fill(template);
            let response = client
                .get(format!("{}{path}", w.console().url()))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let (expected, ok) = match who {
                Who::Anonymous | Who::Disabled => {
                    let login = format!("/login?next={path}");
                    let ok = status == 303 && location == login;
                    (format!("303 to {login}"), ok)
                }
                Who::As(role) if rule.admits(*role) => ("200".to_string(), status == 200),
                Who::As(_) => ("403".to_string(), status == 403),
            };
            if !ok {
                wrong.push(format!(
                    "{who:?} GET {path}: expected {expected}, got {status} {location}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    w.stop().await;
}

#[tokio::test]
async fn every_server_function_by_every_identity() {
    let w = World::start().await;
    let mut wrong = vec![];
    for (who, client) in &w.clients {
        for (endpoint, rule, args) in SERVER_FUNCTIONS {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, w.ids.fill(v))).collect();
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = w.console().call(client, endpoint, &args).await;
            let status = response.status().as_u16();
            let admitted = match who {
                Who::As(role) => rule.admits(*role),
                Who::Anonymous | Who::Disabled => *rule == Rule::Public,
            };
            let (expected, ok) = match who {
                // Past the guard. Mutations get arguments they refuse (400, 404, 409), which
                // shows the function itself ran; arguments that did not decode would stop
                // before the guard, and the anonymous row's 401 rules that out. A 5xx is the
                // console failing, never an answer.
                _ if admitted => (
                    "past the guard, answered",
                    status != 401 && status != 403 && status < 500,
                ),
                Who::As(_) => ("403", status == 403),
                Who::Anonymous | Who::Disabled => ("401", status == 401),
            };
            if !ok {
                let body: String = response
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect();
                wrong.push(format!(
                    "{who:?} {endpoint}: expected {expected}, got {status} {body}"
                ));
            } else if *endpoint == "get_me" {
                // The one function anyone may call must still not recognise a disabled operator.
                let me: serde_json::Value = response.json().await.unwrap();
                let expected = match who {
                    Who::As(role) => serde_json::json!(format!("{}@example.com", role.as_str())),
                    Who::Anonymous | Who::Disabled => serde_json::Value::Null,
                };
                if me.get("email").unwrap_or(&me) != &expected {
                    wrong.push(format!("{who:?} get_me: expected {expected}, got {me}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    w.stop().await;
}

/// The tables above are only a proof if they list everything: every route of the app's shell
/// and the server's router (but `/login`, `/logout` and `/healthz`, which are public), and
/// every `#[server(endpoint = ...)]` in `app/src/api`.
#[test]
fn the_tables_name_every_page_and_server_function() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &Path| std::fs::read_to_string(path).expect("source readable");

    let mut declared: Vec<String> = vec![];
    for entry in std::fs::read_dir(root.join("app/src/api")).unwrap() {
        let source = read(&entry.unwrap().path());
        declared.extend(
            quoted_after(&source, "endpoint = ")
                .into_iter()
                .map(String::from),
        );
    }
    let mut listed: Vec<String> = SERVER_FUNCTIONS
        .iter()
        .map(|(name, _, _)| name.to_string())
        .collect();
    declared.sort();
    listed.sort();
    assert_eq!(declared, listed, "server functions");

    let shell = read(&root.join("app/src/shell.rs"));
    let mut routes: Vec<String> = vec![];
    let mut parent = "";
    for path in quoted_after(&shell, "path!(") {
        if path.starts_with('/') {
            parent = path;
            routes.push(path.to_string());
        } else if !path.is_empty() {
            routes.push(format!("{parent}/{path}"));
        }
    }
    let startup = read(&root.join("server/src/startup.rs"));
    routes.extend(
        quoted_after(&startup, ".route(")
            .into_iter()
            .filter(|path| !path.starts_with("/api/"))
            .map(String::from),
    );
    let public = ["/login", "/logout", "/healthz"];
    let mut declared: Vec<String> = routes
        .iter()
        .filter(|path| !public.contains(&path.as_str()))
        .map(|path| pattern(path))
        .collect();
    let mut listed: Vec<String> = PAGES.iter().map(|(path, _)| pattern(path)).collect();
    declared.sort();
    listed.sort();
    assert_eq!(declared, listed, "pages");
}

#[tokio::test]
async fn disabling_an_operator_ends_their_session_at_once() {
    let console = TestConsole::start().await;
    console.add_operator("admin@example.com", Role::Admin).await;
    console
        .add_operator("manager@example.com", Role::Manager)
        .await;
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
