//! A v2 package's name: what `reseller.packages` lists (API.md §4.3) and `task=overview`
//! reports a customer on (§2.7). The console matches names the way operators type them, in any
//! case and with spaces around, and this type is the one place that does: two names are equal
//! when they match, so no comparison elsewhere can forget to.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PackageName(String);

impl PackageName {
    /// As SendGrid spells it, without the spaces around it.
    pub fn new(value: impl AsRef<str>) -> PackageName {
        PackageName(value.as_ref().trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for PackageName {
    fn eq(&self, other: &PackageName) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for PackageName {}

/// A name as typed (a form, a pasted list) names this package.
impl PartialEq<str> for PackageName {
    fn eq(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

impl PartialEq<String> for PackageName {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

impl From<PackageName> for String {
    fn from(name: PackageName) -> String {
        name.0
    }
}

impl std::ops::Deref for PackageName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::PackageName;

    #[test]
    fn names_match_in_any_case_and_without_surrounding_spaces() {
        let silver = PackageName::new("Silver Package");
        assert_eq!(silver, PackageName::new(" silver package "));
        assert!(silver == *"SILVER PACKAGE  ");
        assert_ne!(silver, PackageName::new("Silver"));
        assert_eq!(silver.as_str(), "Silver Package");
    }
}
