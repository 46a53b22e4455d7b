//! Every server function, sent malformed and extreme values by a signed-in admin (who may call
//! all of them): the answer is a 4xx with a readable message for changes, never a 5xx for
//! anything; SendGrid's state is the same afterwards, no change was sent, and the audit log
//! gained nothing but refusals.

use crate::limits_support::Harness;

use serde_json::Value;

/// Values no field should accept as a change (none is empty: an empty optional field is a
/// legitimate "not given").
fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "\0",
        "abc\0def",
        "\u{202E}resu\u{202C}",
        "e\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}",
        "😀👩‍👩‍👧‍👦🏳️‍🌈",
        "\u{FEFF}\u{200B}",
        "\u{FFFF}\u{10FFFF}",
        "' OR '1'='1",
        "x'); DROP TABLE audit_events; --",
        "<img src=x onerror=alert(1)>",
        "<script>alert(document.cookie)</script>",
        "-1",
        "-9223372036854775809",
        "9223372036854775808",
        "99999999999999999999999999999999",
        "1e309",
        "NaN",
        "0x10",
        "2026-02-30",
        "9999-99-99",
        "31/12/2026",
        "../..",
        "../../etc/passwd",
        "%2e%2e",
        "%2e%2e%2f%2e%2e",
        "..%2F..%2F",
        "..\\..",
        "/",
        "?task=immediate_close",
        "a&user=other",
    ]
    .iter()
    .map(|v| v.to_string())
    .collect();
    values.push("x".repeat(100_000));
    values
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// Changes something: hostile input must be refused with a 4xx.
    Change,
    /// Reads or searches: a 2xx (nothing found) or a 4xx, never a 5xx.
    Read,
}

