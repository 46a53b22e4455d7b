//! Reusable pieces of the UI. Components never import services.

mod footer;
mod header;
mod theme_toggle;

pub use footer::Footer;
pub use header::Header;
pub use theme_toggle::ThemeToggle;
