//! Reading the log back: keyset pagination, filters, time windows, and query plans that use
//! indexes (so pages stay fast at a million rows).

use crate::audit_support;

use app::domain::audit::{Outcome, Status};
use app::domain::audit_filter::Cursor;
use app::services::audit::query::{self, Filter};
use app::services::audit::{self, stats, NewEvent};
use audit_support::{attempt, bulk_append, event, temp_db};

const CUSTOMERS: [&str; 3] = ["acme", "globex", "initech"];

/// Rows with a given time, for windows; the chain does not matter to these tests.
async fn insert_at(pool: &sqlx::SqlitePool, n: i64, occurred_at: &str, customer: &str) {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, kind, customer, action, outcome, prev_hash, hash)
         VALUES (?, 'event', ?, 'auth.sign_in', 'success', ?, ?)",
    )
    .bind(occurred_at)
    .bind(customer)
    .bind(format!("prev-{n}"))
    .bind(format!("hash-{n}"))
    .execute(pool)
    .await
    .unwrap();
}

async fn walk(pool: &sqlx::SqlitePool, filter: &Filter, size: u32) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut cursor = Cursor::Latest;
    loop {
        let page = query::page(pool, filter, cursor, size).await.unwrap();
        pages.push(page.rows.iter().map(|r| r.id).collect::<Vec<_>>());
        match page.older {
            Some(id) => cursor = Cursor::Before(id),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn keyset_pages_cover_every_row_once_both_ways() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..237).map(|i| {
            let outcome = if i % 4 == 0 {
                Outcome::Failure
            } else {
                Outcome::Success
            };
            event(CUSTOMERS[i % 3], "auth.sign_in", outcome)
        }),
    )
    .await;

    for filter in [
        Filter::default(),
        Filter {
            customer: Some("globex".to_string()),
            ..Filter::default()
        },
        Filter {
            customer: Some("acme".to_string()),
            outcome: Some(Outcome::Failure),
            ..Filter::default()
        },
    ] {
        let expected: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM audit_events WHERE (?1 IS NULL OR customer = ?1)
             AND (?2 IS NULL OR outcome = ?2) ORDER BY id DESC",
        )
        .bind(&filter.customer)
        .bind(filter.outcome.map(|o| o.as_str()))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let pages = walk(&db.pool, &filter, 20).await;
        assert!(pages.iter().all(|p| p.len() <= 20));
        assert_eq!(pages.concat(), expected, "{filter:?}");

        // Back from the oldest page with `after`: the same pages in reverse.
        let mut back = Vec::new();
        let mut cursor = Cursor::Before(*expected.last().unwrap() + 1);
        loop {
            let page = query::page(&db.pool, &filter, cursor, 20).await.unwrap();
            back.push(page.rows.iter().map(|r| r.id).collect::<Vec<_>>());
            match page.newer {
                Some(id) => cursor = Cursor::After(id),
                None => break,
            }
        }
        back.reverse();
        assert_eq!(back.concat(), expected, "{filter:?}");
    }
}

#[tokio::test]
async fn the_newest_page_has_no_newer_link_and_an_empty_filter_no_links() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..5).map(|_| event("acme", "auth.sign_in", Outcome::Success)),
    )
    .await;
    let page = query::page(&db.pool, &Filter::default(), Cursor::Latest, 50)
        .await
        .unwrap();
    assert_eq!((page.rows.len(), page.newer, page.older), (5, None, None));
    let none = Filter {
        customer: Some("nobody".to_string()),
        ..Filter::default()
    };
    let page = query::page(&db.pool, &none, Cursor::Latest, 50)
        .await
        .unwrap();
    assert!(page.rows.is_empty() && page.newer.is_none() && page.older.is_none());
}

#[tokio::test]
async fn dates_are_whole_utc_days() {
    let db = temp_db().await;
    let times = [
        "2026-10-31T23:59:59.999Z",
        "2026-11-01T00:00:00.000Z",
        "2026-11-15T12:00:00.000Z",
        "2026-11-30T23:59:59.999Z",
        "2026-12-01T00:00:00.000Z",
    ];
    for (n, at) in times.iter().enumerate() {
        insert_at(&db.pool, n as i64, at, "acme").await;
    }
    let november = Filter {
        since: Some("2026-11-01".to_string()),
        until: Some("2026-11-30T24".to_string()),
        ..Filter::default()
    };
    let page = query::page(&db.pool, &november, Cursor::Latest, 50)
        .await
        .unwrap();
    let got: Vec<&str> = page.rows.iter().map(|r| r.occurred_at.as_str()).collect();
    assert_eq!(got, [times[3], times[2], times[1]]);

    let later = Filter {
        since: Some("2027-01-01".to_string()),
        ..Filter::default()
    };
    assert!(query::page(&db.pool, &later, Cursor::Latest, 50)
        .await
        .unwrap()
        .rows
        .is_empty());
}

#[tokio::test]
async fn outcome_unknown_includes_attempts_without_result() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        [
            event("acme", "auth.sign_in", Outcome::Success),
            attempt("acme", "limits.total", serde_json::json!({"credits": 100})),
            event("acme", "auth.sign_in", Outcome::Unknown),
        ],
    )
    .await;
    let filter = Filter {
        outcome: Some(Outcome::Unknown),
        ..Filter::default()
    };
    let page = query::page(&db.pool, &filter, Cursor::Latest, 50)
        .await
        .unwrap();
    let statuses: Vec<Status> = page.rows.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Status::Done(Outcome::Unknown), Status::Open]);
}

