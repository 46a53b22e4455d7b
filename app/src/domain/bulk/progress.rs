//! Where a bulk change stands: the job's status, each customer's, and the counts, rate and
//! estimate the progress bar shows.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobStatus {
    Running,
    /// Cancel was asked: no customer is started any more, calls under way finish.
    Cancelling,
    Cancelled,
    Finished,
    /// The console stopped while the job ran; nothing more runs until someone resumes it.
    Interrupted,
}

impl JobStatus {
    pub fn parse(value: &str) -> Option<JobStatus> {
        Some(match value {
            "running" => JobStatus::Running,
            "cancelling" => JobStatus::Cancelling,
            "cancelled" => JobStatus::Cancelled,
            "finished" => JobStatus::Finished,
            "interrupted" => JobStatus::Interrupted,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Running => "running",
            JobStatus::Cancelling => "cancelling",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Finished => "finished",
            JobStatus::Interrupted => "interrupted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Running => "Running",
            JobStatus::Cancelling => "Cancelling: finishing the calls under way",
            JobStatus::Cancelled => "Cancelled",
            JobStatus::Finished => "Finished",
            JobStatus::Interrupted => "Interrupted by a console restart",
        }
    }

    /// Still sending (or about to stop sending) changes.
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Running | JobStatus::Cancelling)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemStatus {
    /// Not started.
    Pending,
    Running,
    Done,
    /// Nothing to change (already as asked) or not applicable (no v3 account, say).
    Skipped,
    Failed,
    /// Sent, and no answer: reconcile from the customer's history before trying again.
    Unknown,
}

impl ItemStatus {
    pub fn parse(value: &str) -> Option<ItemStatus> {
        Some(match value {
            "pending" => ItemStatus::Pending,
            "running" => ItemStatus::Running,
            "done" => ItemStatus::Done,
            "skipped" => ItemStatus::Skipped,
            "failed" => ItemStatus::Failed,
            "unknown" => ItemStatus::Unknown,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Running => "running",
            ItemStatus::Done => "done",
            ItemStatus::Skipped => "skipped",
            ItemStatus::Failed => "failed",
            ItemStatus::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Pending => "Not started",
            ItemStatus::Running => "Running",
            ItemStatus::Done => "Done",
            ItemStatus::Skipped => "Skipped",
            ItemStatus::Failed => "Failed",
            ItemStatus::Unknown => "Outcome unknown",
        }
    }
}

/// The counts of a job's customers by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: u32,
    pub pending: u32,
    pub running: u32,
    pub done: u32,
    pub skipped: u32,
    pub failed: u32,
    pub unknown: u32,
}

impl Counts {
    pub fn add(&mut self, status: ItemStatus, n: u32) {
        self.total += n;
        match status {
            ItemStatus::Pending => self.pending += n,
            ItemStatus::Running => self.running += n,
            ItemStatus::Done => self.done += n,
            ItemStatus::Skipped => self.skipped += n,
            ItemStatus::Failed => self.failed += n,
            ItemStatus::Unknown => self.unknown += n,
        }
    }

    /// Customers whose turn is over, whatever the outcome.
    pub fn finished(&self) -> u32 {
        self.done + self.skipped + self.failed + self.unknown
    }

    pub fn remaining(&self) -> u32 {
        self.pending + self.running
    }

    /// Whole percent finished, for the bar's label.
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            return 100;
        }
        (u64::from(self.finished()) * 100 / u64::from(self.total)) as u32
    }
}

/// One customer's line in a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub position: u32,
    pub customer: String,
    pub name: String,
    pub status: ItemStatus,
    pub message: String,
    pub attempt_id: Option<i64>,
    pub seq: i64,
}

/// A job as its page and the progress stream show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub status: JobStatus,
    pub counts: Counts,
    /// Customers finished per second in the current run.
    pub rate: Option<f64>,
    /// Seconds until the remaining customers are finished at that rate.
    pub eta_seconds: Option<u64>,
    /// Items changed since the sequence number the reader last saw.
    pub items: Vec<ItemView>,
    /// The highest sequence number in `items` (or the one asked for, if none changed).
    pub seq: i64,
}

impl Progress {
    /// Rate and estimate from the run's elapsed seconds and how many it finished.
    pub fn estimate(
        counts: &Counts,
        finished_this_run: u32,
        elapsed: f64,
    ) -> (Option<f64>, Option<u64>) {
        if finished_this_run == 0 || elapsed <= 0.0 {
            return (None, None);
        }
        let rate = f64::from(finished_this_run) / elapsed;
        let eta = (f64::from(counts.remaining()) / rate).ceil() as u64;
        (Some(rate), Some(eta))
    }
}

/// "about 2 min 5 s", "12 s".
pub fn describe_seconds(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}
