//! The plan form of a reseller with more IPs than a form can list: a few dozen checkboxes,
//! the rest typed one per line, and nothing typed lost when the review refuses it.

use crate::customers_support;

use customers_support::Customers;
use serde_json::Value;

/// Enough customers that the reseller's IPs (free and assigned, API.md §4.6) pass the
/// form's 48 checkboxes.
const CUSTOMERS: usize = 200;
const LISTED: usize = 48;

fn ips(plan: &Value, list: &str) -> Vec<String> {
    plan["state"][list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {plan}"))
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The plan tab's HTML for the manager, without the renderer's `<!>` markers.
async fn plan_page(t: &Customers, user: &str, query: &str) -> String {
    let url = format!("{}/customers/{user}/plan?{query}", t.console.url());
    let response = t.manager.get(url).send().await.expect("the page answers");
    assert_eq!(response.status(), 200);
    response.text().await.expect("HTML").replace("<!>", "")
}

#[tokio::test]
async fn a_long_ip_list_shows_some_checkboxes_and_takes_the_rest_typed() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Gold Package", &[]).await;
    let plan = t.plan(&user).await;
    let free = ips(&plan, "free_ips");
    let assigned: Vec<String> = ips(&plan, "assigned_ips")
        .into_iter()
        .filter(|ip| !free.contains(ip))
        .collect();
    let all = free.len() + assigned.len();
    assert!(all > LISTED, "the simulator lists {all} IPs");

    let html = plan_page(&t, &user, "").await;
    let boxes = html.matches(r#"type="checkbox" name="ip[]""#).count();
    assert_eq!(boxes, LISTED, "checkboxes on the form");
    assert!(
        free.len() < LISTED,
        "every free IP fits; the rest are the reseller's own"
    );
    assert!(
        html.contains(&format!(
            "Other IP addresses, one per line ({} of your own are not listed; downgrades only)",
            all - LISTED
        )),
        "the box for the rest, saying which kind they are"
    );
    assert!(html.contains(r#"<textarea id="plan-ip-more" name="ip[]""#));
    // Free IPs come first: each one is a checkbox while they fit, in SendGrid's order.
    let at = |ip: &str| html.find(&format!(r#"value="{ip}""#));
    for ip in free.iter().take(LISTED) {
        assert!(at(ip).is_some(), "{ip} listed");
    }
    assert!(
        free.windows(2).all(|pair| at(&pair[0]) < at(&pair[1])),
        "in SendGrid's order"
    );

    // A review the rules refuse keeps what was typed in the box, next to the field's error.
    let typed = "192.0.2.77";
    assert!(
        !free.iter().chain(&assigned).any(|ip| ip == typed),
        "{typed} is none of the reseller's IPs"
    );
    let query = format!(
        "review=1&action=downgrade&timing=now&package=Silver%20Package&ip%5B%5D={typed}&key=k-typed"
    );
    let html = plan_page(&t, &user, &query).await;
    assert!(
        html.contains(&format!(
            r#"aria-describedby="plan-ip-error">{typed}</textarea>"#
        )),
        "the typed IP is kept in its box"
    );
    assert!(
        html.contains(&format!(
            "{typed} is neither free nor one of your assigned IPs; choose from the list."
        )),
        "the IP's error next to the field"
    );
    assert!(t.plan_calls(&user).await.is_empty(), "nothing was sent");

    // A chosen IP beyond the first 48 is ticked on the form rather than hidden.
    let last = assigned.last().expect("an assigned IP");
    let query = format!(
        "review=1&action=upgrade&timing=now&package=Silver%20Package&ip%5B%5D={last}&key=k-last"
    );
    let html = plan_page(&t, &user, &query).await;
    assert!(
        html.contains(&format!(r#"name="ip[]" value="{last}" checked"#)),
        "the chosen IP is among the checkboxes, ticked"
    );
    t.stop().await;
}
