//! Types shared by the browser and the server, with their validation.
//! Nothing here knows about HTTP, SQL or the upstream client.

pub mod approval;
pub mod audit;
pub mod audit_action;
pub mod audit_filter;
pub mod bulk;
pub mod change;
pub mod connection;
pub mod customer;
pub mod customer_key;
pub mod date;
pub mod directory;
pub mod home;
pub mod idempotency;
pub mod limits;
pub mod money;
pub mod notification;
pub mod offerings;
pub mod operator;
pub mod plan;
pub mod query;
pub mod revert;
pub mod role;
pub mod saved_view;
pub mod schedule;
pub mod scheduled;
pub mod theme;

pub use audit_action::{ActionFamily, AuditAction};
pub use customer::{state_tone, CustomerSummary};
pub use customer_key::{AccountId, CustomerKey, Username};
pub use date::IsoDate;
pub use idempotency::{IdempotencyKey, KeyError};
pub use money::Cents;
pub use operator::{check_new_password, OperatorEmail, OperatorView};
pub use query::{encode_component, encode_return_path, QueryParams};
pub use role::{Permission, Role};
pub use theme::Theme;
