//! Command line and environment: every flag also reads an environment variable.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use app::domain::plan::SchedulingMode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use sendgrid::Secret;

use crate::middleware::client_addr::TrustedProxies;

#[derive(Debug, Parser)]
#[command(
    name = "reseller-console",
    version,
    about = "Run SendGrid reseller customers' accounts: plans, limits, offerings, audit.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// `serve` is the default: its flags are accepted without the subcommand name.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

// Parsed once at start-up and matched once: the size of `Serve` costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web console (the default).
    Serve(ServeArgs),
    /// Run the SendGrid simulator alone, for demos and manual testing.
    Simulator(SimulatorArgs),
    /// Write a consistent copy of the database to PATH (SQLite `VACUUM INTO`).
    Backup(BackupArgs),
    /// Manage operators: add, list, disable.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Check the audit log's hash chain, or export it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Try one harmless read per SendGrid API family with these settings: exit 0 when both
    /// work, 2 when SendGrid refused or failed one, 1 when the settings are unusable.
    CheckUpstream(CheckUpstreamArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CheckUpstreamArgs {
    #[command(flatten)]
    pub upstream: UpstreamArgs,
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "manager", "support", "auditor"])]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from standard input (the only way; never from arguments).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
    /// List operators.
    List {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
    /// Disable an operator; their sessions end at once.
    Disable {
        #[arg(long)]
        email: String,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
}

/// `audit verify` and `audit export`: for auditors and scripts, without the web console.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the keyed hash chain, and the latest checkpoints when there are any: prints
    /// "ok N events", or names the first problem and fails.
    Verify {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
        /// Also check that the log still holds exactly what this `audit digest` line signed.
        #[arg(long, value_name = "LINE")]
        digest: Option<String>,
        /// The checkpoint file the console writes (default: `<database>.checkpoints`).
        #[arg(long, env = "AUDIT_CHECKPOINT_FILE")]
        checkpoint_file: Option<PathBuf>,
    },
    /// Print one signed line naming the log's length and last event, to keep somewhere the
    /// database's writer cannot reach; `audit verify --digest LINE` checks it later.
    Digest {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
    /// Add a new key to the audit key file; new events are signed with it, older ones keep
    /// verifying with theirs. Restart the console afterwards.
    RotateKey {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
    /// Write the log to standard output, oldest first.
    Export {
        #[arg(long, value_parser = ["csv", "jsonl"], default_value = "csv")]
        format: String,
        /// Only events at or after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z).
        #[arg(long)]
        since: Option<String>,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
        database_url: String,
        /// The audit key file (default: beside the database, `<database>.audit-key`).
        #[arg(long, env = "AUDIT_KEY_FILE")]
        audit_key_file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(
        long = "addr",
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub addr: SocketAddr,

    /// SQLite database URL; the folder is created when missing.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
    pub database_url: String,

    /// The audit key file, created 0600 on first start; the audit log's hashes are keyed with
    /// it. Default: beside the database (`<database>.audit-key`). Keep it where whoever can
    /// write the database cannot.
    #[arg(long, env = "AUDIT_KEY_FILE")]
    pub audit_key_file: Option<PathBuf>,

    /// Where the console appends a signed digest of the audit log every
    /// `AUDIT_CHECKPOINT_MINUTES` and when it stops (default: `<database>.checkpoints`).
    #[arg(long, env = "AUDIT_CHECKPOINT_FILE")]
    pub audit_checkpoint_file: Option<PathBuf>,

    /// Minutes between audit checkpoints (written only when the log grew); 0 writes one only
    /// when the console stops.
    #[arg(long, env = "AUDIT_CHECKPOINT_MINUTES", default_value_t = 10)]
    pub audit_checkpoint_minutes: u64,

    /// Folder with the compiled site (wasm, JavaScript, CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Mark cookies Secure (HTTPS only). Defaults to on unless the address is loopback.
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// Hours after sign-in at which a session ends, active or not.
    #[arg(long, env = "SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: u64,

    /// Hours a one-time password (a new operator's, or the first admin's) can be used to sign
    /// in and choose a password of one's own; after that an admin must give a new one.
    #[arg(long, env = "ONE_TIME_PASSWORD_HOURS", default_value_t = 24)]
    pub one_time_password_hours: u64,

    /// Minutes between background syncs of the customer directory (one also runs at start-up);
    /// 0 turns background syncs off, leaving only "Refresh from SendGrid".
    #[arg(long, env = "DIRECTORY_SYNC_MINUTES", default_value_t = 10)]
    pub directory_sync_minutes: u64,

    /// Seconds between checks for offerings and state changes held for the end of a billing
    /// cycle (the worker also wakes when the next one is due).
    #[arg(long, env = "SCHEDULED_JOBS_POLL_SECONDS", default_value_t = 30)]
    pub scheduled_jobs_poll_seconds: u64,

    /// Seconds before a notification the webhook did not take is tried again; each later
    /// try waits twice as long as the one before (at most an hour), 8 tries in all.
    #[arg(long, env = "NOTIFICATION_RETRY_SECONDS", default_value_t = 30.0)]
    pub notification_retry_seconds: f64,

    /// Hours between the console's own checks of the audit log's hash chain (recorded as
    /// `audit.verify`; a failure notifies the webhook). 0 turns them off.
    #[arg(long, env = "AUDIT_VERIFY_HOURS", default_value_t = 24)]
    pub audit_verify_hours: u64,

    /// Who makes a plan change chosen for the end of the billing cycle: `upstream` (always
    /// SendGrid's `scheduled_*` tasks), `console` (the console holds it and makes it as the
    /// immediate task when due), or `auto` (SendGrid while it answers its pending API, else
    /// the console; SendGrid removed those tasks in 2017, API.md §2.6).
    #[arg(long, env = "SCHEDULED_PLAN_CHANGES", default_value = "auto", value_parser = scheduling_mode)]
    pub scheduled_plan_changes: SchedulingMode,

    /// Server-function calls an operator (or an anonymous client IP) may make per minute on
    /// average; past it the console answers 429 with Retry-After. 0 turns the limit off.
    #[arg(long, env = "API_RATE_PER_MINUTE", default_value_t = 300)]
    pub api_rate_per_minute: u32,

    /// Calls allowed at once before the per-minute rate applies.
    #[arg(long, env = "API_BURST", default_value_t = 100)]
    pub api_burst: u32,

    /// Proxies whose `X-Forwarded-For` is believed (comma-separated CIDR ranges); from
    /// anyone else the header is ignored. None by default.
    #[arg(long, env = "TRUSTED_PROXIES")]
    pub trusted_proxies: Option<TrustedProxies>,

    /// Seconds a connection may take to send a request's head, and may stay idle between
    /// keep-alive requests, before the console closes it.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,

    /// Connections open at once; past it the console stops accepting until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,

    #[command(flatten)]
    pub upstream: UpstreamArgs,
}

impl ServeArgs {
    pub fn connection_limits(&self) -> crate::serve::ConnectionLimits {
        crate::serve::ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or(!self.addr.ip().is_loopback())
    }
}

#[derive(Debug, Clone, Args)]
pub struct UpstreamArgs {
    /// SendGrid base URL (https://api.sendgrid.com, https://api.eu.sendgrid.com, any URL),
    /// or `embedded` to start the simulator in-process on a random loopback port.
    #[arg(
        long = "upstream",
        env = "SENDGRID_API_BASE",
        default_value = "embedded"
    )]
    pub base: String,

    /// Base URL of the legacy v2 calls only (`apiv2/reseller.*`), when they must go elsewhere
    /// than `--upstream`. The legacy APIs are documented only on https://api.sendgrid.com.
    #[arg(long = "upstream-v2", env = "SENDGRID_V2_API_BASE")]
    pub v2_base: Option<String>,

    /// Base URL of the v3 calls only (`/v3/partners/*`), e.g. https://api.eu.sendgrid.com for
    /// EU regional accounts, which that host serves for v3 only.
    #[arg(long = "upstream-v3", env = "SENDGRID_V3_API_BASE")]
    pub v3_base: Option<String>,

    /// v2 `api_user`; `apikey` means `api_key` is an API key (current SendGrid practice).
    #[arg(
        long = "sendgrid-api-user",
        env = "SENDGRID_API_USER",
        default_value = "apikey"
    )]
    pub api_user: String,

    /// v2 `api_key` (an API key, or the password of `api_user`). Defaults to the v3 key.
    #[arg(long = "sendgrid-api-password", env = "SENDGRID_API_PASSWORD", hide_env_values = true, value_parser = parse_secret)]
    pub api_password: Option<Secret>,

    /// File holding the v2 password (alternative to the variable).
    #[arg(
        long = "sendgrid-api-password-file",
        env = "SENDGRID_API_PASSWORD_FILE"
    )]
    pub api_password_file: Option<PathBuf>,

    /// v3 API key, sent as `Authorization: Bearer`.
    #[arg(long = "sendgrid-api-key", env = "SENDGRID_API_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub api_key: Option<Secret>,

    /// File holding the v3 API key (alternative to the variable).
    #[arg(long = "sendgrid-api-key-file", env = "SENDGRID_API_KEY_FILE")]
    pub api_key_file: Option<PathBuf>,

    /// Seconds to wait for a connection to SendGrid.
    #[arg(long, env = "SENDGRID_CONNECT_TIMEOUT", default_value_t = 5)]
    pub connect_timeout_secs: u64,

    /// Seconds a whole SendGrid request may take.
    #[arg(long, env = "SENDGRID_TIMEOUT", default_value_t = 15)]
    pub timeout_secs: u64,

    /// Customers in the embedded simulator's demo world.
    #[arg(long, env = "SIMULATOR_CUSTOMERS", default_value_t = 200)]
    pub simulator_customers: usize,

    /// Seed of the embedded simulator's demo world.
    #[arg(long, env = "SIMULATOR_SEED", default_value_t = 7)]
    pub simulator_seed: u64,
}

