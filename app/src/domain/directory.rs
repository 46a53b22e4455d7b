//! The customer directory as the browser sees it: a query taken from the URL, a page of
//! merged customers, and the state of the sync that fills it.

use serde::{Deserialize, Serialize};

use super::encode_component;

/// Rows per page.
pub const PAGE_SIZE: u32 = 50;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortColumn {
    #[default]
    Name,
    Company,
    Username,
    Email,
    Package,
    State,
}

impl SortColumn {
    pub const ALL: [SortColumn; 6] = [
        SortColumn::Name,
        SortColumn::Company,
        SortColumn::Username,
        SortColumn::Email,
        SortColumn::Package,
        SortColumn::State,
    ];

    pub fn parse(value: &str) -> Option<SortColumn> {
        SortColumn::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Company => "company",
            SortColumn::Username => "username",
            SortColumn::Email => "email",
            SortColumn::Package => "package",
            SortColumn::State => "state",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Name => "Name",
            SortColumn::Company => "Company",
            SortColumn::Username => "Username",
            SortColumn::Email => "Email",
            SortColumn::Package => "Package",
            SortColumn::State => "State",
        }
    }
}

/// Search, filters, sort and page, as carried in `/customers?q=&package=&state=&sort=&dir=&page=`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    pub q: String,
    pub package: String,
    pub state: String,
    pub sort: SortColumn,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
}

impl DirectoryQuery {
    /// Reads the query from URL parameters; anything unreadable falls back to its default.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> DirectoryQuery {
        let text = |name: &str| get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        DirectoryQuery {
            q: text("q").chars().take(200).collect(),
            package: text("package"),
            state: text("state"),
            sort: SortColumn::parse(&text("sort")).unwrap_or_default(),
            descending: text("dir") == "desc",
            page: text("page").parse().ok().filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    /// `/customers` with only the parameters that differ from the defaults.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("package", &self.package),
            ("state", &self.state),
        ] {
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        if self.sort != SortColumn::default() {
            pairs.push(("sort", self.sort.as_str().to_string()));
        }
        if self.descending {
            pairs.push(("dir", "desc".to_string()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        let query = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode_component(value)))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            "/customers".to_string()
        } else {
            format!("/customers?{query}")
        }
    }

    /// Sorted by `column`: ascending first, descending when it already was ascending.
    pub fn sorted_by(&self, column: SortColumn) -> DirectoryQuery {
        DirectoryQuery {
            sort: column,
            descending: self.sort == column && !self.descending,
            page: 1,
            ..self.clone()
        }
    }

    pub fn at_page(&self, page: u32) -> DirectoryQuery {
        DirectoryQuery {
            page: page.max(1),
            ..self.clone()
        }
    }
}

/// How a directory entry's two halves were joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Linkage {
    /// A v2 customer and a v3 account with the same email (case-insensitive).
    Email,
    /// Joined by an admin.
    Manual,
    V2Only,
    V3Only,
}

impl Linkage {
    pub fn as_str(self) -> &'static str {
        match self {
            Linkage::Email => "email",
            Linkage::Manual => "manual",
            Linkage::V2Only => "v2_only",
            Linkage::V3Only => "v3_only",
        }
    }

    pub fn parse(value: &str) -> Option<Linkage> {
        [
            Linkage::Email,
            Linkage::Manual,
            Linkage::V2Only,
            Linkage::V3Only,
        ]
        .into_iter()
        .find(|l| l.as_str() == value)
    }
}

/// How the `customers` table stores it (a CHECK constraint admits only these four).
impl TryFrom<String> for Linkage {
    type Error = String;

    fn try_from(value: String) -> Result<Linkage, String> {
        Linkage::parse(&value).ok_or_else(|| format!("{value:?} is not a directory linkage"))
    }
}

