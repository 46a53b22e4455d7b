//! One module per screen.

pub mod account;
mod approvals;
mod audit;
mod bulk;
mod connection;
mod customer;
mod customers;
mod home;
mod lazy;
mod login;
mod not_found;
mod notifications;
mod operators;
mod saved_views;
mod scheduled;

pub use account::ChangePasswordPage;
pub use approvals::{ApprovalDetailPage, ApprovalsPage};
pub use audit::{AuditDetailPage, AuditPage, RevertPage};
pub use bulk::{BulkJobPage, BulkPage};
pub use connection::ConnectionPage;
pub use customer::{CustomerPage, HistoryTab, LimitsTab, OfferingsTab, PlanTab};
pub use customers::CustomersPage;
pub use home::HomePage;
pub use lazy::{
    ApprovalDetailRoute, ApprovalsRoute, AuditDetailRoute, AuditRoute, BulkJobRoute, BulkRoute,
    ChangePasswordRoute, ConnectionRoute, CustomerRoute, CustomersRoute, HistoryRoute, HomeRoute,
    LimitsRoute, LoginRoute, NotificationsRoute, OfferingsRoute, OperatorsRoute, PlanRoute,
    RevertRoute, ScheduledRoute,
};
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use notifications::NotificationsPage;
pub use operators::OperatorsPage;
pub use scheduled::ScheduledPage;