impl UpstreamArgs {
    pub fn is_embedded(&self) -> bool {
        self.base == "embedded"
    }

    /// Where each family goes: its own variable when set, else `--upstream`.
    pub fn family_bases(&self) -> (String, String) {
        let pick = |own: &Option<String>| {
            own.as_deref()
                .map(str::trim)
                .filter(|url| !url.is_empty())
                .unwrap_or(&self.base)
                .trim_end_matches('/')
                .to_string()
        };
        (pick(&self.v2_base), pick(&self.v3_base))
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }

    /// Where each family's credential comes from, in words, never the secret: (v2, v3).
    pub fn credential_sources(&self) -> (String, String) {
        if self.is_embedded() {
            let made = "a key made for the embedded simulator at start".to_string();
            return (made.clone(), made);
        }
        let v3 = match (&self.api_key, &self.api_key_file) {
            (Some(_), _) => "the API key in SENDGRID_API_KEY (or --sendgrid-api-key)".to_string(),
            (None, Some(path)) => format!("the API key in the file {}", path.display()),
            (None, None) => "no API key".to_string(),
        };
        let v2 = match (&self.api_password, &self.api_password_file) {
            (Some(_), _) => "the password in SENDGRID_API_PASSWORD".to_string(),
            (None, Some(path)) => format!("the password in the file {}", path.display()),
            (None, None) => v3.clone(),
        };
        (format!("user {:?} with {v2}", self.api_user), v3)
    }

