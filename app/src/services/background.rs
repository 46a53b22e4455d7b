//! The console's background work: the schedule worker, the directory sync, session clean-up,
//! audit checkpoints and bulk jobs. All of it is spawned on one tracker with one cancellation
//! token, so a graceful stop asks every task to end and waits until each has, and a second
//! console never starts on a database that this one's workers still write to.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};
use tokio_util::task::TaskTracker;

/// The handle every background task is spawned with; clones share the same tracker.
#[derive(Clone, Default)]
pub struct Background {
    tracker: TaskTracker,
    stop: CancellationToken,
}

impl Background {
    /// Spawns `task`, tracked: a stop waits for it. The task watches [`Background::stopping`]
    /// itself and ends at a point where ending is safe (between jobs, between ticks).
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(task);
    }

    /// Spawns `task` and drops it at its next await once the console stops: for work that may
    /// end anywhere (a clean-up query, a sleep).
    pub fn spawn_until_stopped<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let stop = self.stop.clone();
        self.tracker.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = task => {}
            }
        });
    }

    /// Resolves once the console has started to stop.
    pub fn stopping(&self) -> WaitForCancellationFuture<'_> {
        self.stop.cancelled()
    }

    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Sleeps for `pause`; answers `false` (at once) if the console stops first.
    pub async fn sleep(&self, pause: Duration) -> bool {
        tokio::select! {
            () = self.stop.cancelled() => false,
            () = tokio::time::sleep(pause) => true,
        }
    }

    /// Tasks still running.
    pub fn running(&self) -> usize {
        self.tracker.len()
    }

    /// Asks every task to end and waits for them, at most `grace`; answers how many were
    /// still running when it gave up (0 when all ended).
    pub async fn drain(&self, grace: Duration) -> usize {
        self.stop.cancel();
        self.tracker.close();
        match tokio::time::timeout(grace, self.tracker.wait()).await {
            Ok(()) => 0,
            Err(_) => self.tracker.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_drain_ends_every_task_and_waits_for_the_ones_that_finish_their_step() {
        let background = Background::default();
        let finished_step = Arc::new(AtomicBool::new(false));
        // A loop that ends between its steps.
        let step = finished_step.clone();
        let handle = background.clone();
        background.spawn(async move {
            while handle.sleep(Duration::from_millis(5)).await {}
            tokio::time::sleep(Duration::from_millis(50)).await;
            step.store(true, Ordering::SeqCst);
        });
        // Work that may be dropped anywhere.
        background.spawn_until_stopped(std::future::pending());
        assert_eq!(background.running(), 2);
        assert_eq!(background.drain(Duration::from_secs(5)).await, 0);
        assert!(
            finished_step.load(Ordering::SeqCst),
            "the step was waited for"
        );
        assert_eq!(background.running(), 0);
        assert!(background.is_stopping());
    }

    #[tokio::test]
    async fn a_task_that_does_not_end_is_counted_after_the_grace() {
        let background = Background::default();
        background.spawn(std::future::pending());
        assert_eq!(background.drain(Duration::from_millis(20)).await, 1);
    }
}
