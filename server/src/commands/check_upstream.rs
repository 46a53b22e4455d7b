//! `check-upstream`: the connection page's check for scripts. One harmless read per SendGrid
//! API family with the same settings `serve` takes, one line printed per family, and the exit
//! code says how it went: 0 both work, 2 SendGrid refused or failed one, 1 the settings
//! themselves are unusable.

use std::process::ExitCode;

use crate::config::CheckUpstreamArgs;
use crate::upstream::{self, UpstreamError};

/// The exit code when SendGrid answered a check with a refusal or failed it.
const CHECK_FAILED: u8 = 2;

pub async fn run(args: CheckUpstreamArgs) -> Result<ExitCode, UpstreamError> {
    let upstream = upstream::start(&args.upstream).await?;
    let report = app::services::connection::check(&upstream.client, &upstream.settings).await;
    if report.embedded {
        println!("note: the embedded simulator answered; set SENDGRID_API_BASE to check SendGrid");
    }
    for line in report.lines() {
        println!("{line}");
    }
    Ok(if report.all_work() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHECK_FAILED)
    })
}
