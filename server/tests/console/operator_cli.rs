//! The real binary's operator commands: `operator list` shows every operator with role and
//! status; `operator disable` stops sign-in and ends a running session at once; the first start
//! prints the initial admin's credentials, once.

use std::path::Path;

use crate::audit_support::console_cli;
use crate::customers_support::SIM_KEY;
use crate::process_support::{add_operator, database_url, small_simulator, ConsoleProcess};
use crate::support::PASSWORD;

/// `operator list` as `(email, role, status)` rows.
fn listed(dir: &Path) -> Vec<(String, String, String)> {
    let output = console_cli(&database_url(dir), &["operator", "list"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 3, "an operator per line: {line:?}");
            (fields[0].into(), fields[1].into(), fields[2].into())
        })
        .collect()
}

fn row(email: &str, role: &str, status: &str) -> (String, String, String) {
    (email.into(), role.into(), status.into())
}

#[test]
fn operator_list_shows_each_operator_with_role_and_status() {
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), "ann@example.com", "manager");
    add_operator(dir.path(), "bob@example.com", "support");
    add_operator(dir.path(), "cy@example.com", "auditor");
    let mut rows = listed(dir.path());
    rows.sort();
    assert_eq!(
        rows,
        [
            row("ann@example.com", "manager", "active"),
            row("bob@example.com", "support", "active"),
            row("cy@example.com", "auditor", "active"),
        ]
    );
}

#[tokio::test]
async fn operator_disable_stops_sign_in_and_ends_the_running_session() {
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), "ann@example.com", "manager");
    add_operator(dir.path(), "bob@example.com", "support");
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let ann = console.signed_in("ann@example.com").await;
    let home = format!("{}/", console.url);
    assert_eq!(ann.get(&home).send().await.unwrap().status(), 200);

    let output = console_cli(
        &database_url(dir.path()),
        &["operator", "disable", "--email", "ann@example.com"],
    );
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "disabled ann@example.com"
    );

    // The session the console already holds ends on its next request.
    let page = ann.get(&home).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/login?next=/");
    let (status, _) = console.call(&ann, "directory_status", &[]).await;
    assert_eq!(status, 401);
    // And the right password no longer opens one.
    let again = console
        .client()
        .post(format!("{}/login", console.url))
        .form(&[("email", "ann@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?error=invalid"),
        "{:?}",
        again.headers()["location"]
    );
    let mut rows = listed(dir.path());
    rows.sort();
    assert_eq!(
        rows,
        [
            row("ann@example.com", "manager", "disabled"),
            row("bob@example.com", "support", "active"),
        ]
    );
}

#[tokio::test]
async fn the_first_start_prints_the_initial_admin_credentials_once() {
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let prefix = "First start: created the admin operator admin@localhost with the password ";
    let printed = console
        .printed_at_start
        .iter()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("credentials printed: {:?}", console.printed_at_start))
        .to_string();
    let file = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    assert_eq!(
        printed,
        file.trim(),
        "the printed password is the one in the file"
    );
    assert!(printed.len() >= 16, "{printed:?}");

    let response = console
        .client()
        .post(format!("{}/login", console.url))
        .form(&[("email", "admin@localhost"), ("password", printed.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/account/password");

    console.kill();
    let again = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    assert!(
        !again
            .printed_at_start
            .iter()
            .any(|line| line.contains(&printed) || line.contains("First start")),
        "printed once: {:?}",
        again.printed_at_start
    );
}
