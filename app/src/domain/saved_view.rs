//! Saved views: an operator's named filters of the directory (`/customers`) or the audit log
//! (`/audit`). A view is its screen's URL with the filter in the query string, so opening,
//! bookmarking and sharing one are the same link; pinned ones are counted on the home page.

use serde::{Deserialize, Serialize};

use super::audit_filter::AuditFilter;
use super::change::FieldError;
use super::directory::DirectoryQuery;
use super::{Permission, QueryParams};

/// Longest name, in characters.
pub const NAME_MAX_CHARS: usize = 60;
/// Views one operator may keep per screen.
pub const VIEWS_PER_SCREEN: i64 = 50;
/// Pinned audit views are counted up to this many rows, then shown as "more than".
pub const AUDIT_COUNT_CAP: u32 = 1000;

/// The screens whose filters can be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViewScreen {
    Customers,
    Audit,
}

impl ViewScreen {
    pub const ALL: [ViewScreen; 2] = [ViewScreen::Customers, ViewScreen::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            ViewScreen::Customers => "customers",
            ViewScreen::Audit => "audit",
        }
    }

    pub fn parse(value: &str) -> Option<ViewScreen> {
        ViewScreen::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn path(self) -> &'static str {
        match self {
            ViewScreen::Customers => "/customers",
            ViewScreen::Audit => "/audit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ViewScreen::Customers => "Customers",
            ViewScreen::Audit => "Audit log",
        }
    }

    /// Who may read the screen may keep views of it.
    pub fn permission(self) -> Permission {
        match self {
            ViewScreen::Customers => Permission::ReadCustomers,
            ViewScreen::Audit => Permission::ReadAudit,
        }
    }

    /// The filter of a query string in its one written form (defaults left out, no page or
    /// cursor), or why it is not one the screen reads.
    pub fn canonical_query(self, query: &str) -> Result<String, String> {
        let params = QueryParams::parse(query);
        let get = |name: &str| params.get(name);
        match self {
            ViewScreen::Customers => {
                let href = DirectoryQuery::from_params(get).at_page(1).href();
                Ok(href
                    .strip_prefix(self.path())
                    .unwrap_or_default()
                    .trim_start_matches('?')
                    .to_string())
            }
            ViewScreen::Audit => AuditFilter::parse(get).map(|filter| filter.query_string()),
        }
    }

    /// The query string of what a screen shows now, as a view of it would store it.
    pub fn href(self, query: &str) -> String {
        match query {
            "" => self.path().to_string(),
            query => format!("{}?{query}", self.path()),
        }
    }
}

/// One saved view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub screen: ViewScreen,
    pub name: String,
    /// The canonical query string (see [`ViewScreen::canonical_query`]).
    pub query: String,
    pub pinned: bool,
}

impl SavedView {
    /// The screen with the view's filter: what opening, bookmarking or sharing it uses.
    pub fn href(&self) -> String {
        self.screen.href(&self.query)
    }
}

/// The fields of the save form a refusal can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewField {
    Name,
    /// The filter itself (a hand-edited URL the screen would refuse too).
    Query,
}

/// A view as the save form submitted it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewDraft {
    pub screen: ViewScreen,
    pub name: String,
    pub query: String,
    pub pinned: bool,
}

impl ViewDraft {
    pub fn from_form(
        screen: &str,
        name: &str,
        query: &str,
        pinned: bool,
    ) -> Result<ViewDraft, Vec<FieldError<ViewField>>> {
        let mut errors = Vec::new();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError::new(
                ViewField::Name,
                "Name the view, e.g. “Silver customers” or “Failures this month”.",
            ));
        } else if name.chars().count() > NAME_MAX_CHARS {
            errors.push(FieldError::new(
                ViewField::Name,
                format!("Keep the name to {NAME_MAX_CHARS} characters."),
            ));
        }
        let Some(screen) = ViewScreen::parse(screen) else {
            errors.push(FieldError::new(
                ViewField::Query,
                "Views are of the Customers or the Audit log screen.",
            ));
            return Err(errors);
        };
        let query = match screen.canonical_query(query) {
            Ok(query) => query,
            Err(message) => {
                errors.push(FieldError::new(ViewField::Query, message));
                String::new()
            }
        };
        match errors.is_empty() {
            true => Ok(ViewDraft {
                screen,
                name,
                query,
                pinned,
            }),
            false => Err(errors),
        }
    }
}

/// A pinned view's live count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewCount {
    Exactly(u64),
    /// More than this many (counting stopped there).
    MoreThan(u64),
    /// It could not be counted now; why, in words.
    Unreadable(String),
}

impl ViewCount {
    pub fn text(&self) -> String {
        match self {
            ViewCount::Exactly(n) => n.to_string(),
            ViewCount::MoreThan(n) => format!("{n}+"),
            ViewCount::Unreadable(_) => "?".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedView {
    pub view: SavedView,
    pub count: ViewCount,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_query_is_stored_without_defaults_or_its_page() {
        let screen = ViewScreen::Customers;
        assert_eq!(
            screen.canonical_query("?q=acme%20co&page=3&sort=name&package=Silver"),
            Ok("q=acme%20co&package=Silver".to_string())
        );
        assert_eq!(screen.canonical_query(""), Ok(String::new()));
        assert_eq!(screen.href(""), "/customers");
    }

    #[test]
    fn an_audit_query_is_checked_as_the_screen_checks_it() {
        let screen = ViewScreen::Audit;
        assert_eq!(
            screen.canonical_query("outcome=unknown&before=10&customer=+acme+"),
            Ok("customer=acme&outcome=unknown".to_string())
        );
        let refused = screen
            .canonical_query("from=2026-11-02&to=2026-11-01")
            .unwrap_err();
        assert!(refused.contains("From"), "{refused}");
    }

    #[test]
    fn the_form_names_what_to_fix() {
        let errors = ViewDraft::from_form("audit", "   ", "outcome=maybe", false).unwrap_err();
        let fields: Vec<ViewField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![ViewField::Name, ViewField::Query]);
        let long = "x".repeat(NAME_MAX_CHARS + 1);
        assert!(ViewDraft::from_form("customers", &long, "", false).is_err());
        assert!(ViewDraft::from_form("operators", "Mine", "", false).is_err());
        let draft = ViewDraft::from_form("customers", "  Silver   ones ", "package=Silver", true);
        assert_eq!(
            draft,
            Ok(ViewDraft {
                screen: ViewScreen::Customers,
                name: "Silver ones".to_string(),
                query: "package=Silver".to_string(),
                pinned: true,
            })
        );
    }
}
