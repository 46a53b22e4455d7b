//! Commands that read a database someone else made, run (as the real binary) against a path
//! where there is none: each fails naming the path, and leaves nothing behind.

use std::path::Path;

use crate::audit_support::console_cli;

const READERS: [&[&str]; 5] = [
    &["audit", "verify"],
    &["audit", "export", "--format", "csv"],
    &["audit", "export", "--format", "jsonl"],
    &["operator", "list"],
    &["operator", "disable", "--email", "ann@example.com"],
];

/// Every path under `dir`, so a test can tell that nothing was created.
fn contents(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        found.push(path.display().to_string());
        if path.is_dir() {
            found.extend(contents(&path));
        }
    }
    found
}

#[test]
fn commands_that_read_fail_on_a_missing_database_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for missing in ["console.db", "no-such-folder/console.db"] {
        let path = dir.path().join(missing);
        let url = format!("sqlite://{}", path.display());
        for args in READERS {
            let output = console_cli(&url, args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(!output.status.success(), "{args:?} on {missing}: {stdout}");
            assert!(
                stderr.contains("there is no database at") && stderr.contains(missing),
                "{args:?} names the missing database: {stderr}"
            );
            assert!(!stdout.contains("ok 0 events"), "{args:?}: {stdout}");
            assert_eq!(
                contents(dir.path()),
                Vec::<String>::new(),
                "{args:?} on {missing} created files"
            );
        }
    }
}
