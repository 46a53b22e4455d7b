//! The `operators` table. Every change takes its audit event and writes it in the change's own
//! transaction: an operator change is never committed without its record.

use chrono::Utc;
use sqlx::SqlitePool;

use crate::domain::{check_new_password, OperatorEmail, OperatorView, Permission, Role};
use crate::services::writer::begin_write;

use super::audit::{append_in, NewEvent};
use super::auth::Admin;
use super::passwords;

#[derive(Debug, Clone)]
pub struct OperatorRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub created_at: String,
    pub disabled_at: Option<String>,
    /// Bumped by every password change; a session started under an older one is ended.
    pub credentials_version: i64,
    /// RFC 3339; when the current password was set.
    pub password_set_at: Option<String>,
}

impl OperatorRow {
    pub fn role(&self) -> Role {
        // The CHECK constraint admits only the four roles; the fallback is the least powerful.
        Role::parse(&self.role).unwrap_or(Role::Support)
    }

    pub fn view(&self) -> OperatorView {
        OperatorView {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role(),
            must_change_password: self.must_change_password,
            disabled: self.disabled_at.is_some(),
        }
    }
}

/// Why an operator change was not made. Every rule about operators is here, so the web, the
/// CLI and the first start hold to the same ones.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("An operator with the email {0} already exists.")]
    EmailTaken(String),
    #[error("No operator has the email {0}.")]
    NotFound(String),
    /// A display name or password against the rules; the message says which.
    #[error("{0}")]
    Invalid(String),
    #[error("You cannot disable yourself.")]
    SelfDisable,
    #[error("You cannot remove your own admin role; ask another admin.")]
    SelfDemotion,
    /// A new one-time password is for someone else; your own is changed knowing the current one.
    #[error("Change your own password under Change password.")]
    OwnPassword,
    #[error("{0} is disabled and cannot sign in.")]
    Disabled(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 100;

fn check_display_name(display_name: &str) -> Result<(), OperatorError> {
    if display_name.trim().chars().count() > MAX_DISPLAY_NAME {
        return Err(OperatorError::Invalid(format!(
            "Keep the display name under {MAX_DISPLAY_NAME} characters."
        )));
    }
    Ok(())
}

/// Whether the change recorded by `audit` is made by the operator `email` to themself. The
/// CLI acts as `cli`, never an operator's email.
fn by_themself(by: &Admin, email: &str) -> bool {
    by.email().eq_ignore_ascii_case(email.trim())
}

/// The change's record names the admin whose capability made it, whatever the caller filled in.
fn made_by(mut audit: NewEvent, by: &Admin) -> NewEvent {
    audit.operator = Some(by.email().to_string());
    audit
}

/// Reads [`OperatorRow`]s: the columns are named once, the rest of the statement follows
/// `FROM operators`.
macro_rules! select_operators {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            OperatorRow,
            r#"SELECT id AS "id!", email, display_name, role, password_hash,
                 must_change_password AS "must_change_password: bool", created_at, disabled_at,
                 credentials_version, password_set_at
             FROM operators "# + $rest
            $(, $arg)*
        )
    };
}

pub async fn count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM operators"#)
        .fetch_one(pool)
        .await
}

