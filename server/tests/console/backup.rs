//! `reseller-console backup`: a consistent copy taken while the console writes, which opens,
//! passes SQLite's integrity check and whose audit chain verifies; never over an existing file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::audit_support::{console_cli, event, temp_db};
use app::services::audit::{self, Outcome};

#[tokio::test]
async fn a_backup_taken_during_writes_opens_checks_and_verifies() {
    let db = temp_db().await;
    // A log of some size first, so the copy takes a while next to the writers.
    crate::audit_support::bulk_append(
        &db.pool,
        (0..5_000).map(|n| event(&format!("cust-{n}"), "limits.total", Outcome::Success)),
    )
    .await;

    let writing = Arc::new(AtomicBool::new(true));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let pool = db.pool.clone();
            let writing = writing.clone();
            tokio::spawn(async move {
                let mut written = 0u64;
                while writing.load(Ordering::Relaxed) {
                    audit::append(
                        &pool,
                        event(&format!("w{w}"), "auth.sign_in", Outcome::Success),
                    )
                    .await
                    .expect("writes go on during the backup");
                    written += 1;
                }
                written
            })
        })
        .collect();

    let copy = db.dir.path().join("copy.db");
    let url = db.url.clone();
    let copy_arg = copy.to_string_lossy().to_string();
    let output =
        tokio::task::spawn_blocking(move || console_cli(&url, &["backup", "--to", &copy_arg]))
            .await
            .unwrap();
    writing.store(false, Ordering::Relaxed);
    let mut written = 0;
    for writer in writers {
        written += writer.await.unwrap();
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(written > 0, "the writers ran");

    let copy_url = format!("sqlite://{}", copy.display());
    // A backup holds no audit key (keep the key file backed up on its own): the copy is
    // checked with the console's.
    let key = app::services::db::default_key_file(&db.url).unwrap();
    let copied = app::services::db::open_with_key(&copy_url, Some(&key))
        .await
        .expect("the copy opens");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&copied)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&copied)
        .await
        .unwrap();
    assert!(rows >= 5_000, "{rows}");
    copied.close().await;
    let key = key.to_string_lossy().to_string();
    let verify = console_cli(&copy_url, &["audit", "verify", "--audit-key-file", &key]);
    let said = String::from_utf8_lossy(&verify.stdout).to_string();
    assert!(verify.status.success(), "{said}");
    assert_eq!(said.trim(), format!("ok {rows} events"));
}

#[tokio::test]
async fn a_backup_never_overwrites_and_says_why_it_refuses() {
    let db = temp_db().await;
    let existing = db.dir.path().join("existing.db");
    std::fs::write(&existing, b"keep me").unwrap();
    let refused = console_cli(&db.url, &["backup", existing.to_str().unwrap()]);
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(
        error.contains("already exists; a backup never overwrites a file"),
        "{error}"
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let nowhere = db.dir.path().join("no-such-folder/copy.db");
    let refused = console_cli(&db.url, &["backup", "--to", nowhere.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not exist; create it first"));

    let missing = format!("sqlite://{}/missing.db", db.dir.path().display());
    let target = db.dir.path().join("copy.db");
    let refused = console_cli(&missing, &["backup", "--to", target.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("there is no database at"));
    assert!(!target.exists(), "nothing written");
    assert!(
        !db.dir.path().join("missing.db").exists(),
        "no empty database created"
    );

    let refused = console_cli(&db.url, &["backup"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("name the file to write"));
}
