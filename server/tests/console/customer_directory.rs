//! The customer directory over HTTP against the simulator: the sync's merge (v2 only, v3 only,
//! joined by email in any case), a failed sync keeping the last good data, progress, search,
//! filters, sort, pages, admin links, and the pages themselves.

use crate::{customers_support, support};

use std::collections::HashMap;

use customers_support::{fault, Customers};
use sendgrid::{AccountProfile, NewAccount, Offering};
use serde_json::{json, Value};

/// Directory rows by key, from one page large enough for the whole directory.
async fn rows_by_key(t: &Customers) -> HashMap<String, Value> {
    let mut rows = HashMap::new();
    for page in 1.. {
        let body = t.search(&[("page", &page.to_string())]).await;
        for row in body["rows"].as_array().unwrap() {
            rows.insert(row["key"].as_str().unwrap().to_string(), row.clone());
        }
        if page >= body["pages"].as_u64().unwrap() {
            break;
        }
    }
    rows
}

#[tokio::test]
async fn a_sync_merges_v2_customers_and_v3_accounts_by_email() {
    let t = Customers::start(30).await;
    // A v2-only customer gets a v3 account whose email differs only in case.
    let lone = t
        .sim_customers()
        .await
        .into_iter()
        .find(|c| !c["v2"].is_null() && c["v3"].is_null())
        .expect("a v2-only customer");
    let lone_user = lone["username"].as_str().unwrap().to_string();
    let shouted = lone["v2"]["email"].as_str().unwrap().to_uppercase();
    let account_id = t
        .upstream()
        .create_account(&NewAccount {
            profile: Some(AccountProfile {
                email: Some(shouted),
                ..Default::default()
            }),
            offerings: vec![Offering::package("org.ei.free.v1")],
            test_account: None,
        })
        .await
        .expect("account created");

    let status = t.sync().await;
    assert!(status["last_success_at"].is_string(), "{status}");
    assert!(status["last_failure_at"].is_null());
    let rows = rows_by_key(&t).await;
    let world = t.sim_customers().await;
    let missing: Vec<&Value> = world
        .iter()
        .filter(|c| c["v3"]["id"] != account_id.as_str())
        .filter(|c| {
            let key = c["username"]
                .as_str()
                .or(c["v3"]["id"].as_str())
                .unwrap_or_default();
            !rows.contains_key(key)
        })
        .collect();
    assert!(missing.is_empty(), "not in the directory: {missing:?}");
    // The new account joined its customer rather than being listed alone.
    assert_eq!(
        rows.len(),
        world.len() - 1,
        "every customer and account once"
    );
    assert_eq!(status["customers"], rows.len());

    for entry in &world {
        match (entry["v2"].is_null(), entry["v3"].is_null()) {
            (false, false) => {
                let row = &rows[entry["username"].as_str().unwrap()];
                assert_eq!(row["linkage"], "Email", "{row}");
                assert_eq!(row["account_id"], entry["v3"]["id"]);
                assert_eq!(
                    row["package"], entry["v2"]["package"],
                    "v2 names the package"
                );
                assert_eq!(row["state"], entry["v3"]["state"], "v3 gives the state");
            }
            (false, true) if entry["username"] != lone_user.as_str() => {
                let row = &rows[entry["username"].as_str().unwrap()];
                assert_eq!(row["linkage"], "V2Only", "{row}");
                assert!(row["account_id"].is_null());
            }
            (true, false) if entry["v3"]["id"] != account_id.as_str() => {
                let row = &rows[entry["v3"]["id"].as_str().unwrap()];
                assert_eq!(row["linkage"], "V3Only", "{row}");
                assert!(row["username"].is_null());
                assert!(
                    row["package"].as_str().unwrap().starts_with("org.ei."),
                    "{row}"
                );
            }
            _ => {}
        }
    }
    let lone_row = &rows[&lone_user];
    assert_eq!(
        lone_row["linkage"], "Email",
        "joined ignoring case: {lone_row}"
    );
    assert_eq!(lone_row["account_id"], account_id.as_str());
    t.console.stop().await;
}

