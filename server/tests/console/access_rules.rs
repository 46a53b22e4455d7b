//! Who may reach what, written down from DESIGN.md "Security" and the role rules of the issues,
//! independently of the console's own role mapping (checking the console against itself would
//! prove nothing):
//! - every page except `/login` and `/healthz` needs a session;
//! - admins may do everything; only they manage operators, link customers by hand and check
//!   the SendGrid connection;
//! - managers (and admins) change accounts, one at a time or in bulk;
//! - support and auditors read customers; auditors, admins and managers (read-only) read the
//!   whole audit log, support only a customer's history.

use app::domain::Role;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// Anyone, signed in or not: who is signed in (`null` for nobody) and the theme, which the
    /// sign-in page itself uses.
    Public,
    /// Any signed-in operator: the dashboard, customers and their tabs, one's own password.
    SignedIn,
    /// The whole audit log and its export.
    AuditLog,
    /// Changes to accounts, one or in bulk, and settling a change whose outcome is unknown.
    Changes,
    /// Operators, and linking a v2 customer and a v3 account by hand.
    Admins,
}

impl Rule {
    pub fn admits(self, role: Role) -> bool {
        match self {
            Rule::Public | Rule::SignedIn => true,
            Rule::AuditLog => matches!(role, Role::Admin | Role::Manager | Role::Auditor),
            Rule::Changes => matches!(role, Role::Admin | Role::Manager),
            Rule::Admins => role == Role::Admin,
        }
    }
}

/// Every page: the leptos routes of `app/src/shell.rs` and the plain GET routes of
/// `server/src/startup.rs`. `{user}`, `{event}` and `{job}` are real ids (see `Ids`).
pub const PAGES: &[(&str, Rule)] = &[
    ("/", Rule::SignedIn),
    ("/account/password", Rule::SignedIn),
    ("/customers", Rule::SignedIn),
    ("/customers/{user}", Rule::SignedIn),
    ("/customers/{user}/plan", Rule::SignedIn),
    ("/customers/{user}/limits", Rule::SignedIn),
    ("/customers/{user}/offerings", Rule::SignedIn),
    ("/customers/{user}/history", Rule::SignedIn),
    ("/audit", Rule::AuditLog),
    ("/audit/{event}", Rule::AuditLog),
    ("/audit/{event}/revert", Rule::Changes),
    ("/audit/export.csv", Rule::AuditLog),
    ("/scheduled", Rule::SignedIn),
    ("/approvals", Rule::SignedIn),
    ("/approvals/{approval}", Rule::SignedIn),
    ("/bulk", Rule::Changes),
    ("/bulk/{job}", Rule::Changes),
    ("/bulk/{job}/events", Rule::Changes),
    ("/operators", Rule::Admins),
    ("/connection", Rule::Admins),
    ("/notifications", Rule::Admins),
];

type Args = &'static [(&'static str, &'static str)];

