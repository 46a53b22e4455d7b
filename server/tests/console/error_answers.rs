//! No answer of any server function shows the console's internals (SQL, database or Rust
//! error text): not for the arguments the access matrix sends, each refused for its own reason,
//! and not once every table but the operators' and the sessions' is gone, so that each read or
//! write of the database fails. A failure inside the console answers with a reference, the
//! request's id, under which the detail is logged: `Internal` for reads, and the message of
//! `Unavailable` for changes.

use serde_json::Value;

use crate::access_matrix::World;
use crate::access_rules::SERVER_FUNCTIONS;

/// Words that only internals use; matched case-insensitively.
const INTERNALS: &[&str] = &[
    "sql",
    "no such table",
    "error returned from database",
    "constraint failed",
    "panicked",
    "os error",
    ".rs:",
    "select ",
    "insert into",
    "delete from",
];

struct Answer {
    endpoint: &'static str,
    status: u16,
    request_id: String,
    body: String,
}

/// Every server function called once by an admin (whom every rule admits).
async fn call_every_function(w: &World) -> Vec<Answer> {
    let admin = &w.h.t.admin;
    let mut answers = vec![];
    for (endpoint, _, args) in SERVER_FUNCTIONS {
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, w.ids.fill(v))).collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = w.console().call(admin, endpoint, &args).await;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response.text().await.unwrap_or_default();
        answers.push(Answer {
            endpoint,
            status,
            request_id,
            body,
        });
    }
    answers
}

fn internals_shown(answers: &[Answer]) -> Vec<String> {
    answers
        .iter()
        .filter(|a| a.status >= 400)
        .filter_map(|a| {
            let lower = a.body.to_lowercase();
            INTERNALS
                .iter()
                .find(|word| lower.contains(*word))
                .map(|word| format!("{} {} shows {word:?}: {}", a.endpoint, a.status, a.body))
        })
        .collect()
}

#[tokio::test]
async fn refusals_and_database_failures_show_no_internals() {
    let w = World::start().await;

    let refused = call_every_function(&w).await;
    let shown = internals_shown(&refused);
    assert!(shown.is_empty(), "{}", shown.join("\n"));

    // Every table the console keeps, but the operators' and the sessions' (so the admin stays
    // signed in), moves aside: each read or write of it now fails inside SQLite.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master AS t WHERE type = 'table'
           AND name NOT IN ('operators', 'tower_sessions', '_sqlx_migrations')
           AND name NOT LIKE 'sqlite_%'
           -- A full-text index's own tables move with it.
           AND NOT EXISTS (SELECT 1 FROM sqlite_master AS v
                           WHERE v.sql LIKE 'CREATE VIRTUAL%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\')",
    )
    .fetch_all(&w.console().pool)
    .await
    .unwrap();
    assert!(tables.len() > 10, "the console's tables: {tables:?}");
    for table in &tables {
        sqlx::query(&format!("ALTER TABLE {table} RENAME TO gone_{table}"))
            .execute(&w.console().pool)
            .await
            .unwrap();
    }

    let failed = call_every_function(&w).await;
    let shown = internals_shown(&failed);
    assert!(shown.is_empty(), "{}", shown.join("\n"));

    // The failures are the console's own (5xx), and each names the request whose log line
    // holds the detail.
    let internal: Vec<&Answer> = failed.iter().filter(|a| a.status == 500).collect();
    assert!(
        internal.len() >= 15,
        "most functions read the database, so most fail: {:?}",
        failed
            .iter()
            .map(|a| format!("{} {}", a.endpoint, a.status))
            .collect::<Vec<_>>()
    );
    for answer in internal {
        let body: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
        let reference = &body["Internal"]["request_id"];
        assert!(
            !answer.request_id.is_empty() && reference == &Value::from(answer.request_id.clone()),
            "{} answers with its request id {}: {}",
            answer.endpoint,
            answer.request_id,
            answer.body
        );
    }
    // A change that fails inside the console answers in its own error type, and names the
    // request as well.
    let unavailable: Vec<&Answer> = failed
        .iter()
        .filter(|a| a.body.contains("\"Unavailable\""))
        .collect();
    assert!(
        !unavailable.is_empty(),
        "changes fail too once their tables are gone"
    );
    for answer in unavailable {
        assert!(
            !answer.request_id.is_empty() && answer.body.contains(&answer.request_id),
            "{} names its request id {}: {}",
            answer.endpoint,
            answer.request_id,
            answer.body
        );
    }
    w.stop().await;
}
