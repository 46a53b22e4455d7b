use sendgrid::ExposeSecret;
use std::ffi::OsString;
use std::sync::{Mutex, MutexGuard, PoisonError};

use clap::parser::ValueSource;
use clap::CommandFactory;

use super::*;

/// The environment is one per process and every test here parses it: each parse holds this
/// lock, so a test that sets variables never races one that expects the defaults.
static ENVIRONMENT: Mutex<()> = Mutex::new(());

fn lock_environment() -> MutexGuard<'static, ()> {
    ENVIRONMENT.lock().unwrap_or_else(PoisonError::into_inner)
}

fn args_of<'a>(args: &'a [&'a str]) -> impl Iterator<Item = &'a str> {
    std::iter::once("reseller-console").chain(args.iter().copied())
}

fn parse(args: &[&str]) -> Cli {
    let _environment = lock_environment();
    Cli::try_parse_from(args_of(args)).expect("arguments parse")
}

#[test]
fn serve_is_the_default_with_documented_defaults() {
    let cli = parse(&[]);
    assert!(cli.command.is_none());
    assert_eq!(cli.serve.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(cli.serve.database_url, "sqlite://data/console.db");
    assert!(cli.serve.upstream.is_embedded());
    assert_eq!(cli.serve.upstream.api_user, "apikey");
    assert_eq!(cli.serve.upstream.timeout(), Duration::from_secs(15));
    assert_eq!(cli.serve.upstream.connect_timeout(), Duration::from_secs(5));
}

#[test]
fn flags_work_with_and_without_the_serve_name() {
    let bare = parse(&["--addr", "127.0.0.1:4000"]);
    assert_eq!(bare.serve.addr.port(), 4000);
    let named = parse(&[
        "serve",
        "--addr",
        "127.0.0.1:4001",
        "--upstream",
        "https://api.eu.sendgrid.com",
    ]);
    match named.command {
        Some(Command::Serve(args)) => {
            assert_eq!(args.addr.port(), 4001);
            assert_eq!(args.upstream.base, "https://api.eu.sendgrid.com");
        }
        other => panic!("expected serve, got {other:?}"),
    }
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let cli = parse(&[
        "--sendgrid-api-key",
        "SG.very-secret-key",
        "--sendgrid-api-password",
        "hunter2-password",
    ]);
    let printed = format!("{cli:?}");
    assert!(!printed.contains("very-secret-key"), "{printed}");
    assert!(!printed.contains("hunter2-password"), "{printed}");
}

#[test]
fn v2_password_falls_back_to_the_v3_key() {
    let cli = parse(&["--sendgrid-api-key", "SG.key"]);
    let password = cli.serve.upstream.v2_password().unwrap().unwrap();
    assert_eq!(password.expose_secret(), "SG.key");
}

#[test]
fn secrets_can_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    std::fs::write(&path, "SG.from-file\n").unwrap();
    let cli = parse(&["--sendgrid-api-key-file", path.to_str().unwrap()]);
    assert_eq!(
        cli.serve
            .upstream
            .v3_key()
            .unwrap()
            .unwrap()
            .expose_secret(),
        "SG.from-file"
    );
}

#[test]
fn secure_cookies_default_on_unless_loopback() {
    assert!(!parse(&[]).serve.secure_cookies());
    assert!(parse(&["--addr", "0.0.0.0:3000"]).serve.secure_cookies());
    assert!(
        !parse(&["--addr", "0.0.0.0:3000", "--secure-cookies", "false"])
            .serve
            .secure_cookies()
    );
}

#[test]
fn log_format_json_is_accepted_after_a_subcommand() {
    let cli = parse(&["serve", "--log-format", "json"]);
    assert_eq!(cli.log_format, LogFormat::Json);
}

/// Every row of README's configuration table: its variable, a value for it, and a different
/// value for its flag. The test below checks the README names exactly these.
const CONFIGURATION: [(&str, &str, &str); 33] = [
    ("LEPTOS_SITE_ADDR", "127.0.0.1:4100", "127.0.0.1:4200"),
    (
        "DATABASE_URL",
        "sqlite://env/console.db",
        "sqlite://flag/console.db",
    ),
    ("LEPTOS_SITE_ROOT", "env/site", "flag/site"),
    (
        "SENDGRID_API_BASE",
        "https://api.eu.sendgrid.com",
        "https://api.sendgrid.com",
    ),
    (
        "SENDGRID_V2_API_BASE",
        "https://v2.env.example",
        "https://v2.flag.example",
    ),
    (
        "SENDGRID_V3_API_BASE",
        "https://api.eu.sendgrid.com",
        "https://v3.flag.example",
    ),
    ("SENDGRID_API_USER", "env-user", "flag-user"),
    (
        "SENDGRID_API_PASSWORD",
        "env-v2-password",
        "flag-v2-password",
    ),
    (
        "SENDGRID_API_PASSWORD_FILE",
        "env/v2-password",
        "flag/v2-password",
    ),
    ("SENDGRID_API_KEY", "SG.env-v3-key", "SG.flag-v3-key"),
    ("SENDGRID_API_KEY_FILE", "env/v3-key", "flag/v3-key"),
    ("SENDGRID_CONNECT_TIMEOUT", "7", "8"),
    ("SENDGRID_TIMEOUT", "20", "25"),
    ("SIMULATOR_CUSTOMERS", "50", "60"),
    ("SIMULATOR_SEED", "11", "12"),
    ("SECURE_COOKIES", "true", "false"),
    ("TRUSTED_PROXIES", "10.0.0.0/8, ::1", "127.0.0.1/32"),
    ("HEADER_READ_TIMEOUT_SECS", "4", "6"),
    ("MAX_CONNECTIONS", "100", "200"),
    ("SESSION_IDLE_MINUTES", "45", "50"),
    ("SESSION_ABSOLUTE_HOURS", "4", "5"),
    ("ONE_TIME_PASSWORD_HOURS", "2", "3"),
    ("DIRECTORY_SYNC_MINUTES", "0", "3"),
    ("SCHEDULED_JOBS_POLL_SECONDS", "5", "6"),
    ("NOTIFICATION_RETRY_SECONDS", "0.5", "2"),
    ("AUDIT_VERIFY_HOURS", "0", "6"),
    ("SCHEDULED_PLAN_CHANGES", "console", "upstream"),
    ("API_RATE_PER_MINUTE", "120", "130"),
    ("API_BURST", "20", "30"),
    ("LOG_FORMAT", "json", "human"),
    ("AUDIT_KEY_FILE", "env/console.key", "flag/console.key"),
    (
        "AUDIT_CHECKPOINT_FILE",
        "env/checkpoints",
        "flag/checkpoints",
    ),
    ("AUDIT_CHECKPOINT_MINUTES", "5", "6"),
];

/// `(flag, variable)` of each row of README's configuration table.
fn readme_table() -> Vec<(String, String)> {
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"));
    readme
        .lines()
        .skip_while(|line| !line.starts_with("| Flag | Variable |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cell = |i: usize| line.split('|').nth(i).unwrap().trim().trim_matches('`');
            (cell(1).to_string(), cell(2).to_string())
        })
        .collect()
}

/// Sets (`Some`) or removes (`None`) variables while it lives, holding the environment lock,
/// and puts back what was there before when it drops, also when an assertion fails.
struct Environment {
    saved: Vec<(&'static str, Option<OsString>)>,
    _lock: MutexGuard<'static, ()>,
}

impl Environment {
    fn set(vars: &[(&'static str, Option<&str>)]) -> Environment {
        let lock = lock_environment();
        let saved = vars
            .iter()
            .map(|(name, value)| {
                let before = std::env::var_os(name);
                match value {
                    Some(value) => std::env::set_var(name, value),
                    None => std::env::remove_var(name),
                }
                (*name, before)
            })
            .collect();
        Environment { saved, _lock: lock }
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        for (name, before) in &self.saved {
            match before {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
    }
}

/// The clap argument id of the flag `--long`.
fn arg_id(long: &str) -> clap::Id {
    Cli::command()
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long.trim_start_matches("--")))
        .unwrap_or_else(|| panic!("no flag {long}"))
        .get_id()
        .clone()
}

#[test]
fn every_documented_variable_is_read_and_its_flag_beats_it() {
    let documented = readme_table();
    let mut named: Vec<&str> = documented.iter().map(|(_, var)| var.as_str()).collect();
    let mut covered: Vec<&str> = CONFIGURATION.iter().map(|(var, _, _)| *var).collect();
    named.sort_unstable();
    covered.sort_unstable();
    assert_eq!(
        named, covered,
        "README's table and this test name the same variables"
    );

    let env: Vec<(&'static str, Option<&str>)> = CONFIGURATION
        .iter()
        .map(|(var, value, _)| (*var, Some(*value)))
        .collect();
    let _environment = Environment::set(&env);
    let mut flags: Vec<String> = Vec::new();
    for (flag, var) in &documented {
        let (_, _, flag_value) = CONFIGURATION.iter().find(|(v, _, _)| v == var).unwrap();
        flags.push(flag.clone());
        flags.push(flag_value.to_string());
    }

    // The variables alone: each documented flag takes its value from its variable.
    let matches = Cli::command()
        .try_get_matches_from(args_of(&[]))
        .expect("variables parse");
    for (flag, var) in &documented {
        let id = arg_id(flag);
        assert_eq!(
            matches.value_source(id.as_str()),
            Some(ValueSource::EnvVariable),
            "{flag} reads {var}"
        );
        let (_, value, _) = CONFIGURATION.iter().find(|(v, _, _)| v == var).unwrap();
        let raw: Vec<&std::ffi::OsStr> = matches.get_raw(id.as_str()).unwrap().collect();
        assert_eq!(raw, [std::ffi::OsStr::new(value)], "{flag} from {var}");
    }

    // Into the fields the console uses.
    let cli = Cli::try_parse_from(args_of(&[])).expect("variables parse");
    let serve = &cli.serve;
    assert_eq!(serve.addr.to_string(), "127.0.0.1:4100");
    assert_eq!(serve.database_url, "sqlite://env/console.db");
    assert_eq!(serve.site_root, PathBuf::from("env/site"));
    assert_eq!(serve.upstream.base, "https://api.eu.sendgrid.com");
    assert!(!serve.upstream.is_embedded());
    assert_eq!(serve.upstream.api_user, "env-user");
    // A value wins over a file, so neither file is read.
    assert_eq!(
        serve
            .upstream
            .v2_password()
            .unwrap()
            .unwrap()
            .expose_secret(),
        "env-v2-password"
    );
    assert_eq!(
        serve.upstream.v3_key().unwrap().unwrap().expose_secret(),
        "SG.env-v3-key"
    );
    assert_eq!(
        serve.upstream.api_password_file,
        Some(PathBuf::from("env/v2-password"))
    );
    assert_eq!(
        serve.upstream.api_key_file,
        Some(PathBuf::from("env/v3-key"))
    );
    assert_eq!(serve.upstream.connect_timeout(), Duration::from_secs(7));
    assert_eq!(serve.upstream.timeout(), Duration::from_secs(20));
    assert_eq!(serve.upstream.simulator_customers, 50);
    assert_eq!(serve.upstream.simulator_seed, 11);
    assert!(
        serve.secure_cookies(),
        "on although the address is loopback"
    );
    assert_eq!(serve.session_idle_minutes, 45);
    assert_eq!(serve.session_absolute_hours, 4);
    assert_eq!(serve.directory_sync_minutes, 0);
    assert_eq!(serve.audit_key_file, Some(PathBuf::from("env/console.key")));
    assert_eq!(
        serve.audit_checkpoint_file,
        Some(PathBuf::from("env/checkpoints"))
    );
    assert_eq!(serve.audit_checkpoint_minutes, 5);
    assert_eq!(serve.scheduled_jobs_poll_seconds, 5);
    assert_eq!(serve.notification_retry_seconds, 0.5);
    assert_eq!(serve.audit_verify_hours, 0);
    assert_eq!(serve.scheduled_plan_changes, SchedulingMode::Console);
    assert_eq!(serve.api_rate_per_minute, 120);
    assert_eq!(serve.api_burst, 20);
    assert_eq!(serve.trusted_proxies, "10.0.0.0/8, ::1".parse().ok());
    assert_eq!(serve.header_read_timeout_secs, 4);
    assert_eq!(serve.max_connections, 100);
    assert_eq!(cli.log_format, LogFormat::Json);
    let printed = format!("{cli:?}");
    assert!(!printed.contains("env-v2-password"), "{printed}");
    assert!(!printed.contains("env-v3-key"), "{printed}");

    // Every flag given as well: each flag wins over its variable.
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let matches = Cli::command()
        .try_get_matches_from(args_of(&flags))
        .expect("flags parse");
    for (flag, _) in &documented {
        assert_eq!(
            matches.value_source(arg_id(flag).as_str()),
            Some(ValueSource::CommandLine),
            "{flag} beats its variable"
        );
    }
    let cli = Cli::try_parse_from(args_of(&flags)).expect("flags parse");
    let serve = &cli.serve;
    assert_eq!(serve.addr.to_string(), "127.0.0.1:4200");
    assert_eq!(serve.database_url, "sqlite://flag/console.db");
    assert_eq!(serve.site_root, PathBuf::from("flag/site"));
    assert_eq!(serve.upstream.base, "https://api.sendgrid.com");
    assert_eq!(serve.upstream.api_user, "flag-user");
    assert_eq!(
        serve
            .upstream
            .v2_password()
            .unwrap()
            .unwrap()
            .expose_secret(),
        "flag-v2-password"
    );
    assert_eq!(
        serve.upstream.v3_key().unwrap().unwrap().expose_secret(),
        "SG.flag-v3-key"
    );
    assert_eq!(serve.upstream.connect_timeout(), Duration::from_secs(8));
    assert_eq!(serve.upstream.timeout(), Duration::from_secs(25));
    assert_eq!(serve.upstream.simulator_customers, 60);
    assert!(!serve.secure_cookies());
    assert_eq!(serve.session_idle_minutes, 50);
    assert_eq!(serve.directory_sync_minutes, 3);
    assert_eq!(serve.notification_retry_seconds, 2.0);
    assert_eq!(serve.audit_verify_hours, 6);
    assert_eq!(serve.api_burst, 30);
    assert_eq!(serve.trusted_proxies, "127.0.0.1/32".parse().ok());
    assert_eq!(
        serve.connection_limits().header_read_timeout,
        Duration::from_secs(6)
    );
    assert_eq!(serve.connection_limits().max_connections, 200);
    assert_eq!(cli.log_format, LogFormat::Human);
}

#[test]
fn secrets_can_come_from_files_named_by_variables() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("v3-key");
    let password = dir.path().join("v2-password");
    std::fs::write(&key, "SG.key-from-file\n").unwrap();
    std::fs::write(&password, "password-from-file\n").unwrap();
    let _environment = Environment::set(&[
        ("SENDGRID_API_KEY", None),
        ("SENDGRID_API_PASSWORD", None),
        ("SENDGRID_API_KEY_FILE", key.to_str()),
        ("SENDGRID_API_PASSWORD_FILE", password.to_str()),
    ]);
    let cli = Cli::try_parse_from(args_of(&[])).expect("variables parse");
    assert_eq!(
        cli.serve
            .upstream
            .v3_key()
            .unwrap()
            .unwrap()
            .expose_secret(),
        "SG.key-from-file"
    );
    assert_eq!(
        cli.serve
            .upstream
            .v2_password()
            .unwrap()
            .unwrap()
            .expose_secret(),
        "password-from-file"
    );
    assert!(!format!("{cli:?}").contains("from-file"));
}

#[test]
fn each_api_family_defaults_to_the_upstream_and_can_go_elsewhere() {
    let both = parse(&["--upstream", "https://api.sendgrid.com/"]);
    assert_eq!(
        both.serve.upstream.family_bases(),
        (
            "https://api.sendgrid.com".to_string(),
            "https://api.sendgrid.com".to_string()
        )
    );
    let eu = parse(&[
        "--upstream",
        "https://api.sendgrid.com",
        "--upstream-v3",
        "https://api.eu.sendgrid.com",
    ]);
    assert_eq!(
        eu.serve.upstream.family_bases(),
        (
            "https://api.sendgrid.com".to_string(),
            "https://api.eu.sendgrid.com".to_string()
        )
    );
}
