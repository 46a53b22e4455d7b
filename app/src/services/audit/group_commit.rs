//! Group commit for the audit chain: appends that arrive while another is being written wait
//! for it, then go in together, in one transaction and one durable commit.
//!
//! Each change writes two rows, each committed before the caller goes on (DESIGN.md
//! "Reliability"). Alone, each row is a write transaction of its own: its statements and an
//! fsync, one after the other, with every other writer of the file waiting its turn. Here the
//! first caller to find the turn free writes everything queued by then; the others find their
//! row written when their turn comes. A caller still returns only once its row is committed,
//! and the chain's order is the order of arrival.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex as StdMutex};

use sqlx::SqlitePool;
use tokio::sync::{oneshot, Mutex};

use super::chain::{append_after, Tip};
use super::row::NewEvent;
use crate::services::writer::begin_write;

/// What became of one queued row.
#[derive(Debug, PartialEq, Eq)]
enum Appended {
    /// Written and committed, with this id.
    Row(i64),
    /// Not written: it asked to be written only under a new idempotency key, and a row has it.
    KeyTaken,
}

/// One row waiting to be written.
struct Queued {
    event: NewEvent,
    /// Write it only if no row has its idempotency key yet (an attempt); otherwise a taken key
    /// fails the insert, as the column's UNIQUE says.
    only_new_key: bool,
    answer: oneshot::Sender<Result<Appended, sqlx::Error>>,
}

/// A database file's rows waiting to be written, and the turn to write them.
#[derive(Default)]
struct Queue {
    waiting: StdMutex<Vec<Queued>>,
    writing: Mutex<()>,
}

/// Appends `event` to the chain, sharing the transaction with the appends queued beside it,
/// and returns its id once it is committed.
pub(super) async fn append(pool: &SqlitePool, event: NewEvent) -> Result<i64, sqlx::Error> {
    match enqueue(pool, event, false).await? {
        Appended::Row(id) => Ok(id),
        Appended::KeyTaken => Err(sqlx::Error::Protocol(
            "a row was refused for its key though it did not ask to be".into(),
        )),
    }
}

/// Appends `event` as [`append`] does unless a row already has its idempotency key: then
/// nothing is written and the answer is `None`. The check and the write are one transaction.
pub(super) async fn append_if_new_key(
    pool: &SqlitePool,
    event: NewEvent,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(match enqueue(pool, event, true).await? {
        Appended::Row(id) => Some(id),
        Appended::KeyTaken => None,
    })
}

async fn enqueue(
    pool: &SqlitePool,
    event: NewEvent,
    only_new_key: bool,
) -> Result<Appended, sqlx::Error> {
    let queue = queue_for(pool);
    let (answer, answered) = oneshot::channel();
    lock(&queue.waiting).push(Queued {
        event,
        only_new_key,
        answer,
    });
    let _turn = queue.writing.lock().await;
    let mut answered = answered;
    if let Ok(answer) = answered.try_recv() {
        // Written by the caller whose turn came before ours.
        return answer;
    }
    let batch = std::mem::take(&mut *lock(&queue.waiting));
    // A task of its own: a caller that goes away (its request dropped) cannot leave the
    // others of its batch half-written.
    let written = tokio::spawn(write(pool.clone(), batch)).await;
    if let Err(error) = written {
        tracing::error!(%error, "the audit writer stopped");
    }
    answered.await.unwrap_or_else(|_| {
        Err(sqlx::Error::Protocol(
            "the audit writer stopped before the row was written".into(),
        ))
    })
}

/// Writes `batch` in one transaction; if that fails, each row alone, so that one row's error
/// (a taken key) is that row's answer only.
async fn write(pool: SqlitePool, batch: Vec<Queued>) {
    if batch.len() > 1 {
        let events: Vec<(NewEvent, bool)> = batch
            .iter()
            .map(|queued| (queued.event.clone(), queued.only_new_key))
            .collect();
        if let Ok(answers) = write_together(&pool, events).await {
            for (queued, answer) in batch.into_iter().zip(answers) {
                let _ = queued.answer.send(Ok(answer));
            }
            return;
        }
    }
    for queued in batch {
        let answer = write_together(&pool, vec![(queued.event, queued.only_new_key)])
            .await
            .map(|mut answers| answers.remove(0));
        let _ = queued.answer.send(answer);
    }
}

async fn write_together(
    pool: &SqlitePool,
    events: Vec<(NewEvent, bool)>,
) -> Result<Vec<Appended>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let mut tip = Tip::read(&mut tx).await?;
    let mut answers = Vec::with_capacity(events.len());
    for (event, only_new_key) in events {
        if only_new_key && key_taken(&mut tx, event.idempotency_key.as_deref()).await? {
            answers.push(Appended::KeyTaken);
            continue;
        }
        answers.push(Appended::Row(append_after(&mut tx, &mut tip, event).await?));
    }
    tx.commit().await?;
    Ok(answers)
}

async fn key_taken(
    conn: &mut sqlx::SqliteConnection,
    key: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let Some(key) = key else {
        return Ok(false);
    };
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM audit_events WHERE idempotency_key = ?")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// The queue for `pool`'s file (pools on one file share it, as they share its writer's turn).
fn queue_for(pool: &SqlitePool) -> Arc<Queue> {
    static QUEUES: LazyLock<StdMutex<HashMap<PathBuf, Arc<Queue>>>> =
        LazyLock::new(Default::default);
    let file = pool.connect_options().get_filename().to_path_buf();
    lock(&QUEUES).entry(file).or_default().clone()
}

fn lock<T>(mutex: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
