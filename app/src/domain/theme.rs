use serde::{Deserialize, Serialize};

/// The colour scheme an operator chose. `System` follows the operating system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// Name of the cookie that remembers the choice, so the server renders the right
    /// theme on the first byte and the page never flashes.
    pub const COOKIE: &'static str = "theme";

    pub fn parse(value: &str) -> Option<Theme> {
        match value {
            "system" => Some(Theme::System),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The value of `<html data-theme>`; absent for `System` so CSS media queries decide.
    pub fn html_attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            other => Some(other.as_str()),
        }
    }

    /// The order the toggle cycles through.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System theme",
            Theme::Light => "Light theme",
            Theme::Dark => "Dark theme",
        }
    }

    /// Reads the theme from a `Cookie` header value; anything unknown means `System`.
    pub fn from_cookie_header(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == Self::COOKIE)
            .and_then(|(_, value)| Theme::parse(value.trim()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_is_parsed_among_other_cookies() {
        assert_eq!(
            Theme::from_cookie_header("id=abc; theme=dark; x=y"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookie_header("theme=light"), Theme::Light);
    }

    #[test]
    fn unknown_or_missing_cookie_means_system() {
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
        assert_eq!(Theme::from_cookie_header("theme=purple"), Theme::System);
        assert_eq!(Theme::from_cookie_header("xtheme=dark"), Theme::System);
    }

    #[test]
    fn toggle_cycles_through_every_theme() {
        let mut theme = Theme::System;
        for _ in 0..3 {
            theme = theme.next();
        }
        assert_eq!(theme, Theme::System);
    }
}
