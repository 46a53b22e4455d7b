//! The key a change form carries, so that a second submission of the same form replays the
//! first outcome instead of calling SendGrid again (DESIGN.md "Reliability").
//!
//! Two namespaces: keys a form brings back (minted by the console when it rendered the form,
//! then in the browser's hands) and keys the console mints for its own work (one per bulk
//! item and try). A form key can never take the shape of the console's own, so a client
//! cannot claim, ahead of time, the key of a bulk item that has not run yet.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The prefix of the keys the console mints for its own work (bulk items, held plan changes);
/// no form key may start with it.
const CONSOLE_PREFIX: &str = "bulk-";

/// The longest key a form may carry (the console mints 32 hex digits).
pub const MAX_FORM_KEY: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdempotencyKey(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    Missing,
    Malformed,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyError::Missing => {
                "This form came without its key, so a second submission could not be \
                 recognised; reload the page and submit it again. Nothing was sent."
            }
            KeyError::Malformed => {
                "This form's key is not one the console gives out; reload the page and submit \
                 it again. Nothing was sent."
            }
        })
    }
}

impl std::error::Error for KeyError {}

impl IdempotencyKey {
    /// A key as a form posted it: 1 to 64 of `A-Z a-z 0-9 _ -`, outside the console's own
    /// namespace. Blank is [`KeyError::Missing`]: a change without a key could run twice.
    pub fn from_form(raw: &str) -> Result<IdempotencyKey, KeyError> {
        let key = raw.trim();
        if key.is_empty() {
            return Err(KeyError::Missing);
        }
        let well_formed = key.len() <= MAX_FORM_KEY
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !key.to_ascii_lowercase().starts_with(CONSOLE_PREFIX);
        if !well_formed {
            return Err(KeyError::Malformed);
        }
        Ok(IdempotencyKey(key.to_string()))
    }

    /// The console's own key for one try of one bulk item: a rerun of the same try (after a
    /// crash) answers from the log; a new try is a new key.
    pub fn bulk_item(job_id: i64, position: i64, attempt: i64) -> IdempotencyKey {
        IdempotencyKey(format!("{CONSOLE_PREFIX}{job_id}-{position}-{attempt}"))
    }

    /// The console's own key for making a held job's change: one per job, so a job run again
    /// after a stop answers from the log.
    pub fn held_job(job_id: i64) -> IdempotencyKey {
        IdempotencyKey(format!("{CONSOLE_PREFIX}held-{job_id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_form_key_is_accepted_as_posted() {
        let key = IdempotencyKey::from_form(" 0f3a9c2d4b5e6f708192a3b4c5d6e7f8 ").unwrap();
        assert_eq!(key.as_str(), "0f3a9c2d4b5e6f708192a3b4c5d6e7f8");
    }

    #[test]
    fn blank_and_malformed_keys_are_refused() {
        assert_eq!(IdempotencyKey::from_form(""), Err(KeyError::Missing));
        assert_eq!(IdempotencyKey::from_form("  \t"), Err(KeyError::Missing));
        for bad in [
            "a b",
            "ключ",
            "k;DROP",
            &"k".repeat(MAX_FORM_KEY + 1),
            "x\ny",
        ] {
            assert_eq!(
                IdempotencyKey::from_form(bad),
                Err(KeyError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_form_cannot_claim_a_bulk_items_key() {
        let item = IdempotencyKey::bulk_item(7, 3, 1);
        assert_eq!(item.as_str(), "bulk-7-3-1");
        assert_eq!(
            IdempotencyKey::from_form(item.as_str()),
            Err(KeyError::Malformed)
        );
        assert_eq!(
            IdempotencyKey::from_form("BULK-7-3-1"),
            Err(KeyError::Malformed)
        );
    }
}