/// One customer of the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CustomerRow {
    /// What `/customers/:user` takes: the v2 username, or the v3 account id when there is none.
    pub key: String,
    pub username: Option<String>,
    pub account_id: Option<String>,
    pub name: String,
    pub company: String,
    pub email: String,
    pub package: Option<String>,
    pub state: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub linkage: Linkage,
}

impl CustomerRow {
    /// The name to show: v3-only accounts have no name in the list call (API.md §5.3).
    pub fn display_name(&self) -> &str {
        [&self.name, &self.email, &self.key]
            .into_iter()
            .find(|text| !text.trim().is_empty())
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub rows: Vec<CustomerRow>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

/// The values the filters offer: every package and state the directory holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryFacets {
    pub packages: Vec<String>,
    pub states: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncPhase {
    /// v2 profile pages and v3 account pages, walked side by side.
    Listing,
    Details,
    Saving,
}

impl SyncPhase {
    fn as_str(self) -> &'static str {
        match self {
            SyncPhase::Listing => "listing",
            SyncPhase::Details => "details",
            SyncPhase::Saving => "saving",
        }
    }

    fn parse(value: &str) -> Option<SyncPhase> {
        [SyncPhase::Listing, SyncPhase::Details, SyncPhase::Saving]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// Where a running sync is: pages read and accounts seen while listing, then the per-customer
/// reads of package and state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub pages: u32,
    pub accounts: u32,
    pub details_done: u32,
    pub details_total: u32,
}

impl SyncProgress {
    pub fn starting() -> SyncProgress {
        SyncProgress {
            phase: SyncPhase::Listing,
            pages: 0,
            accounts: 0,
            details_done: 0,
            details_total: 0,
        }
    }

    /// What the progress bar says.
    pub fn describe(&self) -> String {
        let listed = format!(
            "{} page{} read, {} account{} seen",
            self.pages,
            plural(self.pages),
            self.accounts,
            plural(self.accounts)
        );
        match self.phase {
            SyncPhase::Listing => format!("Listing v2 customers and v3 accounts: {listed}"),
            SyncPhase::Details => format!(
                "Reading package and state: {} of {} ({listed})",
                self.details_done, self.details_total
            ),
            SyncPhase::Saving => format!("Saving: {listed}"),
        }
    }

    /// `(value, max)` for `<progress>`; `None` while the total is unknown (listing).
    pub fn fraction(&self) -> Option<(u32, u32)> {
        match self.phase {
            SyncPhase::Details if self.details_total > 0 => {
                Some((self.details_done, self.details_total))
            }
            SyncPhase::Saving => Some((1, 1)),
            _ => None,
        }
    }

    /// One line of the progress stream.
    pub fn to_line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.phase.as_str(),
            self.pages,
            self.accounts,
            self.details_done,
            self.details_total
        )
    }

    pub fn from_line(line: &str) -> Option<SyncProgress> {
        let mut parts = line.split_whitespace();
        let phase = SyncPhase::parse(parts.next()?)?;
        let mut number = || parts.next()?.parse::<u32>().ok();
        Some(SyncProgress {
            phase,
            pages: number()?,
            accounts: number()?,
            details_done: number()?,
            details_total: number()?,
        })
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The directory's freshness: the last good sync, the last failure, and any sync running now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// RFC 3339, UTC.
    pub last_success_at: Option<String>,
    pub last_failure_at: Option<String>,
    pub last_failure: Option<String>,
    /// Notes of the last good sync, e.g. details that could not be read.
    pub last_notes: Option<String>,
    pub customers: u64,
    pub running: Option<SyncProgress>,
}

impl SyncStatus {
    /// The last sync failed after the last success (or there never was one).
    pub fn failed_last(&self) -> bool {
        match (&self.last_failure_at, &self.last_success_at) {
            (Some(failed), Some(succeeded)) => failed > succeeded,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// "2026-11-23 10:04 UTC" from an RFC 3339 UTC timestamp.
pub fn format_utc(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => timestamp.to_string(),
    }
}

#[cfg(test)]
#[path = "directory_tests.rs"]
mod tests;
