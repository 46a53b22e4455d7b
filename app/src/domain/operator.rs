use serde::{Deserialize, Serialize};

use super::Role;

/// The signed-in operator as pages see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub disabled: bool,
}

/// An operator's email: trimmed, lower-cased, one `@` with text on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorEmail(String);

impl OperatorEmail {
    pub fn parse(value: &str) -> Result<OperatorEmail, String> {
        let email = value.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if valid {
            Ok(OperatorEmail(email))
        } else {
            Err("Enter an email address such as name@example.com.".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: long enough to resist guessing, short enough to hash quickly.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < 12 {
        Err("Use at least 12 characters.".to_string())
    } else if length > 200 {
        Err("Use at most 200 characters.".to_string())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            OperatorEmail::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "a b@example.com",
            "a@b@c",
        ] {
            assert!(OperatorEmail::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough password").is_ok());
    }
}
