//! The real `reseller-console` binary as a child process, for tests that kill it (SIGKILL) and
//! start it again on the same database: operators added with the CLI, sign-in, server
//! functions over HTTP.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use serde_json::Value;

use crate::support::PASSWORD;

const BINARY: &str = env!("CARGO_BIN_EXE_reseller-console");

/// A console process; dropping it kills it.
pub struct ConsoleProcess {
    child: Child,
    /// Kept open: the console prints to it, and a closed pipe would fail those prints.
    _stdout: BufReader<ChildStdout>,
    pub url: String,
    /// What the console printed on standard output before it said it was running.
    pub printed_at_start: Vec<String>,
}

/// The SQLite URL of `console.db` in `dir`.
pub fn database_url(dir: &Path) -> String {
    format!("sqlite://{}/console.db", dir.display())
}

/// `operator add` with [`PASSWORD`] on standard input.
pub fn add_operator(dir: &Path, email: &str, role: &str) {
    let mut child = Command::new(BINARY)
        .args(["operator", "add", "--email", email, "--role", role])
        .args(["--password-stdin", "--database-url", &database_url(dir)])
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "operator add: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

impl ConsoleProcess {
    /// `serve` on a free loopback port with the database in `dir` and SendGrid at `upstream`
    /// (key `api_key`); background syncs and the rate limit off. `extra` flags are appended.
    /// Returns once the console says it is running.
    pub async fn start(dir: &Path, upstream: &str, api_key: &str, extra: &[&str]) -> Self {
        let show_logs = std::env::var_os("TEST_LOG").is_some();
        let mut child = Command::new(BINARY)
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(["--database-url", &database_url(dir)])
            .args(["--upstream", upstream, "--sendgrid-api-key", api_key])
            .args([
                "--directory-sync-minutes",
                "0",
                "--api-rate-per-minute",
                "0",
            ])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if show_logs {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().unwrap();
        let (stdout, url, printed_at_start) = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut printed = vec![];
            let mut line = String::new();
            loop {
                line.clear();
                let read = reader.read_line(&mut line).expect("stdout readable");
                assert!(read > 0, "the console exited before it was running");
                if let Some(url) = line.trim().strip_prefix("Reseller Console is running at ") {
                    return (reader, url.to_string(), printed);
                }
                printed.push(line.trim_end().to_string());
            }
        })
        .await
        .unwrap();
        ConsoleProcess {
            child,
            _stdout: stdout,
            url,
            printed_at_start,
        }
    }

    /// The most memory the process has held so far (`VmHWM`, Linux's peak resident set), KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process's status is readable");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM is reported")
    }

    /// SIGKILL: no shutdown code runs, like a power cut or the OOM killer.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }

    /// A client that keeps cookies, does not follow redirects, and sends this site's Origin.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.url).unwrap());
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }

    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let response = client
            .post(format!("{}/login", self.url))
            .form(&[("email", email), ("password", PASSWORD), ("next", "/")])
            .send()
            .await
            .expect("login answers");
        assert_eq!(response.status(), 303, "sign-in of {email}");
        client
    }

    /// Calls a server function; the status and the JSON answer (the text if not JSON).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> (u16, Value) {
        let response = client
            .post(format!("{}/api/{endpoint}", self.url))
            .header("accept", "application/json")
            .form(args)
            .send()
            .await
            .expect("server function answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

impl Drop for ConsoleProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A simulator of three customers accepting the tests' key, for a console process to call.
pub async fn small_simulator() -> simulator::Running {
    simulator::spawn(simulator::Config {
        customers: 3,
        api_key: crate::customers_support::SIM_KEY.to_string(),
        ..simulator::Config::default()
    })
    .await
    .expect("simulator starts")
}

/// Everything an ended child process wrote to its standard error.
pub fn stderr_of(child: &mut Child) -> String {
    use std::io::Read;
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}
