//! The SQLite pool: WAL, foreign keys, a busy timeout, and `synchronous=FULL` because an
//! acknowledged audit write must survive a power cut.

use std::path::{Path, PathBuf};
use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqlitePool};

use super::audit::key::{self, KeyError, KeyRing};

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
    #[error(transparent)]
    AuditKey(#[from] KeyError),
}

/// What a command opening an existing database will do with it, which decides what happens
/// when the audit key file is not there.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Access {
    /// Only read: go on without the key; `audit verify` says what it lacks.
    Read,
    /// Also write audit events: create the key file (unless the log is already signed with a
    /// key that is gone, which is an error).
    Write,
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
/// "verifies" as zero events. The audit key is read from `key_file` (default: beside the
/// database) when it is there; nothing is created.
pub async fn open_existing(
    url: &str,
    key_file: Option<&Path>,
    access: Access,
) -> Result<SqlitePool, OpenError> {
    let options = options(url)?.create_if_missing(false);
    let path = options.get_filename();
    if !path.is_file() {
        return Err(OpenError::Missing(path.to_path_buf()));
    }
    connect(options, key_file, access).await
}

/// Opens (creating if needed) the database at `url` with the audit key beside it, and applies
/// every pending migration.
pub async fn open(url: &str) -> Result<SqlitePool, OpenError> {
    open_with_key(url, None).await
}

/// [`open`] with the audit key at `key_file` instead of beside the database; the key file is
/// created 0600 on first start.
pub async fn open_with_key(url: &str, key_file: Option<&Path>) -> Result<SqlitePool, OpenError> {
    let options = options(url)?.create_if_missing(true);

    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder {
                path: folder.to_path_buf(),
                source,
            })?;
        }
    }

    connect(options, key_file, Access::Write).await
}

/// Where the audit key of the database at `url` is when `AUDIT_KEY_FILE` is not set.
pub fn default_key_file(url: &str) -> Result<PathBuf, OpenError> {
    Ok(key::default_path(options(url)?.get_filename()))
}

/// Where the audit checkpoints of the database at `url` go when `AUDIT_CHECKPOINT_FILE` is
/// not set.
pub fn default_checkpoint_file(url: &str) -> Result<PathBuf, OpenError> {
    Ok(super::audit::digest::default_checkpoint_file(
        options(url)?.get_filename(),
    ))
}

/// The pool over `options`, migrated, each connection holding the audit key ring.
async fn connect(
    options: SqliteConnectOptions,
    key_file: Option<&Path>,
    access: Access,
) -> Result<SqlitePool, OpenError> {
    let key_file = key_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| key::default_path(options.get_filename()));
    // One connection first: migrate, then learn whether the log is already signed.
    let mut first = options.connect().await.map_err(OpenError::Connect)?;
    sqlx::migrate!("../migrations")
        .run(&mut first)
        .await
        .map_err(OpenError::Migrate)?;
    let ring = match KeyRing::load(&key_file)? {
        Some(ring) => Some(ring),
        None => {
            let log = sqlx::query!(
                r#"SELECT COALESCE(MAX(id), 0) AS "last_id!: i64",
                        (SELECT key_id FROM audit_events WHERE key_id IS NOT NULL
                         ORDER BY id DESC LIMIT 1) AS "signed_with?: String"
                   FROM audit_events"#
            )
            .fetch_one(&mut first)
            .await
            .map_err(OpenError::Connect)?;
            let last_id = log.last_id;
            match (log.signed_with, access) {
                (Some(key_id), Access::Write) => {
                    return Err(KeyError::Missing {
                        path: key_file,
                        key_id,
                    }
                    .into())
                }
                (None, Access::Write) => {
                    let ring = KeyRing::new(last_id);
                    ring.create(&key_file)?;
                    Some(ring)
                }
                (_, Access::Read) => None,
            }
        }
    };
    first.close().await.map_err(OpenError::Connect)?;

    let ring = Arc::new(ring);
    let shown = key_file.display().to_string();
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // sqlx pings a connection before lending it, by default: a round trip to the
        // connection's thread before every statement. It finds dropped network connections; a
        // SQLite connection is a file handle in this process and does not drop.
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            let (ring, shown) = (ring.clone(), shown.clone());
            Box::pin(async move {
                super::audit::install_keys(conn, ring.as_ref().as_ref(), &shown).await
            })
        })
        .connect_with(options)
        .await
        .map_err(OpenError::Connect)?;
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
    sqlx::query!("SELECT 1 AS one")
        .fetch_one(pool)
        .await
        .map(|_| ())
}
