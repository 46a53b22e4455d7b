//! `backup PATH`: a consistent copy of the live database via SQLite's `VACUUM INTO`,
//! safe while the console is writing.

use app::services::db;

use crate::config::BackupArgs;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0:?} already exists; choose a new file name")]
    Exists(std::path::PathBuf),
    #[error(transparent)]
    Open(#[from] db::OpenError),
    #[error("backup failed: {0}")]
    Vacuum(#[source] sqlx::Error),
}

pub async fn run(args: BackupArgs) -> Result<(), BackupError> {
    if args.path.exists() {
        return Err(BackupError::Exists(args.path));
    }
    let pool = db::open(&args.database_url).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(args.path.to_string_lossy().to_string())
        .execute(&pool)
        .await
        .map_err(BackupError::Vacuum)?;
    println!("backup written to {}", args.path.display());
    Ok(())
}
