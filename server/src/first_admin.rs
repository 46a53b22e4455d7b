//! First start: with no operators at all, create `admin@localhost` with a random password,
//! print it once and write it next to the database (mode 0600). The admin must change it at
//! first sign-in, and the file goes once they have (`app::services::initial_password`).
//!
//! The file is created new, never opened through a symlink and never reused when its mode lets
//! anyone else read it: an attacker who can write the folder could otherwise plant a link (the
//! password lands where they choose) or a world-readable file (they read it).

use std::path::{Path, PathBuf};

use app::domain::{AuditAction, OperatorEmail, Role};
use app::services::audit::{NewEvent, Outcome};
use app::services::auth::Admin;
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
    #[error("refusing to write the first admin's password to {path:?}: {reason}; remove it and start again")]
    Unsafe { path: PathBuf, reason: &'static str },
}

/// Creates the first admin when the table is empty; returns where the password was written.
pub async fn ensure(
    pool: &SqlitePool,
    data_dir: &Path,
) -> Result<Option<PathBuf>, FirstAdminError> {
    if operators::count(pool).await? > 0 {
        return Ok(None);
    }
    // Checked before the admin exists: a refusal must leave a clean first start to retry.
    let path = data_dir.join(PASSWORD_FILE);
    make_room(&path)?;
    let password = passwords::generate();
    let email = OperatorEmail::parse(EMAIL).expect("the first admin's email is valid");
    let event = NewEvent::event(
        AuditAction::OperatorAdd,
        None,
        Outcome::Success,
        serde_json::json!({"email": EMAIL, "role": "admin", "reason": "first start"}),
    );
    let admin = operators::create(
        pool,
        &Admin::local("system"),
        &email,
        "Administrator",
        Role::Admin,
        operators::FirstPassword::OneTime(&password),
        event,
    )
    .await?;
    operators::mark_initial(pool, admin.id).await?;

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

/// Clears the way for a new password file. A leftover one from an earlier first start (its
/// database since deleted) is replaced if it is a private regular file; a symlink or a file
/// others may read is refused.
fn make_room(path: &Path) -> Result<(), FirstAdminError> {
    let unsafe_file = |reason| FirstAdminError::Unsafe {
        path: path.to_path_buf(),
        reason,
    };
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(FirstAdminError::File {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if metadata.file_type().is_symlink() {
        return Err(unsafe_file("it is a symbolic link"));
    }
    if !metadata.is_file() {
        return Err(unsafe_file("it is not a regular file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            return Err(unsafe_file(
                "others may read it (its mode is wider than 0600)",
            ));
        }
    }
    std::fs::remove_file(path).map_err(|source| FirstAdminError::File {
        path: path.to_path_buf(),
        source,
    })
}

/// Creates `path` (it must not exist) with mode 0600, without following a symlink.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}
