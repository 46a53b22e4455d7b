//! Short, credential-free excerpts of bodies we could not read.
//!
//! An unreadable body ends up in `Error::Unexpected`, which reaches logs, audit rows and the UI.
//! A misbehaving proxy may echo the request (form body with `api_key`, or the Authorization
//! header), so both the configured secrets and anything shaped like a credential are masked.

use crate::ExposeSecret;
use crate::Secret;

/// Longest excerpt kept, in characters.
const EXCERPT_CHARS: usize = 200;
/// Names whose following value is masked, matched case-insensitively.
const CREDENTIAL_NAMES: [&str; 5] = ["api_key", "api_user", "password", "bearer", "authorization"];

#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub(crate) fn new(secrets: &[&Secret]) -> Self {
        Self {
            secrets: secrets
                .iter()
                .map(|s| s.expose_secret().to_owned())
                // Masking a one- or two-letter "secret" would shred the text and protect nothing.
                .filter(|s| s.len() >= 4)
                .collect(),
        }
    }

    /// A one-line, tag-free, masked and truncated rendering of `body`.
    pub(crate) fn excerpt(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let text = if looks_like_html(&text) {
            strip_tags(&text)
        } else {
            text.into_owned()
        };
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let masked = self.mask(&line);
        if masked.is_empty() {
            return "(empty body)".to_owned();
        }
        match masked.char_indices().nth(EXCERPT_CHARS) {
            Some((cut, _)) => format!("{}…", &masked[..cut]),
            None => masked,
        }
    }

    /// `text` with every configured secret and every credential-looking value replaced by `***`.
    pub(crate) fn mask(&self, text: &str) -> String {
        let mut out = self.mask_secrets(text);
        for name in CREDENTIAL_NAMES {
            out = mask_values_after(&out, name);
        }
        out
    }

    /// `text` with every configured secret replaced by `***`. For upstream's own error
    /// wording, where masking the word after "password" or "authorization" would garble a
    /// plain sentence ("password must be ...") while the secrets themselves are what matter.
    pub(crate) fn mask_secrets(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }
}

/// Masks the value following each case-insensitive occurrence of `name`
/// (`api_key=v`, `"api_key":"v"`, `Bearer v`, `Authorization: v`).
fn mask_values_after(text: &str, name: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `text`.
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let mut start = from + found + name.len();
        while start < bytes.len() && b" \t=:\"'".contains(&bytes[start]) {
            start += 1;
        }
        let mut end = start;
        while end < bytes.len() && !b" \t\r\n&\"'<>,;{}()[]".contains(&bytes[end]) {
            end += 1;
        }
        if end > start && &text[start..end] != "***" {
            out.push_str(&text[copied..start]);
            out.push_str("***");
            copied = end;
        }
        from = end.max(from + found + name.len());
    }
    out.push_str(&text[copied..]);
    out
}

pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(64).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
}

/// Drops markup, keeping the text (an nginx 502 page becomes "502 Bad Gateway nginx").
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_configured_secrets_and_credential_shapes() {
        let key = Secret::from("SG.abcdef");
        let r = Redactor::new(&[&key]);
        let body = b"echo: api_user=apikey&api_key=SG.abcdef&task=overview Authorization: Bearer xyz123 {\"password\":\"hunter2\"}";
        let out = r.excerpt(body);
        assert!(!out.contains("SG.abcdef"), "{out}");
        assert!(!out.contains("apikey&"), "{out}");
        assert!(!out.contains("xyz123"), "{out}");
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("task=overview"), "{out}");
    }

    #[test]
    fn secrets_alone_are_masked_in_wording() {
        let key = Secret::from("SG.abcdef");
        let r = Redactor::new(&[&key]);
        assert_eq!(
            r.mask_secrets("password must be 8 characters; api_key=SG.abcdef"),
            "password must be 8 characters; api_key=***"
        );
    }

    #[test]
    fn html_pages_become_short_text() {
        let page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        assert_eq!(
            Redactor::default().excerpt(page),
            "502 Bad Gateway 502 Bad Gateway nginx"
        );
    }

    #[test]
    fn long_and_empty_bodies() {
        let long = "é".repeat(500);
        let out = Redactor::default().excerpt(long.as_bytes());
        assert_eq!(out.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(Redactor::default().excerpt(b"  \n"), "(empty body)");
    }
}
