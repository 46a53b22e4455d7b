//! The SendGrid connection check: the admins' `/connection` data over HTTP and
//! `reseller-console check-upstream`'s exit codes, against the simulator. Each family's base
//! URL and credential are named (never the secret), SendGrid's refusal is shown in its words,
//! and the rate-limit headers it sent are reported (API.md §7).

use std::process::Command;

use serde_json::{json, Value};

use crate::customers_support::{Customers, SIM_KEY};
use crate::process_support::small_simulator;

const BINARY: &str = env!("CARGO_BIN_EXE_reseller-console");

fn family<'a>(report: &'a Value, prefix: &str) -> &'a Value {
    report["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"].as_str().unwrap_or_default().starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix} is checked: {report}"))
}

#[tokio::test]
async fn admins_see_where_each_family_goes_and_what_sendgrid_answers() {
    let t = Customers::start(5).await;
    let (status, report) = t.call(&t.admin, "check_connection", &[]).await;
    assert_eq!(status, 200, "{report}");
    for prefix in ["v2", "v3"] {
        let checked = family(&report, prefix);
        assert!(checked["outcome"]["Works"].is_string(), "{checked}");
        assert_eq!(
            checked["base_url"],
            t.sim_url().trim_end_matches('/'),
            "{checked}"
        );
    }
    let text = report.to_string();
    assert!(!text.contains(SIM_KEY), "never the secret: {text}");
    assert!(
        family(&report, "v3")["rate_limit"]["remaining"].is_u64(),
        "the simulator's X-RateLimit headers are reported: {report}"
    );

    // SendGrid refuses the key on v3 only: that family says so in SendGrid's words.
    t.sim_post(
        "/_sim/faults",
        json!({
            "path_prefix": "/v3/partners/offerings",
            "status": 401,
            "body": "{\"errors\":[{\"field\":null,\"message\":\"authorization required\"}]}",
            "content_type": "application/json",
            "times": 5,
        }),
    )
    .await;
    let (status, report) = t.call(&t.admin, "check_connection", &[]).await;
    assert_eq!(status, 200, "{report}");
    assert!(
        family(&report, "v2")["outcome"]["Works"].is_string(),
        "{report}"
    );
    let refused = &family(&report, "v3")["outcome"]["Refused"];
    assert_eq!(refused["status"], 401, "{report}");
    assert!(
        refused["words"]
            .as_str()
            .unwrap()
            .contains("authorization required"),
        "{refused}"
    );

    for who in [&t.manager, &t.support] {
        let (status, body) = t.call(who, "check_connection", &[]).await;
        assert_eq!(status, 403, "admins only: {body}");
    }
    t.stop().await;
}

/// Runs the command off the test's runtime thread, which serves the simulator meanwhile.
async fn check_upstream(upstream: &str, key: Option<&str>) -> (Option<i32>, String) {
    let (upstream, key) = (upstream.to_string(), key.map(str::to_string));
    tokio::task::spawn_blocking(move || run_check_upstream(&upstream, key.as_deref()))
        .await
        .unwrap()
}

fn run_check_upstream(upstream: &str, key: Option<&str>) -> (Option<i32>, String) {
    let mut command = Command::new(BINARY);
    command
        .arg("check-upstream")
        .args(["--upstream", upstream])
        .env_remove("SENDGRID_API_KEY")
        .env_remove("RUST_LOG");
    if let Some(key) = key {
        command.env("SENDGRID_API_KEY", key);
    }
    let output = command.output().expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

#[tokio::test]
async fn check_upstream_exits_0_when_both_work_2_when_sendgrid_refuses_and_1_without_settings() {
    let sim = small_simulator().await;
    let base = sim.base_url();

    let (code, out) = check_upstream(&base, Some(SIM_KEY)).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("v2 (legacy reseller API)") && out.contains("ok: "),
        "{out}"
    );
    assert!(
        out.contains("SENDGRID_API_KEY"),
        "names the credential's source: {out}"
    );
    assert!(!out.contains(SIM_KEY), "never the secret: {out}");

    let (code, out) = check_upstream(&base, Some("SG.not-the-key")).await;
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("refused (HTTP 401)"), "{out}");
    assert!(!out.contains("SG.not-the-key"), "{out}");

    let (code, out) = check_upstream(&base, None).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("SENDGRID_API_KEY"), "{out}");
}
