//! Write transactions, one at a time per database file, queued in this process.
//!
//! SQLite lets one writer in at a time. A `BEGIN IMMEDIATE` that finds the lock taken waits in
//! SQLite's busy handler, which sleeps 1, 2, 5, 10, ... ms between tries: under concurrent
//! audited changes most of a change's time went to those sleeps, not to its commits. Here the
//! writers of this process queue on an async mutex instead and each starts the moment the one
//! before it has committed. Another process writing the same file (the CLI beside a running
//! server) still meets the busy handler, as before.
//!
//! Small writes that must each be committed before their caller goes on (the audit log's
//! rows) can also share one transaction with those that arrive at the same moment:
//! [`write_shared`].

mod shared;

pub use shared::write_shared;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex as StdMutex};

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A `BEGIN IMMEDIATE` transaction that holds this process's turn to write its database.
/// Dropped without [`WriteTx::commit`], it rolls back and gives up the turn.
pub struct WriteTx {
    // Both are taken only by `commit`, `rollback` and `drop`.
    tx: Option<Transaction<'static, Sqlite>>,
    turn: Option<OwnedMutexGuard<()>>,
}

/// Waits for this process's turn to write `pool`'s database, then opens the transaction with
/// `BEGIN IMMEDIATE`, which takes SQLite's write lock at once: reads made inside it (the audit
/// chain's tip, an idempotency key) stay true until it commits.
pub async fn begin_write(pool: &SqlitePool) -> Result<WriteTx, sqlx::Error> {
    let turn = file_of(pool).turn.clone().lock_owned().await;
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx {
        tx: Some(tx),
        turn: Some(turn),
    })
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        self.open().commit().await
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        self.open().rollback().await
    }

    fn open(&mut self) -> Transaction<'static, Sqlite> {
        self.tx
            .take()
            .expect("a WriteTx is open until it is consumed")
    }
}

impl Drop for WriteTx {
    /// sqlx rolls a dropped transaction back later, on its connection's own thread: the turn
    /// is given up once that rollback has run, so the next writer never finds SQLite's lock
    /// still held (and never waits in the busy handler for it).
    fn drop(&mut self) {
        let (Some(tx), Some(turn)) = (self.tx.take(), self.turn.take()) else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = tx.rollback().await {
                    tracing::warn!(%error, "a dropped write transaction could not roll back");
                }
                drop(turn);
            });
        }
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.tx
            .as_ref()
            .expect("a WriteTx is open until it is consumed")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.tx
            .as_mut()
            .expect("a WriteTx is open until it is consumed")
    }
}

/// What this process keeps per database file: the turn to write it, and the writes waiting to
/// share a transaction. Pools on the same file share it; an in-memory database's pools share
/// one too, which only orders their writes.
#[derive(Default)]
struct File {
    turn: Arc<Mutex<()>>,
    shared: shared::Queue,
}

/// `pool`'s file. Asked at every write, so a file already known costs no allocation.
fn file_of(pool: &SqlitePool) -> Arc<File> {
    static FILES: LazyLock<StdMutex<HashMap<PathBuf, Arc<File>>>> = LazyLock::new(Default::default);
    let options = pool.connect_options();
    let path: &Path = options.get_filename();
    let mut files = lock(&FILES);
    match files.get(path) {
        Some(file) => file.clone(),
        None => files.entry(path.to_path_buf()).or_default().clone(),
    }
}

fn lock<T>(mutex: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A pool whose connections never wait in SQLite's busy handler: a `BEGIN IMMEDIATE`
    /// that finds the lock taken fails at once, so any waiting seen is the queue's.
    async fn pool(dir: &tempfile::TempDir) -> SqlitePool {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("w.db"))
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(Duration::ZERO);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    #[tokio::test]
    async fn a_second_writer_waits_for_the_first_to_commit_and_then_sees_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (pool(&dir).await, pool(&dir).await);
        let mut first = begin_write(&a).await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut *first)
            .await
            .unwrap();
        let second = tokio::spawn(async move {
            let mut tx = begin_write(&b).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            n
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !second.is_finished(),
            "the second writer ran while the first held its turn"
        );
        first.commit().await.unwrap();
        assert_eq!(second.await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_dropped_transaction_rolls_back_and_gives_up_the_turn() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let mut tx = begin_write(&pool).await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
        let mut next = tokio::time::timeout(Duration::from_secs(5), begin_write(&pool))
            .await
            .expect("the turn was given up")
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *next)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
