//! Group commit: small writes that arrive while another is being written wait for it, then go
//! in together, in one transaction and one durable commit.
//!
//! Each audited change writes two rows, each committed before the caller goes on (DESIGN.md
//! "Reliability"). Alone, each is a write transaction of its own: its statements and an fsync,
//! one after the other, with every other writer of the file waiting its turn. Here the first
//! caller to find the queue free writes everything queued by then; the others find their
//! writes made when their turn comes. A caller still returns only once its write is
//! committed, and writes run in the order they arrived.

use std::sync::Mutex as StdMutex;

use futures::future::BoxFuture;
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{oneshot, Mutex};

use super::{begin_write, file_of, lock};
use crate::services::audit::with_shared_tip;

/// A file's writes waiting to share a transaction, and the turn to lead the next one.
#[derive(Default)]
pub(super) struct Queue {
    waiting: StdMutex<Vec<Box<dyn Pending>>>,
    leading: Mutex<()>,
}

/// Runs `work` inside a write transaction shared with the writes queued beside it, and returns
/// its answer once that transaction has committed.
///
/// `work` may run twice: if the shared transaction fails, each write is run again alone, so
/// that one write's error (a UNIQUE key taken, say) is that write's answer only. It must do
/// the same each time it runs.
pub async fn write_shared<T, F>(pool: &SqlitePool, work: F) -> Result<T, sqlx::Error>
where
    T: Send + 'static,
    F: for<'c> Fn(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    let file = file_of(pool);
    let (answer, mut answered) = oneshot::channel();
    lock(&file.shared.waiting).push(Box::new(Write {
        work,
        done: None,
        answer,
    }));
    let _leading = file.shared.leading.lock().await;
    if let Ok(answer) = answered.try_recv() {
        // Made by the caller whose turn came before ours.
        return answer;
    }
    let batch = std::mem::take(&mut *lock(&file.shared.waiting));
    // A task of its own: a caller that goes away (its request dropped) cannot leave the
    // others of its batch half-written.
    if let Err(error) = tokio::spawn(write(pool.clone(), batch)).await {
        tracing::error!(%error, "the shared writer stopped");
    }
    answered.await.unwrap_or_else(|_| {
        Err(sqlx::Error::Protocol(
            "the shared writer stopped before this write was made".into(),
        ))
    })
}

/// Writes `batch` in one transaction; if that fails, each write alone.
async fn write(pool: SqlitePool, mut batch: Vec<Box<dyn Pending>>) {
    if batch.len() > 1 && together(&pool, &mut batch).await.is_ok() {
        batch.into_iter().for_each(|write| write.answer());
        return;
    }
    for mut write in batch {
        match together(&pool, std::slice::from_mut(&mut write)).await {
            Ok(()) => write.answer(),
            Err(error) => write.fail(error),
        }
    }
}

async fn together(pool: &SqlitePool, batch: &mut [Box<dyn Pending>]) -> Result<(), sqlx::Error> {
    // The batch's audit rows chain one after the other without reading the tip again.
    with_shared_tip(async {
        let mut tx = begin_write(pool).await?;
        for write in batch.iter_mut() {
            write.run(&mut tx).await?;
        }
        tx.commit().await
    })
    .await
}

/// A queued write, whatever the type of its answer.
trait Pending: Send {
    /// Makes the write, keeping its answer until the transaction's fate is known.
    fn run<'c>(
        &'c mut self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>>;
    /// The transaction committed: hands the kept answer to the caller.
    fn answer(self: Box<Self>);
    /// The write failed alone: hands its error to the caller.
    fn fail(self: Box<Self>, error: sqlx::Error);
}

struct Write<T, F> {
    work: F,
    done: Option<T>,
    answer: oneshot::Sender<Result<T, sqlx::Error>>,
}

impl<T, F> Pending for Write<T, F>
where
    T: Send + 'static,
    F: for<'c> Fn(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    fn run<'c>(
        &'c mut self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move {
            self.done = Some((self.work)(conn).await?);
            Ok(())
        })
    }

    fn answer(self: Box<Self>) {
        let answer = self
            .done
            .ok_or_else(|| sqlx::Error::Protocol("a shared write was answered unmade".into()));
        let _ = self.answer.send(answer);
    }

    fn fail(self: Box<Self>, error: sqlx::Error) {
        let _ = self.answer.send(Err(error));
    }
}
