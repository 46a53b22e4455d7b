//! `make bench`: builds nothing itself (make has built the release binary and site), generates
//! its own data, runs the console, the simulator and a bare axum ceiling on loopback, prints
//! one table and writes `bench/results.json`.
//!
//! `bench ceiling PORT BYTES` is the ceiling itself: a static page of BYTES bytes from a bare
//! axum handler on the same tokio runtime set-up as the console (`#[tokio::main]`).

mod ceiling;
mod console;
mod load;
mod procs;
mod report;
mod scenarios;
mod seed;
mod wrk;

use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Setup(String),
    #[error("the console answered: {0}")]
    Console(String),
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("SQLite: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("upstream: {0}")]
    Upstream(#[from] sendgrid::Error),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("ceiling") {
        return ceiling::main(&args[1..]);
    }
    let options = match scenarios::Options::parse(&args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("bench: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let started = Instant::now();
    match runtime.block_on(scenarios::run_all(&options)) {
        Ok(report) => {
            println!("\n{}", report.table());
            let written = match options.only {
                None => "; written to bench/results.json",
                Some(_) => " (a partial run: bench/results.json is left as it was)",
            };
            eprintln!(
                "bench: {} figures in {:.0} s{written}",
                report.metrics.len(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench failed: {error}");
            ExitCode::FAILURE
        }
    }
}
