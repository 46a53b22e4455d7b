//! Who is asking, and may they? One guard, [`require`], used by every server function and
//! page; the UI's hiding of buttons is a courtesy, this is the check.

use std::time::Duration;

use chrono::Utc;
use sqlx::SqlitePool;
use tower_sessions::Session;

use crate::domain::{OperatorView, Permission};

use super::operators::{self, OperatorRow};

mod authority;
mod sign_in;

pub use authority::{Admin, Approving, Auditor, Manager};
pub use sign_in::{sign_in, SignInAttempt, SignInRefused, SignedIn};

const OPERATOR_ID: &str = "operator_id";
const SIGNED_IN_AT: &str = "signed_in_at";
/// When the session's idle expiry was last pushed forward (milliseconds since the epoch).
const TOUCHED_AT: &str = "touched_at_ms";
/// The operator's credentials version when the session started (see
/// [`operators::set_password`]): a password change ends every session of an older one.
const CREDENTIALS_VERSION: &str = "credentials_version";

/// The operator behind the current request, resolved once per request by the session
/// middleware and stored in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct CurrentOperator(pub Option<OperatorView>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("Your role does not allow this.")]
    Forbidden,
    /// Signed in with a one-time or initial password: nothing but choosing a new one.
    #[error("Choose a new password first (Change password, at /account/password).")]
    PasswordChangeRequired,
}

impl AuthError {
    pub fn status(self) -> u16 {
        match self {
            AuthError::Unauthenticated => 401,
            AuthError::Forbidden | AuthError::PasswordChangeRequired => 403,
        }
    }
}

/// Checks the request's operator against a permission; the operator is returned so the
/// caller can name them in the audit log.
pub fn check(current: &CurrentOperator, permission: Permission) -> Result<OperatorView, AuthError> {
    let operator = check_signed_in(current)?;
    if operator.must_change_password {
        return Err(AuthError::PasswordChangeRequired);
    }
    if operator.role.allows(permission) {
        Ok(operator)
    } else {
        Err(AuthError::Forbidden)
    }
}

/// Any signed-in operator, including one who must still replace a one-time password: what
/// changing that password needs, and nothing else should use.
pub fn check_signed_in(current: &CurrentOperator) -> Result<OperatorView, AuthError> {
    current.0.clone().ok_or(AuthError::Unauthenticated)
}

/// Session lifetime limits: idle is enforced by the cookie store's expiry; absolute here.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
    /// How long a one-time password may be used, from when it was set.
    pub one_time_password: Duration,
}

/// Whether `operator` holds a one-time password older than `lifetime`: it no longer signs in,
/// and a session started with it ends.
pub fn one_time_password_expired(operator: &OperatorRow, lifetime: Duration) -> bool {
    if !operator.must_change_password {
        return false;
    }
    let set_at = operator
        .password_set_at
        .as_deref()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok());
    match set_at {
        // The first admin's initial password has no set time (see `operators::mark_initial`):
        // it was never handed to anyone, only written to a 0600 file on the server.
        None => false,
        Some(set_at) => {
            let age = Utc::now().signed_duration_since(set_at);
            age.to_std().is_ok_and(|age| age > lifetime)
        }
    }
}

/// Marks the session as signed in as `operator`, with a fresh id so a fixated id is useless.
pub async fn start_session(
    session: &Session,
    operator: &OperatorRow,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(OPERATOR_ID, operator.id).await?;
    session
        .insert(CREDENTIALS_VERSION, operator.credentials_version)
        .await?;
    let now = Utc::now();
    session.insert(SIGNED_IN_AT, now.timestamp()).await?;
    session.insert(TOUCHED_AT, now.timestamp_millis()).await?;
    Ok(())
}

/// After the operator changed their own password: this session goes on, under a fresh id and
/// the new credentials version; every other session of theirs ends on its next request.
pub async fn carry_over_password_change(
    session: &Session,
    credentials_version: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session
        .insert(CREDENTIALS_VERSION, credentials_version)
        .await
}

pub async fn end_session(session: &Session) {
    let _ = session.flush().await;
}

/// Resolves the session to a live operator. A disabled operator, a deleted one, a session past
/// its absolute lifetime, or one started before the operator's password last changed ends the
/// session at once.
pub async fn resolve(
    pool: &SqlitePool,
    session: &Session,
    limits: SessionLimits,
) -> Result<CurrentOperator, sqlx::Error> {
    let Ok(Some(id)) = session.get::<i64>(OPERATOR_ID).await else {
        return Ok(CurrentOperator(None));
    };
    let signed_in_at = session
        .get::<i64>(SIGNED_IN_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let age = Utc::now().timestamp().saturating_sub(signed_in_at);
    let expired = age < 0 || age as u64 > limits.absolute.as_secs();

    let version = session
        .get::<i64>(CREDENTIALS_VERSION)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);

    let operator = operators::find_by_id(pool, id).await?;
    match operator {
        Some(row)
            if row.disabled_at.is_none()
                && !expired
                && row.credentials_version == version
                && !one_time_password_expired(&row, limits.one_time_password) =>
        {
            keep_alive(session, limits.idle).await;
            Ok(CurrentOperator(Some(row.view())))
        }
        _ => {
            end_session(session).await;
            Ok(CurrentOperator(None))
        }
    }
}

/// Idle time counts from the last request: a request moves the session's expiry forward.
/// Writing the session on every request would cost a durable SQLite write per page view, so
/// the expiry is moved at most once per `idle / 30` (a minute with the default 30 minutes);
/// a session then lasts between `idle - idle / 30` and `idle` after its last request.
async fn keep_alive(session: &Session, idle: Duration) {
    let now = Utc::now().timestamp_millis();
    let touched_at = session
        .get::<i64>(TOUCHED_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    if now.saturating_sub(touched_at) >= touch_interval(idle) {
        // Marks the session modified, so the session layer saves it with a fresh expiry.
        let _ = session.insert(TOUCHED_AT, now).await;
    }
}

/// How often a busy session's expiry is written, in milliseconds: 1/30 of the idle timeout,
/// at most a minute.
fn touch_interval(idle: Duration) -> i64 {
    (idle.as_millis() / 30).clamp(1, 60_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_is_written_at_most_once_a_minute() {
        assert_eq!(touch_interval(Duration::from_secs(30 * 60)), 60_000);
        assert_eq!(touch_interval(Duration::from_secs(12 * 3600)), 60_000);
        assert_eq!(touch_interval(Duration::from_secs(60)), 2_000);
        assert_eq!(touch_interval(Duration::from_secs(3)), 100);
    }
}
