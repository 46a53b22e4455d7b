//! First start: with no operators at all, create `admin@localhost` with a random password,
//! print it once and write it next to the database (mode 0600). The admin must change it at
//! first sign-in.

use std::path::{Path, PathBuf};

use app::domain::{OperatorEmail, Role};
use app::services::audit::{self, NewEvent, Outcome};
use app::services::{operators, passwords};
use sqlx::SqlitePool;

pub const EMAIL: &str = "admin@localhost";
pub const PASSWORD_FILE: &str = "initial-admin-password";

#[derive(Debug, thiserror::Error)]
pub enum FirstAdminError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Operator(#[from] operators::OperatorError),
    #[error("cannot write {path:?}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Creates the first admin when the table is empty; returns where the password was written.
pub async fn ensure(
    pool: &SqlitePool,
    data_dir: &Path,
) -> Result<Option<PathBuf>, FirstAdminError> {
    if operators::count(pool).await? > 0 {
        return Ok(None);
    }
    let password = passwords::generate();
    let email = OperatorEmail::parse(EMAIL).expect("the first admin's email is valid");
    let admin =
        operators::create(pool, &email, "Administrator", Role::Admin, &password, true).await?;
    operators::mark_initial(pool, admin.id).await?;
    audit::append(
        pool,
        NewEvent::event(
            "operator.add",
            Some("system"),
            Outcome::Success,
            serde_json::json!({"email": EMAIL, "role": "admin", "reason": "first start"}),
        ),
    )
    .await?;

    let path = data_dir.join(PASSWORD_FILE);
    write_private(&path, &format!("{password}\n")).map_err(|source| FirstAdminError::File {
        path: path.clone(),
        source,
    })?;
    println!("First start: created the admin operator {EMAIL} with the password {password}");
    println!(
        "(also written to {}; you will be asked to change it at first sign-in)",
        path.display()
    );
    Ok(Some(path))
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}
