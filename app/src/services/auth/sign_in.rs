//! Signing in: the throttle, the password check, the session and the audit row, in that
//! order. The HTTP handler (`POST /login`) only turns the form into a [`SignInAttempt`] and
//! the answer into a redirect, so every rule about signing in is here.

use std::time::Duration;

use serde_json::json;
use tower_sessions::Session;

use super::{one_time_password_expired, start_session};
use crate::domain::AuditAction;
use crate::services::audit::{self, NewEvent, Outcome};
use crate::services::sign_in_email::SignInEmail;
use crate::services::{operators, passwords, AppState};

/// What was posted, with the client address the request came from.
pub struct SignInAttempt<'a> {
    pub email: &'a SignInEmail,
    pub password: &'a str,
    pub client_ip: &'a str,
}

/// Signed in: the session holds the operator.
#[derive(Debug)]
pub struct SignedIn {
    /// A one-time or initial password: the operator must choose their own first.
    pub must_change_password: bool,
}

/// Why nobody was signed in; each is recorded (but `Busy` and `Unavailable`, which refuse
/// before anything is known).
#[derive(Debug, PartialEq, Eq)]
pub enum SignInRefused {
    /// Too many failures from this address (or for this email from it): wait.
    Throttled { wait: Duration },
    /// Unknown email, wrong password or a disabled operator: the same answer for all three.
    Invalid,
    /// The right one-time password, but too old to choose one's own with.
    Expired,
    /// Every password check is taken and the queue is full: nothing was done.
    Busy,
    /// The console's database or session store failed: nothing was done.
    Unavailable(&'static str),
}

pub async fn sign_in(
    state: &AppState,
    session: &Session,
    attempt: SignInAttempt<'_>,
) -> Result<SignedIn, SignInRefused> {
    let SignInAttempt {
        email: typed,
        password,
        client_ip,
    } = attempt;
    let email = typed.as_str();
    let record = |event: NewEvent| {
        audit::record(
            &state.pool,
            event.with_client_ip(Some(client_ip.to_string())),
        )
    };

    // Counted before the password is checked, so a parallel burst gets no extra guesses.
    let reserved = match state.login_throttle.reserve(email, client_ip) {
        Ok(reserved) => reserved,
        Err(blocked) => {
            if let Some(refusals) = blocked.record {
                let mut params = typed.audit_fields();
                params["reason"] = json!("throttled");
                params["refusals"] = json!(refusals);
                record(NewEvent::event(
                    AuditAction::SignIn,
                    None,
                    Outcome::Refused,
                    params,
                ))
                .await;
            }
            return Err(SignInRefused::Throttled { wait: blocked.wait });
        }
    };

    let found = if typed.is_truncated() {
        // Longer than any email: it names no operator, whatever its first 254 characters.
        Ok(None)
    } else {
        operators::find_by_email(&state.pool, email).await
    };
    let operator = match found {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "sign-in lookup failed");
            state.login_throttle.release(reserved);
            return Err(SignInRefused::Unavailable(
                "The console's database is unavailable.",
            ));
        }
    };
    // Always verify against some hash, so an unknown email costs the same time as a wrong password.
    let hash = operator
        .as_ref()
        .map(|op| op.password_hash.as_str())
        .unwrap_or(passwords::decoy_hash());
    // An email failing from many addresses is slowed down, never locked (see `throttle`).
    if !reserved.delay.is_zero() {
        tokio::time::sleep(reserved.delay).await;
    }
    let checked = state
        .password_checks
        .verify(password.to_string(), hash.to_string())
        .await;
    let Ok(password_ok) = checked else {
        state.login_throttle.release(reserved);
        return Err(SignInRefused::Busy);
    };
    let signed_in = match operator {
        Some(op) if password_ok && op.disabled_at.is_none() => Some(op),
        _ => None,
    };
    let Some(operator) = signed_in else {
        state.login_throttle.failed(reserved);
        record(NewEvent::event(
            AuditAction::SignIn,
            None,
            Outcome::Failure,
            typed.audit_fields(),
        ))
        .await;
        return Err(SignInRefused::Invalid);
    };

    state.login_throttle.succeeded(reserved);
    if one_time_password_expired(&operator, state.session_limits.one_time_password) {
        record(NewEvent::event(
            AuditAction::SignIn,
            Some(&operator.email),
            Outcome::Refused,
            json!({"reason": "one-time password expired"}),
        ))
        .await;
        return Err(SignInRefused::Expired);
    }
    if let Err(error) = start_session(session, &operator).await {
        tracing::error!(%error, "cannot start a session");
        return Err(SignInRefused::Unavailable(
            "Cannot start a session; try again.",
        ));
    }
    record(NewEvent::event(
        AuditAction::SignIn,
        Some(&operator.email),
        Outcome::Success,
        json!({}),
    ))
    .await;
    Ok(SignedIn {
        must_change_password: operator.must_change_password,
    })
}
