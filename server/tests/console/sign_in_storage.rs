//! What an anonymous client can make the console store through `POST /login`: bounded, however
//! long the email it posts and however often it is refused.

use crate::support;

use serde_json::Value;
use sqlx::SqlitePool;
use support::TestConsole;

/// Bytes of the database in use (pages holding data, whether still in the WAL or not).
async fn bytes_in_use(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar(
        "SELECT (page_count - freelist_count) * page_size
         FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn thirty_sign_ins_with_200_kb_emails_grow_the_database_by_well_under_a_megabyte() {
    let console = TestConsole::start().await;
    let client = console.client();
    let huge = format!("{}@example.com", "a".repeat(200_000));
    let before = bytes_in_use(&console.pool).await;

    for attempt in 0..30 {
        let response = console.sign_in(&client, &huge, "guess").await;
        assert_eq!(response.status(), 303, "attempt {attempt}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.len() < 2048,
            "the redirect carries a bounded email, not {} bytes",
            location.len()
        );
    }

    let grown = bytes_in_use(&console.pool).await - before;
    assert!(
        grown < 100 * 1024,
        "30 sign-ins with 200 KB emails grew the database by {grown} bytes"
    );
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT outcome, params FROM audit_events WHERE action = 'auth.sign_in' ORDER BY id",
    )
    .fetch_all(&console.pool)
    .await
    .unwrap();
    let failures = rows.iter().filter(|(outcome, _)| outcome == "failure");
    assert_eq!(failures.count(), 5, "five failures, then the throttle");
    let refused: Vec<&(String, String)> = rows.iter().filter(|(o, _)| o == "refused").collect();
    assert_eq!(
        refused.len(),
        1,
        "refusals of one key coalesce into one row"
    );
    for (_, params) in &rows {
        let params: Value = serde_json::from_str(params).unwrap();
        assert_eq!(
            params["email"].as_str().unwrap(),
            &huge[..254],
            "254 characters kept"
        );
        assert_eq!(params["email_length"], 200_012, "and the length typed");
    }
    let refusal: Value = serde_json::from_str(&refused[0].1).unwrap();
    assert_eq!(refusal["reason"], "throttled");
    assert_eq!(refusal["refusals"], 1);
    console.stop().await;
}