#[tokio::test]
async fn a_failed_sync_keeps_the_last_good_directory_and_says_so() {
    let t = Customers::start(20).await;
    t.sync().await;
    let before = rows_by_key(&t).await;

    t.sim_post("/_sim/faults", fault("/v3/", Some(503), 1000))
        .await;
    let status = t.sync().await;
    assert!(status["last_failure_at"].is_string(), "{status}");
    assert!(
        status["last_failure"].as_str().unwrap().contains("503"),
        "{status}"
    );
    assert!(status["last_failure_at"].as_str() > status["last_success_at"].as_str());
    assert_eq!(rows_by_key(&t).await, before, "nothing was replaced");

    // The customers page says the directory shown is the last good one.
    let html = t
        .manager
        .get(format!("{}/customers", t.console.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("failed"), "{html}");
    assert!(html.contains("from the last good sync"), "{html}");

    t.clear_faults().await;
    let status = t.sync().await;
    assert!(status["last_success_at"].as_str() > status["last_failure_at"].as_str());
    t.console.stop().await;
}

#[tokio::test]
async fn search_filters_sorts_and_pages() {
    let t = Customers::start(120).await;
    t.sync().await;
    let all = t.search(&[]).await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 120, "{total}");
    assert_eq!(all["pages"], total.div_ceil(50));
    assert_eq!(all["rows"].as_array().unwrap().len(), 50);

    // Any word prefix of username, email, name or company finds the customer.
    let some = t
        .sim_customers()
        .await
        .into_iter()
        .find(|c| !c["v2"].is_null())
        .unwrap();
    let user = some["username"].as_str().unwrap();
    let v2 = &some["v2"];
    let email_local = v2["email"]
        .as_str()
        .unwrap()
        .split('@')
        .next()
        .unwrap()
        .to_string();
    let last_name = v2["last_name"].as_str().unwrap().to_string();
    for typed in [
        user[..user.len().min(6)].to_string(),
        email_local.clone(),
        last_name.to_lowercase(),
        format!(
            "{} {}",
            v2["first_name"].as_str().unwrap(),
            &last_name[..2.min(last_name.len())]
        ),
    ] {
        let found = t.search(&[("q", &typed)]).await;
        let keys: Vec<&str> = found["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap())
            .collect();
        assert!(
            keys.contains(&user),
            "{typed:?} should find {user}: {keys:?}"
        );
    }
    // Search text is words, never FTS5 syntax.
    let odd = t.search(&[("q", "\" OR * NEAR(")]).await;
    assert!(odd["total"].is_u64());
    let script = t.search(&[("q", "<script>alert")]).await;
    assert!(
        script["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["company"] == "<script>alert(1)</script>"),
        "{script}"
    );

    // Filters.
    let silver = t.search(&[("package", "Silver Package")]).await;
    let rows = silver["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["package"] == "Silver Package"));
    let suspended = t.search(&[("state", "inactive")]).await;
    assert!(suspended["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["state"] == "inactive"));

    // Sort by email, descending, and the last page.
    let by_email = t.search(&[("sort", "Email"), ("descending", "true")]).await;
    let emails: Vec<String> = by_email["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(emails, sorted);
    let last = t.search(&[("page", &all["pages"].to_string())]).await;
    assert_eq!(
        last["rows"].as_array().unwrap().len() as u64,
        total - 50 * (all["pages"].as_u64().unwrap() - 1)
    );
    let beyond = t.search(&[("page", "999")]).await;
    assert_eq!(
        beyond["page"], all["pages"],
        "a page past the end shows the last"
    );

    let (status, facets) = t.call(&t.support, "get_directory_facets", &[]).await;
    assert_eq!(status, 200);
    assert!(
        facets["packages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "Gold Package"),
        "{facets}"
    );
    t.console.stop().await;
}

#[tokio::test]
async fn admins_link_and_unlink_by_hand_and_it_is_audited() {
    let t = Customers::start(20).await;
    t.sync().await;
    let rows = rows_by_key(&t).await;
    let v2_only = rows
        .values()
        .find(|r| r["linkage"] == "V2Only")
        .expect("a v2-only row");
    let v3_only = rows
        .values()
        .find(|r| r["linkage"] == "V3Only")
        .expect("a v3-only row");
    let username = v2_only["username"].as_str().unwrap().to_string();
    let account = v3_only["account_id"].as_str().unwrap().to_string();
    let args = [
        ("username", username.as_str()),
        ("account_id", account.as_str()),
    ];

    let (status, _) = t.call(&t.manager, "link_customers", &args).await;
    assert_eq!(status, 403, "only admins link");
    let (status, body) = t.call(&t.admin, "link_customers", &args).await;
    assert_eq!(status, 200, "{body}");
    let rows = rows_by_key(&t).await;
    assert_eq!(rows[&username]["linkage"], "Manual");
    assert_eq!(rows[&username]["account_id"], account.as_str());
    assert!(
        !rows.contains_key(&account),
        "the v3-only row joined the customer"
    );

    // A later sync keeps the admin's link.
    t.sync().await;
    assert_eq!(rows_by_key(&t).await[&username]["linkage"], "Manual");

    let (status, body) = t.call(&t.admin, "unlink_customers", &args).await;
    assert_eq!(status, 200, "{body}");
    let rows = rows_by_key(&t).await;
    assert_eq!(rows[&username]["linkage"], "V2Only");
    assert_eq!(rows[&account]["linkage"], "V3Only");
    let (status, _) = t.call(&t.admin, "unlink_customers", &args).await;
    assert_eq!(status, 409, "already apart");
    let (status, _) = t
        .call(
            &t.admin,
            "link_customers",
            &[("username", "nobody"), ("account_id", &account)],
        )
        .await;
    assert_eq!(status, 404);

    let actions: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT action, operator FROM audit_events WHERE action LIKE 'directory.%' ORDER BY id",
    )
    .fetch_all(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            ("directory.link".into(), Some("admin@example.com".into())),
            ("directory.unlink".into(), Some("admin@example.com".into())),
        ]
    );
    t.console.stop().await;
}

#[tokio::test]
async fn progress_streams_while_a_sync_runs() {
    let t = Customers::start(20).await;
    // Slow every call down so the sync is still running when the stream is opened.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/", "latency_ms": 40}),
    )
    .await;
    let (status, started) = t.call(&t.support, "refresh_directory", &[]).await;
    assert_eq!(status, 200);
    assert!(!started["running"].is_null(), "{started}");
    let response = t.console.call(&t.support, "directory_progress", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = response.text().await.unwrap();
    let events: Vec<&str> = body.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert!(events.len() > 1, "{body}");
    assert!(events.iter().all(|e| e.starts_with("data: ")), "{body}");
    assert!(body.contains("data: details"), "{body}");
    let status = t.wait_for_sync().await;
    assert!(status["last_success_at"].is_string());

    // With nothing running the stream ends at once.
    let response = t.console.call(&t.support, "directory_progress", &[]).await;
    assert_eq!(response.text().await.unwrap(), "");
    t.console.stop().await;
}

/// The v2 profile pages and the v3 account pages are independent walks (API.md §4.1, §5.3):
/// the sync sends them side by side, so listing takes as long as the longer of the two.
#[tokio::test]
async fn a_sync_walks_the_v2_and_v3_lists_side_by_side() {
    let t = Customers::start(20).await;
    // Every v2 profile page takes 1.5 s to answer.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/apiv2/reseller.manage", "task": "get", "latency_ms": 1500}),
    )
    .await;
    reqwest::Client::new()
        .delete(format!("{}/_sim/calls", t.sim_url()))
        .send()
        .await
        .expect("the simulator forgets its calls");
    let (status, _) = t.call(&t.support, "refresh_directory", &[]).await;
    assert_eq!(status, 200);

    let started = std::time::Instant::now();
    let unanswered_v2_page = loop {
        let calls = t.sim_get("/_sim/calls").await;
        let calls = calls.as_array().cloned().unwrap_or_default();
        let v3_listed = calls.iter().any(|c| {
            c["path"] == "/v3/partners/accounts"
                && c["method"] == "GET"
                && c["account_id"].is_null()
        });
        if v3_listed {
            break calls.iter().any(|c| {
                c["path"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("reseller.manage")
                    && c["api_method"] == "profile"
                    && c["status"] == 0
            });
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no v3 account page was asked for: {calls:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        unanswered_v2_page,
        "the v3 accounts were listed only once the v2 profile pages were answered"
    );
    let status = t.wait_for_sync().await;
    assert!(status["last_success_at"].is_string(), "{status}");
    t.console.stop().await;
}

#[tokio::test]
async fn the_pages_render_customer_text_escaped() {
    let t = Customers::start(20).await;
    t.sync().await;
    let get = |path: String| {
        let client = t.support.clone();
        let url = format!("{}{path}", t.console.url());
        async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            // Without the renderer's hydration markers (`<!>`) after dynamic text.
            (status, response.text().await.unwrap().replace("<!>", ""))
        }
    };
    let (status, html) = get("/customers?q=script".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Search customers"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)</script>"));

    let user = t.customer_on("Basic Package", &[]).await;
    let (status, html) = get(format!("/customers/{user}")).await;
    assert_eq!(status, 200);
    for tab in ["Plan", "Limits", "Offerings", "History"] {
        assert!(html.contains(&format!(">{tab}</a>")), "tab {tab}");
    }
    assert!(html.contains("Basic Package"));
    assert!(
        html.contains("can read this plan but not change it"),
        "support sees no form"
    );

    let (status, _) = get("/customers/no-such-customer".into()).await;
    assert_eq!(status, 404);

    // The review step, server-rendered from the query string (the no-JavaScript path).
    let manager = t.manager.clone();
    let review = format!(
        "{}/customers/{user}/plan?review=1&action=close&timing=end_of_cycle&key=k",
        t.console.url()
    );
    let html = manager
        .get(review)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("at the end of the billing cycle on"),
        "{html}"
    );
    assert!(html.contains("Type the username to confirm"));
    assert!(html.contains("Confirm change"));
    t.console.stop().await;
}

#[tokio::test]
async fn the_console_syncs_at_start_up() {
    let console = support::TestConsole::start().await;
    console
        .add_operator("support@example.com", app::domain::Role::Support)
        .await;
    let client = console.signed_in("support@example.com").await;
    let started = std::time::Instant::now();
    loop {
        let response = console.call(&client, "directory_status", &[]).await;
        let status: Value = response.json().await.unwrap();
        if status["last_success_at"].is_string() {
            assert!(status["customers"].as_u64().unwrap() > 20, "{status}");
            break;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "no start-up sync: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    console.stop().await;
}

#[tokio::test]
async fn sorted_by_name_v3_only_accounts_take_their_place_by_what_the_list_shows() {
    let t = Customers::start(40).await;
    t.sync().await;
    let shown = |row: &serde_json::Value| {
        ["name", "email", "key"]
            .into_iter()
            .filter_map(|field| row[field].as_str())
            .find(|text| !text.trim().is_empty())
            .unwrap_or_default()
            .to_lowercase()
    };
    for descending in ["false", "true"] {
        let page = t
            .search(&[("sort", "Name"), ("descending", descending)])
            .await;
        let rows = page["rows"].as_array().unwrap();
        assert!(
            rows.iter().any(|r| r["linkage"] == "V3Only"),
            "the first page holds a v3-only account to place: {page}"
        );
        let names: Vec<String> = rows.iter().map(shown).collect();
        let mut sorted = names.clone();
        sorted.sort();
        if descending == "true" {
            sorted.reverse();
        }
        assert_eq!(names, sorted, "in the order people read");
    }
    t.console.stop().await;
}

#[tokio::test]
async fn go_to_finds_a_customer_by_exact_account_id_username_or_email_first() {
    let t = Customers::start(40).await;
    t.sync().await;
    let rows: Vec<(String, Option<String>, Option<String>, String)> = sqlx::query_as(
        "SELECT key, username, account_id, email FROM customers \
         WHERE username IS NOT NULL AND account_id IS NOT NULL LIMIT 1",
    )
    .fetch_all(&t.console.pool)
    .await
    .unwrap();
    let (key, username, account, email) = rows.into_iter().next().expect("a linked customer");
    let jump = |text: String| {
        let t = &t;
        async move {
            let (status, body) = t
                .call(&t.support, "jump_to_customer", &[("text", &text)])
                .await;
            assert_eq!(status, 200, "{body}");
            body.as_array()
                .unwrap()
                .iter()
                .map(|row| row["key"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    // The account id is not a search word: only the exact match finds it, and first.
    assert_eq!(jump(account.unwrap()).await, std::slice::from_ref(&key));
    assert_eq!(
        jump(username.unwrap().to_uppercase()).await.first(),
        Some(&key)
    );
    assert_eq!(jump(email.to_uppercase()).await.first(), Some(&key));
    let many = jump("e".to_string()).await;
    assert!(many.len() <= 8, "{many:?}");
    assert_eq!(
        jump("no-such-customer-anywhere".to_string()).await,
        Vec::<String>::new()
    );
    let (status, _) = t
        .call(&t.console.client(), "jump_to_customer", &[("text", "x")])
        .await;
    assert_eq!(status, 401);
    t.stop().await;
}
