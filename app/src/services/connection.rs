//! The SendGrid connection check: one harmless read per API family (v2 lists packages,
//! API.md §4.3; v3 lists the offerings catalog, §5.2), each answer told in SendGrid's words,
//! with the rate-limit headers SendGrid sent (§7). Shared by the admins' connection page and
//! `reseller-console check-upstream`.

use std::time::Duration;

use sendgrid::{Client, Family};

use crate::domain::connection::{
    CheckOutcome, ConnectionReport, FamilyCheck, RateLimitView, UpstreamSettings,
};

/// A person is waiting on the page; a check that takes longer says so rather than hanging.
const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

fn outcome_of<T>(
    answer: Result<Result<T, sendgrid::Error>, tokio::time::error::Elapsed>,
    works: impl FnOnce(T) -> String,
) -> CheckOutcome {
    use sendgrid::Error;
    let error = match answer {
        Err(_) => {
            return CheckOutcome::Failed(format!("no answer within {} s", CHECK_TIMEOUT.as_secs()))
        }
        Ok(Ok(value)) => return CheckOutcome::Works(works(value)),
        Ok(Err(error)) => error,
    };
    match error {
        Error::Unauthorized { message } => CheckOutcome::Refused {
            status: 401,
            words: message,
            meaning: "The key (or, for v2, the username and password) is wrong, revoked, or \
                      lacks the scope this call needs."
                .to_string(),
        },
        Error::Forbidden { message } => CheckOutcome::Refused {
            status: 403,
            words: message,
            meaning: "The key was accepted but may not do this: the v3 partner API answers only \
                      keys of a reseller with a formal SendGrid reseller partnership (API.md §0)."
                .to_string(),
        },
        Error::RateLimited { message, .. } => CheckOutcome::Refused {
            status: 429,
            words: message,
            meaning: "SendGrid's rate limit is reached for now; the credentials themselves may \
                      be fine."
                .to_string(),
        },
        Error::NotFound { message } => CheckOutcome::Refused {
            status: 404,
            words: message,
            meaning: "The base URL does not serve this API family (the EU host serves v3 only, \
                      API.md §7)."
                .to_string(),
        },
        other => CheckOutcome::Failed(other.to_string()),
    }
}

fn rate_limit(client: &Client, family: Family) -> Option<RateLimitView> {
    client.rate_limit_seen(family).map(|seen| RateLimitView {
        limit: seen.limit,
        remaining: seen.remaining,
        reset_at: seen
            .reset_at
            .map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    })
}

/// Runs both reads at once and reports each family. Changes nothing at SendGrid.
#[tracing::instrument(skip_all)]
pub async fn check(client: &Client, settings: &UpstreamSettings) -> ConnectionReport {
    let (packages, catalog) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, client.list_packages()),
        tokio::time::timeout(CHECK_TIMEOUT, client.list_offerings()),
    );
    let v2 = outcome_of(packages, |list| format!("{} packages listed", list.len()));
    let v3 = outcome_of(catalog, |list| {
        format!("{} offerings in the catalog", list.len())
    });
    ConnectionReport {
        families: vec![
            FamilyCheck {
                family: "v2 (legacy reseller API)".to_string(),
                probe: "apiv2/reseller.packages, list packages".to_string(),
                base_url: settings.v2_base_url.clone(),
                credential: settings.v2_credential.clone(),
                outcome: v2,
                rate_limit: rate_limit(client, Family::V2),
            },
            FamilyCheck {
                family: "v3 (partner API)".to_string(),
                probe: "GET /v3/partners/offerings, the catalog".to_string(),
                base_url: settings.v3_base_url.clone(),
                credential: settings.v3_credential.clone(),
                outcome: v3,
                rate_limit: rate_limit(client, Family::V3),
            },
        ],
        embedded: settings.embedded,
        checked_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}
