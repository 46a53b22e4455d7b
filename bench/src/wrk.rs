//! Load through `wrk` (Debian's package, installed by `scripts/bootstrap.sh bench`): fixed
//! connections, each sending its next GET when the last is answered, rotating through a list
//! of paths with a small Lua script. Its own latency distribution gives p50 and p99.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::BenchError;

/// What one `wrk` run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkResult {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers other than 2xx or 3xx, plus socket errors.
    pub errors: u64,
}

/// `wrk` with `connections` on two threads for `duration`, GETting `paths` of `base` in turn,
/// after a one-second run whose figures are dropped (warm caches, open connections).
pub fn run(
    work: &Path,
    base: &str,
    paths: &[String],
    cookie: Option<&str>,
    connections: usize,
    duration: Duration,
) -> Result<WrkResult, BenchError> {
    let script = work.join("rotate.lua");
    std::fs::write(&script, rotate_script(paths))?;
    let once = |seconds: u64| -> Result<String, BenchError> {
        let mut command = Command::new("wrk");
        command
            .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")])
            .args(["--latency", "--timeout", "10s", "-s"])
            .arg(&script);
        if let Some(cookie) = cookie {
            command.args(["-H", &format!("Cookie: {cookie}")]);
        }
        let output = command.arg(base).output().map_err(|error| {
            BenchError::Setup(format!("wrk: {error} (run `scripts/bootstrap.sh bench`)"))
        })?;
        if !output.status.success() {
            return Err(BenchError::Setup(format!(
                "wrk failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    once(1)?;
    parse(&once(duration.as_secs().max(1))?)
}

/// Each request takes the next path of the list.
fn rotate_script(paths: &[String]) -> String {
    let list = paths
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "local paths = {{ {list} }}\nlocal turn = 0\n\
         request = function()\n  turn = turn % #paths + 1\n  \
         return wrk.format(\"GET\", paths[turn])\nend\n"
    )
}

/// Reads `Requests/sec`, the 50% and 99% lines of the latency distribution, and the error
/// lines of `wrk --latency`'s report.
fn parse(report: &str) -> Result<WrkResult, BenchError> {
    let missing = |what: &str| BenchError::Setup(format!("wrk printed no {what}:\n{report}"));
    let mut result = WrkResult {
        requests_per_second: 0.0,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        errors: 0,
    };
    for line in report.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("Requests/sec:") => {
                result.requests_per_second = words
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| missing("request rate"))?;
            }
            Some("50%") => result.p50_ms = words.next().and_then(millis).unwrap_or(f64::NAN),
            Some("99%") => result.p99_ms = words.next().and_then(millis).unwrap_or(f64::NAN),
            Some("Non-2xx") => {
                result.errors += line
                    .rsplit(' ')
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
            }
            // "Socket errors: connect 0, read 0, write 0, timeout 0"
            Some("Socket") => {
                result.errors += line
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|v| v.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    if result.p50_ms.is_nan() || result.p99_ms.is_nan() {
        return Err(missing("latency distribution"));
    }
    if result.requests_per_second == 0.0 {
        return Err(missing("request rate"));
    }
    Ok(result)
}

/// `wrk`'s durations: `812.00us`, `52.40ms`, `1.02s`, `2.00m`.
fn millis(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 6s test @ http://127.0.0.1:40000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    55.12ms   12.01ms 130.00ms   70.00%
    Req/Sec   145.00     20.00   190.00     65.00%
  Latency Distribution
     50%   52.40ms
     75%   60.00ms
     90%   70.00ms
     99%  101.00ms
  1734 requests in 6.00s, 150.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    289.00
Transfer/sec:     25.00MB
";

    #[test]
    fn reads_rate_percentiles_and_errors() {
        let result = parse(REPORT).unwrap();
        assert_eq!(
            result,
            WrkResult {
                requests_per_second: 289.0,
                p50_ms: 52.4,
                p99_ms: 101.0,
                errors: 5,
            }
        );
    }

    #[test]
    fn units_become_milliseconds() {
        assert_eq!(millis("812.00us"), Some(0.812));
        assert_eq!(millis("1.50s"), Some(1500.0));
        assert_eq!(millis("fast"), None);
    }

    #[test]
    fn a_report_without_percentiles_is_an_error() {
        assert!(parse("Requests/sec: 10.0\n").is_err());
    }

    #[test]
    fn the_script_rotates_through_every_path() {
        let script = rotate_script(&["/a?x=1".to_string(), "/b".to_string()]);
        assert!(
            script.contains(r#"local paths = { "/a?x=1", "/b" }"#),
            "{script}"
        );
        assert!(script.contains("turn % #paths + 1"), "{script}");
    }
}