/// Every server function with arguments that decode (so the call reaches the guard; the
/// anonymous row proves it with a 401) and that, for an allowed role, change nothing at
/// SendGrid: mutations name an unknown customer, job or attempt, or an invalid value.
pub const SERVER_FUNCTIONS: &[(&str, Rule, Args)] = &[
    ("get_me", Rule::Public, &[]),
    ("set_theme", Rule::Public, &[("theme", "dark")]),
    (
        "change_password",
        Rule::SignedIn,
        &[
            ("current_password", "not the password"),
            ("new_password", "a new long password 123"),
            ("confirm_password", "a new long password 123"),
        ],
    ),
    // Customers and their tabs.
    ("search_customers", Rule::SignedIn, DIRECTORY_QUERY),
    ("get_directory_facets", Rule::SignedIn, &[]),
    ("directory_status", Rule::SignedIn, &[]),
    ("refresh_directory", Rule::SignedIn, &[]),
    ("directory_progress", Rule::SignedIn, &[]),
    ("get_customer", Rule::SignedIn, &[("key", "{user}")]),
    ("get_plan", Rule::SignedIn, &[("user", "{user}")]),
    ("get_limits", Rule::SignedIn, &[("user", "{user}")]),
    ("get_offerings", Rule::SignedIn, &[("user", "{account}")]),
    ("refresh_catalog", Rule::SignedIn, &[]),
    ("list_unresolved", Rule::SignedIn, &[("customer", "{user}")]),
    ("home_summary", Rule::SignedIn, &[]),
    ("home_due_soon", Rule::SignedIn, &[]),
    (
        "list_waiting_changes",
        Rule::SignedIn,
        &[("kind", ""), ("due_by", "")],
    ),
    (
        "customer_history",
        Rule::SignedIn,
        &[("customer", "{user}")],
    ),
    // The audit log.
    (
        "list_audit_events",
        Rule::AuditLog,
        &[("query[customer]", "{user}")],
    ),
    ("get_audit_event", Rule::AuditLog, &[("id", "{event}")]),
    ("get_revert", Rule::Changes, &[("id", "{event}")]),
    ("audit_daily_counts", Rule::AuditLog, &[]),
    ("home_daily_changes", Rule::AuditLog, &[]),
    // Changes.
    (
        "change_plan",
        Rule::Changes,
        &[
            ("user", "{user}"),
            ("action", "no_such_action"),
            ("timing", "now"),
            ("package", ""),
            ("ip", ""),
            ("ip_group", ""),
            ("idempotency_key", "matrix-plan"),
        ],
    ),
    (
        "cancel_pending_change",
        Rule::Changes,
        &[("user", UNKNOWN), ("idempotency_key", "matrix-cancel")],
    ),
    (
        "set_credit_limit",
        Rule::Changes,
        &[
            ("user", "{user}"),
            ("task", "no_such_task"),
            ("idempotency_key", "matrix-limit"),
        ],
    ),
    (
        "update_offerings",
        Rule::Changes,
        &[
            ("user", "{account}"),
            ("offerings", "not an offering"),
            ("idempotency_key", "matrix-offerings"),
        ],
    ),
    (
        "change_account_state",
        Rule::Changes,
        &[
            ("user", "{account}"),
            ("state", "banned"),
            ("idempotency_key", "matrix-state"),
        ],
    ),
    (
        "cancel_scheduled_change",
        Rule::Changes,
        &[("user", "{account}"), ("job_id", NO_SUCH_ID)],
    ),
    ("open_in_sendgrid", Rule::Changes, &[("user", UNKNOWN)]),
    (
        "reconcile_attempt",
        Rule::Changes,
        &[
            ("attempt_id", NO_SUCH_ID),
            ("idempotency_key", "matrix-rec"),
        ],
    ),
    // Bulk changes.
    (
        "count_bulk_matching",
        Rule::Changes,
        &[("q", ""), ("package", ""), ("account_state", "")],
    ),
    ("review_bulk", Rule::Changes, BULK_FORM),
    (
        "start_bulk",
        Rule::Changes,
        &[
            ("by", "paste"),
            ("pasted", "{user}"),
            ("op", "no_such_op"),
            ("idempotency_key", "matrix-start"),
        ],
    ),
    ("list_bulk_jobs", Rule::Changes, &[]),
    ("get_bulk_job", Rule::Changes, &[("id", "{job}")]),
    ("cancel_bulk", Rule::Changes, &[("id", NO_SUCH_ID)]),
    ("list_approvals", Rule::SignedIn, &[("customer", "")]),
    ("get_approval", Rule::SignedIn, &[("id", NO_SUCH_ID)]),
    ("approve_request", Rule::Changes, &[("id", NO_SUCH_ID)]),
    (
        "decline_request",
        Rule::Changes,
        &[("id", NO_SUCH_ID), ("reason", "no")],
    ),
    (
        "set_approval_policy",
        Rule::Admins,
        &[("credits_threshold", "x"), ("expiry_hours", "24")],
    ),
    ("jump_to_customer", Rule::SignedIn, &[("text", "zz")]),
    (
        "list_saved_views",
        Rule::SignedIn,
        &[("screen", "customers")],
    ),
    (
        "save_view",
        Rule::SignedIn,
        &[("screen", "customers"), ("name", ""), ("query", "")],
    ),
    (
        "pin_view",
        Rule::SignedIn,
        &[("id", NO_SUCH_ID), ("pinned", "true")],
    ),
    ("delete_view", Rule::SignedIn, &[("id", NO_SUCH_ID)]),
    ("pinned_views", Rule::SignedIn, &[]),
    (
        "rerun_bulk",
        Rule::Changes,
        &[("id", NO_SUCH_ID), ("what", "failed")],
    ),
    // Admins.
    ("check_connection", Rule::Admins, &[]),
    ("get_notifications", Rule::Admins, &[]),
    (
        "set_webhook",
        Rule::Admins,
        &[("url", "ftp://example.com/x")],
    ),
    ("send_test_notification", Rule::Admins, &[]),
    (
        "link_customers",
        Rule::Admins,
        &[("username", UNKNOWN), ("account_id", UNKNOWN_ACCOUNT)],
    ),
    (
        "unlink_customers",
        Rule::Admins,
        &[("username", UNKNOWN), ("account_id", UNKNOWN_ACCOUNT)],
    ),
    ("list_operators", Rule::Admins, &[]),
    (
        "add_operator",
        Rule::Admins,
        &[
            ("email", "not an email"),
            ("display_name", ""),
            ("role", "support"),
        ],
    ),
    (
        "change_operator_role",
        Rule::Admins,
        &[("email", "support@example.com"), ("role", "root")],
    ),
    (
        "disable_operator",
        Rule::Admins,
        &[("email", "nobody@example.com")],
    ),
    (
        "reset_operator_password",
        Rule::Admins,
        &[("email", "nobody@example.com")],
    ),
];

