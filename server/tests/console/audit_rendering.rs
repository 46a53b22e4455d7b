//! Real changes as the audit screens render them: old -> new per field on `/audit/:id` and on
//! the customer's history, the parameters and SendGrid's answer on the detail view, and no
//! upstream credential anywhere, in the pages or in the CSV export.

use crate::{customers_support, limits_support};

use customers_support::{fault, Change, SIM_KEY};
use limits_support::Harness;
use sendgrid::Offering;
use serde_json::json;

const PRO: &str = "org.ei.pro100k.v1";
const IP: &str = "org.ip.dedicated.v1";
const MC: &str = "org.mc.basic.v1";

/// A page that must answer 200, without the renderer's hydration markers (`<!>`), which
/// stand between dynamic text and what follows it.
async fn page(client: &reqwest::Client, url: String) -> String {
    let response = client.get(&url).send().await.expect("page answers");
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.expect("a body").replace("<!>", "")
}

/// The id of the one `kind` row of `customer` for `action`.
async fn row_id(pool: &sqlx::SqlitePool, customer: &str, kind: &str, action: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM audit_events WHERE customer = ? AND kind = ? AND action = ?")
        .bind(customer)
        .bind(kind)
        .bind(action)
        .fetch_one(pool)
        .await
        .expect("one row")
}

