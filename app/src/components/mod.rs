//! Reusable pieces of the UI. Components never import services.

mod adopt;
mod command_palette;
mod confirm_actions;
mod confirm_first;
mod customer_history;
mod daily_chart;
mod data_table;
mod directory_memory;
mod field_diff;
mod footer;
mod header;
mod local_time;
mod me;
mod reconcile;
mod status_badge;
mod theme_toggle;
mod typed_confirmation;
mod unresolved;

pub use adopt::adopt_controls;
pub use command_palette::CommandPalette;
pub use confirm_actions::ConfirmActions;
pub use confirm_first::ConfirmFirst;
pub use customer_history::CustomerHistory;
pub use daily_chart::DailyChart;
pub use data_table::{headings, Column, DataTable, EmptyState, Pager};
pub use directory_memory::DirectoryMemory;
pub use field_diff::{FieldDiff, StateList};
pub use footer::Footer;
pub use header::Header;
pub use local_time::LocalTime;
pub use me::{Guarded, Me};
pub use reconcile::{ReconcileButton, ReconcileResult};
pub use status_badge::StatusBadge;
pub use theme_toggle::ThemeToggle;
pub use typed_confirmation::TypedConfirmation;
pub use unresolved::UnresolvedPanel;