const UNKNOWN: &str = "matrix-nobody";
const UNKNOWN_ACCOUNT: &str = "sg00000000000000000000000000000000";
const NO_SUCH_ID: &str = "999999999";

const DIRECTORY_QUERY: Args = &[
    ("query[q]", ""),
    ("query[package]", ""),
    ("query[state]", ""),
    ("query[sort]", "Name"),
    ("query[descending]", "false"),
    ("query[page]", "1"),
];

const BULK_FORM: Args = &[
    ("form[by]", "paste"),
    ("form[q]", ""),
    ("form[package]", ""),
    ("form[account_state]", ""),
    ("form[count]", ""),
    ("form[pasted]", "{user}"),
    ("form[op]", "no_such_op"),
    ("form[name]", ""),
    ("form[quantity]", ""),
    ("form[credits]", ""),
    ("form[state]", ""),
    ("form[concurrency]", ""),
];

/// The real ids the tables name.
pub struct Ids {
    /// A v2 customer with an activated v3 account, and that account's id.
    pub user: String,
    pub account: String,
    /// An audit event and a bulk change that exist.
    pub event: i64,
    pub job: i64,
    /// A change waiting for a second person.
    pub approval: i64,
}

impl Ids {
    pub fn fill(&self, template: &str) -> String {
        template
            .replace("{user}", &self.user)
            .replace("{account}", &self.account)
            .replace("{event}", &self.event.to_string())
            .replace("{job}", &self.job.to_string())
            .replace("{approval}", &self.approval.to_string())
    }
}

/// `{...}` and `:...` path parameters as `{}`, to compare route patterns.
pub fn pattern(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.starts_with(':') || (part.starts_with('{') && part.ends_with('}')) {
                "{}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The quoted strings after `marker` in `source`.
pub fn quoted_after<'a>(source: &'a str, marker: &str) -> Vec<&'a str> {
    source
        .split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').nth(1))
        .collect()
}