/// The two kinds of unknown rows (recorded unknown outcomes, open attempts) are read as two
/// index walks and merged: every page, both ways, with and without other filters.
#[tokio::test]
async fn unknown_outcome_pages_merge_open_attempts_and_unknown_results() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..150).map(|i| {
            let customer = CUSTOMERS[i % 3];
            if i % 5 == 0 {
                NewEvent {
                    idempotency_key: Some(format!("open-{i}")),
                    ..attempt(customer, "limits.total", serde_json::json!({}))
                }
            } else if i % 7 == 0 {
                event(customer, "auth.sign_in", Outcome::Unknown)
            } else {
                event(customer, "auth.sign_in", Outcome::Success)
            }
        }),
    )
    .await;
    let unknown = |customer: Option<&str>, since: Option<&str>| Filter {
        customer: customer.map(str::to_string),
        outcome: Some(Outcome::Unknown),
        since: since.map(str::to_string),
        ..Filter::default()
    };
    for filter in [
        unknown(None, None),
        unknown(Some("globex"), None),
        unknown(None, Some("2000-01-01")),
    ] {
        let expected: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM audit_events
             WHERE (outcome = 'unknown' OR id IN (SELECT attempt_id FROM audit_open_attempts))
               AND (?1 IS NULL OR customer = ?1) ORDER BY id DESC",
        )
        .bind(&filter.customer)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert!(expected.len() > 12, "{filter:?}: several pages");
        let pages = walk(&db.pool, &filter, 6).await;
        assert!(pages.iter().all(|p| p.len() <= 6));
        assert_eq!(pages.concat(), expected, "{filter:?}");

        let mut back = Vec::new();
        let mut cursor = Cursor::Before(*expected.last().unwrap() + 1);
        loop {
            let page = query::page(&db.pool, &filter, cursor, 6).await.unwrap();
            back.push(page.rows.iter().map(|r| r.id).collect::<Vec<_>>());
            match page.newer {
                Some(id) => cursor = Cursor::After(id),
                None => break,
            }
        }
        back.reverse();
        assert_eq!(back.concat(), expected, "{filter:?}");
    }
}

#[tokio::test]
async fn the_chart_counts_outcomes_per_day() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        [
            event("acme", "auth.sign_in", Outcome::Success),
            event("acme", "auth.sign_in", Outcome::Success),
            event("acme", "auth.sign_in", Outcome::Failure),
            attempt("acme", "limits.total", serde_json::json!({})),
        ],
    )
    .await;
    let days = stats::daily_outcomes(&db.pool, 30).await.unwrap();
    assert_eq!(days.len(), 30);
    let today = days.last().unwrap();
    assert_eq!((today.success, today.failure, today.unknown), (2, 1, 0));
    assert!(days[..29].iter().all(|d| d.total() == 0));
    assert_eq!(
        audit::unresolved_attempts(&db.pool, Some("acme"))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Every filter combination is answered through an index in id order: no full scan of the
/// log, no sort of its rows, and the most selective filter leads.
#[tokio::test]
async fn page_queries_use_indexes() {
    let db = temp_db().await;
    bulk_append(
        &db.pool,
        (0..50).map(|i| event(CUSTOMERS[i % 3], "auth.sign_in", Outcome::Success)),
    )
    .await;
    let text = |s: &str| Some(s.to_string());
    let any = Filter::default;
    let cases = [
        (any(), None),
        (
            Filter {
                customer: text("acme"),
                ..any()
            },
            Some("audit_events_customer"),
        ),
        (
            Filter {
                operator: text("ann@example.com"),
                ..any()
            },
            Some("audit_events_operator"),
        ),
        (
            Filter {
                action: text("auth.sign_in"),
                ..any()
            },
            Some("audit_events_action"),
        ),
        (
            Filter {
                outcome: Some(Outcome::Failure),
                ..any()
            },
            Some("audit_events_outcome"),
        ),
        (
            Filter {
                customer: text("acme"),
                outcome: Some(Outcome::Failure),
                ..any()
            },
            Some("audit_events_customer"),
        ),
        (
            Filter {
                operator: text("ann@example.com"),
                action: text("auth.sign_in"),
                ..any()
            },
            Some("audit_events_operator"),
        ),
        (
            Filter {
                since: text("2000-01-01"),
                until: text("2100-01-01T24"),
                ..any()
            },
            Some("INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
        ),
        (
            Filter {
                customer: text("acme"),
                since: text("2000-01-01"),
                ..any()
            },
            Some("audit_events_customer (customer=? AND id>?"),
        ),
        (
            Filter {
                outcome: Some(Outcome::Unknown),
                ..any()
            },
            Some("audit_events_outcome"),
        ),
    ];
    for (filter, index) in cases {
        for cursor in [Cursor::Latest, Cursor::Before(30), Cursor::After(10)] {
            let plan = query::explain_page(&db.pool, &filter, cursor)
                .await
                .unwrap();
            let joined = plan.join(" | ");
            let context = format!("{filter:?} {cursor:?}: {joined}");
            assert!(!joined.contains("TEMP B-TREE"), "{context}");
            if let Some(index) = index {
                assert!(joined.contains(index), "{context}");
            }
            for line in &plan {
                // A rowid-order scan is right only with no filter at all: it stops after a page.
                let full_scan = line.starts_with("SCAN e") && filter != any();
                assert!(!full_scan, "{context}");
            }
        }
    }
}
