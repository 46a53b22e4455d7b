//! Who is asking, and may they? One guard, [`require`], used by every server function and
//! page; the UI's hiding of buttons is a courtesy, this is the check.

use std::time::Duration;

use chrono::Utc;
use sqlx::SqlitePool;
use tower_sessions::Session;

use crate::domain::{OperatorView, Permission};

use super::operators::{self, OperatorRow};

const OPERATOR_ID: &str = "operator_id";
const SIGNED_IN_AT: &str = "signed_in_at";

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
}

impl AuthError {
    pub fn status(self) -> u16 {
        match self {
            AuthError::Unauthenticated => 401,
            AuthError::Forbidden => 403,
        }
    }
}

/// Checks the request's operator against a permission; the operator is returned so the
/// caller can name them in the audit log.
pub fn check(current: &CurrentOperator, permission: Permission) -> Result<OperatorView, AuthError> {
    let operator = current.0.clone().ok_or(AuthError::Unauthenticated)?;
    if operator.role.allows(permission) {
        Ok(operator)
    } else {
        Err(AuthError::Forbidden)
    }
}

/// Session lifetime limits: idle is enforced by the cookie store's expiry; absolute here.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

/// Marks the session as signed in as `operator`, with a fresh id so a fixated id is useless.
pub async fn start_session(
    session: &Session,
    operator: &OperatorRow,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(OPERATOR_ID, operator.id).await?;
    session.insert(SIGNED_IN_AT, Utc::now().timestamp()).await?;
    Ok(())
}

pub async fn end_session(session: &Session) {
    let _ = session.flush().await;
}

/// Resolves the session to a live operator. A disabled operator, a deleted one, or a session
/// past its absolute lifetime ends the session at once.
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

    let operator = operators::find_by_id(pool, id).await?;
    match operator {
        Some(row) if row.disabled_at.is_none() && !expired => Ok(CurrentOperator(Some(row.view()))),
        _ => {
            end_session(session).await;
            Ok(CurrentOperator(None))
        }
    }
}
