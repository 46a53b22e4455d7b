//! Types shared by the browser and the server, with their validation.
//! Nothing here knows about HTTP, SQL or the upstream client.

pub mod operator;
pub mod role;
pub mod theme;

pub use operator::{check_new_password, OperatorEmail, OperatorView};
pub use role::{Permission, Role};
pub use theme::Theme;
