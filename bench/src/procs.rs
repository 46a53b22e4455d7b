//! The processes under test: the release binary (console and simulator) and the bare axum
//! ceiling, each on its own loopback port, with their memory read from `/proc`.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::BenchError;

/// A child process killed when dropped, so a failed run leaves nothing behind.
pub struct Proc {
    pub child: Child,
    pub url: String,
}

impl Proc {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now (VmRSS), in MiB.
    pub fn rss_mib(&self) -> f64 {
        status_kib(self.pid(), "VmRSS:") / 1024.0
    }

    /// The peak resident memory (VmHWM) since start or the last [`Proc::reset_peak`], in MiB.
    pub fn peak_mib(&self) -> f64 {
        status_kib(self.pid(), "VmHWM:") / 1024.0
    }

    /// Resets VmHWM to the current RSS (`clear_refs` 5), so a peak belongs to one phase.
    /// Returns false where the kernel refuses; the peak is then since start.
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").is_ok()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_kib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> Result<u16, BenchError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Starts `program args` with `env`, logging to `log`; the URL is `http://127.0.0.1:port`.
pub fn spawn(
    program: &Path,
    args: &[&str],
    env: &[(&str, String)],
    port: u16,
    log: &Path,
) -> Result<Proc, BenchError> {
    let log_file = std::fs::File::create(log)?;
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command
        .spawn()
        .map_err(|e| BenchError::Setup(format!("cannot start {}: {e}", program.display())))?;
    Ok(Proc {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

/// Polls `url` until it answers 200; the time from `since` to that answer.
pub async fn wait_ok(url: &str, since: Instant, limit: Duration) -> Result<Duration, BenchError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    loop {
        if let Ok(response) = client.get(url).send().await {
            if response.status().is_success() {
                return Ok(since.elapsed());
            }
        }
        if since.elapsed() > limit {
            return Err(BenchError::Setup(format!("{url} never answered 200")));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Where `make build` leaves things, relative to the repository root.
pub struct Paths {
    pub root: PathBuf,
    pub binary: PathBuf,
    pub site: PathBuf,
    pub work: PathBuf,
}

impl Paths {
    pub fn from_root(root: PathBuf) -> Paths {
        Paths {
            binary: root.join("target/release/reseller-console"),
            site: root.join("target/site"),
            work: root.join("target/bench-data"),
            root,
        }
    }
}