/// The items of the field diffs (`<ul class="diff">`) on a page (from [`page`]).
fn diff_items(html: &str) -> Vec<String> {
    html.split("<ul class=\"diff\">")
        .skip(1)
        .flat_map(|list| {
            let list = list.split("</ul>").next().unwrap_or_default();
            list.split("<li>")
                .skip(1)
                .map(|item| item.split("</li>").next().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Asserts that `html` renders `field` going from `before` (struck out) to `after` (inserted),
/// or marked removed when `after` is `None`.
fn assert_renders_change(html: &str, field: &str, before: &str, after: Option<&str>) {
    let label = format!("<span class=\"diff-field\">{field}</span>");
    let items = diff_items(html);
    let item = items
        .iter()
        .find(|item| item.starts_with(&label))
        .unwrap_or_else(|| panic!("no change of {field} among {items:#?}"));
    let old = format!("<del>{before}</del>");
    assert!(item.contains(&old), "{field}: {item}");
    match after {
        Some(after) => {
            let new = format!("<ins>{after}</ins>");
            assert!(item.contains(&new), "{field}: {item}");
            assert!(item.find(&old) < item.find(&new), "old before new: {item}");
        }
        None => {
            assert!(!item.contains("<ins>"), "{field}: {item}");
            assert!(item.contains("removed"), "{field}: {item}");
        }
    }
}

#[tokio::test]
async fn a_plan_upgrade_and_a_removed_add_on_render_old_and_new_values() {
    let h = Harness::start(30, 30).await;
    let t = &h.t;
    let url = t.console.url();

    // An immediate upgrade, Basic -> Silver.
    let upgraded = t.customer_on("Basic Package", &[]).await;
    let plan = t.plan(&upgraded).await;
    let ip = plan["state"]["free_ips"][0].as_str().expect("a free IP");
    let change = Change {
        package: "Silver Package",
        ip,
        ..Change::new(&upgraded, "upgrade", "now", "key-render-upgrade")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    let result = row_id(
        &t.console.pool,
        &upgraded,
        "result",
        "plan.immediate_upgrade",
    )
    .await;
    for html in [
        page(&h.auditor, format!("{url}/audit/{result}")).await,
        page(&h.auditor, format!("{url}/customers/{upgraded}/history")).await,
    ] {
        assert_renders_change(&html, "package", "Basic Package", Some("Silver Package"));
        // The simulator's allowances per package.
        assert_renders_change(&html, "credits_allowed", "40000", Some("100000"));
    }

    // The offerings of a linked account, one add-on taken away.
    let (user, account) = h.linked_customer(&[&upgraded]).await;
    t.sync().await;
    h.set_offerings(
        &account,
        &[
            Offering::package(PRO),
            Offering::addon(MC, 1),
            Offering::addon(IP, 2),
        ],
    )
    .await;
    let kept = format!("package:{PRO}:1,addon:{IP}:2");
    let form = [
        ("user", user.as_str()),
        ("offerings", kept.as_str()),
        ("timing", "now"),
        ("apply_on", ""),
        ("confirm", account.as_str()),
        ("idempotency_key", "key-render-offerings"),
    ];
    let (status, body) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 200, "{body}");
    let result = row_id(&t.console.pool, &user, "result", "offerings.update").await;
    for html in [
        page(&h.auditor, format!("{url}/audit/{result}")).await,
        page(&h.auditor, format!("{url}/customers/{user}/history")).await,
    ] {
        assert_renders_change(&html, &format!("addons › {MC}"), "1", None);
        let items = diff_items(&html);
        assert_eq!(items.len(), 1, "only the removal differs: {items:#?}");
    }
    h.t.console.stop().await;
}

#[tokio::test]
async fn the_detail_view_shows_the_parameters_and_sendgrids_answer_and_no_credential() {
    let h = Harness::start(30, 30).await;
    let t = &h.t;
    let url = t.console.url();

    let accepted = t.customer_on("Basic Package", &[]).await;
    let plan = t.plan(&accepted).await;
    let ip = plan["state"]["free_ips"][0].as_str().expect("a free IP");
    let change = Change {
        package: "Silver Package",
        ip,
        ..Change::new(&accepted, "upgrade", "now", "key-detail-accepted")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");

    // SendGrid refuses the next upgrade, echoing the request with its credentials the way a
    // misbehaving proxy might.
    let refused = t.customer_on("Basic Package", &[&accepted]).await;
    let plan = t.plan(&refused).await;
    let refused_ip = plan["state"]["free_ips"][0].as_str().expect("a free IP");
    let mut refusal = fault("/apiv2/reseller.account", Some(400), 1);
    refusal["task"] = json!("immediate_upgrade");
    refusal["content_type"] = json!("application/json");
    refusal["body"] = json!({
        "message": "error",
        "errors": [format!(
            "Upgrade refused: billing hold (api_user=apikey&api_key={SIM_KEY})"
        )],
    })
    .to_string()
    .into();
    t.sim_post("/_sim/faults", refusal).await;
    let change = Change {
        package: "Silver Package",
        ip: refused_ip,
        ..Change::new(&refused, "upgrade", "now", "key-detail-refused")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 422, "refused by SendGrid: {body}");
    let told = body["Failed"]["message"].as_str().unwrap_or_default();
    assert!(told.contains("Upgrade refused: billing hold"), "{body}");
    assert!(!body.to_string().contains(SIM_KEY), "{body}");

    let pool = &t.console.pool;
    let action = "plan.immediate_upgrade";
    let mut pages = Vec::new();
    for (customer, sent_ip, answer) in [
        (&accepted, ip, "<dd>Accepted.</dd>"),
        (
            &refused,
            refused_ip,
            "<dd>SendGrid rejected the request: Upgrade refused: billing hold \
             (api_user=apikey&amp;api_key=***)</dd>",
        ),
    ] {
        for kind in ["attempt", "result"] {
            let id = row_id(pool, customer, kind, action).await;
            let html = page(&h.auditor, format!("{url}/audit/{id}")).await;
            assert!(html.contains(&format!("Event {id}: {action}")), "{html}");
            // The parameters as sent, on the attempt's and the result's page alike.
            assert!(html.contains(">Parameters<"), "{html}");
            assert!(html.contains("\"package\": \"Silver Package\""), "{html}");
            assert!(html.contains(&format!("\"{sent_ip}\"")), "{html}");
            assert!(html.contains(answer), "{customer} {kind}: {html}");
            pages.push(html);
        }
    }
    pages.push(page(&h.auditor, format!("{url}/customers/{refused}/history")).await);
    pages.push(page(&h.auditor, format!("{url}/audit")).await);
    let export = h
        .auditor
        .get(format!("{url}/audit/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    let export = export.text().await.unwrap();
    assert!(
        export.contains("Silver Package"),
        "the export holds the changes"
    );
    assert!(export.contains("billing hold"), "and SendGrid's answer");
    pages.push(export);
    for text in &pages {
        assert!(!text.contains(SIM_KEY), "a credential leaked: {text}");
    }
    h.t.console.stop().await;
}
