//! Saved views over HTTP: each operator keeps their own named filters of the screens their role
//! reads, stored in the screen's own canonical form; the same name replaces; a refused form
//! changes nothing; pinned ones are counted live on the home page; every change is audited.

use crate::limits_support::{invalid_fields, Harness};
use serde_json::Value;

async fn count(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn save(h: &Harness, client: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, Value) {
    h.t.call(client, "save_view", fields).await
}

#[tokio::test]
async fn each_operator_keeps_their_own_views_and_pinned_ones_are_counted_live() {
    let h = Harness::start(20, 3600).await;
    let t = &h.t;
    t.sync().await;
    let pool = &t.console.pool;
    let package: String =
        sqlx::query_scalar("SELECT package FROM customers WHERE package IS NOT NULL LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
    let on_package: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE package = ?")
        .bind(&package)
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(on_package > 0);

    // Stored as the screen writes it: defaults, the page and the sort's default left out.
    let raw = format!("package={}&page=2&sort=name", package.replace(' ', "+"));
    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "customers"),
            ("name", "  On the   package "),
            ("query", &raw),
            ("pinned", "on"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["replaced"], false);
    let view = &body["view"];
    assert_eq!(view["name"], "On the package");
    assert_eq!(
        view["query"],
        format!("package={}", package.replace(' ', "%20"))
    );
    let customers_view = view["id"].as_i64().unwrap();

    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "audit"),
            ("name", "My saves"),
            ("query", "action=view.save&before=99"),
            ("pinned", "on"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["view"]["query"], "action=view.save");

    // The home page counts what each screen would list now.
    let (status, pinned) = t.call(&t.manager, "pinned_views", &[]).await;
    assert_eq!(status, 200, "{pinned}");
    let pinned = pinned.as_array().unwrap().clone();
    assert_eq!(pinned.len(), 2, "{pinned:?}");
    let saves = count(
        pool,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'view.save'",
    )
    .await;
    assert_eq!(saves, 2, "each save is in the log");
    let counted: Vec<(String, Value)> = pinned
        .iter()
        .map(|p| {
            (
                p["view"]["name"].as_str().unwrap().to_string(),
                p["count"].clone(),
            )
        })
        .collect();
    assert!(
        counted.contains(&(
            "My saves".to_string(),
            serde_json::json!({ "Exactly": saves })
        )),
        "{counted:?}"
    );
    assert!(
        counted.contains(&(
            "On the package".to_string(),
            serde_json::json!({ "Exactly": on_package })
        )),
        "{counted:?}"
    );

    // Someone else's views are not theirs to see, pin or remove.
    let (_, admins) = t
        .call(&t.admin, "list_saved_views", &[("screen", "customers")])
        .await;
    assert_eq!(admins, serde_json::json!([]));
    let (_, admins) = t.call(&t.admin, "pinned_views", &[]).await;
    assert_eq!(admins, serde_json::json!([]));
    let id = customers_view.to_string();
    let (status, body) = t.call(&t.admin, "delete_view", &[("id", &id)]).await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = t
        .call(&t.admin, "pin_view", &[("id", &id), ("pinned", "false")])
        .await;
    assert_eq!(status, 404);

    // The same name again replaces the filter; still one view of that name.
    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "customers"),
            ("name", "On the package"),
            ("query", "q=nobody-matches-this"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["replaced"], true);
    assert_eq!(body["view"]["id"], customers_view);
    assert_eq!(body["view"]["pinned"], false, "the box unticked unpins it");
    let (_, mine) = t
        .call(&t.manager, "list_saved_views", &[("screen", "customers")])
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["query"], "q=nobody-matches-this");

    // Unpinned and removed by their owner, each audited.
    let (status, _) = t
        .call(&t.manager, "pin_view", &[("id", &id), ("pinned", "true")])
        .await;
    assert_eq!(status, 200);
    let (_, pinned) = t.call(&t.manager, "pinned_views", &[]).await;
    let zero = pinned
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["view"]["id"] == customers_view)
        .expect("pinned again");
    assert_eq!(zero["count"], serde_json::json!({ "Exactly": 0 }));
    let (status, body) = t.call(&t.manager, "delete_view", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, mine) = t
        .call(&t.manager, "list_saved_views", &[("screen", "customers")])
        .await;
    assert_eq!(mine, serde_json::json!([]));
    let logged: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, operator, params FROM audit_events WHERE action LIKE 'view.%' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let actions: Vec<&str> = logged.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "view.save",
            "view.save",
            "view.save",
            "view.save",
            "view.delete"
        ]
    );
    assert!(logged.iter().all(|(_, by, _)| by == "manager@example.com"));
    assert!(logged[4].2.contains("On the package"), "{}", logged[4].2);
    h.stop().await;
}

#[tokio::test]
async fn refused_views_change_nothing_and_roles_keep_views_of_what_they_read() {
    let h = Harness::start(5, 3600).await;
    let t = &h.t;
    let pool = &t.console.pool;
    let events = || count(pool, "SELECT COUNT(*) FROM audit_events");
    let before = events().await;

    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "audit"),
            ("name", "   "),
            ("query", "outcome=maybe"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Name", "Query"]);
    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "audit"),
            ("name", "Backwards"),
            ("query", "from=2026-11-02&to=2026-11-01"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Query"]);
    let (status, body) = save(
        &h,
        &t.manager,
        &[
            ("screen", "operators"),
            ("name", "Elsewhere"),
            ("query", ""),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // Support reads customers, not the audit log: views of the one, not the other.
    let (status, _) = save(
        &h,
        &t.support,
        &[
            ("screen", "audit"),
            ("name", "Failures"),
            ("query", "outcome=failure"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = t
        .call(&t.support, "list_saved_views", &[("screen", "audit")])
        .await;
    assert_eq!(status, 403);
    let (status, body) = save(
        &h,
        &t.support,
        &[("screen", "customers"), ("name", "Everyone"), ("query", "")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM saved_views").await,
        1,
        "only the allowed save was kept"
    );
    assert_eq!(
        events().await,
        before + 1,
        "only the allowed save was logged"
    );

    // A screen's views are capped; the refusal says how to go on, and nothing is kept.
    let support_id: i64 =
        sqlx::query_scalar("SELECT id FROM operators WHERE email = 'support@example.com'")
            .fetch_one(pool)
            .await
            .unwrap();
    for n in 1..app::domain::saved_view::VIEWS_PER_SCREEN {
        sqlx::query(
            "INSERT INTO saved_views (operator_id, screen, name, query, created_at, updated_at)
             VALUES (?, 'customers', ?, '', '2026-12-07', '2026-12-07')",
        )
        .bind(support_id)
        .bind(format!("view {n}"))
        .execute(pool)
        .await
        .unwrap();
    }
    let (status, body) = save(
        &h,
        &t.support,
        &[
            ("screen", "customers"),
            ("name", "One too many"),
            ("query", "q=x"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Name"]);
    let (status, body) = save(
        &h,
        &t.support,
        &[
            ("screen", "customers"),
            ("name", "view 3"),
            ("query", "q=x"),
        ],
    )
    .await;
    assert_eq!(
        status, 200,
        "replacing one stays possible at the cap: {body}"
    );
    h.stop().await;
}
