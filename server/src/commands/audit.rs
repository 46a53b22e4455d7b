//! `audit verify` and `audit export --format csv|jsonl [--since RFC3339]` (DESIGN.md
//! "Contracts"): checking and exporting the log from the shell.

use std::io::Write;

use app::services::audit::export::{self, ExportError, ExportFormat};
use app::services::audit::query::Filter;
use app::services::audit::{self, Verification};
use app::services::db;

use crate::config::AuditCommand;

#[derive(Debug, thiserror::Error)]
pub enum AuditCliError {
    #[error("audit log broken at event {id}: {reason}")]
    Broken { id: i64, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Open(#[from] db::OpenError),
    #[error("cannot read the audit log: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
}

pub async fn run(command: AuditCommand) -> Result<(), AuditCliError> {
    match command {
        AuditCommand::Verify { database_url } => {
            let pool = db::open_existing(&database_url).await?;
            match audit::verify(&pool).await? {
                Verification::Ok { events } => println!("ok {events} events"),
                Verification::Broken { id, reason } => {
                    return Err(AuditCliError::Broken { id, reason })
                }
            }
        }
        AuditCommand::Export {
            format,
            since,
            database_url,
        } => {
            let format = ExportFormat::parse(&format)
                .ok_or_else(|| AuditCliError::Invalid(format!("unknown format {format}")))?;
            let since = since
                .as_deref()
                .map(Filter::since_rfc3339)
                .transpose()
                .map_err(AuditCliError::Invalid)?;
            let pool = db::open_existing(&database_url).await?;
            let filter = Filter {
                since,
                ..Filter::default()
            };
            let stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            match export::write_all(&pool, &filter, format, stdout).await {
                Ok(_) => {}
                // `| head` closing the pipe early is the reader's choice, not a failure.
                Err(ExportError::Write(error))
                    if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(error) => return Err(error.into()),
            }
            let _ = std::io::stdout().flush();
        }
    }
    Ok(())
}
