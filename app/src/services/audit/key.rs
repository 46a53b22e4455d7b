//! The audit chain's key: each row's hash is an HMAC-SHA256 under a secret kept in a file
//! outside the database, so someone who can write the database (drop its triggers, delete or
//! rewrite rows) cannot compute the hashes `audit verify` expects.
//!
//! The key file is text, created 0600 beside the database on first start (or where
//! `AUDIT_KEY_FILE` says):
//!
//! ```text
//! unkeyed-through 41
//! key 3f0c9a1be2d45c77 <64 hex digits>
//! ```
//!
//! `unkeyed-through` is the last event written before the key existed (those rows keep their
//! plain SHA-256 hashes and stay verifiable; every later row must be keyed). Each `key` line
//! is one key; the last one signs new rows, the earlier ones still verify the rows they signed,
//! so a key is rotated by appending a line (`audit rotate-key`).

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// One key: its id (recorded in every row it signs) and its secret.
#[derive(Clone)]
pub struct ChainKey {
    pub id: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainKey").field("id", &self.id).finish()
    }
}

impl ChainKey {
    fn generate() -> ChainKey {
        use rand::RngCore;
        let mut secret = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        ChainKey::from_secret(secret)
    }

    /// The id is the start of the secret's SHA-256: it names the key without revealing it.
    pub fn from_secret(secret: Vec<u8>) -> ChainKey {
        let id = hex::encode(&Sha256::digest(&secret)[..8]);
        ChainKey { id, secret }
    }

    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// HMAC-SHA256 of `parts`, each length-prefixed so no two inputs collide, in hex.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        mac_with(&self.secret, parts)
    }
}

/// HMAC-SHA256 under `secret` of `parts`, each length-prefixed, in hex.
pub fn mac_with(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Every key of a log, the last one current.
#[derive(Clone, Debug)]
pub struct KeyRing {
    /// The last event id written before the first key existed; 0 for a log keyed from the start.
    pub unkeyed_through: i64,
    pub keys: Vec<ChainKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the audit key file {path:?}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the audit key file {path:?}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the audit key file {path:?} is not valid at line {line}: {why}")]
    Invalid {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error(
        "the audit key file {path:?} is readable by other users (mode {mode:o}); \
         it must be 0600 (chmod 600 {path:?})"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error(
        "the audit log has events signed with key {key_id}, but there is no audit key file at \
         {path:?}: restore it, or point AUDIT_KEY_FILE (--audit-key-file) at it"
    )]
    Missing { path: PathBuf, key_id: String },
}

impl KeyRing {
    /// A fresh ring for a log whose last event so far is `unkeyed_through`.
    pub fn new(unkeyed_through: i64) -> KeyRing {
        KeyRing {
            unkeyed_through,
            keys: vec![ChainKey::generate()],
        }
    }

    pub fn current(&self) -> &ChainKey {
        self.keys.last().expect("a key ring holds at least one key")
    }

    pub fn by_id(&self, id: &str) -> Option<&ChainKey> {
        self.keys.iter().find(|key| key.id == id)
    }

    /// Reads the ring at `path`; `None` when there is no file.
    pub fn load(path: &Path) -> Result<Option<KeyRing>, KeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(KeyError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        refuse_exposed(path)?;
        let invalid = |line: usize, why: &str| KeyError::Invalid {
            path: path.to_path_buf(),
            line,
            why: why.to_string(),
        };
        let mut unkeyed_through = None;
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                [comment, ..] if comment.starts_with('#') => {}
                ["unkeyed-through", id] => {
                    let id = id
                        .parse::<i64>()
                        .map_err(|_| invalid(number, "unkeyed-through takes an event id"))?;
                    unkeyed_through = Some(id);
                }
                ["key", id, secret] => {
                    let secret = hex::decode(secret)
                        .map_err(|_| invalid(number, "the secret is not hex"))?;
                    let key = ChainKey::from_secret(secret);
                    if key.id != *id {
                        return Err(invalid(number, "the key id does not match its secret"));
                    }
                    keys.push(key);
                }
                _ => {
                    return Err(invalid(
                        number,
                        "expected `unkeyed-through ID` or `key ID SECRET`",
                    ))
                }
            }
        }
        if keys.is_empty() {
            return Err(invalid(text.lines().count(), "the file holds no key"));
        }
        Ok(Some(KeyRing {
            unkeyed_through: unkeyed_through.unwrap_or(0),
            keys,
        }))
    }

    /// Writes a new key file at `path`, 0600; never over an existing file.
    pub fn create(&self, path: &Path) -> Result<(), KeyError> {
        let failed = |source| KeyError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(failed)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(failed)?;
        file.write_all(self.render().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(failed)
    }

    /// Adds a new current key to the file at `path` (the old ones keep verifying their rows).
    pub fn rotate(path: &Path) -> Result<ChainKey, KeyError> {
        let Some(_) = KeyRing::load(path)? else {
            return Err(KeyError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no key file"),
            });
        };
        let key = ChainKey::generate();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|source| KeyError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        writeln!(file, "key {} {}", key.id, hex::encode(key.secret()))
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(key)
    }

    fn render(&self) -> String {
        let mut text = String::from(
            "# Reseller Console audit key. Keep it 0600 and out of reach of whoever can write\n\
             # the database: with it, the audit log's hashes can be recomputed.\n",
        );
        text.push_str(&format!("unkeyed-through {}\n", self.unkeyed_through));
        for key in &self.keys {
            text.push_str(&format!("key {} {}\n", key.id, hex::encode(key.secret())));
        }
        text
    }
}

/// Where the key lives when `AUDIT_KEY_FILE` is not set: beside the database file.
pub fn default_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".audit-key");
    PathBuf::from(name)
}

#[cfg(unix)]
fn refuse_exposed(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::Exposed {
            path: path.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_exposed(_: &Path) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_ring_loads_back_and_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.db.audit-key");
        let ring = KeyRing::new(41);
        ring.create(&path).unwrap();
        assert!(ring.create(&path).is_err(), "never over an existing file");
        let loaded = KeyRing::load(&path).unwrap().unwrap();
        assert_eq!(loaded.unkeyed_through, 41);
        assert_eq!(loaded.current().id, ring.current().id);
        assert_eq!(loaded.current().secret(), ring.current().secret());
        let new = KeyRing::rotate(&path).unwrap();
        let loaded = KeyRing::load(&path).unwrap().unwrap();
        assert_eq!(loaded.keys.len(), 2);
        assert_eq!(loaded.current().id, new.id);
        assert!(loaded.by_id(&ring.current().id).is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                KeyRing::load(&path),
                Err(KeyError::Exposed { .. })
            ));
        }
    }

    #[test]
    fn a_tampered_key_line_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let ring = KeyRing::new(0);
        ring.create(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let other = ChainKey::generate();
        let forged = text.replace(&ring.current().id, &other.id);
        std::fs::write(&path, forged).unwrap();
        assert!(matches!(
            KeyRing::load(&path),
            Err(KeyError::Invalid { .. })
        ));
    }

    #[test]
    fn macs_separate_their_parts() {
        let key = ChainKey::from_secret(vec![7; 32]);
        assert_ne!(key.mac(&[b"ab", b"c"]), key.mac(&[b"a", b"bc"]));
        assert_eq!(key.mac(&[b"x"]), mac_with(&[7; 32], &[b"x"]));
    }
}