/// The password a new operator starts with.
#[derive(Clone, Copy, Debug)]
pub enum FirstPassword<'a> {
    /// Handed to them by an admin: it allows nothing but choosing their own.
    OneTime(&'a str),
    /// Chosen by them (typed at the console host's command line).
    Chosen(&'a str),
}

pub async fn create(
    pool: &SqlitePool,
    by: &Admin,
    email: &OperatorEmail,
    display_name: &str,
    role: Role,
    password: FirstPassword<'_>,
    audit: NewEvent,
) -> Result<OperatorRow, OperatorError> {
    let audit = made_by(audit, by);
    let (password, must_change_password) = match password {
        FirstPassword::OneTime(password) => (password, true),
        FirstPassword::Chosen(password) => (password, false),
    };
    check_display_name(display_name)?;
    check_new_password(password).map_err(OperatorError::Invalid)?;
    let hash = passwords::hash(password);
    let display_name = if display_name.trim().is_empty() {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string()
    } else {
        display_name.trim().to_string()
    };
    let mut tx = begin_write(pool).await?;
    let now = Utc::now().to_rfc3339();
    let (email_text, role_text) = (email.as_str(), role.as_str());
    let inserted = sqlx::query_as!(
        OperatorRow,
        r#"INSERT INTO operators (email, display_name, role, password_hash, must_change_password,
             created_at, password_set_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING
         RETURNING id AS "id!", email, display_name, role, password_hash,
                 must_change_password AS "must_change_password: bool", created_at, disabled_at,
                 credentials_version, password_set_at"#,
        email_text,
        display_name,
        role_text,
        hash,
        must_change_password,
        now,
        now,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let created = inserted.ok_or_else(|| OperatorError::EmailTaken(email.as_str().to_string()))?;
    append_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn find_by_email(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<OperatorRow>, sqlx::Error> {
    let email = email.trim();
    select_operators!("WHERE email = ?", email)
        .fetch_optional(pool)
        .await
}

pub async fn find_by_id(pool: &SqlitePool, id: i64) -> Result<Option<OperatorRow>, sqlx::Error> {
    select_operators!("WHERE id = ?", id)
        .fetch_optional(pool)
        .await
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<OperatorRow>, sqlx::Error> {
    select_operators!("ORDER BY disabled_at IS NOT NULL, email")
        .fetch_all(pool)
        .await
}

pub async fn set_role(
    pool: &SqlitePool,
    by: &Admin,
    email: &str,
    role: Role,
    audit: NewEvent,
) -> Result<(), OperatorError> {
    let audit = made_by(audit, by);
    if by_themself(by, email) && role != Role::Admin {
        return Err(OperatorError::SelfDemotion);
    }
    let role = role.as_str();
    let update = sqlx::query!("UPDATE operators SET role = ? WHERE email = ?", role, email);
    update_one(pool, email, update, audit).await
}

/// Disables the operator; their sessions stop working on their next request because every
/// request re-reads the operator.
pub async fn disable(
    pool: &SqlitePool,
    by: &Admin,
    email: &str,
    audit: NewEvent,
) -> Result<(), OperatorError> {
    let audit = made_by(audit, by);
    if by_themself(by, email) {
        return Err(OperatorError::SelfDisable);
    }
    let now = Utc::now().to_rfc3339();
    let update = sqlx::query!(
        "UPDATE operators SET disabled_at = COALESCE(disabled_at, ?) WHERE email = ?",
        now,
        email
    );
    update_one(pool, email, update, audit).await
}

/// Runs `update` (of the operator `email`) and appends its record in one transaction; no row
/// changed is `NotFound`, and then nothing is recorded.
async fn update_one<'q>(
    pool: &SqlitePool,
    email: &str,
    update: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    audit: NewEvent,
) -> Result<(), OperatorError> {
    let mut tx = begin_write(pool).await?;
    let changed = update.execute(&mut *tx).await?.rows_affected();
    if changed == 0 {
        return Err(OperatorError::NotFound(email.to_string()));
    }
    append_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password and bumps the credentials version, which ends every session started
/// before (each is checked on its next request); answers the new version, for the session
/// that made the change to carry on.
pub async fn set_password(
    pool: &SqlitePool,
    id: i64,
    password: &str,
    must_change_password: bool,
    audit: NewEvent,
) -> Result<i64, sqlx::Error> {
    // Hashed before the write lock is taken: it takes a while, on purpose.
    let hash = passwords::hash(password);
    let mut tx = begin_write(pool).await?;
    let now = Utc::now().to_rfc3339();
    let version = sqlx::query_scalar!(
        "UPDATE operators SET password_hash = ?, must_change_password = ?, password_set_at = ?,
             credentials_version = credentials_version + 1
         WHERE id = ? RETURNING credentials_version",
        hash,
        must_change_password,
        now,
        id,
    )
    .fetch_one(&mut *tx)
    .await?;
    append_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(version)
}

/// A new one-time password for another, enabled operator (the way back for someone who
/// forgot theirs): every session of theirs ends. Answers the operator's email as stored.
pub async fn reset_password(
    pool: &SqlitePool,
    by: &Admin,
    email: &str,
    one_time_password: &str,
    audit: NewEvent,
) -> Result<String, OperatorError> {
    let audit = made_by(audit, by);
    if by_themself(by, email) {
        return Err(OperatorError::OwnPassword);
    }
    let Some(target) = find_by_email(pool, email).await? else {
        return Err(OperatorError::NotFound(email.to_string()));
    };
    if target.disabled_at.is_some() {
        return Err(OperatorError::Disabled(target.email));
    }
    set_password(pool, target.id, one_time_password, true, audit).await?;
    Ok(target.email)
}

/// Whether an operator may still act: work held for later (a scheduled change, the rest of a
/// bulk job) runs under the authority of whoever asked for it, so it stops once they have been
/// disabled or moved to a role without that permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    Allowed,
    /// Why not, in words for the job's record: "x@example.com is disabled".
    Revoked(String),
}

pub async fn standing(
    pool: &SqlitePool,
    email: &str,
    permission: Permission,
) -> Result<Standing, sqlx::Error> {
    Ok(match find_by_email(pool, email).await? {
        None => Standing::Revoked(format!("{email} is no longer an operator")),
        Some(row) if row.disabled_at.is_some() => {
            Standing::Revoked(format!("{email} has been disabled"))
        }
        Some(row) if !row.role().allows(permission) => Standing::Revoked(format!(
            "{email} is now {} and may no longer change accounts",
            row.role().as_str()
        )),
        Some(_) => Standing::Allowed,
    })
}

/// Marks the first admin's initial password: generated at first start and written only to a
/// 0600 file beside the database, it does not expire like a one-time password handed to a
/// person (it still allows nothing but choosing a new one).
pub async fn mark_initial(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE operators SET password_set_at = NULL WHERE id = ?",
        id
    )
    .execute(pool)
    .await
    .map(|_| ())
}
