//! The email typed into the sign-in form, as the console keeps it. Anyone can post anything
//! there, up to the 256 KiB body limit; what is stored about a failed or refused sign-in (audit
//! rows, throttle keys, the redirect back to the form) must not grow with what was typed.

use serde_json::{json, Value};

/// The longest email address there can be (RFC 5321's path limit); no operator's is longer.
pub const MAX_CHARS: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInEmail {
    /// Trimmed, lower-cased, at most [`MAX_CHARS`] characters.
    kept: String,
    /// Characters typed (after trimming), so a truncated value still says how long it was.
    length: usize,
}

impl SignInEmail {
    pub fn from_form(typed: &str) -> SignInEmail {
        let trimmed = typed.trim();
        let length = trimmed.chars().count();
        let kept: String = trimmed.chars().take(MAX_CHARS).collect();
        SignInEmail {
            kept: kept.to_lowercase(),
            length,
        }
    }

    /// What is kept: at most [`MAX_CHARS`] characters.
    pub fn as_str(&self) -> &str {
        &self.kept
    }

    /// Longer than any email can be: it names no operator, whatever its first characters are.
    pub fn is_truncated(&self) -> bool {
        self.length > MAX_CHARS
    }

    /// The fields an audit row stores about it.
    pub fn audit_fields(&self) -> Value {
        json!({"email": self.kept, "email_length": self.length})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_email_is_kept_whole_and_lower_cased() {
        let email = SignInEmail::from_form("  Ann@Example.com ");
        assert_eq!(email.as_str(), "ann@example.com");
        assert!(!email.is_truncated());
        assert_eq!(
            email.audit_fields(),
            json!({"email": "ann@example.com", "email_length": 15})
        );
    }

    #[test]
    fn a_huge_email_keeps_254_characters_and_its_length() {
        let typed = "é".repeat(200_000);
        let email = SignInEmail::from_form(&typed);
        assert_eq!(email.as_str().chars().count(), MAX_CHARS);
        assert!(email.is_truncated());
        assert_eq!(email.audit_fields()["email_length"], json!(200_000));
    }
}
