//! `audit verify [--digest LINE]`, `audit digest`, `audit rotate-key` and `audit export
//! --format csv|jsonl [--since RFC3339]` (DESIGN.md "Contracts"): checking, anchoring and
//! exporting the log from the shell.

use std::io::Write;
use std::path::PathBuf;

use app::services::audit::digest;
use app::services::audit::export::{self, ExportError, ExportFormat};
use app::services::audit::key::{KeyError, KeyRing};
use app::services::audit::query::Filter;
use app::services::audit::{self, Verification};
use app::services::db;

use crate::config::AuditCommand;

#[derive(Debug, thiserror::Error)]
pub enum AuditCliError {
    #[error("audit log broken at event {id}: {reason}")]
    Broken { id: i64, reason: String },
    #[error(
        "cannot verify event {id}: it is signed with audit key {key_id}, which is not in \
         {key_file:?}; point --audit-key-file (AUDIT_KEY_FILE) at the console's key file"
    )]
    KeyMissing {
        id: i64,
        key_id: String,
        key_file: String,
    },
    #[error("the audit log does not match the digest: {0}")]
    Digest(String),
    #[error("the audit log does not match checkpoint line {line} of {path:?}: {problem}")]
    Checkpoint {
        path: PathBuf,
        line: usize,
        problem: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Open(#[from] db::OpenError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("cannot read the audit log: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
}

pub async fn run(command: AuditCommand) -> Result<(), AuditCliError> {
    match command {
        AuditCommand::Verify {
            database_url,
            audit_key_file,
            digest: line,
            checkpoint_file,
        } => {
            let pool =
                db::open_existing(&database_url, audit_key_file.as_deref(), db::Access::Read)
                    .await?;
            let events = match audit::verify(&pool).await? {
                Verification::Ok { events } => events,
                Verification::Broken { id, reason } => {
                    return Err(AuditCliError::Broken { id, reason })
                }
                Verification::KeyMissing {
                    id,
                    key_id,
                    key_file,
                } => {
                    return Err(AuditCliError::KeyMissing {
                        id,
                        key_id,
                        key_file,
                    })
                }
            };
            if let Some(line) = line {
                digest::check(&pool, &line)
                    .await?
                    .map_err(AuditCliError::Digest)?;
            }
            let checkpoints = match checkpoint_file {
                Some(path) => path,
                None => db::default_checkpoint_file(&database_url)?,
            };
            let mut checked = 0;
            if let Some((count, problems)) = digest::check_checkpoints(&pool, &checkpoints).await? {
                if let Some((line, problem)) = problems.into_iter().next() {
                    return Err(AuditCliError::Checkpoint {
                        path: checkpoints,
                        line,
                        problem,
                    });
                }
                checked = count;
            }
            match checked {
                0 => println!("ok {events} events"),
                n => println!("ok {events} events, {n} checkpoints"),
            }
        }
        AuditCommand::Digest {
            database_url,
            audit_key_file,
        } => {
            let pool =
                db::open_existing(&database_url, audit_key_file.as_deref(), db::Access::Write)
                    .await?;
            println!("{}", digest::digest(&pool).await?.line());
        }
        AuditCommand::RotateKey {
            database_url,
            audit_key_file,
        } => {
            let path = match audit_key_file {
                Some(path) => path,
                None => db::default_key_file(&database_url)?,
            };
            let key = KeyRing::rotate(&path)?;
            println!("new audit key {} in {}", key.id, path.display());
        }
        AuditCommand::Export {
            format,
            since,
            database_url,
            audit_key_file,
        } => {
            let format = ExportFormat::parse(&format)
                .ok_or_else(|| AuditCliError::Invalid(format!("unknown format {format}")))?;
            let since = since
                .as_deref()
                .map(Filter::since_rfc3339)
                .transpose()
                .map_err(AuditCliError::Invalid)?;
            let pool =
                db::open_existing(&database_url, audit_key_file.as_deref(), db::Access::Read)
                    .await?;
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
