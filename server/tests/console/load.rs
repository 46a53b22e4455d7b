//! Fifty signed-in operators at once for a minute (`make soak`; ignored by `cargo test`):
//! admins and managers read pages, search, the audit log, and change credit limits and plans
//! (each plan change on a customer no one else touches); support staff read. The console
//! answers no 5xx, the audit chain verifies, every attempt has exactly one result, and every
//! change SendGrid applied has exactly one success result. Latencies are printed, not judged.
//! `LOAD_SECONDS` shortens or lengthens the run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::Role;
use app::services::audit::{self, Verification};
use serde_json::Value;

use crate::customers_support::Customers;

const ADMINS: usize = 10;
const MANAGERS: usize = 25;
const SUPPORT: usize = 15;
/// Customers whose credit limits the operators change, all of them sharing the set.
const LIMIT_CUSTOMERS: usize = 30;

/// One request as measured: what it was, its status, how long it took.
struct Sample {
    kind: &'static str,
    status: u16,
    took: Duration,
}

struct Worker {
    client: reqwest::Client,
    changes: bool,
    /// Customers only this worker changes the plan of.
    plan_customers: Vec<String>,
}

struct Shared {
    url: String,
    limit_customers: Vec<String>,
    readable: Vec<String>,
    credits: AtomicU64,
    keys: AtomicU64,
    until: Instant,
}

async fn timed(
    samples: &mut Vec<Sample>,
    kind: &'static str,
    request: reqwest::RequestBuilder,
) -> Value {
    let started = Instant::now();
    let response = request.send().await.expect("the console answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    samples.push(Sample {
        kind,
        status,
        took: started.elapsed(),
    });
    assert!(status < 500, "{kind} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn call(
    shared: &Shared,
    client: &reqwest::Client,
    endpoint: &str,
    args: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/api/{endpoint}", shared.url))
        .header("accept", "application/json")
        .form(args)
}

