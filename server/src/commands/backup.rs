//! `backup PATH` (or `backup --to PATH`): a consistent copy of the live database via SQLite's
//! `VACUUM INTO`, safe while the console is writing: the copy is one read transaction's
//! snapshot, and writers carry on (WAL).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::config::BackupArgs;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("name the file to write: `backup PATH` or `backup --to PATH`")]
    NoPath,
    #[error("{0:?} already exists; a backup never overwrites a file, choose a new name")]
    Exists(PathBuf),
    #[error("the folder {0:?} does not exist; create it first")]
    NoFolder(PathBuf),
    #[error("there is no database at {0:?} to back up")]
    NoDatabase(String),
    #[error("invalid database URL {url:?}: {source}")]
    Url { url: String, source: sqlx::Error },
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("backup failed, nothing usable was written: {0}")]
    Vacuum(#[source] sqlx::Error),
}

pub async fn run(args: BackupArgs) -> Result<(), BackupError> {
    let path = args.to.or(args.path).ok_or(BackupError::NoPath)?;
    if path.exists() {
        return Err(BackupError::Exists(path));
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(folder) = folder.filter(|f| !f.is_dir()) {
        return Err(BackupError::NoFolder(folder.to_path_buf()));
    }
    let options = SqliteConnectOptions::from_str(&args.database_url)
        .map_err(|source| BackupError::Url {
            url: args.database_url.clone(),
            source,
        })?
        // Never create (and so "back up") an empty database at a mistyped path.
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    if !Path::new(options.get_filename()).is_file() {
        return Err(BackupError::NoDatabase(
            options.get_filename().display().to_string(),
        ));
    }
    let mut connection = options.connect().await.map_err(BackupError::Open)?;
    let written = sqlx::query("VACUUM INTO ?")
        .bind(path.to_string_lossy().to_string())
        .execute(&mut connection)
        .await;
    let _ = connection.close().await;
    if let Err(error) = written {
        // A half-written copy must not pass for a backup.
        let _ = std::fs::remove_file(&path);
        return Err(BackupError::Vacuum(error));
    }
    println!("backup written to {}", path.display());
    Ok(())
}
