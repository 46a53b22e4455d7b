//! Secrets given as flags are visible to every user of the machine in the process list (`ps`,
//! `/proc/PID/cmdline`) for as long as the console runs. They still work, for a quick trial,
//! but start-up says so and names the safer ways.

use std::ffi::OsString;

/// Secret-bearing flags and what to use instead.
const SECRET_FLAGS: [(&str, &str); 2] = [
    (
        "--sendgrid-api-key",
        "SENDGRID_API_KEY_FILE (or --sendgrid-api-key-file), or SENDGRID_API_KEY",
    ),
    (
        "--sendgrid-api-password",
        "SENDGRID_API_PASSWORD_FILE (or --sendgrid-api-password-file), or SENDGRID_API_PASSWORD",
    ),
];

/// The secret flags present in `args`, with their alternatives.
pub fn on_command_line(args: &[OsString]) -> Vec<(&'static str, &'static str)> {
    SECRET_FLAGS
        .into_iter()
        .filter(|(flag, _)| {
            args.iter().any(|arg| {
                let arg = arg.to_string_lossy();
                arg == *flag || arg.starts_with(&format!("{flag}="))
            })
        })
        .collect()
}

/// Logs one warning per secret flag in this process's arguments (never the value).
pub fn warn_if_present() {
    let args: Vec<OsString> = std::env::args_os().collect();
    for (flag, instead) in on_command_line(&args) {
        tracing::warn!(
            "{flag} puts a secret on the command line, where any user of this machine can read \
             it in the process list; use {instead} instead"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn secret_flags_are_found_in_both_spellings_and_file_flags_are_not() {
        let found = on_command_line(&args(&[
            "reseller-console",
            "--sendgrid-api-key",
            "SG.x",
            "--sendgrid-api-password=p",
        ]));
        let flags: Vec<&str> = found.iter().map(|(flag, _)| *flag).collect();
        assert_eq!(flags, ["--sendgrid-api-key", "--sendgrid-api-password"]);
        let safe = on_command_line(&args(&[
            "reseller-console",
            "--sendgrid-api-key-file",
            "/etc/key",
            "--sendgrid-api-password-file=/etc/password",
        ]));
        assert!(safe.is_empty());
    }
}
