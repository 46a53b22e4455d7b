//! A credential that cannot leak through formatting.
//!
//! DESIGN.md "Security": upstream credentials never appear in logs, errors or HTML. Holding
//! them as `secrecy`'s `SecretString` means a stray `{:?}` on a config or a `tracing` field
//! prints `[REDACTED]`, there is no `Display`, reading one takes `expose_secret()`, and the
//! bytes are wiped when it is dropped.

pub use secrecy::ExposeSecret;

/// An upstream credential (v2 `api_key`, v3 Bearer key).
pub type Secret = secrecy::SecretString;

#[cfg(test)]
mod tests {
    use super::{ExposeSecret, Secret};

    #[test]
    fn debug_hides_the_value() {
        let secret = Secret::from("SG.very-secret");
        assert!(!format!("{secret:?}").contains("very-secret"));
        assert!(!format!("{:?}", Some(&secret)).contains("very-secret"));
        assert_eq!(secret.expose_secret(), "SG.very-secret");
    }
}
