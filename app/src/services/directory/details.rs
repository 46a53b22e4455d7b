//! The per-customer half of a sync: package (v2 `task=overview`, API.md §2.7; v3 offerings,
//! §5.6) and state (v3, §5.8), one read each, a few at a time.

use std::collections::{HashMap, HashSet};

use futures::{stream, StreamExt};
use sendgrid::{AccountState, Client, OfferingKind};

use super::merge::{V2Entry, V3Entry};
use super::sync::Running;
use crate::domain::directory::SyncPhase;

/// Per-customer reads in flight at once: quick against the simulator, gentle on SendGrid's
/// rate limits (§1.4, §7).
pub const DETAIL_CONCURRENCY: usize = 8;

impl Running {
    /// Reads package and state per customer. A read that fails keeps what the last good sync
    /// stored for that customer, and is counted in the sync's notes.
    pub(super) async fn read_details(
        &self,
        client: &Client,
        v2: &mut [V2Entry],
        v3: &mut [V3Entry],
        v3_only: &HashSet<String>,
        old_v2: &HashMap<&str, &V2Entry>,
        old_v3: &HashMap<&str, &V3Entry>,
    ) -> Missing {
        let total = v2.len() + v3.len() + v3_only.len();
        self.update(|p| {
            p.phase = SyncPhase::Details;
            p.details_total = total as u32;
        });
        let mut missing = Missing::default();

        let packages = self
            .each(
                v2.iter().map(|c| c.username.clone()).collect(),
                |user| async move { client.overview(&user).await.map(|o| Some(o.package)) },
            )
            .await;
        for (customer, read) in v2.iter_mut().zip(packages) {
            customer.package = read.unwrap_or_else(|_| {
                missing.packages += 1;
                old_v2
                    .get(customer.username.as_str())
                    .and_then(|c| c.package.clone())
            });
        }

        let states = self
            .each(
                v3.iter().map(|a| a.account_id.clone()).collect(),
                |id| async move {
                    client
                        .get_account_state(&id)
                        .await
                        .map(|s| Some(state_name(s).to_string()))
                },
            )
            .await;
        for (account, read) in v3.iter_mut().zip(states) {
            account.state = read.unwrap_or_else(|_| {
                missing.states += 1;
                old_v3
                    .get(account.account_id.as_str())
                    .and_then(|a| a.state.clone())
            });
        }

        let wanted: Vec<String> = v3
            .iter()
            .filter(|a| v3_only.contains(&a.account_id))
            .map(|a| a.account_id.clone())
            .collect();
        let offerings = self
            .each(wanted.clone(), |id| async move {
                let offerings = client.get_account_offerings(&id).await?;
                Ok(offerings
                    .into_iter()
                    .find(|o| o.kind == OfferingKind::Package)
                    .map(|o| o.name))
            })
            .await;
        let offerings: HashMap<String, _> = wanted.into_iter().zip(offerings).collect();
        for account in v3.iter_mut() {
            if let Some(read) = offerings.get(&account.account_id) {
                account.package = match read {
                    Ok(package) => package.clone(),
                    Err(_) => {
                        missing.packages += 1;
                        old_v3
                            .get(account.account_id.as_str())
                            .and_then(|a| a.package.clone())
                    }
                };
            }
        }
        missing
    }

    /// Runs `read` for every key, a few at a time, in key order, counting progress. A customer
    /// deleted since it was listed reads as "nothing", not as a failure.
    async fn each<F, Fut>(
        &self,
        keys: Vec<String>,
        read: F,
    ) -> Vec<Result<Option<String>, sendgrid::Error>>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<Option<String>, sendgrid::Error>>,
    {
        stream::iter(keys)
            .map(|key| {
                let fut = read(key);
                async move {
                    let result = match fut.await {
                        Err(sendgrid::Error::NotFound { .. }) => Ok(None),
                        other => other,
                    };
                    self.update(|p| p.details_done += 1);
                    result
                }
            })
            .buffered(DETAIL_CONCURRENCY)
            .collect()
            .await
    }
}

/// Details that could not be read this time.
#[derive(Default)]
pub(super) struct Missing {
    packages: usize,
    states: usize,
}

impl Missing {
    pub(super) fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.packages > 0 {
            parts.push(format!("the package of {} customer(s)", self.packages));
        }
        if self.states > 0 {
            parts.push(format!("the state of {} account(s)", self.states));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "SendGrid did not answer for {}; the previous values are shown.",
                parts.join(" and ")
            )
        })
    }
}

pub fn state_name(state: AccountState) -> &'static str {
    match state {
        AccountState::Activated => "activated",
        AccountState::Deactivated => "deactivated",
        AccountState::Suspended => "suspended",
        AccountState::Banned => "banned",
        AccountState::Indeterminate => "indeterminate",
    }
}
