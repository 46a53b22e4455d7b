//! Accounts: list with the `pages.last` cursor (API.md §5.3), create (§5.4), delete (§5.5).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::{json_body, Offering, V3Request};
use crate::transport::Policy;
use crate::{Client, Error, Result};

/// Largest `limit` the list call accepts.
pub const MAX_PAGE_SIZE: u32 = 100;

/// An account as listed. The schema guarantees `id` and `created_at`; `email` and
/// `updated_at` appear in the examples only (API.md §8.12).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    pub id: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// One page of accounts. `last` is the cursor for the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPage {
    pub accounts: Vec<Account>,
    pub last: Option<String>,
}

#[derive(Deserialize)]
struct AccountList {
    #[serde(default)]
    accounts: Vec<Account>,
    #[serde(default)]
    pages: Option<Pages>,
}

#[derive(Deserialize)]
struct Pages {
    #[serde(default)]
    last: Option<String>,
}

/// Profile of a new account. Every field is optional; what is left out is asked of the
/// customer at first login (§5.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountProfile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164, at most fifteen digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// IANA Area/Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewAccount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<AccountProfile>,
    pub offerings: Vec<Offering>,
    /// Value of the `T-Test-Account` header, sent only when set (semantics undocumented,
    /// API.md §9 Q7).
    #[serde(skip)]
    pub test_account: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    account_id: String,
}

impl Client {
    /// One page of at most `limit` (1..=100) accounts after the cursor `offset`
    /// (an account id from the previous page's `last`, not a number).
    #[instrument(skip(self), fields(attempts))]
    pub async fn list_accounts(&self, offset: Option<&str>, limit: u32) -> Result<AccountPage> {
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(Error::InvalidInput {
                field: Some("limit".to_owned()),
                message: format!("limit must be between 1 and {MAX_PAGE_SIZE}"),
            });
        }
        let mut request = V3Request::new(Method::GET, &["accounts"], Policy::Read);
        request.query.push(("limit", limit.to_string()));
        if let Some(offset) = offset {
            request.query.push(("offset", offset.to_owned()));
        }
        let reply = self.v3_send(request).await?;
        let list: AccountList = self.v3_json(&reply)?;
        let last = list.pages.and_then(|p| p.last).filter(|l| !l.is_empty());
        Ok(AccountPage {
            accounts: list.accounts,
            last,
        })
    }

    /// Every account, walking pages of `page_size`. The end of the list is undocumented
    /// (API.md §9 Q6): it stops at an empty or missing `pages.last`, or a short page. A cursor
    /// seen before means upstream is looping; that is an error, not a silently short list.
    #[instrument(skip(self), fields(pages))]
    pub async fn list_all_accounts(&self, page_size: u32) -> Result<Vec<Account>> {
        let mut all = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0u32;
        loop {
            let page = self.list_accounts(cursor.as_deref(), page_size).await?;
            pages += 1;
            let full = page.accounts.len() >= page_size as usize;
            all.extend(page.accounts);
            match page.last {
                Some(last) if full => {
                    if !seen.insert(last.clone()) {
                        return Err(Error::Unexpected {
                            status: 200,
                            excerpt: format!("account list cursor {last} repeated"),
                        });
                    }
                    cursor = Some(last);
                }
                _ => break,
            }
        }
        tracing::Span::current().record("pages", pages);
        Ok(all)
    }

    /// Creates an account; returns its id. Not retried: a second POST would create a second
    /// account.
    #[instrument(skip_all, fields(offerings = account.offerings.len(), attempts))]
    pub async fn create_account(&self, account: &NewAccount) -> Result<String> {
        let mut request = V3Request::new(Method::POST, &["accounts"], Policy::Write);
        request.body = json_body(account)?;
        if let Some(test) = &account.test_account {
            request.headers.push(("T-Test-Account", test.clone()));
        }
        let reply = self.v3_send(request).await?;
        Ok(self.v3_json::<Created>(&reply)?.account_id)
    }

    /// Deletes an account: irreversible, cancels billing at once (§5.5). Not retried.
    #[instrument(skip(self), fields(attempts))]
    pub async fn delete_account(&self, account_id: &str) -> Result<()> {
        let request = V3Request::new(Method::DELETE, &["accounts", account_id], Policy::Write);
        self.v3_send(request).await.map(drop)
    }
}
