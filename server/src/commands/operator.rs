//! `operator add|list|disable`: manage operators from the shell (e.g. when no admin can sign in).

use std::io::Read;

use app::domain::{check_new_password, AuditAction, OperatorEmail, Role};
use app::services::audit::{NewEvent, Outcome};
use app::services::auth::Admin;
use app::services::{db, operators};
use serde_json::json;

use crate::config::OperatorCommand;

#[derive(Debug, thiserror::Error)]
pub enum OperatorCliError {
    #[error("{0}")]
    Invalid(String),
    #[error("cannot read the password from standard input: {0}")]
    Stdin(#[source] std::io::Error),
    #[error(transparent)]
    Open(#[from] db::OpenError),
    #[error(transparent)]
    Operator(#[from] operators::OperatorError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Changes made here are audited with the operator `cli` so the log stays complete.
const CLI_ACTOR: &str = "cli";

pub async fn run(command: OperatorCommand) -> Result<(), OperatorCliError> {
    match command {
        OperatorCommand::Add {
            email,
            role,
            name,
            password_stdin: _,
            database_url,
            audit_key_file,
        } => {
            let email = OperatorEmail::parse(&email).map_err(OperatorCliError::Invalid)?;
            let role = Role::parse(&role)
                .ok_or_else(|| OperatorCliError::Invalid(format!("unknown role {role}")))?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(OperatorCliError::Stdin)?;
            let password = password.trim_end_matches(['\n', '\r']);
            check_new_password(password).map_err(OperatorCliError::Invalid)?;
            let pool = db::open_with_key(&database_url, audit_key_file.as_deref()).await?;
            let event = NewEvent::event(
                AuditAction::OperatorAdd,
                None,
                Outcome::Success,
                json!({"email": email.as_str(), "role": role.as_str()}),
            );
            let created = operators::create(
                &pool,
                &Admin::local(CLI_ACTOR),
                &email,
                &name,
                role,
                operators::FirstPassword::Chosen(password),
                event,
            )
            .await?;
            println!("added {} ({})", created.email, role.as_str());
        }
        OperatorCommand::List {
            database_url,
            audit_key_file,
        } => {
            let pool =
                db::open_existing(&database_url, audit_key_file.as_deref(), db::Access::Read)
                    .await?;
            let rows = operators::list(&pool).await?;
            if rows.is_empty() {
                println!("no operators");
            }
            for row in rows {
                let status = if row.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    row.email, row.role, status, row.display_name
                );
            }
        }
        OperatorCommand::Disable {
            email,
            database_url,
            audit_key_file,
        } => {
            // Nobody to disable in a database that is not there: never create one.
            let pool =
                db::open_existing(&database_url, audit_key_file.as_deref(), db::Access::Write)
                    .await?;
            let event = NewEvent::event(
                AuditAction::OperatorDisable,
                None,
                Outcome::Success,
                json!({"email": email.trim()}),
            );
            operators::disable(&pool, &Admin::local(CLI_ACTOR), email.trim(), event).await?;
            println!("disabled {}", email.trim());
        }
    }
    Ok(())
}
