//! Screens the browser loads on first visit rather than with the first page.
//!
//! Each route here is a split point: the release build splits its view, and whatever only it
//! uses, into its own wasm chunk (tools/site-split, run by scripts/build-site.sh). The first download then holds the shell (header,
//! navigation, footer, theme) and the router; each screen arrives when someone first opens it,
//! the router loading its chunk alongside the page's data. On the server (and in a build that is not
//! split) these are ordinary routes. Only the 404 page stays in the first download.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A route with no data of its own to start loading: the page's resources live in its view.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                super::$page().into_any()
            }
        }
    };
}

lazy_page!(
    /// `/`: the dashboard.
    HomeRoute => HomePage
);
lazy_page!(
    /// `/login`: a plain form that works before (and without) any wasm.
    LoginRoute => LoginPage
);
lazy_page!(
    /// `/operators`: admins only, a few times a month.
    OperatorsRoute => OperatorsPage
);
lazy_page!(
    /// `/connection`: admins, when pointing the console at SendGrid or when calls fail.
    ConnectionRoute => ConnectionPage
);
lazy_page!(
    /// `/notifications`: admins, to set the webhook and see what was sent.
    NotificationsRoute => NotificationsPage
);
lazy_page!(
    /// `/account/password`: once at first sign-in, then rarely.
    ChangePasswordRoute => ChangePasswordPage
);
lazy_page!(
    /// `/audit`: the auditors' screen.
    AuditRoute => AuditPage
);
lazy_page!(
    /// `/audit/:id`: one event in full.
    AuditDetailRoute => AuditDetailPage
);
lazy_page!(
    /// `/audit/:id/revert`: undoing one change, through its normal review.
    RevertRoute => RevertPage
);
lazy_page!(
    /// `/bulk`: choosing and reviewing a change for many customers.
    BulkRoute => BulkPage
);
lazy_page!(
    /// `/bulk/:id`: one bulk job's progress.
    BulkJobRoute => BulkJobPage
);
lazy_page!(
    /// `/customers`: the directory.
    CustomersRoute => CustomersPage
);
lazy_page!(
    /// `/customers/:user`: the customer's header and tabs.
    CustomerRoute => CustomerPage
);
lazy_page!(
    /// `/customers/:user` and `/customers/:user/plan`.
    PlanRoute => PlanTab
);
lazy_page!(
    /// `/customers/:user/limits`.
    LimitsRoute => LimitsTab
);
lazy_page!(
    /// `/customers/:user/offerings`.
    OfferingsRoute => OfferingsTab
);
lazy_page!(
    /// `/customers/:user/history`.
    HistoryRoute => HistoryTab
);
lazy_page!(
    /// `/scheduled`: every change waiting for a later day.
    ScheduledRoute => ScheduledPage
);
lazy_page!(
    /// `/approvals`: changes waiting for a second person, and the policy.
    ApprovalsRoute => ApprovalsPage
);
lazy_page!(
    /// `/approvals/:id`: one request, then and now, and its decision.
    ApprovalDetailRoute => ApprovalDetailPage
);