struct Endpoint {
    name: &'static str,
    kind: Kind,
    /// Arguments that are well formed (each case replaces one of them).
    base: Vec<(&'static str, String)>,
    /// Fields whose hostile value alone must stop a change.
    vary: Vec<&'static str>,
    /// Fields that do not decide whether a change happens (a key, a label): varied together
    /// with a hostile `user_field` so the change is refused whatever they hold.
    vary_with_bad_user: Vec<&'static str>,
    user_field: Option<&'static str>,
}

fn endpoint(
    name: &'static str,
    kind: Kind,
    base: &[(&'static str, &str)],
    vary: &[&'static str],
) -> Endpoint {
    Endpoint {
        name,
        kind,
        base: base.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        vary: vary.to_vec(),
        vary_with_bad_user: vec![],
        user_field: None,
    }
}

impl Endpoint {
    fn also_with_bad_user(mut self, user_field: &'static str, fields: &[&'static str]) -> Self {
        self.user_field = Some(user_field);
        self.vary_with_bad_user = fields.to_vec();
        self
    }

    /// Every case: `(label, form pairs)`.
    fn cases(&self) -> Vec<(String, Vec<(String, String)>)> {
        let base: Vec<(String, String)> = self
            .base
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let with = |pairs: &[(String, String)], field: &str, value: &str| {
            pairs
                .iter()
                .map(|(k, v)| {
                    if k == field {
                        (k.clone(), value.to_string())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut cases = vec![];
        for value in hostile_values() {
            let shown: String = value.chars().take(24).collect();
            for field in &self.vary {
                cases.push((format!("{field}={shown:?}"), with(&base, field, &value)));
            }
            if let Some(user_field) = self.user_field {
                let bad_user = with(&base, user_field, "../..");
                for field in &self.vary_with_bad_user {
                    cases.push((
                        format!("{user_field}=../.. {field}={shown:?}"),
                        with(&bad_user, field, &value),
                    ));
                }
            }
        }
        // A blank value, which trims to nothing: for a read any field, for a change the
        // customer (other fields may be blank when optional, and the change then happens).
        let blank: Vec<&str> = match self.kind {
            Kind::Read => self.vary.clone(),
            Kind::Change => self.user_field.into_iter().collect(),
        };
        for field in blank {
            cases.push((format!("{field} blank"), with(&base, field, "   ")));
        }
        // Each required field missing, the whole form missing, a field given twice, and an
        // array where a value goes.
        // A change missing an optional field may go through, so there the customer is bad.
        let base_for_missing = match (self.kind, self.user_field) {
            (Kind::Change, Some(user_field)) => with(&base, user_field, "../.."),
            _ => base.clone(),
        };
        for (missing, _) in &base {
            let rest: Vec<_> = base_for_missing
                .iter()
                .filter(|(k, _)| k != missing)
                .cloned()
                .collect();
            cases.push((format!("without {missing}"), rest));
        }
        if !base.is_empty() {
            cases.push(("no fields at all".into(), vec![]));
            let mut twice = base.clone();
            twice.push(base[0].clone());
            cases.push((format!("{} twice", base[0].0), twice));
            let mut array = base.clone();
            array[0].0 = format!("{}[]", base[0].0);
            cases.push((format!("{}[] as an array", base[0].0), array));
        }
        cases
    }
}

/// What a customer-shaped field may legitimately hold when it names a real customer.
struct World {
    user: String,
    account: String,
    subuser: String,
}

fn table(w: &World) -> Vec<Endpoint> {
    use Kind::{Change, Read};
    let user = w.user.as_str();
    let account = w.account.as_str();
    vec![
        // Plan (API.md §2).
        endpoint("get_plan", Read, &[("user", user)], &["user", "key"]),
        endpoint(
            "change_plan",
            Change,
            &[
                ("user", user),
                ("action", "upgrade"),
                ("timing", "now"),
                ("package", "Platinum Package"),
                ("ip", "198.51.100.250"),
                ("ip_group", ""),
                ("idempotency_key", "hostile-plan"),
            ],
            &["user", "action", "timing", "package", "ip", "ip_group"],
        )
        .also_with_bad_user("user", &["idempotency_key", "confirm"]),
        endpoint(
            "cancel_pending_change",
            Change,
            &[("user", user), ("idempotency_key", "hostile-cancel")],
            &["user"],
        )
        .also_with_bad_user("user", &["idempotency_key"]),
        // Limits (§3).
        endpoint(
            "get_limits",
            Read,
            &[("user", user), ("target", &w.subuser)],
            &["user", "target", "key"],
        ),
        endpoint(
            "set_credit_limit",
            Change,
            &[
                ("user", user),
                ("target", &w.subuser),
                ("task", "recurring"),
                ("credits", "500"),
                ("period", "monthly"),
                ("start_date", "2000-01-01"),
                ("end_date", ""),
                ("initial_credits", ""),
                ("idempotency_key", "hostile-limit"),
            ],
            &["user", "target", "task", "credits", "period", "start_date"],
        )
        .also_with_bad_user("user", &["end_date", "initial_credits", "idempotency_key"]),
        // Offerings and state (§5).
        endpoint(
            "get_offerings",
            Read,
            &[("user", account)],
            &["user", "key"],
        ),
        endpoint(
            "update_offerings",
            Change,
            &[
                ("user", account),
                (
                    "offerings",
                    "package:org.ei.pro100k.v1:1,addon:org.nope.v1:1",
                ),
                ("timing", "now"),
                ("apply_on", ""),
                ("confirm", ""),
                ("idempotency_key", "hostile-offerings"),
            ],
            &["user", "offerings", "timing"],
        )
        .also_with_bad_user("user", &["apply_on", "confirm", "idempotency_key"]),
        endpoint(
            "change_account_state",
            Change,
            &[
                ("user", account),
                ("state", "banned"),
                ("timing", "now"),
                ("apply_on", ""),
                ("idempotency_key", "hostile-state"),
            ],
            &["user", "state", "timing"],
        )
        .also_with_bad_user("user", &["apply_on", "idempotency_key"]),
        endpoint(
            "cancel_scheduled_change",
            Change,
            &[("user", account), ("job_id", "1")],
            &["user", "job_id"],
        )
        .also_with_bad_user("user", &[]),
        // Directory.
        endpoint("get_customer", Read, &[("key", user)], &["key"]),
        endpoint(
            "search_customers",
            Read,
            &[
                ("query[q]", ""),
                ("query[package]", ""),
                ("query[state]", ""),
                ("query[sort]", "Name"),
                ("query[descending]", "false"),
                ("query[page]", "1"),
            ],
            &[
                "query[q]",
                "query[package]",
                "query[state]",
                "query[sort]",
                "query[descending]",
                "query[page]",
            ],
        ),
        endpoint(
            "link_customers",
            Change,
            &[
                ("username", user),
                ("account_id", "sg00000000000000000000000000000000"),
            ],
            &["username", "account_id"],
        ),
        endpoint(
            "unlink_customers",
            Change,
            &[
                ("username", user),
                ("account_id", "sg00000000000000000000000000000000"),
            ],
            &["username", "account_id"],
        ),
        endpoint("get_directory_facets", Read, &[], &[]),
        endpoint("directory_status", Read, &[], &[]),
        endpoint("refresh_directory", Read, &[], &[]),
        endpoint("refresh_catalog", Read, &[], &[]),
        endpoint("get_me", Read, &[], &[]),
        // Audit.
        endpoint(
            "list_audit_events",
            Read,
            &[("query[customer]", user)],
            &[
                "query[operator]",
                "query[customer]",
                "query[action]",
                "query[outcome]",
                "query[from]",
                "query[to]",
                "query[before]",
                "query[after]",
            ],
        ),
        endpoint("get_audit_event", Read, &[("id", "1")], &["id"]),
        endpoint("audit_daily_counts", Read, &[], &[]),
        endpoint(
            "list_unresolved",
            Read,
            &[("customer", user)],
            &["customer"],
        ),
        endpoint(
            "customer_history",
            Read,
            &[("customer", user), ("before", "10")],
            &["customer", "before"],
        ),
        endpoint("open_in_sendgrid", Change, &[("user", user)], &["user"]),
        endpoint(
            "list_waiting_changes",
            Read,
            &[("kind", ""), ("due_by", "")],
            &["kind", "due_by"],
        ),
        endpoint(
            "reconcile_attempt",
            Change,
            &[
                ("attempt_id", "1"),
                ("idempotency_key", "hostile-reconcile"),
            ],
            &["attempt_id"],
        ),
        // Operators and the session.
        endpoint("list_operators", Read, &[], &[]),
        endpoint(
            "add_operator",
            Change,
            &[
                ("email", "new@example.com"),
                ("display_name", "New"),
                ("role", "support"),
            ],
            &["email", "role"],
        )
        .also_with_bad_user("email", &["display_name"]),
        endpoint(
            "change_operator_role",
            Change,
            &[("email", "support@example.com"), ("role", "support")],
            &["email", "role"],
        ),
        endpoint(
            "disable_operator",
            Change,
            &[("email", "nobody@example.com")],
            &["email"],
        ),
        endpoint(
            "change_password",
            Change,
            &[
                ("current_password", "not the password"),
                ("new_password", "a new long password 123"),
                ("confirm_password", "a new long password 123"),
            ],
            &["current_password", "new_password", "confirm_password"],
        ),
        endpoint("set_theme", Change, &[("theme", "dark")], &["theme"]),
    ]
}

/// SendGrid calls that change something, from the simulator's call log.
fn changing_calls(calls: &[Value]) -> Vec<Value> {
    calls
        .iter()
        .filter(|c| {
            let task = c["task"].as_str().unwrap_or_default();
            let reads = ["overview", "retrieve", "get", "list", "free", "all", ""];
            let v3_write =
                c["path"].as_str().unwrap_or_default().starts_with("/v3/") && c["method"] != "GET";
            v3_write || !reads.contains(&task)
        })
        .cloned()
        .collect()
}

fn readable(text: &str) -> bool {
    !text.trim().is_empty() && !text.contains("panicked") && !text.contains("RUST_BACKTRACE")
}

#[tokio::test]
async fn no_hostile_input_breaks_a_server_function_or_changes_anything() {
    let h = Harness::start(20, 3600).await;
    let t = &h.t;
    let (user, account) = h.linked_customer(&[]).await;
    let (_, subuser) = h.customer_with_subuser().await;
    t.sync().await;
    let world = World {
        user,
        account,
        subuser,
    };
    let client = &t.admin;

    let upstream_before = t.sim_get("/_sim/customers").await;
    let calls_before = t.sim_get("/_sim/calls").await.as_array().unwrap().len();
    let last_audit_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_events")
        .fetch_one(&t.console.pool)
        .await
        .unwrap();

    let mut failures = vec![];
    let mut sent = 0;
    for endpoint in table(&world) {
        let url = format!("{}/api/{}", t.console.url(), endpoint.name);
        for (label, pairs) in endpoint.cases() {
            let response = client
                .post(&url)
                .header("accept", "application/json")
                .form(&pairs)
                .send()
                .await
                .expect("the console answers");
            sent += 1;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let ok = match endpoint.kind {
                Kind::Change => (400..500).contains(&status) && readable(&text),
                Kind::Read => status < 500 && (status < 400 || readable(&text)),
            };
            if !ok {
                let excerpt: String = text.chars().take(200).collect();
                failures.push(format!("{} {label}: {status} {excerpt}", endpoint.name));
            }
        }
        // A JSON body where a form is expected, with wrong types in it.
        let json = client
            .post(&url)
            .header("accept", "application/json")
            .json(&serde_json::json!({"user": 5, "credits": [1, 2], "id": {"a": null}}))
            .send()
            .await
            .unwrap();
        let status = json.status().as_u16();
        if status >= 500 || (endpoint.kind == Kind::Change && status < 400) {
            failures.push(format!("{} JSON body: {status}", endpoint.name));
        }
        // 10 MB.
        let huge = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("user={}", "a".repeat(10 * 1024 * 1024)))
            .send()
            .await
            .unwrap();
        if huge.status() != 413 {
            failures.push(format!("{} 10 MB body: {}", endpoint.name, huge.status()));
        }
        sent += 2;
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} hostile calls were answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Nothing changed at SendGrid, and no change was even sent.
    assert_eq!(t.sim_get("/_sim/customers").await, upstream_before);
    let calls = t.sim_get("/_sim/calls").await;
    let new_calls = &calls.as_array().unwrap()[calls_before..];
    assert_eq!(changing_calls(new_calls), Vec::<Value>::new());

    // The audit log gained refusals at most.
    let added: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT kind, action, outcome FROM audit_events WHERE id > ? ORDER BY id")
            .bind(last_audit_id)
            .fetch_all(&t.console.pool)
            .await
            .unwrap();
    let not_refused: Vec<_> = added
        .iter()
        .filter(|(_, _, outcome)| outcome.as_deref() != Some("refused"))
        .collect();
    assert!(
        not_refused.is_empty(),
        "audit rows written: {not_refused:?}"
    );
    // The chain still verifies.
    let verified = app::services::audit::verify(&t.console.pool).await.unwrap();
    assert!(
        matches!(verified, app::services::audit::Verification::Ok { .. }),
        "{verified:?}"
    );
    h.stop().await;
}
