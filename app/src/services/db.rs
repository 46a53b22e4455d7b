//! The SQLite pool: WAL, foreign keys, a busy timeout, and `synchronous=FULL` because an
//! acknowledged audit write must survive a power cut.

use std::{path::PathBuf, str::FromStr, time::Duration};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("invalid database URL {url:?}: {source}")]
    Url { url: String, source: sqlx::Error },
    #[error("cannot create the database folder {path:?}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("there is no database at {0:?}; check --database-url (or DATABASE_URL)")]
    Missing(PathBuf),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

fn options(url: &str) -> Result<SqliteConnectOptions, OpenError> {
    Ok(SqliteConnectOptions::from_str(url)
        .map_err(|source| OpenError::Url {
            url: url.to_string(),
            source,
        })?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}

/// Opens the database at `url` only if it is there, and applies pending migrations. For
/// commands that read a database someone else made (`audit verify`, `audit export`,
/// `operator list`): a mistyped path must be an error, never a new empty database that then
/// "verifies" as zero events.
pub async fn open_existing(url: &str) -> Result<SqlitePool, OpenError> {
    let options = options(url)?.create_if_missing(false);
    let path = options.get_filename();
    if !path.is_file() {
        return Err(OpenError::Missing(path.to_path_buf()));
    }
    connect(options).await
}

/// Opens (creating if needed) the database at `url` and applies every pending migration.
pub async fn open(url: &str) -> Result<SqlitePool, OpenError> {
    let options = options(url)?.create_if_missing(true);

    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder {
                path: folder.to_path_buf(),
                source,
            })?;
        }
    }

    connect(options).await
}

/// The pool over `options`, migrated.
async fn connect(options: SqliteConnectOptions) -> Result<SqlitePool, OpenError> {
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(OpenError::Connect)?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies the embedded migrations; running it again is a no-op.
pub async fn migrate(pool: &SqlitePool) -> Result<(), OpenError> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .map_err(OpenError::Migrate)
}

/// A trivial query proving the database answers; used by `/healthz`.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