async fn run(worker: Worker, shared: Arc<Shared>) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut plan_customers = worker.plan_customers.into_iter();
    let mut turn: u64 = 0;
    let client = &worker.client;
    while Instant::now() < shared.until {
        turn += 1;
        let pick = (turn as usize * 7919) % shared.readable.len();
        let user = shared.readable[pick].as_str();
        match (worker.changes, turn % 6) {
            (_, 0) => {
                let page = ["/", "/customers", "/audit", "/bulk"][(turn / 6 % 4) as usize];
                let path = if turn.is_multiple_of(12) {
                    format!("/customers/{user}")
                } else {
                    page.to_string()
                };
                timed(
                    &mut samples,
                    "page",
                    client.get(format!("{}{path}", shared.url)),
                )
                .await;
            }
            (_, 1) => {
                let q = &user[..user.len().min(3)];
                let args = [
                    ("query[q]", q),
                    ("query[package]", ""),
                    ("query[state]", ""),
                    ("query[sort]", "Name"),
                    ("query[descending]", "false"),
                    ("query[page]", "1"),
                ];
                timed(
                    &mut samples,
                    "search",
                    call(&shared, client, "search_customers", &args),
                )
                .await;
            }
            (false, _) | (true, 2) => {
                // Support may not read the audit log; they read a history instead.
                let which =
                    (turn / 6 % 3) + u64::from(!worker.changes && (turn / 6).is_multiple_of(3));
                let (kind, endpoint, args): (_, _, Vec<(&str, &str)>) = match which {
                    0 => (
                        "audit",
                        "list_audit_events",
                        vec![("query[customer]", user)],
                    ),
                    1 => ("history", "customer_history", vec![("customer", user)]),
                    _ => ("customer", "get_customer", vec![("key", user)]),
                };
                timed(&mut samples, kind, call(&shared, client, endpoint, &args)).await;
            }
            (true, 3) | (true, 4) => {
                let user =
                    &shared.limit_customers[(turn as usize * 31) % shared.limit_customers.len()];
                // Every total differs from every other, so each applied change is counted.
                let credits = shared.credits.fetch_add(1, Ordering::Relaxed).to_string();
                let key = format!("load-{}", shared.keys.fetch_add(1, Ordering::Relaxed));
                let args = [
                    ("user", user.as_str()),
                    ("task", "total"),
                    ("credits", credits.as_str()),
                    ("idempotency_key", key.as_str()),
                ];
                timed(
                    &mut samples,
                    "limit",
                    call(&shared, client, "set_credit_limit", &args),
                )
                .await;
            }
            (true, _) => {
                let Some(user) = plan_customers.next() else {
                    timed(
                        &mut samples,
                        "plan_read",
                        call(&shared, client, "get_plan", &[("user", user)]),
                    )
                    .await;
                    continue;
                };
                let key = format!("load-{}", shared.keys.fetch_add(1, Ordering::Relaxed));
                let args = [
                    ("user", user.as_str()),
                    ("action", "downgrade"),
                    ("timing", "now"),
                    ("package", "Free Package"),
                    ("ip", ""),
                    ("ip_group", ""),
                    ("confirm", user.as_str()),
                    ("idempotency_key", key.as_str()),
                ];
                timed(
                    &mut samples,
                    "plan",
                    call(&shared, client, "change_plan", &args),
                )
                .await;
            }
        }
    }
    samples
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(samples: &[Sample]) {
    let mut by_kind: HashMap<&str, Vec<Duration>> = HashMap::new();
    for sample in samples {
        by_kind.entry(sample.kind).or_default().push(sample.took);
        by_kind.entry("all").or_default().push(sample.took);
    }
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by_key(|(kind, _)| *kind);
    println!(
        "{:<10} {:>7} {:>9} {:>9}",
        "request", "count", "p50 ms", "p99 ms"
    );
    for (kind, mut took) in kinds {
        took.sort();
        println!(
            "{kind:<10} {:>7} {:>9} {:>9}",
            took.len(),
            percentile(&took, 0.50).as_millis(),
            percentile(&took, 0.99).as_millis()
        );
    }
    let mut statuses: HashMap<(&str, u16), usize> = HashMap::new();
    for sample in samples {
        *statuses.entry((sample.kind, sample.status)).or_default() += 1;
    }
    let mut statuses: Vec<_> = statuses.into_iter().collect();
    statuses.sort();
    println!("statuses: {statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a minute of load; run by `make soak`"]
async fn fifty_operators_for_a_minute_get_no_5xx_and_every_change_is_audited_once() {
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let t = Customers::start(400).await;
    t.sync().await;
    let everyone = t.sim_customers().await;
    let v2: Vec<&Value> = everyone
        .iter()
        .filter(|c| !c["v2"].is_null() && c["v2"]["active"] == true)
        .collect();
    let name = |c: &Value| c["username"].as_str().unwrap().to_string();
    let limit_customers: Vec<String> = v2.iter().take(LIMIT_CUSTOMERS).map(|c| name(c)).collect();
    let plan_pool: Vec<String> = v2
        .iter()
        .skip(LIMIT_CUSTOMERS)
        .filter(|c| c["v2"]["package"] != "Free Package" && c["v2"]["scheduled_change"].is_null())
        .map(|c| name(c))
        .collect();
    let readable: Vec<String> = v2.iter().map(|c| name(c)).collect();
    let watched: Vec<String> = limit_customers.iter().chain(&plan_pool).cloned().collect();
    let mut before = HashMap::new();
    for user in &watched {
        before.insert(
            user.clone(),
            t.sim_customer(user).await["changes"].as_i64().unwrap(),
        );
    }

    let roles = std::iter::repeat_n(Role::Admin, ADMINS)
        .chain(std::iter::repeat_n(Role::Manager, MANAGERS))
        .chain(std::iter::repeat_n(Role::Support, SUPPORT));
    let mut operators = Vec::new();
    for (n, role) in roles.enumerate() {
        let email = format!("load{n}@example.com");
        t.console.add_operator(&email, role).await;
        operators.push((email, role));
    }
    let clients = futures::future::join_all(
        operators
            .iter()
            .map(|(email, _)| t.console.signed_in(email)),
    )
    .await;
    let changers = ADMINS + MANAGERS;
    let mut workers: Vec<Worker> = clients
        .into_iter()
        .zip(&operators)
        .map(|(client, (_, role))| Worker {
            client,
            changes: *role != Role::Support,
            plan_customers: Vec::new(),
        })
        .collect();
    for (n, user) in plan_pool.iter().enumerate() {
        workers[n % changers].plan_customers.push(user.clone());
    }
    let shared = Arc::new(Shared {
        url: t.console.url(),
        limit_customers: limit_customers.clone(),
        readable,
        credits: AtomicU64::new(100_000),
        keys: AtomicU64::new(0),
        until: Instant::now() + Duration::from_secs(seconds),
    });
    let handles: Vec<_> = workers
        .into_iter()
        .map(|w| tokio::spawn(run(w, shared.clone())))
        .collect();
    let mut samples = Vec::new();
    for handle in handles {
        samples.extend(handle.await.expect("no operator's requests failed"));
    }
    report(&samples);
    assert!(samples.iter().all(|s| s.status < 500));

    let pool = &t.console.pool;
    assert!(
        matches!(audit::verify(pool).await.unwrap(), Verification::Ok { .. }),
        "the audit chain verifies"
    );
    let unmatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events a WHERE a.kind = 'attempt' AND
           (SELECT COUNT(*) FROM audit_events r WHERE r.attempt_id = a.id AND r.kind = 'result') != 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(unmatched, 0, "every attempt has exactly one result");

    // What SendGrid applied, customer by customer, against the success results recorded.
    let successes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT customer, COUNT(*) FROM audit_events WHERE kind = 'result' AND outcome = 'success' GROUP BY customer",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let successes: HashMap<String, i64> = successes.into_iter().collect();
    for user in &watched {
        let applied = t.sim_customer(user).await["changes"].as_i64().unwrap() - before[user];
        assert_eq!(
            applied,
            successes.get(user).copied().unwrap_or(0),
            "{user}: changes applied vs success results"
        );
    }
    // And the calls SendGrid received, task by task, against the attempts recorded.
    let attempts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT action, COUNT(*) FROM audit_events WHERE kind = 'attempt' GROUP BY action",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let calls = t.sim_get("/_sim/calls").await;
    let calls = calls.as_array().unwrap();
    for (action, count) in &attempts {
        let task = action.rsplit('.').next().unwrap();
        let sent = calls.iter().filter(|c| c["task"] == task).count() as i64;
        assert_eq!(sent, *count, "{action}: calls sent vs attempts recorded");
    }
    let changed: i64 = attempts.iter().map(|(_, n)| n).sum();
    assert!(changed > 0, "changes were made under load");
    println!("{changed} changes attempted; {} requests", samples.len());
    t.stop().await;
}
