//! Upstream faults at the moment of each kind of change (plan, limit, offerings, state),
//! injected through the simulator's control plane: the retry policy of sendgrid/README.md
//! (legacy POSTs are sent once, v3 PUTs are retried), a precise message, the right audit
//! result, and never a change applied twice (counted by the simulator).

use app::domain::Role;
use serde_json::{json, Value};

use crate::customers_support::{Customers, SIM_KEY};
use crate::support::TestConsole;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    Plan,
    Limit,
    Offerings,
    State,
}

impl Change {
    const ALL: [Change; 4] = [
        Change::Plan,
        Change::Limit,
        Change::Offerings,
        Change::State,
    ];

    /// Legacy calls are POSTs, never retried; v3 changes are PUTs, retried.
    fn retried(self) -> bool {
        matches!(self, Change::Offerings | Change::State)
    }

    /// Which upstream request is the change itself.
    fn matcher(self) -> Value {
        match self {
            Change::Plan => {
                json!({"path_prefix": "/apiv2/reseller.account", "task": "immediate_upgrade"})
            }
            Change::Limit => json!({"path_prefix": "/apiv2/", "task": "total"}),
            Change::Offerings | Change::State => {
                json!({"path_prefix": "/v3/partners/accounts/", "method": "PUT"})
            }
        }
    }

    fn is_the_change(self, call: &Value) -> bool {
        match self {
            Change::Plan => call["task"] == "immediate_upgrade",
            Change::Limit => call["task"] == "total",
            Change::Offerings | Change::State => call["method"] == "PUT",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    ServerError,
    RateLimited,
    HtmlPage,
    MalformedBody,
    PastTimeout,
}

impl Fault {
    const ALL: [Fault; 5] = [
        Fault::ServerError,
        Fault::RateLimited,
        Fault::HtmlPage,
        Fault::MalformedBody,
        Fault::PastTimeout,
    ];

    fn spec(self) -> Value {
        match self {
            Fault::ServerError => json!({"status": 503}),
            Fault::RateLimited => json!({"status": 429, "headers": {"Retry-After": "1"}}),
            Fault::HtmlPage => json!({
                "status": 500,
                "content_type": "text/html",
                "body": "<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>"
            }),
            Fault::MalformedBody => json!({
                "status": 200, "content_type": "application/json", "body": "{\"message\": \"succ"
            }),
            // Longer than the console's 1 s timeout, then the real handler runs.
            Fault::PastTimeout => json!({"latency_ms": 2500}),
        }
    }
}

/// What the operator and the audit log must see.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expected {
    Done,
    Failed,
    Unknown,
}

fn expected(change: Change, fault: Fault) -> (Expected, usize) {
    use Expected::*;
    match (fault, change.retried()) {
        // Sent once; SendGrid said no, so nothing changed.
        (Fault::ServerError | Fault::RateLimited | Fault::HtmlPage, false) => (Failed, 1),
        // Retried once, and the retry went through.
        (Fault::ServerError | Fault::RateLimited | Fault::HtmlPage | Fault::PastTimeout, true) => {
            (Done, 2)
        }
        // An answer that cannot be read, or none at all: the change may have happened.
        (Fault::MalformedBody, _) | (Fault::PastTimeout, false) => (Unknown, 1),
    }
}

struct Setup {
    t: Customers,
}

impl Setup {
    async fn start() -> Setup {
        let sim = simulator::spawn(simulator::Config {
            customers: 80,
            api_key: SIM_KEY.to_string(),
            ..simulator::Config::default()
        })
        .await
        .expect("simulator starts");
        let base = sim.base_url();
        let console = TestConsole::start_with(|args| {
            args.directory_sync_minutes = 0;
            args.scheduled_jobs_poll_seconds = 3600;
            args.upstream.base = base;
            args.upstream.api_key = Some(sendgrid::Secret::from(SIM_KEY.to_string()));
            args.upstream.timeout_secs = 1;
        })
        .await;
        console
            .add_operator("manager@example.com", Role::Manager)
            .await;
        console.add_operator("admin@example.com", Role::Admin).await;
        console
            .add_operator("support@example.com", Role::Support)
            .await;
        let manager = console.signed_in("manager@example.com").await;
        let admin = console.signed_in("admin@example.com").await;
        let support = console.signed_in("support@example.com").await;
        let t = Customers {
            console,
            sim,
            admin,
            manager,
            support,
        };
        t.sync().await;
        Setup { t }
    }