    /// The v3 key: from the variable, else from the file.
    pub fn v3_key(&self) -> Result<Option<Secret>, ConfigError> {
        pick_secret(self.api_key.clone(), self.api_key_file.as_deref())
    }

    /// The v2 password: from the variable, else from the file, else the v3 key.
    pub fn v2_password(&self) -> Result<Option<Secret>, ConfigError> {
        match pick_secret(self.api_password.clone(), self.api_password_file.as_deref())? {
            Some(secret) => Ok(Some(secret)),
            None => self.v3_key(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct SimulatorArgs {
    #[arg(long, env = "SIMULATOR_ADDR", default_value = "127.0.0.1:4010")]
    pub addr: SocketAddr,
    #[arg(long, default_value_t = 200)]
    pub customers: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The only key the simulator accepts (v2 `api_key` with `api_user=apikey`, v3 Bearer).
    #[arg(long, env = "SIMULATOR_API_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub api_key: Secret,
    /// v3 requests allowed per minute before 429 (unlimited when absent).
    #[arg(long)]
    pub rate_limit_per_minute: Option<u32>,
    /// Answer as the legacy API has since 2017 (API.md §2.6): no `scheduled_*` tasks and no
    /// `reseller.pending`.
    #[arg(long)]
    pub api_2017: bool,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Where to write the copy; must not exist yet.
    #[arg(conflicts_with = "to")]
    pub path: Option<PathBuf>,
    /// The same as PATH, as a flag.
    #[arg(long, value_name = "PATH")]
    pub to: Option<PathBuf>,
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/console.db")]
    pub database_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read secret file {path:?}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn parse_secret(value: &str) -> Result<Secret, String> {
    Ok(Secret::from(value.to_string()))
}

fn pick_secret(
    value: Option<Secret>,
    file: Option<&std::path::Path>,
) -> Result<Option<Secret>, ConfigError> {
    if value.is_some() {
        return Ok(value);
    }
    let Some(path) = file else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFile {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Some(Secret::from(text.trim().to_string())))
}

#[cfg(test)]
mod tests;

/// `upstream`, `console` or `auto`, for `--scheduled-plan-changes`.
fn scheduling_mode(text: &str) -> Result<SchedulingMode, String> {
    SchedulingMode::parse(text)
        .ok_or_else(|| format!("{text:?} is not one of upstream, console, auto"))
}
