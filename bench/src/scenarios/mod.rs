//! The whole run, in order: bundle size; data; start-up; directory sync and search; SSR under
//! load; audit queries, export and writes; upstream overhead; bulk changes.

mod audit;
mod bulk;
mod directory;
mod ssr;
mod start;
mod upstream;
mod wasm;
mod writes;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

use crate::console::Session;
use crate::procs::{Paths, Proc};
use crate::report::Report;
use crate::BenchError;

pub const SIM_KEY: &str = "bench-sim-key";
pub const ADMIN: &str = "admin@bench.example.com";
pub const MANAGER: &str = "manager@bench.example.com";

/// How big the run is; `--quick` is for trying the benchmark itself out.
#[derive(Clone, Copy)]
pub struct Scale {
    pub customers: usize,
    pub audit_events: usize,
    pub load_seconds: u64,
    pub bulk_customers: usize,
}

/// Everything the scenarios share.
pub struct World {
    pub paths: Paths,
    pub scale: Scale,
    pub sim: Proc,
    pub console: Proc,
    pub admin: Session,
    pub manager: Session,
    /// The simulator's customers as `/_sim/customers` lists them.
    pub sim_customers: Vec<Value>,
    /// The console's resident memory right after start-up, MiB.
    pub idle_rss: f64,
    /// A read-only pool on the console's database, for the direct-SQL references.
    pub direct: SqlitePool,
}

impl World {
    pub async fn sim_post(&self, path: &str, body: Value) -> Result<(), BenchError> {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.sim.url))
            .json(&body)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(BenchError::Setup(format!(
                "simulator {path}: {}",
                response.status()
            )));
        }
        Ok(())
    }

    pub async fn clear_faults(&self) -> Result<(), BenchError> {
        reqwest::Client::new()
            .delete(format!("{}/_sim/faults", self.sim.url))
            .send()
            .await?;
        Ok(())
    }

    /// How many API calls the simulator has answered so far.
    pub async fn sim_call_count(&self) -> Result<usize, BenchError> {
        let calls: Value = reqwest::get(format!("{}/_sim/calls", self.sim.url))
            .await?
            .json()
            .await?;
        Ok(calls
            .as_array()
            .or_else(|| calls["calls"].as_array())
            .map(Vec::len)
            .unwrap_or(0))
    }
}

/// What to run: `bench [--quick] [--only PHASE,...] [--hold]`.
///
/// `--only` runs the named phases (`wasm`, `directory`, `ssr`, `audit`, `writes`,
/// `upstream`, `bulk`) after the shared set-up (the directory is synced whenever a later
/// phase reads it); `--hold` then keeps the console running and prints how to reach it, for
/// a profiler, until the bench is interrupted.
#[derive(Debug, Default)]
pub struct Options {
    pub quick: bool,
    pub only: Option<Vec<String>>,
    pub hold: bool,
}

const PHASES: [&str; 7] = [
    "wasm",
    "directory",
    "ssr",
    "audit",
    "writes",
    "upstream",
    "bulk",
];

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--hold" => options.hold = true,
                "--only" => {
                    let list = args.next().ok_or("--only takes a list of phases")?;
                    let phases: Vec<String> = list.split(',').map(str::to_string).collect();
                    if let Some(unknown) = phases.iter().find(|p| !PHASES.contains(&p.as_str())) {
                        return Err(format!(
                            "no phase {unknown:?}; the phases are {}",
                            PHASES.join(", ")
                        ));
                    }
                    options.only = Some(phases);
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(options)
    }

    fn runs(&self, phase: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|p| p == phase))
    }
}

pub async fn run_all(options: &Options) -> Result<Report, BenchError> {
    let quick = options.quick;
    let root = std::env::current_dir()?;
    let paths = Paths::from_root(root);
    if !paths.binary.exists() || !paths.site.exists() {
        return Err(BenchError::Setup(format!(
            "{} or {} is missing: run `make build` first",
            paths.binary.display(),
            paths.site.display()
        )));
    }
    let scale = if quick {
        Scale {
            customers: 1000,
            audit_events: 50_000,
            load_seconds: 2,
            bulk_customers: 100,
        }
    } else {
        Scale {
            customers: 10_000,
            audit_events: 1_000_000,
            load_seconds: 6,
            bulk_customers: 1000,
        }
    };
    let mut report = Report::default();
    let phase = |name: &str| eprintln!("bench: {name}");

    if options.runs("wasm") {
        phase("wasm bundle");
        wasm::measure(&paths, &mut report)?;
    }

    let _ = std::fs::remove_dir_all(&paths.work);
    std::fs::create_dir_all(&paths.work)?;
    phase("simulator, data and start-up");
    let world = start::world(paths, scale, &mut report).await?;

    if options.runs("wasm") {
        wasm::on_the_wire(&world, &mut report).await?;
    }
    // The SSR pages and the bulk job read the synced directory.
    if options.runs("directory") || options.runs("ssr") || options.runs("bulk") {
        phase("directory");
        directory::measure(&world, &mut report).await?;
    }
    if options.runs("ssr") {
        phase("SSR under load");
        ssr::measure(&world, &mut report).await?;
    }
    if options.runs("audit") {
        phase("audit log");
        audit::measure(&world, &mut report).await?;
    }
    if options.runs("writes") {
        phase("audited writes");
        writes::measure(&world, &mut report).await?;
    }
    if options.runs("upstream") {
        phase("upstream overhead");
        upstream::measure(&world, &mut report).await?;
    }
    if options.runs("bulk") {
        phase("bulk changes");
        bulk::measure(&world, &mut report).await?;
    }

    // A partial run is not the benchmark: only a whole one replaces bench/results.json.
    if options.only.is_none() {
        let results = world.paths.root.join("bench/results.json");
        report.write_json(&results)?;
    }
    if options.hold {
        eprintln!(
            "bench: holding the console at {} (pid {}), session cookie {:?}; Ctrl-C ends it",
            world.console.url,
            world.console.pid(),
            world.admin.cookie
        );
        tokio::signal::ctrl_c().await?;
    }
    world.direct.close().await;
    Ok(report)
}

/// A read-only pool on the console's file, with the console's pool size.
pub async fn direct_pool(db: &PathBuf) -> Result<SqlitePool, BenchError> {
    let options = SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    Ok(SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?)
}

/// Polls `done` every 50 ms until it answers `Some`, for at most `limit`.
pub async fn poll<T, F, Fut>(limit: Duration, mut done: F) -> Result<T, BenchError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, BenchError>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = done().await? {
            return Ok(value);
        }
        if started.elapsed() > limit {
            return Err(BenchError::Setup("gave up waiting".to_string()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
