//! Reusable pieces of the UI. Components never import services.

mod footer;
mod header;
mod me;
mod theme_toggle;

pub use footer::Footer;
pub use header::Header;
pub use me::{Guarded, Me};
pub use theme_toggle::ThemeToggle;
