//! Anchors against truncation. A keyed chain stops anyone without the key from rewriting
//! rows, but not from deleting the newest ones (after dropping the triggers): what is left
//! still verifies. A digest is one signed line naming the log's length and tip at a moment:
//!
//! ```text
//! rc-audit-digest/1 events=1200 last=1200 hash=9f… at=2026-12-03T10:00:00.000Z key=3f0c… mac=…
//! ```
//!
//! `audit verify --digest LINE` fails, naming the problem, when the log no longer holds
//! exactly that prefix. The console also appends one to a checkpoint file outside the database
//! every few minutes and when it stops; `audit verify` checks the latest of them.

use std::io::Write;
use std::path::Path;

use chrono::{SecondsFormat, Utc};
use sqlx::SqlitePool;

use super::chain::{key_by_id, signing_key, GENESIS};

const VERSION: &str = "rc-audit-digest/1";

/// How many of a checkpoint file's last lines `audit verify` checks.
pub const CHECKED_CHECKPOINTS: usize = 20;

/// A digest as written: what it claims, and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub events: i64,
    pub last_id: i64,
    pub last_hash: String,
    pub at: String,
    pub key_id: String,
    pub mac: String,
}

impl Digest {
    fn signed_parts(&self) -> [String; 6] {
        [
            VERSION.to_string(),
            self.events.to_string(),
            self.last_id.to_string(),
            self.last_hash.clone(),
            self.at.clone(),
            self.key_id.clone(),
        ]
    }

    pub fn line(&self) -> String {
        format!(
            "{VERSION} events={} last={} hash={} at={} key={} mac={}",
            self.events, self.last_id, self.last_hash, self.at, self.key_id, self.mac
        )
    }

    /// Reads a line as [`Digest::line`] writes it.
    pub fn parse(line: &str) -> Result<Digest, String> {
        let mut words = line.split_whitespace();
        if words.next() != Some(VERSION) {
            return Err(format!("a digest line starts with {VERSION}"));
        }
        let mut field = |name: &str| {
            words
                .next()
                .and_then(|word| word.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_string)
                .ok_or_else(|| format!("the digest line lacks {name}="))
        };
        let number = |text: String, name: &str| {
            text.parse::<i64>()
                .map_err(|_| format!("{name}= is not a number"))
        };
        Ok(Digest {
            events: number(field("events")?, "events")?,
            last_id: number(field("last")?, "last")?,
            last_hash: field("hash")?,
            at: field("at")?,
            key_id: field("key")?,
            mac: field("mac")?,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("cannot read the audit log: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot write the checkpoint file {path:?}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// The log's digest now, signed with the current key.
pub async fn digest(pool: &SqlitePool) -> Result<Digest, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let (key_id, secret) = signing_key(&mut conn).await?;
    let tip = sqlx::query!(
        r#"SELECT COUNT(*) AS "events!: i64", COALESCE(MAX(id), 0) AS "last_id!: i64",
                (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS "last_hash?: String"
         FROM audit_events"#
    )
    .fetch_one(&mut *conn)
    .await?;
    let mut digest = Digest {
        events: tip.events,
        last_id: tip.last_id,
        last_hash: tip.last_hash.unwrap_or_else(|| GENESIS.to_string()),
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        key_id,
        mac: String::new(),
    };
    let parts = digest.signed_parts();
    let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    digest.mac = super::key::mac_with(&secret, &parts);
    Ok(digest)
}

/// Whether the log still holds exactly the prefix `line` describes; `Err` names the problem.
pub async fn check(pool: &SqlitePool, line: &str) -> Result<Result<Digest, String>, sqlx::Error> {
    let digest = match Digest::parse(line) {
        Ok(digest) => digest,
        Err(why) => return Ok(Err(why)),
    };
    let mut conn = pool.acquire().await?;
    let Some(secret) = key_by_id(&mut conn, &digest.key_id).await? else {
        return Ok(Err(format!(
            "the digest is signed with key {}, which is not in the audit key file",
            digest.key_id
        )));
    };
    let parts = digest.signed_parts();
    let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    if super::key::mac_with(&secret, &parts) != digest.mac {
        return Ok(Err(
            "the digest's signature does not match its contents (the line was altered)".to_string(),
        ));
    }
    if digest.last_id == 0 {
        return Ok(Ok(digest));
    }
    let tip = sqlx::query_scalar!("SELECT hash FROM audit_events WHERE id = ?", digest.last_id)
        .fetch_optional(&mut *conn)
        .await?;
    let held = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM audit_events WHERE id <= ?"#,
        digest.last_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(match tip {
        None => Err(format!(
            "event #{} of the digest of {} is gone: the log was cut short",
            digest.last_id, digest.at
        )),
        Some(hash) if hash != digest.last_hash => Err(format!(
            "event #{} is not the one the digest of {} signed: the log was rewritten",
            digest.last_id, digest.at
        )),
        Some(_) if held != digest.events => Err(format!(
            "the log holds {held} events up to #{} where the digest of {} counted {}: events \
             were removed",
            digest.last_id, digest.at, digest.events
        )),
        Some(_) => Ok(digest),
    })
}

/// Appends the log's digest to the checkpoint file at `path` (created 0600).
pub async fn write_checkpoint(pool: &SqlitePool, path: &Path) -> Result<Digest, DigestError> {
    let digest = digest(pool).await?;
    let failed = |source| DigestError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(failed)?;
    writeln!(file, "{}", digest.line())
        .and_then(|()| file.sync_data())
        .map_err(failed)?;
    Ok(digest)
}

/// Checks the last [`CHECKED_CHECKPOINTS`] lines of the checkpoint file at `path`, when there
/// is one: `(line number, problem)` for each that the log no longer matches.
pub async fn check_checkpoints(
    pool: &SqlitePool,
    path: &Path,
) -> Result<Option<(usize, Vec<(usize, String)>)>, sqlx::Error> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| (i + 1, line))
        .collect();
    let latest = &lines[lines.len().saturating_sub(CHECKED_CHECKPOINTS)..];
    let mut problems = Vec::new();
    for (number, line) in latest {
        if let Err(problem) = check(pool, line).await? {
            problems.push((*number, problem));
        }
    }
    Ok(Some((latest.len(), problems)))
}

/// Where checkpoints go when `AUDIT_CHECKPOINT_FILE` is not set: beside the database file.
pub fn default_checkpoint_file(database: &Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".checkpoints");
    std::path::PathBuf::from(name)
}