    /// Customers for the cases, each used once: `(free v2 customers for plan upgrades,
    /// customers with an activated v3 account for the rest)`, as `(username, account id)`.
    async fn fresh_customers(&self) -> (Vec<(String, String)>, Vec<(String, String)>) {
        let all = self.t.sim_customers().await;
        let active = all
            .iter()
            .filter(|c| c["v2"]["active"] == true && c["v2"]["scheduled_change"].is_null());
        let pair = |c: &Value| {
            Some((
                c["username"].as_str()?.to_string(),
                c["v3"]["id"].as_str().unwrap_or_default().to_string(),
            ))
        };
        let free: Vec<_> = active
            .clone()
            .filter(|c| c["v2"]["package"] == "Free Package")
            .filter_map(pair)
            .collect();
        let linked: Vec<_> = active
            .filter(|c| c["v2"]["package"] != "Free Package" && c["v3"]["state"] == "activated")
            .filter_map(pair)
            .collect();
        (free, linked)
    }

    async fn args(
        &self,
        change: Change,
        user: &str,
        account: &str,
        key: &str,
    ) -> Vec<(String, String)> {
        let pairs: Vec<(&str, String)> = match change {
            Change::Plan => vec![
                ("user", user.into()),
                ("action", "upgrade".into()),
                ("timing", "now".into()),
                ("package", "Basic Package".into()),
                ("ip", String::new()),
                ("ip_group", "Reseller Group".into()),
                ("confirm", String::new()),
            ],
            Change::Limit => vec![
                ("user", user.into()),
                ("task", "total".into()),
                ("credits", "4321".into()),
            ],
            Change::Offerings => {
                let current = self.t.sim_customer(account).await["v3"]["offerings"].clone();
                let package = current
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|o| o["type"] == "package")
                    .and_then(|o| o["name"].as_str())
                    .unwrap_or_default()
                    .to_string();
                let wanted = if package == "org.ei.pro100k.v1" {
                    "org.ei.free.v1"
                } else {
                    "org.ei.pro100k.v1"
                };
                vec![
                    ("user", user.into()),
                    ("offerings", format!("package:{wanted}:1")),
                    ("timing", "now".into()),
                    ("apply_on", String::new()),
                    ("confirm", user.into()),
                ]
            }
            Change::State => vec![
                ("user", user.into()),
                ("state", "deactivated".into()),
                ("timing", "now".into()),
                ("apply_on", String::new()),
            ],
        };
        let mut pairs: Vec<(String, String)> =
            pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        pairs.push(("idempotency_key".into(), key.into()));
        pairs
    }
}

fn endpoint(change: Change) -> &'static str {
    match change {
        Change::Plan => "change_plan",
        Change::Limit => "set_credit_limit",
        Change::Offerings => "update_offerings",
        Change::State => "change_account_state",
    }
}

