//! The load generator: `concurrency` tokio tasks in this process, each sending its next GET as
//! soon as the last one is answered, for a fixed time after a warm-up. Every latency is kept,
//! so percentiles are exact rather than bucketed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, COOKIE};

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

    pub fn len(&self) -> usize {
        self.sorted.len()
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

pub struct LoadResult {
    pub requests_per_second: f64,
    pub latencies: Samples,
    pub bytes: usize,
    pub errors: usize,
}

/// GETs `paths` (in turn) from `base` with `cookie`, at `concurrency`, for `duration`.
pub async fn run(
    base: &str,
    paths: &[String],
    cookie: Option<&str>,
    concurrency: usize,
    warm_up: Duration,
    duration: Duration,
) -> Result<LoadResult, BenchError> {
    let mut headers = HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(
            COOKIE,
            HeaderValue::from_str(cookie).map_err(|e| BenchError::Setup(e.to_string()))?,
        );
    }
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(concurrency)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let urls: Arc<Vec<String>> = Arc::new(paths.iter().map(|p| format!("{base}{p}")).collect());
    let started = Instant::now();
    let measure_from = started + warm_up;
    let end = measure_from + duration;
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let urls = Arc::clone(&urls);
        tasks.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            let mut bytes = 0;
            let mut errors = 0;
            let mut turn = worker;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let url = &urls[turn % urls.len()];
                turn += concurrency;
                let outcome = match client.get(url).send().await {
                    Ok(response) if response.status().is_success() => {
                        response.bytes().await.map(|b| b.len()).ok()
                    }
                    _ => None,
                };
                if sent >= measure_from {
                    match outcome {
                        Some(n) => {
                            kept.push(sent.elapsed());
                            bytes = n;
                        }
                        None => errors += 1,
                    }
                }
            }
            (kept, bytes, errors)
        }));
    }
    let mut all = Vec::new();
    let mut bytes = 0;
    let mut errors = 0;
    for task in tasks {
        let (kept, n, e) = task.await.map_err(|e| BenchError::Setup(e.to_string()))?;
        all.extend(kept);
        bytes = bytes.max(n);
        errors += e;
    }
    let seconds = duration.as_secs_f64();
    Ok(LoadResult {
        requests_per_second: all.len() as f64 / seconds,
        latencies: Samples::new(all),
        bytes,
        errors,
    })
}
