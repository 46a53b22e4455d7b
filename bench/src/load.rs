//! Timing calls one after another (search as you type, queries, changes): every latency is
//! kept, so percentiles are exact rather than bucketed. Concurrent load is `wrk`'s (`wrk.rs`).

use std::time::{Duration, Instant};

use crate::BenchError;

/// Exact percentiles over kept samples.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    sorted: Vec<Duration>,
}

impl Samples {
    pub fn new(mut all: Vec<Duration>) -> Samples {
        all.sort_unstable();
        Samples { sorted: all }
    }

    /// The `p`th percentile (0-100) in milliseconds.
    pub fn ms(&self, p: f64) -> f64 {
        if self.sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.sorted.len()) - 1;
        self.sorted[index].as_secs_f64() * 1000.0
    }
}

/// Times `f` `n` times in a row (after one unmeasured call).
pub async fn sequential<F, Fut>(n: usize, mut f: F) -> Result<Samples, BenchError>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), BenchError>>,
{
    f(0).await?;
    let mut all = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        f(i + 1).await?;
        all.push(started.elapsed());
    }
    Ok(Samples::new(all))
}