/// The outcome recorded for the attempt with `key`, if it has a result.
async fn audit_result(pool: &sqlx::SqlitePool, key: &str) -> Vec<Option<String>> {
    sqlx::query_scalar(
        "SELECT r.outcome FROM audit_events r JOIN audit_events a ON r.attempt_id = a.id \
         WHERE a.idempotency_key = ? AND r.kind = 'result'",
    )
    .bind(key)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_change_under_each_fault_follows_the_retry_policy_and_is_recorded_once() {
    let setup = Setup::start().await;
    let t = &setup.t;
    let (free, linked) = setup.fresh_customers().await;
    let (mut free, mut linked) = (free.into_iter(), linked.into_iter());
    let mut wrong = vec![];
    for change in Change::ALL {
        for fault in Fault::ALL {
            let pool = if change == Change::Plan {
                &mut free
            } else {
                &mut linked
            };
            let (user, account) = pool.next().expect("enough fresh customers");
            let key = format!("fault-{change:?}-{fault:?}");
            let args = setup.args(change, &user, &account, &key).await;
            let mut spec = change.matcher();
            for (k, v) in fault.spec().as_object().unwrap() {
                spec[k] = v.clone();
            }
            spec["times"] = json!(1);
            t.clear_faults().await;
            t.sim_post("/_sim/faults", spec).await;
            let calls_before = t.sim_get("/_sim/calls").await.as_array().unwrap().len();
            let pairs: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let (status, body) = t.call(&t.manager, endpoint(change), &pairs).await;
            let (want, sends) = expected(change, fault);
            let sent_since = || async {
                let calls = t.sim_get("/_sim/calls").await;
                calls.as_array().unwrap()[calls_before..]
                    .iter()
                    .filter(|c| change.is_the_change(c))
                    .count()
            };
            let changes_made =
                || async { t.sim_customer(&user).await["changes"].as_u64().unwrap() };
            // The latency fault lets the real handler run late, after the console gave up:
            // wait until it has made its change before counting changes.
            if matches!(fault, Fault::PastTimeout) {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
                while changes_made().await == 0 && std::time::Instant::now() < deadline {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }

            let (want_status, want_outcome) = match want {
                Expected::Done => (200, "success"),
                Expected::Failed => (422, "failure"),
                Expected::Unknown => (502, "unknown"),
            };
            let sent = sent_since().await;
            let changes = changes_made().await;
            let outcomes = audit_result(&t.console.pool, &key).await;
            let message = body.to_string();
            let precise = match (want, fault) {
                (Expected::Done, _) => true,
                (_, Fault::ServerError) => message.contains("503"),
                (_, Fault::RateLimited) => message.contains("rate limit"),
                (_, Fault::HtmlPage) => message.contains("500") && !message.contains("<h1>"),
                (_, Fault::MalformedBody) | (_, Fault::PastTimeout) => {
                    message.contains("Unknown") && message.to_lowercase().contains("reconcile")
                        || message.to_lowercase().contains("unknown")
                }
            };
            let changes_ok = match want {
                Expected::Done => changes == 1,
                Expected::Failed => changes == 0,
                // A late handler may have applied it: at most once, never twice.
                Expected::Unknown => changes <= 1,
            };
            if status != want_status
                || sent != sends
                || outcomes != [Some(want_outcome.to_string())]
                || !changes_ok
                || !precise
            {
                wrong.push(format!(
                    "{change:?} under {fault:?}: status {status} (want {want_status}), \
                     sent {sent} (want {sends}), audit {outcomes:?} (want {want_outcome}), \
                     changes {changes}, answer {message}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    setup.t.console.stop().await;
}

#[tokio::test]
async fn a_refused_connection_sends_nothing_records_nothing_and_says_so() {
    let setup = Setup::start().await;
    let (free, linked) = setup.fresh_customers().await;
    let (user, _) = free[0].clone();
    let (other, _) = linked[0].clone();
    // SendGrid goes away after the directory was read: its port now refuses connections.
    let Customers {
        console,
        sim,
        manager,
        ..
    } = setup.t;
    sim.shutdown().await.unwrap();
    let forms: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "change_plan",
            vec![
                ("user", &user),
                ("action", "upgrade"),
                ("timing", "now"),
                ("package", "Basic Package"),
                ("ip_group", "Reseller Group"),
                ("idempotency_key", "refused-plan"),
            ],
        ),
        (
            "set_credit_limit",
            vec![
                ("user", &user),
                ("task", "total"),
                ("credits", "10"),
                ("idempotency_key", "refused-limit"),
            ],
        ),
        (
            "update_offerings",
            vec![
                ("user", &other),
                ("offerings", "package:org.ei.free.v1:1"),
                ("confirm", &other),
                ("idempotency_key", "refused-offerings"),
            ],
        ),
        (
            "change_account_state",
            vec![
                ("user", &other),
                ("state", "deactivated"),
                ("idempotency_key", "refused-state"),
            ],
        ),
    ];
    for (endpoint, args) in forms {
        let response = console.call(&manager, endpoint, &args).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(status, 502, "{endpoint}: {text}");
        assert!(
            text.contains("nothing was") || text.contains("Nothing was"),
            "{endpoint} says nothing was sent or changed: {text}"
        );
    }
    let attempts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = 'attempt'")
            .fetch_one(&console.pool)
            .await
            .unwrap();
    assert_eq!(
        attempts, 0,
        "no attempt recorded when nothing could be sent"
    );
    console.stop().await;
}
