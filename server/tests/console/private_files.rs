//! Files that hold the console's data or a credential are private to its user, and a secret
//! given as a flag is called out at start-up. The real binary: its umask is set in `main`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::audit_support::console_cli;
use crate::customers_support::SIM_KEY;
use crate::process_support::{database_url, small_simulator, stderr_of, ConsoleProcess};
use crate::support::TestConsole;

const BINARY: &str = env!("CARGO_BIN_EXE_reseller-console");
/// Far beyond a start-up; only a console that does not stop reaches it.
const PATIENCE: Duration = Duration::from_secs(30);

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_database_its_journal_backups_and_the_initial_password_are_created_0600() {
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    for name in [
        "console.db",
        "console.db-wal",
        "console.db-shm",
        "initial-admin-password",
    ] {
        assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
    }
    let backup = dir.path().join("copy.db");
    let output = console_cli(
        &database_url(dir.path()),
        &["backup", "--to", backup.to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(mode(&backup), 0o600, "the backup");
    console.kill();
}

/// Runs `serve` on a fresh database in `dir` and waits (off the test's runtime, which serves
/// the simulator) for it to stop by itself; returns its standard error. A console that starts
/// instead is killed and the test fails.
async fn first_start_refused(dir: &Path, upstream: &str) -> String {
    let (dir, upstream) = (dir.to_path_buf(), upstream.to_string());
    tokio::task::spawn_blocking(move || wait_for_refusal(&dir, &upstream))
        .await
        .unwrap()
}

fn wait_for_refusal(dir: &Path, upstream: &str) -> String {
    let mut child = Command::new(BINARY)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(["--database-url", &database_url(dir)])
        .args(["--upstream", upstream, "--directory-sync-minutes", "0"])
        .env("SENDGRID_API_KEY", SIM_KEY)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the console started although the password file was unsafe");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success());
    stderr_of(&mut child)
}

#[tokio::test]
async fn an_initial_password_file_that_others_can_read_or_a_symlink_is_refused() {
    let sim = small_simulator().await;

    let dir = tempfile::tempdir().unwrap();
    let planted = dir.path().join("initial-admin-password");
    std::fs::write(&planted, "").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o644)).unwrap();
    let stderr = first_start_refused(dir.path(), &sim.base_url()).await;
    assert!(stderr.contains("wider than 0600"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&planted).unwrap(),
        "",
        "not written"
    );

    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("attacker-reads-this");
    let link = dir.path().join("initial-admin-password");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let stderr = first_start_refused(dir.path(), &sim.base_url()).await;
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!elsewhere.exists(), "nothing written through the link");

    // Refused before the admin was created: once the file is gone, the first start works.
    std::fs::remove_file(&link).unwrap();
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    assert!(console
        .printed_at_start
        .iter()
        .any(|line| line.starts_with("First start: created the admin operator")));
    console.kill();
}

#[tokio::test]
async fn the_initial_password_file_is_removed_once_the_admin_chose_a_password() {
    const NEW_PASSWORD: &str = "the admin's own password 7";
    let console = TestConsole::start().await;
    let path = console.dir.path().join("initial-admin-password");
    let initial = std::fs::read_to_string(&path).unwrap();
    let client = console.client();
    let response = console
        .sign_in(&client, "admin@localhost", initial.trim())
        .await;
    assert_eq!(response.headers()["location"], "/account/password");

    let wrong = console
        .call(
            &client,
            "change_password",
            &[
                ("current_password", "not the password"),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 400);
    assert!(
        path.exists(),
        "kept while the password is still the initial one"
    );

    let changed = console
        .call(
            &client,
            "change_password",
            &[
                ("current_password", initial.trim()),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert!(
        changed.status().is_success() || changed.status().is_redirection(),
        "{}",
        changed.status()
    );
    assert!(!path.exists(), "removed once the admin chose a password");
    console.stop().await;
}

#[tokio::test]
async fn secrets_given_as_flags_are_called_out_at_start_up() {
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(["--database-url", &database_url(dir.path())])
        .args([
            "--upstream",
            &sim.base_url(),
            "--directory-sync-minutes",
            "0",
        ])
        .args(["--sendgrid-api-key", SIM_KEY])
        .args(["--sendgrid-api-password", SIM_KEY])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Running means start-up, and its warnings, are over.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let running = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap() > 0 {
            if line.contains("Reseller Console is running at") {
                return true;
            }
            line.clear();
        }
        false
    });
    let running = tokio::time::timeout(PATIENCE, running).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(matches!(running, Ok(Ok(true))), "the console started");
    let stderr = stderr_of(&mut child);
    for (flag, instead) in [
        ("--sendgrid-api-key", "SENDGRID_API_KEY_FILE"),
        ("--sendgrid-api-password", "SENDGRID_API_PASSWORD_FILE"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|line| line.contains("WARN") && line.contains(flag) && line.contains(instead)),
            "a warning about {flag}: {stderr}"
        );
    }
    assert!(
        !stderr.contains(SIM_KEY),
        "the secret itself is never printed"
    );
}
