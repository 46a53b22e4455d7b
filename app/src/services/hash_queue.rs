//! A bound on password hashing. argon2id takes about 19 MiB and a CPU for a long moment per
//! check; without a bound a burst of sign-ins runs one per blocking thread (up to 512, several
//! gigabytes). Checks run [`HashQueue::workers`] at a time, a few more wait their turn, and past
//! that the caller is told at once that the console is busy.

use tokio::sync::Semaphore;

/// Checks that may wait for a worker before callers are turned away.
pub const DEFAULT_QUEUE: usize = 32;

#[derive(Debug)]
pub struct HashQueue {
    /// Running plus waiting; a check that finds none free is refused.
    admitted: Semaphore,
    /// Running.
    running: Semaphore,
}

/// Every worker is busy and the queue is full.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("too many sign-ins are being checked at once")]
pub struct Busy;

impl HashQueue {
    pub fn new(workers: usize, queue: usize) -> HashQueue {
        let workers = workers.max(1);
        HashQueue {
            admitted: Semaphore::new(workers + queue),
            running: Semaphore::new(workers),
        }
    }

    /// Runs `job` on a blocking thread once a worker is free, or refuses at once when the
    /// queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let _admitted = self.admitted.try_acquire().map_err(|_| Busy)?;
        let _running = self.running.acquire().await.map_err(|_| Busy)?;
        tokio::task::spawn_blocking(job).await.map_err(|_| Busy)
    }

    /// [`super::passwords::verify`] through the queue.
    pub async fn verify(&self, password: String, stored_hash: String) -> Result<bool, Busy> {
        self.run(move || super::passwords::verify(&password, &stored_hash))
            .await
    }
}

impl Default for HashQueue {
    /// One worker per CPU: more would only make each check slower.
    fn default() -> HashQueue {
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        HashQueue::new(cpus, DEFAULT_QUEUE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn past_the_workers_and_the_queue_a_check_is_refused_at_once() {
        let queue = Arc::new(HashQueue::new(1, 1));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let first = tokio::spawn({
            let queue = queue.clone();
            async move {
                queue
                    .run(move || {
                        let _ = started.send(());
                        held.recv().unwrap();
                        1
                    })
                    .await
            }
        });
        running.await.unwrap();
        let second = tokio::spawn({
            let queue = queue.clone();
            async move { queue.run(|| 2).await }
        });
        // The second waits for the worker (it holds the only queue place) ...
        while queue.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        // ... so a third finds the queue full.
        assert_eq!(queue.run(|| 3).await, Err(Busy));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        assert_eq!(second.await.unwrap(), Ok(2));
        assert_eq!(queue.run(|| 4).await, Ok(4));
    }
}
