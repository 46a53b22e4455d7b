//! Types shared by the browser and the server, with their validation.
//! Nothing here knows about HTTP, SQL or the upstream client.

pub mod theme;

pub use theme::Theme;
